// The summary a tuning run prints and writes to summary.md.
#include <cmath>

#include <fmt/format.h>

#include "tune/tuner.h"

namespace qtune::tune {

std::string format_summary(const TuneOutcome& out, const config::TuneConfig& config) {
  const bool higher = config.tuning.higher_is_better;
  std::string s = "# qtune tuning summary\n\n";
  s += fmt::format("| | |\n|---|---|\n| strategy | {} |\n| baseline (FP32) | {:.6g} |\n| target | {} {:.6g} |\n",
                   config.tuning.strategy, out.baseline, higher ? ">=" : "<=", out.target);
  s += fmt::format("| trials | {} ({} read back from an earlier run) |\n", out.trials.size(),
                   std::count_if(out.trials.begin(), out.trials.end(), [](const TrialResult& r) { return r.reused; }));
  s += fmt::format("| time | {:.1f} min |\n", out.seconds / 60.0);
  if (!out.met) {
    s += "| result | no configuration met the criterion |\n";
  } else {
    int int8 = 0, fp32 = 0;
    for (const quant::UnitDecision& d : out.best_decisions) {
      if (d.kind == quant::UnitKind::Other || d.kind == quant::UnitKind::PassThrough) continue;
      (d.precision == quant::Precision::INT8 ? int8 : fp32)++;
    }
    s += fmt::format("| best | trial {}: {} |\n", out.best.index, out.best.spec.description);
    s += fmt::format("| tuned accuracy (INT8) | {:.6g} ({:+.2f}% vs FP32) |\n", out.best.accuracy,
                     out.baseline != 0 ? 100.0 * (out.best.accuracy - out.baseline) / std::fabs(out.baseline) : 0.0);
    s += fmt::format("| quantized units | {} INT8, {} FP32 |\n", int8, fp32);
    std::string fallbacks;
    for (const std::string& f : out.fallbacks) fallbacks += (fallbacks.empty() ? "" : ", ") + f;
    s += fmt::format("| fell back to FP32 | {} |\n", fallbacks.empty() ? "nothing" : fallbacks);
    if (!std::isnan(out.fp32_latency_ms))
      s += fmt::format("| latency FP32 -> INT8 | {:.2f} ms -> {:.2f} ms ({:.2f}x, {} thread{}) |\n", out.fp32_latency_ms,
                       out.int8_latency_ms, out.fp32_latency_ms / out.int8_latency_ms,
                       config.evaluation.performance.threads, config.evaluation.performance.threads == 1 ? "" : "s");
    s += fmt::format("| model | {} |\n| plan | {} |\n", out.best_model_path, out.deploy_path);
  }
  s += "\n| trial | accuracy | meets | ms | what |\n|---|---|---|---|---|\n";
  for (const TrialResult& r : out.trials)
    s += fmt::format("| {}{} | {:.6g} | {} | {} | {} |\n", r.index, r.reused ? "*" : "", r.accuracy,
                     r.meets ? "yes" : "no", std::isnan(r.latency_ms) ? std::string("") : fmt::format("{:.2f}", r.latency_ms),
                     r.spec.description);
  return s;
}

}  // namespace qtune::tune
