// bayesian: a Tree-structured Parzen Estimator over the pairs (m, k): model-wise
// combination m with the k most harmful units of its sensitivity ranking in FP32, k in
// [0, n_m]. The first proposals are random; after that the results so far are split
// into good (lowest loss) and bad, each side gets a density over (m, k), and of a batch
// of candidates drawn from the good density the one where good is most likely relative
// to bad is proposed. The loss prefers passing pairs with few fallbacks, so the search
// drifts towards the fastest configuration that meets the criterion. Done when every pair
// was proposed.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <set>

#include "tune/strategy_impl.h"

namespace qtune::tune {
namespace {

constexpr size_t kRandomProposals = 4;  // too few results before this to model anything
constexpr size_t kCandidates = 48;      // draws from the good density per proposal
constexpr double kGoodFraction = 0.25;

struct Point {
  size_t m = 0;  // model-wise index
  size_t k = 0;  // fallback count
  auto operator<=>(const Point&) const = default;
};

class BayesianStrategy final : public Strategy {
 public:
  explicit BayesianStrategy(TuningContext& context) : context_(context), model_wise_(context.model_wise_trials()) {
    rankings_.resize(model_wise_.size());
    for (const TrialSpec& t : model_wise_) {
      sizes_.push_back(context.fallback_candidates(t).size());
      space_ += sizes_.back() + 1;
    }
  }

  std::optional<TrialSpec> next(const std::vector<TrialResult>& history) override {
    if (proposed_.size() == space_) return std::nullopt;
    const Point p = points_.size() < kRandomProposals ? random_untried() : suggest(history);
    points_.push_back(p);
    proposed_.insert(p);
    return trial(p);
  }

 private:
  // Uniform over the pairs not proposed yet.
  Point random_untried() {
    size_t pick = std::uniform_int_distribution<size_t>(0, space_ - proposed_.size() - 1)(context_.rng());
    for (size_t m = 0; m < sizes_.size(); ++m)
      for (size_t k = 0; k <= sizes_[m]; ++k)
        if (!proposed_.count({m, k}) && pick-- == 0) return {m, k};
    return {};  // unreachable: space_ counts every pair
  }

  Point suggest(const std::vector<TrialResult>& history) {
    const size_t observed = std::min(history.size(), points_.size());
    // Accuracy gaps are normalized by the spread seen so far, since the metric's scale is unknown.
    double best = history[0].accuracy, worst = history[0].accuracy;
    const bool higher = context_.config().tuning.higher_is_better;
    for (size_t i = 0; i < observed; ++i) {
      const double a = history[i].accuracy;
      if (higher ? a > best : a < best) best = a;
      if (higher ? a < worst : a > worst) worst = a;
    }
    std::vector<std::pair<double, Point>> scored;
    for (size_t i = 0; i < observed; ++i) {
      const double gap = best == worst ? 0.0 : std::abs(best - history[i].accuracy) / std::abs(best - worst);
      const Point& p = points_[i];
      const double loss = (history[i].meets ? 0.0 : 1.0 + gap) + static_cast<double>(p.k) / (sizes_[p.m] + 1.0);
      scored.emplace_back(loss, p);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const size_t n_good = std::max<size_t>(1, static_cast<size_t>(kGoodFraction * static_cast<double>(observed)));
    std::vector<Point> good, bad;
    for (size_t i = 0; i < scored.size(); ++i) (i < n_good ? good : bad).push_back(scored[i].second);

    std::optional<Point> chosen;
    double chosen_ratio = 0;
    for (size_t c = 0; c < kCandidates; ++c) {
      const Point p = draw(good);
      if (proposed_.count(p)) continue;
      const double ratio = density(good, p) / density(bad, p);
      if (!chosen || ratio > chosen_ratio) {
        chosen = p;
        chosen_ratio = ratio;
      }
    }
    // The good region can be used up while the space is not: keep exploring.
    return chosen ? *chosen : random_untried();
  }

  // Bandwidth in units of k: about a fifth of the range, never below one step.
  double bandwidth(size_t m) const { return std::max(1.0, static_cast<double>(sizes_[m]) / 5.0); }

  // A sample of the density `density(set, .)` describes: m by its smoothed counts; k from
  // one mixture component chosen uniformly (a kernel around an observation, or the prior).
  Point draw(const std::vector<Point>& set) {
    std::vector<double> weights(sizes_.size(), 1.0);
    for (const Point& p : set) weights[p.m] += 1.0;
    const size_t m = std::discrete_distribution<size_t>(weights.begin(), weights.end())(context_.rng());
    const size_t component = std::uniform_int_distribution<size_t>(0, set.size())(context_.rng());
    if (component == set.size()) return {m, std::uniform_int_distribution<size_t>(0, sizes_[m])(context_.rng())};
    const double mean = static_cast<double>(set[component].k);
    const double k = std::normal_distribution<double>(mean, bandwidth(m))(context_.rng());
    return {m, static_cast<size_t>(std::clamp(std::round(k), 0.0, static_cast<double>(sizes_[m])))};
  }

  // p(m) * p(k): m categorical with +1 smoothing (no combination is ever ruled out); k a
  // Gaussian kernel per observation mixed with a uniform prior weighted as one observation.
  double density(const std::vector<Point>& set, const Point& p) const {
    double m_count = 1.0;
    for (const Point& q : set) m_count += q.m == p.m ? 1.0 : 0.0;
    const double p_m = m_count / static_cast<double>(set.size() + sizes_.size());
    const double h = bandwidth(p.m);
    double k_sum = 1.0 / static_cast<double>(sizes_[p.m] + 1);
    for (const Point& q : set) {
      const double z = (static_cast<double>(p.k) - static_cast<double>(q.k)) / h;
      k_sum += std::exp(-0.5 * z * z) / (h * std::sqrt(2.0 * std::numbers::pi));
    }
    return p_m * k_sum / static_cast<double>(set.size() + 1);
  }

  TrialSpec trial(const Point& p) {
    const TrialSpec& base = model_wise_[p.m];
    if (p.k == 0) return base;  // no ranking needed: sensitivity is only computed for m when used
    if (!rankings_[p.m]) rankings_[p.m] = context_.ranked_candidates(base);
    const std::vector<std::string> units(rankings_[p.m]->begin(),
                                         rankings_[p.m]->begin() + static_cast<std::ptrdiff_t>(p.k));
    std::string description = base.description;
    description.append("; fallback the ").append(std::to_string(p.k)).append(" most harmful units: ");
    description.append(join_units(units));
    return with_fallbacks(base, units, description);
  }

  TuningContext& context_;
  std::vector<TrialSpec> model_wise_;
  std::vector<size_t> sizes_;  // n_m: fallback candidates of each model-wise combination
  size_t space_ = 0;           // number of (m, k) pairs
  std::vector<std::optional<std::vector<std::string>>> rankings_;  // per model-wise index, once used
  std::vector<Point> points_;  // in proposal order: points_[i] gave history[i]
  std::set<Point> proposed_;
};

}  // namespace

std::unique_ptr<Strategy> make_bayesian_strategy(TuningContext& context) {
  return std::make_unique<BayesianStrategy>(context);
}

}  // namespace qtune::tune
