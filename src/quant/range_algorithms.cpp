#include "quant/range_algorithms.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "qtune/error.h"

namespace qtune::quant {
namespace {

double cube(double x) { return x * x * x; }

// Value at quantile q in [0, 1] of a histogram; `bounds(i)` is bin i's [a, b].
template <class Bounds>
double histogram_quantile(const std::vector<int64_t>& counts, Bounds bounds, double q) {
  const double total = static_cast<double>(std::accumulate(counts.begin(), counts.end(), int64_t{0}));
  const double target = q * total;
  double cum = 0;
  size_t last = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    last = i;
    const double c = static_cast<double>(counts[i]);
    if (cum + c >= target) {
      auto [a, b] = bounds(i);
      return a + std::clamp((target - cum) / c, 0.0, 1.0) * (b - a);
    }
    cum += c;
  }
  return bounds(last).second;
}

// Bin i of the signed histogram, clipped to the values actually seen.
std::pair<double, double> signed_bin(const TensorStats& s, size_t i) {
  const double w = s.bin_width(), a = -s.range() + static_cast<double>(i) * w;
  return {std::clamp(a, double{s.min()}, double{s.max()}), std::clamp(a + w, double{s.min()}, double{s.max()})};
}

// Bin j of the |x| histogram, clipped to [0, max|x|].
std::pair<double, double> abs_bin(const TensorStats& s, size_t j) {
  const double w = s.bin_width(), amax = s.abs_max();
  return {std::min(static_cast<double>(j) * w, amax), std::min(static_cast<double>(j + 1) * w, amax)};
}

// Antiderivative of the squared rounding error e(t) = t - s*round(t/s).
double rounding_error_antiderivative(double x, double s) {
  const double k = std::nearbyint(x / s), r = x - k * s;
  return k * s * s * s / 12.0 + r * r * r / 3.0;
}

// Integral over [a, b] of the squared quantize-dequantize error with step s and the
// representable range [lo, hi] (multiples of s): clipping outside, rounding inside.
double error_integral(double a, double b, double s, double lo, double hi) {
  double total = 0;
  if (a < lo) {
    const double e = std::min(b, lo);
    total += (cube(e - lo) - cube(a - lo)) / 3.0;
  }
  const double m0 = std::max(a, lo), m1 = std::min(b, hi);
  if (m1 > m0) total += rounding_error_antiderivative(m1, s) - rounding_error_antiderivative(m0, s);
  if (b > hi) {
    const double e = std::max(a, hi);
    total += (cube(b - hi) - cube(e - hi)) / 3.0;
  }
  return total;
}

double point_error(double x, double s, double lo, double hi) {
  const double d = x - std::clamp(s * std::nearbyint(x / s), lo, hi);
  return d * d;
}

// A histogram bin's count spread over [a, b] (its extent clipped to [min, max]).
struct Mass {
  double a, b, n;
};

std::vector<Mass> masses_of(const TensorStats& stats) {
  std::vector<Mass> out;
  const auto& hist = stats.histogram();
  for (size_t i = 0; i < hist.size(); ++i)
    if (hist[i] > 0) {
      auto [a, b] = signed_bin(stats, i);
      out.push_back({a, b, static_cast<double>(hist[i])});
    }
  return out;
}

// Mean squared quantize-dequantize error over the masses with per-tensor params.
double expected_error(const std::vector<Mass>& masses, int64_t count, const QuantParams& params) {
  const double s = params.scale[0], zp = params.zero_point[0];
  const double lo = (static_cast<double>(quant_min(params.dtype)) - zp) * s;
  const double hi = (static_cast<double>(quant_max(params.dtype)) - zp) * s;
  double total = 0;
  for (const Mass& m : masses)
    total += m.b > m.a ? m.n * error_integral(m.a, m.b, s, lo, hi) / (m.b - m.a) : m.n * point_error(m.a, s, lo, hi);
  return total / static_cast<double>(count);
}

}  // namespace

size_t kl_threshold_bins(const std::vector<int64_t>& hist, size_t levels, double max_clipped_fraction) {
  if (levels == 0) throw Error("kl_threshold_bins: need at least one level");
  size_t n = hist.size();
  while (n > 0 && hist[n - 1] == 0) --n;
  if (n <= levels) return n;  // everything fits in `levels` bins: nothing worth clipping
  // Prefix sums over bins [0, j): counts, non-empty bins, and c*log(c). With them each
  // candidate costs O(levels) instead of O(bins):
  //   KL(P||Q) = (1/S) * sum_g [sum_{j in g} p_j log p_j - P_g log q_g] - log S
  // where S is the total count, P_g the (folded) count in group g, and q_g the normalized
  // Q value shared by the group's non-empty bins: T_g / (nonempty_g * inside).
  std::vector<double> count(n + 1, 0.0), nonempty(n + 1, 0.0), clogc(n + 1, 0.0);
  for (size_t j = 0; j < n; ++j) {
    const auto c = static_cast<double>(hist[j]);
    count[j + 1] = count[j] + c;
    nonempty[j + 1] = nonempty[j] + (c > 0);
    clogc[j + 1] = clogc[j] + (c > 0 ? c * std::log(c) : 0.0);
  }
  constexpr double kFloor = 1e-12;  // Q where P > 0 but the group was empty before folding
  const double total = count[n];
  size_t best = n;
  double best_kl = std::numeric_limits<double>::infinity();
  for (size_t i = levels; i <= n; ++i) {
    const double inside = count[i];
    if (inside == 0) continue;  // all mass beyond the threshold: Q is empty
    const double outliers = total - inside;
    if (outliers > max_clipped_fraction * total) continue;
    double sum = 0;
    for (size_t g = 0; g < levels; ++g) {
      const size_t start = g * i / levels, end = (g + 1) * i / levels;
      const double t = count[end] - count[start];
      double p = t, plogp = clogc[end] - clogc[start], nz = nonempty[end] - nonempty[start];
      if (end == i && outliers > 0) {  // bin i-1 also holds everything beyond the threshold
        const auto last = static_cast<double>(hist[i - 1]);
        const double folded = last + outliers;
        plogp += folded * std::log(folded) - (last > 0 ? last * std::log(last) : 0.0);
        p += outliers;
        nz += last == 0;
      }
      if (p == 0) continue;
      sum += plogp - p * std::log(std::max(t / (nz * inside), kFloor));
    }
    const double kl = sum / total - std::log(total);
    if (kl < best_kl) {
      best_kl = kl;
      best = i;
    }
  }
  return best;
}

