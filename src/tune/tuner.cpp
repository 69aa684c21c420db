#include "tune/tuner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "ir/model_io.h"
#include "quant/plan_io.h"
#include "quant/prepare.h"
#include "quant/sensitivity.h"
#include "qtune/error.h"
#include "tune/history.h"
#include "tune/latency.h"
#include "tune/strategy.h"
#include "tune/workspace.h"
#include "util/atomic_file.h"
#include "util/digest.h"

namespace qtune::tune {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string format_duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(seconds) / 3600, static_cast<int>(seconds) / 60 % 60);
}

// Tees the first few samples a calibration pass reads: the sensitivity analysis needs a
// handful of real inputs, and the calibration source can only be read once.
class KeepFirst : public quant::SampleSource {
 public:
  KeepFirst(quant::SampleSource& inner, size_t keep) : inner_(inner), keep_(keep) {}
  std::optional<quant::Feeds> next() override {
    std::optional<quant::Feeds> f = inner_.next();
    if (f && kept.size() < keep_) kept.push_back(*f);
    return f;
  }
  int64_t size_hint() const override { return inner_.size_hint(); }
  std::string last_source() const override { return inner_.last_source(); }
  std::vector<quant::Feeds> kept;

 private:
  quant::SampleSource& inner_;
  size_t keep_;
};

constexpr size_t kSensitivitySamples = 8;

// Better under the objective (both must meet the criterion).
bool faster(const TrialResult& a, const TrialResult& b, const std::string& objective) {
  if (objective == "modelsize") return a.model_bytes < b.model_bytes;
  return a.latency_ms < b.latency_ms;
}

}  // namespace

Tuner::Tuner(config::TuneConfig config, TuneOptions options) : config_(std::move(config)), options_(options) {}

