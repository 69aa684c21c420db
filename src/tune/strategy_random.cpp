// random: each trial is a model-wise combination with the k most harmful units of its
// own sensitivity ranking in FP32, the pair (combination, k) drawn uniformly from the
// pairs not proposed yet (k in [0, n], n = the combination's fallback candidates). Done
// when every pair was proposed. A baseline for the guided strategies, and a way to
// sample a space too big to enumerate within max_trials.
#include <algorithm>
#include <numeric>
#include <optional>

#include "tune/strategy_impl.h"

namespace qtune::tune {
namespace {

class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(TuningContext& context) : context_(context), model_wise_(context.model_wise_trials()) {
    rankings_.resize(model_wise_.size());
    for (const TrialSpec& t : model_wise_) {
      untried_.emplace_back(context.fallback_candidates(t).size() + 1);
      std::iota(untried_.back().begin(), untried_.back().end(), size_t{0});
    }
  }

  std::optional<TrialSpec> next(const std::vector<TrialResult>&) override {
    size_t left = 0;
    for (const std::vector<size_t>& ks : untried_) left += ks.size();
    if (left == 0) return std::nullopt;
    // One uniform draw over every remaining pair, walked model-wise index by index.
    size_t pick = std::uniform_int_distribution<size_t>(0, left - 1)(context_.rng());
    size_t m = 0;
    while (pick >= untried_[m].size()) pick -= untried_[m++].size();
    const size_t k = untried_[m][pick];
    untried_[m].erase(untried_[m].begin() + static_cast<std::ptrdiff_t>(pick));
    return trial(m, k);
  }

 private:
  TrialSpec trial(size_t m, size_t k) {
    const TrialSpec& base = model_wise_[m];
    if (k == 0) return base;  // no ranking needed: sensitivity is only computed for m when used
    if (!rankings_[m]) rankings_[m] = context_.ranked_candidates(base);
    const std::vector<std::string> units(rankings_[m]->begin(), rankings_[m]->begin() + static_cast<std::ptrdiff_t>(k));
    std::string description = base.description;
    description.append("; fallback the ").append(std::to_string(k)).append(" most harmful units: ");
    description.append(join_units(units));
    return with_fallbacks(base, units, description);
  }

  TuningContext& context_;
  std::vector<TrialSpec> model_wise_;
  std::vector<std::vector<size_t>> untried_;  // per model-wise index: the k not proposed yet
  std::vector<std::optional<std::vector<std::string>>> rankings_;  // per model-wise index, once used
};

}  // namespace

std::unique_ptr<Strategy> make_random_strategy(TuningContext& context) {
  return std::make_unique<RandomStrategy>(context);
}

}  // namespace qtune::tune