RangeMethod parse_range_method(const std::string& name) {
  if (name == "minmax") return RangeMethod::MinMax;
  if (name == "percentile") return RangeMethod::Percentile;
  if (name == "kl" || name == "entropy") return RangeMethod::KL;
  if (name == "mse") return RangeMethod::MSE;
  throw Error("calibration method '" + name + "': expected minmax, percentile, kl (entropy) or mse");
}

const char* range_method_name(RangeMethod method) {
  switch (method) {
    case RangeMethod::MinMax: return "minmax";
    case RangeMethod::Percentile: return "percentile";
    case RangeMethod::KL: return "kl";
    case RangeMethod::MSE: return "mse";
  }
  return "?";
}

Range minmax_range(const TensorStats& stats) { return {stats.min(), stats.max()}; }

Range percentile_range(const TensorStats& stats, double percentile, bool symmetric) {
  if (!(percentile >= 50 && percentile <= 100))
    throw Error("percentile " + std::to_string(percentile) + ": expected a value in [50, 100]");
  if (stats.range() == 0) return minmax_range(stats);  // empty or all zero
  const double q = percentile / 100.0;
  if (symmetric) {
    const auto t = static_cast<float>(histogram_quantile(
        stats.abs_histogram(), [&](size_t j) { return abs_bin(stats, j); }, q));
    return {-t, t};
  }
  auto bounds = [&](size_t i) { return signed_bin(stats, i); };
  return {static_cast<float>(histogram_quantile(stats.histogram(), bounds, 1.0 - q)),
          static_cast<float>(histogram_quantile(stats.histogram(), bounds, q))};
}

// Without a bound, a tensor whose values sit away from zero (a LayerNorm variance in
// [0.66, 3.04]) has a degenerate optimum: a threshold below all its values folds every
// value into one bin, where P and Q agree and KL is 0.
constexpr double kKlMaxClippedFraction = 1e-3;

Range kl_range(const TensorStats& stats, Scheme scheme) {
  if (stats.range() == 0) return minmax_range(stats);
  const bool one_signed = stats.min() >= 0 || stats.max() <= 0;
  const size_t levels = !is_symmetric(scheme) && one_signed ? 256 : 128;
  const size_t bins = kl_threshold_bins(stats.abs_histogram(), levels, kKlMaxClippedFraction);
  const auto t = static_cast<float>(std::min(static_cast<double>(bins) * stats.bin_width(), double{stats.abs_max()}));
  if (is_symmetric(scheme)) return {-t, t};
  return {std::max(stats.min(), -t), std::min(stats.max(), t)};
}

double histogram_mse(const TensorStats& stats, const QuantParams& params) {
  if (params.per_channel() || params.scale.size() != 1) throw Error("histogram_mse: expected per-tensor parameters");
  if (stats.count() == 0 || stats.range() == 0) return 0.0;  // nothing, or only zeros (always exact)
  return expected_error(masses_of(stats), stats.count(), params);
}

Range mse_range(const TensorStats& stats, Scheme scheme, int candidates) {
  if (candidates < 1) throw Error("mse_range: need at least one candidate, got " + std::to_string(candidates));
  if (stats.range() == 0) return minmax_range(stats);
  const std::vector<Mass> masses = masses_of(stats);
  Range best = minmax_range(stats);
  double best_mse = std::numeric_limits<double>::infinity();
  for (int k = candidates; k >= 1; --k) {  // widest first, so ties keep the wider range
    const double f = static_cast<double>(k) / candidates;
    Range r;
    if (is_symmetric(scheme)) {
      const auto t = static_cast<float>(stats.abs_max() * f);
      r = {-t, t};
    } else {
      r = {static_cast<float>(stats.min() * f), static_cast<float>(stats.max() * f)};
    }
    const double mse = expected_error(masses, stats.count(), choose_params(r, scheme));
    if (mse < best_mse) {
      best_mse = mse;
      best = r;
    }
  }
  return best;
}

Range compute_range(const TensorStats& stats, RangeMethod method, Scheme scheme, double percentile) {
  switch (method) {
    case RangeMethod::MinMax: return minmax_range(stats);
    case RangeMethod::Percentile: return percentile_range(stats, percentile, is_symmetric(scheme));
    case RangeMethod::KL: return kl_range(stats, scheme);
    case RangeMethod::MSE: return mse_range(stats, scheme);
  }
  return minmax_range(stats);
}

}  // namespace qtune::quant
