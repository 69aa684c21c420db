// Range algorithms against values computed directly from the raw samples.
#include "quant/range_algorithms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../data/data_test_util.h"
#include "quant_test_util.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;
using testing::stats_of;

// NumPy's default percentile (linear interpolation between order statistics).
double sorted_percentile(std::vector<float> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = p / 100.0 * static_cast<double>(v.size() - 1);
  const auto i = static_cast<size_t>(std::floor(pos));
  const size_t j = std::min(i + 1, v.size() - 1);
  return v[i] + (pos - static_cast<double>(i)) * (v[j] - v[i]);
}

std::vector<float> abs_values(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

// Mean squared quantize-dequantize error of the raw samples, ONNX semantics.
double sample_mse(const std::vector<float>& v, const QuantParams& p) {
  const double qmin = static_cast<double>(quant_min(p.dtype)), qmax = static_cast<double>(quant_max(p.dtype));
  double sum = 0;
  for (float x : v) {
    const double q = std::clamp(static_cast<double>(std::nearbyint(x / p.scale[0])) + p.zero_point[0], qmin, qmax);
    const double d = static_cast<double>(x) - (q - p.zero_point[0]) * p.scale[0];
    sum += d * d;
  }
  return sum / static_cast<double>(v.size());
}

// TensorRT's entropy search written out bin by bin, as the reference for the
// prefix-sum implementation.
size_t direct_kl_threshold_bins(const std::vector<int64_t>& hist, size_t levels) {
  size_t n = hist.size();
  while (n > 0 && hist[n - 1] == 0) --n;
  if (n <= levels) return n;
  double total = 0;
  for (size_t j = 0; j < n; ++j) total += static_cast<double>(hist[j]);
  size_t best = n;
  double best_kl = 1e300;
  for (size_t i = levels; i <= n; ++i) {
    std::vector<double> p(hist.begin(), hist.begin() + static_cast<std::ptrdiff_t>(i)), q(i, 0.0);
    double inside = 0;
    for (double c : p) inside += c;
    if (inside == 0) continue;
    p[i - 1] += total - inside;
    for (size_t g = 0; g < levels; ++g) {
      const size_t start = g * i / levels, end = (g + 1) * i / levels;
      double t = 0, nz = 0;
      for (size_t j = start; j < end; ++j) {
        t += static_cast<double>(hist[j]);
        nz += p[j] > 0;
      }
      for (size_t j = start; j < end; ++j) q[j] = p[j] > 0 ? t / nz : 0;
    }
    double kl = 0;
    for (size_t j = 0; j < i; ++j)
      if (p[j] > 0) kl += p[j] / total * std::log((p[j] / total) / std::max(q[j] / inside, 1e-12));
    if (kl < best_kl) {
      best_kl = kl;
      best = i;
    }
  }
  return best;
}

TEST(RangeAlgorithms, MinMaxIsExact) {
  const auto v = testing::gaussian(10000, 3);
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  EXPECT_EQ(minmax_range(stats_of(v)), (Range{*lo, *hi}));
}

TEST(RangeAlgorithms, PercentileMatchesSortedSamples) {
  for (const auto& v : {testing::uniform(200000, 4, -2.0f, 6.0f), testing::gaussian(200000, 5, 1.5f)}) {
    const TensorStats s = stats_of(v);
    const double w = s.bin_width();
    for (double p : {99.0, 99.9, 99.99}) {
      const Range two_sided = percentile_range(s, p, false);
      EXPECT_NEAR(two_sided.lo, sorted_percentile(v, 100.0 - p), w) << p;
      EXPECT_NEAR(two_sided.hi, sorted_percentile(v, p), w) << p;
      const Range sym = percentile_range(s, p, true);
      EXPECT_NEAR(sym.hi, sorted_percentile(abs_values(v), p), w) << p;
      EXPECT_EQ(sym.lo, -sym.hi);
    }
  }
}

TEST(RangeAlgorithms, Percentile100IsTheMaximum) {
  const auto v = testing::gaussian(5000, 6);
  const TensorStats s = stats_of(v);
  EXPECT_EQ(percentile_range(s, 100.0, false), minmax_range(s));
  EXPECT_EQ(percentile_range(s, 100.0, true).hi, s.abs_max());
  expect_error([&] { percentile_range(s, 30.0, false); }, {"percentile", "[50, 100]"});
}

TEST(RangeAlgorithms, KlSearchMatchesADirectComputation) {
  std::mt19937 rng(13);
  for (int trial = 0; trial < 6; ++trial) {
    // Decaying counts with random holes, a spike at 0 (ReLU), and far outliers.
    std::vector<int64_t> hist(2048, 0);
    const double decay = 50.0 + 80.0 * trial;
    for (size_t j = 0; j < hist.size(); ++j) {
      const double mean = 1000.0 * std::exp(-static_cast<double>(j) / decay);
      hist[j] = std::poisson_distribution<int64_t>(mean)(rng);
      if (rng() % 7 == 0) hist[j] = 0;
    }
    if (trial % 2) hist[0] += 100000;
    hist[1500 + static_cast<size_t>(trial) * 60] += 3;
    for (size_t levels : {128u, 256u})
      EXPECT_EQ(kl_threshold_bins(hist, levels), direct_kl_threshold_bins(hist, levels)) << trial << " " << levels;
  }
  // Everything within the first `levels` bins: nothing to clip.
  std::vector<int64_t> small(2048, 0);
  small[100] = 5;
  EXPECT_EQ(kl_threshold_bins(small, 128), 101u);
}

TEST(RangeAlgorithms, KlClipsOutliersOfAGaussian) {
  std::vector<float> v = testing::gaussian(200000, 7);
  for (float outlier : {20.0f, -18.0f, 15.0f, -20.0f, 19.0f}) v.push_back(outlier);
  const TensorStats s = stats_of(v);
  const Range r = kl_range(s, Scheme::Int8Symmetric);
  EXPECT_EQ(r.lo, -r.hi);
  EXPECT_LT(r.hi, 0.5f * s.abs_max()) << "outliers should be clipped";
  EXPECT_GT(r.hi, 2.5f) << "the bulk of the Gaussian (sigma 1) should be kept";
}

TEST(RangeAlgorithms, KlKeepsUniformDataNearItsMaximum) {
  const TensorStats s = stats_of(testing::uniform(200000, 8, -1.0f, 1.0f));
  const Range r = kl_range(s, Scheme::Int8Symmetric);
  EXPECT_GT(r.hi, 0.9f * s.abs_max());
  EXPECT_LE(r.hi, s.abs_max());
}

TEST(RangeAlgorithms, KlOnANonNegativeTensorUsesItsSideForUint8) {
  std::vector<float> v = abs_values(testing::gaussian(100000, 9));
  v.insert(v.end(), 50000, 0.0f);  // ReLU zeros
  v.push_back(30.0f);
  const TensorStats s = stats_of(v);
  const Range r = kl_range(s, Scheme::UInt8Asymmetric);
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_GT(r.hi, 2.5f);
  EXPECT_LT(r.hi, 0.5f * s.max());
}

// Values far from zero (a LayerNorm variance): a threshold below them all would fold every
// value into one bin where P and Q agree (KL 0). At most 0.1% may be clipped.
TEST(RangeAlgorithms, KlDoesNotFoldAnOffsetTensorIntoOneBin) {
  const TensorStats s = stats_of(testing::uniform(100000, 12, 0.66f, 3.04f));
  const Range r = kl_range(s, Scheme::UInt8Asymmetric);
  EXPECT_GE(r.hi, 0.999f * 3.04f - 0.001f * 0.66f - 0.01f);
  EXPECT_LE(r.hi, s.max());
  EXPECT_LT(kl_threshold_bins(s.abs_histogram(), 256) * s.bin_width(), 1.0);  // unbounded: the degenerate optimum
}

TEST(RangeAlgorithms, KlOnAConstantTensorKeepsTheConstant) {
  // Every threshold below the constant leaves Q empty; the one at it is lossless.
  const TensorStats s = stats_of(std::vector<float>(1000, 3.0f));
  EXPECT_EQ(kl_range(s, Scheme::Int8Symmetric), (Range{-3.0f, 3.0f}));
  EXPECT_EQ(kl_range(s, Scheme::UInt8Asymmetric), (Range{3.0f, 3.0f}));
}

// The histogram's expected error agrees with the error measured on the samples.
TEST(RangeAlgorithms, HistogramMseMatchesSampleMse) {
  const auto v = testing::laplace(200000, 10);
  const TensorStats s = stats_of(v);
  for (float t : {2.0f, 6.0f, 10.0f, s.abs_max()}) {
    const QuantParams p = choose_params({-t, t}, Scheme::Int8Symmetric);
    EXPECT_NEAR(histogram_mse(s, p), sample_mse(v, p), 0.01 * sample_mse(v, p)) << t;
  }
  const QuantParams asym = choose_params({-3.0f, 8.0f}, Scheme::UInt8Asymmetric);
  EXPECT_NEAR(histogram_mse(s, asym), sample_mse(v, asym), 0.01 * sample_mse(v, asym));
}

// Brute force over the same candidate grid on the raw samples picks the same clip (within
// one grid step), for symmetric int8 on a Laplace tensor and uint8 on a ReLU-like one.
TEST(RangeAlgorithms, MseClipMatchesBruteForceOnSamples) {
  constexpr int kCandidates = 64;
  struct Case {
    std::vector<float> values;
    Scheme scheme;
  };
  std::vector<Case> cases = {{testing::laplace(100000, 11), Scheme::Int8Symmetric},
                             {abs_values(testing::laplace(100000, 12)), Scheme::UInt8Asymmetric}};
  for (const Case& c : cases) {
    const TensorStats s = stats_of(c.values);
    auto candidate = [&](int k) {
      const double f = static_cast<double>(k) / kCandidates;
      if (is_symmetric(c.scheme)) {
        const auto t = static_cast<float>(s.abs_max() * f);
        return Range{-t, t};
      }
      return Range{static_cast<float>(s.min() * f), static_cast<float>(s.max() * f)};
    };
    int brute_best = kCandidates;
    double brute_mse = 1e300;
    for (int k = kCandidates; k >= 1; --k) {
      const double mse = sample_mse(c.values, choose_params(candidate(k), c.scheme));
      if (mse < brute_mse) {  // widest first: ties keep the wider range, as mse_range does
        brute_mse = mse;
        brute_best = k;
      }
    }
    const Range chosen = mse_range(s, c.scheme, kCandidates);
    int chosen_k = -1;
    for (int k = 1; k <= kCandidates; ++k)
      if (candidate(k) == chosen) chosen_k = k;
    ASSERT_GE(chosen_k, 1) << "mse_range did not return a grid candidate";
    EXPECT_NEAR(chosen_k, brute_best, 1) << scheme_name(c.scheme);
    EXPECT_LT(chosen_k, kCandidates) << "a Laplace tensor's best 8-bit clip is inside its max";
  }
}

TEST(RangeAlgorithms, AllZeroAndEmptyStats) {
  const TensorStats zeros = stats_of(std::vector<float>(100, 0.0f));
  for (RangeMethod m : {RangeMethod::MinMax, RangeMethod::Percentile, RangeMethod::KL, RangeMethod::MSE}) {
    EXPECT_EQ(compute_range(zeros, m, Scheme::UInt8Asymmetric), (Range{0, 0})) << range_method_name(m);
    EXPECT_EQ(compute_range(TensorStats(), m, Scheme::Int8Symmetric), (Range{0, 0})) << range_method_name(m);
    EXPECT_GT(choose_params(compute_range(zeros, m, Scheme::UInt8Asymmetric), Scheme::UInt8Asymmetric).scale[0], 0.0f);
  }
}

TEST(RangeAlgorithms, ParsesMethodNames) {
  EXPECT_EQ(parse_range_method("minmax"), RangeMethod::MinMax);
  EXPECT_EQ(parse_range_method("entropy"), RangeMethod::KL);
  EXPECT_EQ(parse_range_method("kl"), RangeMethod::KL);
  EXPECT_EQ(parse_range_method("mse"), RangeMethod::MSE);
  EXPECT_EQ(parse_range_method("percentile"), RangeMethod::Percentile);
  expect_error([] { parse_range_method("max"); }, {"'max'", "minmax"});
}

}  // namespace
}  // namespace qtune::quant
