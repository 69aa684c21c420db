// basic (the default): (1) every model-wise combination, default first; if one meets the
// criterion, done. Otherwise, from the most accurate one: (2) fall back single units to
// FP32, most harmful first (output SQNR ranking), trying the worst kSingleFallbacks; (3)
// accumulate fallbacks, units that helped most alone first, then the rest by ranking,
// until the criterion is met.
#include <algorithm>

#include "tune/strategy_impl.h"

namespace qtune::tune {
namespace {

constexpr size_t kSingleFallbacks = 8;

class BasicStrategy final : public Strategy {
 public:
  explicit BasicStrategy(TuningContext& context) : context_(context), model_wise_(context.model_wise_trials()) {}

  std::optional<TrialSpec> next(const std::vector<TrialResult>& history) override {
    const bool higher = context_.config().tuning.higher_is_better;
    if (proposed_ < model_wise_.size()) return propose(model_wise_[proposed_]);
    if (stage_ == Stage::ModelWise) {
      for (const TrialResult& r : history)
        if (r.meets) return std::nullopt;
      base_ = most_accurate(history, higher)->spec;
      ranking_ = context_.ranked_candidates(base_);
      stage_ = Stage::Single;
      stage_start_ = proposed_;
    }
    if (stage_ == Stage::Single) {
      if (history.back().meets && proposed_ > stage_start_) return std::nullopt;
      const size_t done = proposed_ - stage_start_;
      if (done < std::min(kSingleFallbacks, ranking_.size()))
        return propose(with_fallbacks(base_, {ranking_[done]}, "fallback " + ranking_[done] + " to FP32"));
      order_accumulation(history);
      stage_ = Stage::Accumulate;
      stage_start_ = proposed_;
    }
    if (history.back().meets && proposed_ > stage_start_) return std::nullopt;
    const size_t k = proposed_ - stage_start_ + 2;  // one unit alone was tried already
    if (k > order_.size()) return std::nullopt;
    const std::vector<std::string> units(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(k));
    return propose(with_fallbacks(base_, units, "fallback " + std::to_string(k) + " units: " + join_units(units)));
  }

 private:
  enum class Stage { ModelWise, Single, Accumulate };

  TrialSpec propose(TrialSpec t) {
    ++proposed_;
    return t;
  }

  // Units that helped most alone first, then the untried rest by ranking.
  void order_accumulation(const std::vector<TrialResult>& history) {
    const bool higher = context_.config().tuning.higher_is_better;
    std::vector<std::pair<double, std::string>> tried;
    for (size_t i = stage_start_; i < proposed_; ++i)
      tried.emplace_back(history[i].accuracy, ranking_[i - stage_start_]);
    std::stable_sort(tried.begin(), tried.end(),
                     [higher](const auto& a, const auto& b) { return higher ? a.first > b.first : a.first < b.first; });
    for (const auto& [accuracy, unit] : tried) order_.push_back(unit);
    for (size_t i = tried.size(); i < ranking_.size(); ++i) order_.push_back(ranking_[i]);
  }

  TuningContext& context_;
  std::vector<TrialSpec> model_wise_;
  Stage stage_ = Stage::ModelWise;
  size_t proposed_ = 0;
  size_t stage_start_ = 0;
  TrialSpec base_;
  std::vector<std::string> ranking_;  // fallback candidates, most harmful first
  std::vector<std::string> order_;    // accumulation order
};

}  // namespace

std::unique_ptr<Strategy> make_basic_strategy(TuningContext& context) {
  return std::make_unique<BasicStrategy>(context);
}

}  // namespace qtune::tune
