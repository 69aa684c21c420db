// mse: no single-unit evaluations. Units are ranked by the output error each causes alone
// (SQNR, a few samples, no metric); the default configuration is tried, then the k most
// harmful units fall back together for k = 1, 2, 4, 8, ... until the criterion is met,
// then a bisection between the last failing and the first passing k finds the fewest.
#include "tune/strategy_impl.h"

namespace qtune::tune {
namespace {

class MseStrategy final : public Strategy {
 public:
  explicit MseStrategy(TuningContext& context) : context_(context) {}

  std::optional<TrialSpec> next(const std::vector<TrialResult>& history) override {
    if (history.empty()) {
      base_ = context_.default_trial();
      return base_;
    }
    const TrialResult& last = history.back();
    if (ranking_.empty()) {
      if (last.meets) return std::nullopt;
      ranking_ = context_.ranked_candidates(base_);
      if (ranking_.empty()) return std::nullopt;
      return propose(1);
    }
    if (!found_pass_) {
      if (last.meets) {
        found_pass_ = true;
        pass_k_ = k_;
      } else {
        fail_k_ = k_;
        if (k_ >= ranking_.size()) return std::nullopt;
        return propose(std::min(k_ * 2, ranking_.size()));
      }
    } else if (last.meets) {
      pass_k_ = k_;
    } else {
      fail_k_ = k_;
    }
    if (pass_k_ - fail_k_ <= 1) return std::nullopt;
    return propose((fail_k_ + pass_k_) / 2);
  }

 private:
  TrialSpec propose(size_t k) {
    k_ = k;
    const std::vector<std::string> units(ranking_.begin(), ranking_.begin() + static_cast<std::ptrdiff_t>(k));
    return with_fallbacks(base_, units, "fallback the " + std::to_string(k) + " most harmful units: " + join_units(units));
  }

  TuningContext& context_;
  TrialSpec base_;
  std::vector<std::string> ranking_;
  size_t k_ = 0, fail_k_ = 0, pass_k_ = 0;
  bool found_pass_ = false;
};

}  // namespace

std::unique_ptr<Strategy> make_mse_strategy(TuningContext& context) { return std::make_unique<MseStrategy>(context); }

}  // namespace qtune::tune
