// Tuning strategies propose trials; the tuner runs them and hands every result back. A
// strategy never evaluates anything itself (so trials could run in other processes), and
// it is deterministic for a given random seed and given results, which is what lets an
// interrupted run resume: the same proposals come again and the finished ones are read
// back from the history instead of being evaluated.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/tune_config.h"
#include "quant/quantizer.h"
#include "quant/sensitivity.h"
#include "tune/trial.h"

namespace qtune::tune {

// What strategies may ask about the model and the search space.
class TuningContext {
 public:
  using SensitivityFn = std::function<std::vector<quant::UnitSensitivity>(const TrialSpec& base)>;

  TuningContext(const config::TuneConfig& config, const quant::Quantizer& quantizer, SensitivityFn sensitivity);

  const config::TuneConfig& config() const { return config_; }
  const quant::Quantizer& quantizer() const { return quantizer_; }
  // The config's default trial: base_plan() with the first sampling size.
  TrialSpec default_trial() const;
  // Every model-wise combination (weight x activation x sampling size), default first.
  std::vector<TrialSpec> model_wise_trials() const;
  // Units `spec` quantizes that a fallback can return to FP32 (compute, binary, concat),
  // in graph order.
  std::vector<std::string> fallback_candidates(const TrialSpec& spec) const;
  // Those units, most harmful first: output SQNR with only that unit INT8 (computed once
  // per base trial and cached by the tuner).
  std::vector<quant::UnitSensitivity> sensitivity(const TrialSpec& base) const;
  // fallback_candidates(base) in sensitivity order (units the ranking did not measure last,
  // in graph order): what fallback strategies walk through.
  std::vector<std::string> ranked_candidates(const TrialSpec& base) const;
  std::mt19937_64& rng() { return rng_; }

 private:
  const config::TuneConfig& config_;
  const quant::Quantizer& quantizer_;
  SensitivityFn sensitivity_;
  std::mt19937_64 rng_;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // The next trial given every result so far (in order), or nullopt when done.
  virtual std::optional<TrialSpec> next(const std::vector<TrialResult>& history) = 0;
  // Whether `exit_policy.timeout: 0` may stop the run at the first trial that meets the
  // criterion. Strategies whose answer is their last passing trial (conservative keeps
  // adding op types; exhaustive covers its space) say no.
  virtual bool stops_at_first_pass() const { return true; }
};

// `name` is one of config::strategy_names(). Throws qtune::Error for another.
std::unique_ptr<Strategy> make_strategy(const std::string& name, TuningContext& context);

// Shared helpers: `spec` with these units set to FP32.
TrialSpec with_fallbacks(const TrialSpec& spec, const std::vector<std::string>& units, const std::string& description);
// The best result (highest accuracy, or lowest when lower is better) among `results`;
// nullptr when empty.
const TrialResult* most_accurate(const std::vector<TrialResult>& results, bool higher_is_better);

}  // namespace qtune::tune
