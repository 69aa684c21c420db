// exhaustive: (1) every model-wise combination, all of them even when one meets the
// criterion (the tuner keeps the fastest passing one when it is given time). If none
// does, from the most accurate: (2) the k most harmful units (output SQNR ranking) fall
// back together for every k = 1, 2, ..., n in turn, stopping at the first k that meets
// the criterion, so the result has the fewest fallbacks this ranking allows.
#include <algorithm>

#include "tune/strategy_impl.h"

namespace qtune::tune {
namespace {

class ExhaustiveStrategy final : public Strategy {
 public:
  explicit ExhaustiveStrategy(TuningContext& context)
      : context_(context), model_wise_(context.model_wise_trials()) {}

  bool stops_at_first_pass() const override { return false; }

  std::optional<TrialSpec> next(const std::vector<TrialResult>& history) override {
    if (proposed_ < model_wise_.size()) return propose(model_wise_[proposed_]);
    if (!ranked_) {
      for (const TrialResult& r : history)
        if (r.meets) return std::nullopt;
      base_ = most_accurate(history, context_.config().tuning.higher_is_better)->spec;
      ranking_ = context_.ranked_candidates(base_);
      ranked_ = true;
    } else if (history.back().meets) {
      return std::nullopt;  // the first passing k is the smallest: more fallbacks only cost speed
    }
    const size_t k = proposed_ - model_wise_.size() + 1;
    if (k > ranking_.size()) return std::nullopt;
    const std::vector<std::string> units(ranking_.begin(), ranking_.begin() + static_cast<std::ptrdiff_t>(k));
    const std::string description = "fallback the " + std::to_string(k) + " most harmful units: " + join_units(units);
    return propose(with_fallbacks(base_, units, description));
  }

 private:
  TrialSpec propose(TrialSpec t) {
    ++proposed_;
    return t;
  }

  TuningContext& context_;
  std::vector<TrialSpec> model_wise_;
  size_t proposed_ = 0;
  bool ranked_ = false;  // the model-wise stage is over and ranking_ belongs to base_
  TrialSpec base_;
  std::vector<std::string> ranking_;  // fallback candidates of base_, most harmful first
};

}  // namespace

std::unique_ptr<Strategy> make_exhaustive_strategy(TuningContext& context) {
  return std::make_unique<ExhaustiveStrategy>(context);
}

}  // namespace qtune::tune