TuneOutcome Tuner::tune(const ir::Model& model, quant::SampleSource& calibration, const EvalFn& eval) {
  const auto started = Clock::now();
  const config::TuningSection& tuning = config_.tuning;
  auto log = [this](const std::string& line) {
    if (options_.log) {
      std::fputs((line + "\n").c_str(), options_.log);
      std::fflush(options_.log);
    }
  };
  Workspace ws(tuning.workspace);
  const std::string model_bytes = ir::serialize_model(model);
  const std::string run = fnv1a64_hex(model_bytes + "\ncalibration:" + options_.calibration_tag);
  History history(ws.file("history.jsonl"), run);
  std::map<std::string, TrialResult> earlier = history.load();
  if (!options_.resume && !earlier.empty())
    throw Error(history.path() + ": this workspace holds an earlier tuning run (" + std::to_string(earlier.size()) +
                " trials); add --resume to continue it, or choose another tuning.workspace");

  const ir::Model prepared = quant::prepare_for_quantization(model, "model");
  const quant::Quantizer quantizer(prepared, "model");

  // Calibration: one pass over the largest sampling size, snapshots at the others. Dynamic
  // quantization measures activation ranges at run time: no pass, empty statistics.
  std::map<int64_t, quant::CalibrationStats> stats;
  const std::vector<int64_t>& sizes = config_.quantization.sampling_sizes;
  const bool dynamic = config_.quantization.dynamic;
  bool cached = true;
  for (int64_t n : sizes) {
    if (dynamic) {
      stats[n] = quant::CalibrationStats{};
      continue;
    }
    if (!std::filesystem::exists(ws.stats_file(n, run))) {
      cached = false;
      break;
    }
    stats[n] = quant::CalibrationStats::load(ws.stats_file(n, run));
    stats[n].check_model(prepared, ws.stats_file(n, run));
  }
  KeepFirst keep(calibration, kSensitivitySamples);
  if (!cached) {
    stats.clear();
    quant::CalibrationOptions co;
    co.sampling_size = *std::max_element(sizes.begin(), sizes.end());
    co.threads = options_.threads;
    co.quiet = options_.quiet;
    co.checkpoints = sizes;
    co.checkpoint_stats = &stats;
    const quant::CalibrationStats all = quant::calibrate(prepared, keep, co);
    for (int64_t n : sizes) {
      if (!stats.count(n)) {
        log(fmt::format("calibration: only {} samples available for sampling_size {}", all.samples, n));
        stats[n] = all;
      }
      stats[n].save(ws.stats_file(n, run));
    }
    log(fmt::format("calibration: {} samples", all.samples));
  } else {
    // The sensitivity analysis still needs a few inputs.
    for (size_t i = 0; i < kSensitivitySamples; ++i)
      if (!keep.next()) break;
    log(dynamic ? "calibration: none (dynamic quantization)" : "calibration: statistics reused from the workspace");
  }

  // The FP32 baseline, once per model and evaluation.
  TuneOutcome out;
  const std::string fingerprint = fnv1a64_hex(model_bytes + "\n" + options_.baseline_tag);
  if (std::optional<double> b = ws.baseline(fingerprint)) {
    out.baseline = *b;
    log(fmt::format("baseline (FP32): {:.6g} (from the workspace)", out.baseline));
  } else {
    const auto t0 = Clock::now();
    out.baseline = eval(model);
    ws.save_baseline(fingerprint, out.baseline, seconds_since(t0));
    log(fmt::format("baseline (FP32): {:.6g} in {}", out.baseline, format_duration(seconds_since(t0))));
  }
  const bool higher = tuning.higher_is_better;
  const double margin = tuning.criterion == config::CriterionKind::Relative
                            ? std::fabs(out.baseline) * tuning.criterion_value
                            : tuning.criterion_value;
  out.target = higher ? out.baseline - margin : out.baseline + margin;
  auto meets = [&](double accuracy) { return higher ? accuracy >= out.target : accuracy <= out.target; };
  log(fmt::format("target: {} {:.6g} ({} {})", higher ? ">=" : "<=", out.target,
                  tuning.criterion == config::CriterionKind::Relative ? "relative" : "absolute", tuning.criterion_value));

  // Latency inputs: configured shapes, else the first calibration sample.
  std::map<std::string, Tensor> feeds;
  if (!config_.evaluation.performance.shapes.empty() || keep.kept.empty())
    feeds = synthetic_feeds(model, config_.evaluation.performance.shapes);
  else
    feeds = keep.kept.front();
  LatencyOptions latency;
  latency.threads = config_.evaluation.performance.threads;
  latency.warmup = config_.evaluation.performance.warmup;
  latency.iters = config_.evaluation.performance.iters;

  TuningContext context(config_, quantizer, [&](const TrialSpec& base) {
    const std::string key = run + "_" + quant::plan_key(base.plan, base.sampling_size);
    if (auto r = ws.sensitivity(key)) return *r;
    quant::SensitivityOptions so;
    so.threads = options_.threads;
    so.quiet = options_.quiet;
    std::vector<quant::UnitSensitivity> ranking =
        quant::unit_sensitivity(quantizer, stats.at(base.sampling_size), base.plan, keep.kept, so);
    ws.save_sensitivity(key, ranking);
    return ranking;
  });
  std::unique_ptr<Strategy> strategy = make_strategy(tuning.strategy, context);

  std::optional<size_t> best;  // index into out.trials
  double spent = 0;             // seconds of earlier runs' trials: the timeout covers all runs
  for (const auto& [key, r] : earlier) spent += r.seconds;
  const auto loop_start = Clock::now();
  while (static_cast<int>(out.trials.size()) < tuning.max_trials) {
    std::optional<TrialSpec> spec = strategy->next(out.trials);
    if (!spec) break;
    const std::string key = quant::plan_key(spec->plan, spec->sampling_size);
    TrialResult r;
    if (auto it = earlier.find(key); it != earlier.end()) {
      r = it->second;
      r.spec.description = spec->description;
      // The criterion may have changed since: judge the recorded accuracy again.
      r.meets = meets(r.accuracy);
      if (r.meets && tuning.objective == "performance" && std::isnan(r.latency_ms)) {
        const quant::QuantizeResult q = quantizer.quantize(stats.at(spec->sampling_size), spec->plan);
        r.latency_ms = measure_latencies_ms({&q.model}, feeds, latency)[0];
      }
    } else {
      if (tuning.timeout_seconds > 0 && spent + seconds_since(loop_start) >= tuning.timeout_seconds) break;
      const auto t0 = Clock::now();
      r.spec = *spec;
      const quant::QuantizeResult q = quantizer.quantize(stats.at(spec->sampling_size), spec->plan);
      r.accuracy = eval(q.model);
      r.meets = meets(r.accuracy);
      r.model_bytes = static_cast<double>(ir::serialize_model(q.model).size());
      if (r.meets && tuning.objective == "performance") r.latency_ms = measure_latencies_ms({&q.model}, feeds, latency)[0];
      r.seconds = seconds_since(t0);
    }
    r.index = static_cast<int>(out.trials.size()) + 1;
    const std::string change =
        quant::describe_plan_difference(best ? out.trials[*best].spec.plan : context.default_trial().plan, r.spec.plan);
    if (!r.reused) history.append(r, change);
    out.trials.push_back(r);
    if (r.meets && (!best || faster(r, out.trials[*best], tuning.objective))) best = out.trials.size() - 1;
    const double elapsed = seconds_since(started);
    // Trials read back from the history took no time now: estimate from evaluated ones.
    const auto evaluated = std::count_if(out.trials.begin(), out.trials.end(), [](const TrialResult& t) { return !t.reused; });
    const double per_trial = evaluated ? elapsed / static_cast<double>(evaluated) : 0.0;
    double eta = per_trial * (tuning.max_trials - static_cast<int>(out.trials.size()));
    if (tuning.timeout_seconds > 0) eta = std::min(eta, std::max(0.0, tuning.timeout_seconds - elapsed));
    log(fmt::format("trial {}/{} {}: {} {:.6g} (target {} {:.6g}) {}{} | best: {} | elapsed {}{}", r.index,
                    tuning.max_trials, r.spec.description, r.reused ? "recorded" : "accuracy", r.accuracy,
                    higher ? ">=" : "<=", out.target, r.meets ? "meets" : "misses",
                    std::isnan(r.latency_ms) ? "" : fmt::format(", {:.2f} ms", r.latency_ms),
                    best ? fmt::format("trial {}", *best + 1) : std::string("none"), format_duration(elapsed),
                    (tuning.timeout_seconds == 0 && r.meets && strategy->stops_at_first_pass()) || !evaluated
                        ? ""
                        : ", at most " + format_duration(eta) + " left"));
    if (r.meets && tuning.timeout_seconds == 0 && strategy->stops_at_first_pass()) break;
  }

  out.met = best.has_value();
  if (out.met) {
    out.best = out.trials[*best];
    quant::QuantizeResult q = quantizer.quantize(stats.at(out.best.spec.sampling_size), out.best.spec.plan);
    out.best_decisions = q.decisions;
    for (const auto& [name, o] : out.best.spec.plan.nodes)
      if (o.precision == quant::Precision::FP32) out.fallbacks.push_back(name);
    out.best_model = std::move(q.model);
    out.best_model_path = ws.file("best_model.onnx");
    ir::save_model(out.best_model, out.best_model_path);
    out.deploy_path = ws.file("deploy.yaml");
    write_file_atomic(out.deploy_path, quant::plan_to_yaml(out.best.spec.plan, out.best.spec.sampling_size));
    const std::vector<double> ms = measure_latencies_ms({&model, &out.best_model}, feeds, latency);
    out.fp32_latency_ms = ms[0];
    out.int8_latency_ms = ms[1];
  }
  out.seconds = seconds_since(started);
  out.summary_path = ws.file("summary.md");
  const std::string summary = format_summary(out, config_);
  write_file_atomic(out.summary_path, summary);
  log(summary);
  return out;
}

}  // namespace qtune::tune
