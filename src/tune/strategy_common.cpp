#include <algorithm>
#include <set>

#include "qtune/error.h"
#include "tune/strategy.h"
#include "tune/strategy_impl.h"

namespace qtune::tune {

TuningContext::TuningContext(const config::TuneConfig& config, const quant::Quantizer& quantizer,
                             SensitivityFn sensitivity)
    : config_(config), quantizer_(quantizer), sensitivity_(std::move(sensitivity)), rng_(config.tuning.random_seed) {}

TrialSpec TuningContext::default_trial() const {
  return {config::base_plan(config_), config_.quantization.sampling_sizes.front(), "default configuration"};
}

std::vector<TrialSpec> TuningContext::model_wise_trials() const {
  const TrialSpec base = default_trial();
  std::vector<TrialSpec> out;
  for (int64_t sampling : config_.quantization.sampling_sizes)
    for (const quant::WeightConfig& w : config_.quantization.model_wise.weight)
      for (const quant::ActivationConfig& a : config_.quantization.model_wise.activation) {
        TrialSpec t = base;
        t.plan.weight = w;
        t.plan.activation = a;
        t.sampling_size = sampling;
        t.description = std::string("model-wise: weight ") + quant::scheme_name(w.scheme) +
                        (w.per_channel ? " per-channel" : " per-tensor") + ", activation " +
                        quant::scheme_name(a.scheme) + " " + quant::range_method_name(a.algorithm) + ", " +
                        std::to_string(sampling) + " calibration samples";
        out.push_back(std::move(t));
      }
  return out;
}

std::vector<std::string> TuningContext::fallback_candidates(const TrialSpec& spec) const {
  std::vector<std::string> out;
  for (const quant::UnitDecision& d : quantizer_.decide(spec.plan))
    if (d.precision == quant::Precision::INT8 && d.kind != quant::UnitKind::PassThrough &&
        d.kind != quant::UnitKind::Other)
      out.push_back(d.name);
  return out;
}

std::vector<quant::UnitSensitivity> TuningContext::sensitivity(const TrialSpec& base) const {
  return sensitivity_(base);
}

std::vector<std::string> TuningContext::ranked_candidates(const TrialSpec& base) const {
  const std::vector<std::string> candidates = fallback_candidates(base);
  std::vector<std::string> ranking;
  for (const quant::UnitSensitivity& s : sensitivity(base))
    if (std::find(candidates.begin(), candidates.end(), s.name) != candidates.end() &&
        std::find(ranking.begin(), ranking.end(), s.name) == ranking.end())
      ranking.push_back(s.name);
  for (const std::string& c : candidates)
    if (std::find(ranking.begin(), ranking.end(), c) == ranking.end()) ranking.push_back(c);
  return ranking;
}

TrialSpec with_fallbacks(const TrialSpec& spec, const std::vector<std::string>& units, const std::string& description) {
  TrialSpec t = spec;
  for (const std::string& u : units) t.plan.nodes[u].precision = quant::Precision::FP32;
  t.description = description;
  return t;
}

const TrialResult* most_accurate(const std::vector<TrialResult>& results, bool higher_is_better) {
  const TrialResult* best = nullptr;
  for (const TrialResult& r : results)
    if (!best || (higher_is_better ? r.accuracy > best->accuracy : r.accuracy < best->accuracy)) best = &r;
  return best;
}

std::string join_units(const std::vector<std::string>& units, size_t max_shown) {
  std::string s;
  for (size_t i = 0; i < units.size() && i < max_shown; ++i) s += (i ? ", " : "") + units[i];
  if (units.size() > max_shown) s += " (+" + std::to_string(units.size() - max_shown) + " more)";
  return s;
}

std::unique_ptr<Strategy> make_strategy(const std::string& name, TuningContext& context) {
  if (name == "basic") return make_basic_strategy(context);
  if (name == "mse") return make_mse_strategy(context);
  if (name == "conservative") return make_conservative_strategy(context);
  if (name == "exhaustive") return make_exhaustive_strategy(context);
  if (name == "random") return make_random_strategy(context);
  if (name == "bayesian") return make_bayesian_strategy(context);
  throw Error("tuning.strategy '" + name + "': unknown strategy");
}

}  // namespace qtune::tune
