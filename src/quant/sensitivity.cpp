#include "quant/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qtune/error.h"
#include "util/progress.h"

namespace qtune::quant {
namespace {

std::vector<std::vector<Tensor>> run_all(const ir::Model& model, const std::vector<Feeds>& samples,
                                         const SensitivityOptions& options) {
  exec::SessionOptions so;
  so.backend = options.backend;
  so.threads = options.threads;
  exec::Session session(model, so);
  std::vector<std::vector<Tensor>> out;
  for (const Feeds& feeds : samples) {
    std::vector<Tensor> outputs;
    for (auto& [name, t] : session.run(feeds)) outputs.push_back(std::move(t));
    out.push_back(std::move(outputs));
  }
  return out;
}

}  // namespace

OutputError output_error(const std::vector<std::vector<Tensor>>& got, const std::vector<std::vector<Tensor>>& want) {
  double error = 0, power = 0;
  for (size_t s = 0; s < want.size(); ++s)
    for (size_t o = 0; o < want[s].size(); ++o) {
      const Tensor& w = want[s][o];
      const Tensor& g = got.at(s).at(o);
      if (w.dtype() != DataType::Float32 || g.dtype() != DataType::Float32 || w.numel() != g.numel()) continue;
      const float* a = g.data<float>();
      const float* b = w.data<float>();
      for (int64_t i = 0; i < w.numel(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        error += d * d;
        power += static_cast<double>(b[i]) * b[i];
      }
    }
  OutputError e;
  e.nmse = power > 0 ? error / power : (error > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  e.sqnr_db = error > 0 ? 10.0 * std::log10(power / error) : std::numeric_limits<double>::infinity();
  return e;
}

std::vector<UnitSensitivity> unit_sensitivity(const Quantizer& quantizer, const CalibrationStats& stats,
                                              const QuantPlan& plan, const std::vector<Feeds>& samples,
                                              const SensitivityOptions& options) {
  if (samples.empty()) throw Error("sensitivity analysis needs at least one sample");
  const std::vector<std::vector<Tensor>> reference = run_all(quantizer.prepared(), samples, options);
  const std::vector<UnitDecision> decisions = quantizer.decide(plan);
  std::vector<size_t> measured;
  for (size_t i = 0; i < decisions.size(); ++i)
    if (decisions[i].precision == Precision::INT8 && decisions[i].kind != UnitKind::PassThrough &&
        decisions[i].kind != UnitKind::Other)
      measured.push_back(i);
  Progress progress("sensitivity", static_cast<int64_t>(measured.size()), options.quiet);
  std::vector<UnitSensitivity> out;
  for (size_t i : measured) {
    QuantPlan only = plan;
    for (size_t j : measured)
      if (j != i) only.nodes[decisions[j].name].precision = Precision::FP32;
    const QuantizeResult q = quantizer.quantize(stats, only);
    const OutputError e = output_error(run_all(q.model, samples, options), reference);
    out.push_back({decisions[i].name, decisions[i].label, e.sqnr_db, e.nmse});
    progress.advance();
  }
  progress.finish();
  std::stable_sort(out.begin(), out.end(),
                   [](const UnitSensitivity& a, const UnitSensitivity& b) { return a.sqnr_db < b.sqnr_db; });
  return out;
}

}  // namespace qtune::quant
