// TensorStats: exact re-binning, merging, and reporting of non-finite values.
#include "quant/tensor_stats.h"

#include <gtest/gtest.h>

#include <numeric>

#include "../data/data_test_util.h"
#include "quant_test_util.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;
using testing::stats_of;

int64_t histogram_total(const TensorStats& s) {
  return std::accumulate(s.histogram().begin(), s.histogram().end(), int64_t{0});
}

// Log-uniform magnitudes in [1e-3, 1e3] with random signs.
std::vector<float> wide_values(size_t n, uint64_t seed) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  std::uniform_real_distribution<double> exponent(-3.0, 3.0);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>((sign(rng) ? 1 : -1) * std::pow(10.0, exponent(rng)));
  return v;
}

TEST(TensorStats, CountsMinMaxAndBins) {
  TensorStats s(8);
  const std::vector<float> v = {0.5f, -0.25f, 0.0f, 0.75f};
  s.update(v.data(), 4);
  EXPECT_EQ(s.count(), 4);
  EXPECT_EQ(s.min(), -0.25f);
  EXPECT_EQ(s.max(), 0.75f);
  EXPECT_EQ(s.range(), 1.0);  // smallest power of two >= 0.75
  EXPECT_EQ(s.bin_width(), 0.125);
  // Bin i covers [-1 + i/8, -1 + (i+1)/8).
  std::vector<int64_t> want(16, 0);
  want[6] = 1;   // -0.25
  want[8] = 1;   // 0
  want[12] = 1;  // 0.5
  want[14] = 1;  // 0.75
  EXPECT_EQ(s.histogram(), want);
  EXPECT_EQ(s.abs_max(), 0.75f);
}

TEST(TensorStats, RebinningPreservesCountsMinMaxAndMatchesOneShotHistogram) {
  // Batches of growing magnitude force many doublings of R (from 2^-9 up to 2^10).
  TensorStats incremental;
  std::vector<float> all;
  for (int decade = -3; decade <= 3; ++decade) {
    std::vector<float> batch = testing::uniform(5000, 100 + static_cast<uint64_t>(decade + 3), -1.0f, 1.0f);
    for (float& x : batch) x *= static_cast<float>(std::pow(10.0, decade));
    incremental.update(batch.data(), static_cast<int64_t>(batch.size()));
    all.insert(all.end(), batch.begin(), batch.end());
    EXPECT_EQ(histogram_total(incremental), incremental.count());
  }
  const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
  EXPECT_EQ(incremental.count(), static_cast<int64_t>(all.size()));
  EXPECT_EQ(incremental.min(), *lo);
  EXPECT_EQ(incremental.max(), *hi);
  EXPECT_GE(incremental.range(), incremental.abs_max());
  EXPECT_LT(incremental.range(), 2.0 * incremental.abs_max());
  // Doubling merges bins along power-of-two edges, so it loses nothing against binning
  // everything at the final range in one go.
  EXPECT_EQ(incremental, stats_of(all));
}

TEST(TensorStats, ValuesSpanningSixDecadesAreAllCounted) {
  const std::vector<float> v = wide_values(20000, 5);
  TensorStats s;
  for (size_t i = 0; i < v.size(); i += 1000) s.update(v.data() + i, 1000);
  EXPECT_EQ(s.count(), 20000);
  EXPECT_EQ(histogram_total(s), 20000);
  EXPECT_EQ(s.range(), 1024.0);
  EXPECT_EQ(s, stats_of(v));
  // Values of magnitude <= 1e-3 share the central bins; none fell out.
  const auto abs = s.abs_histogram();
  EXPECT_EQ(std::accumulate(abs.begin(), abs.end(), int64_t{0}), 20000);
}

TEST(TensorStats, ZerosBeforeTheFirstNonZeroValueAreKept) {
  TensorStats s;
  const std::vector<float> zeros(10, 0.0f);
  s.update(zeros.data(), 10);
  EXPECT_EQ(s.count(), 10);
  EXPECT_EQ(s.range(), 0.0);  // nothing to size the histogram on yet
  EXPECT_EQ(s.min(), 0.0f);
  EXPECT_EQ(s.max(), 0.0f);
  const float x = 3.0f;
  s.update(&x, 1);
  EXPECT_EQ(s.count(), 11);
  EXPECT_EQ(s.range(), 4.0);
  EXPECT_EQ(s.histogram()[static_cast<size_t>(s.bins_per_side())], 10);  // bin [0, w)
  EXPECT_EQ(histogram_total(s), 11);
}

TEST(TensorStats, NonFiniteValuesAreReportedNotAbsorbed) {
  TensorStats s;
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> v = {1.0f, nan, -inf, 2.0f, inf, nan};
  NonFinite bad = s.update(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_EQ(bad.nan, 2);
  EXPECT_EQ(bad.pos_inf, 1);
  EXPECT_EQ(bad.neg_inf, 1);
  EXPECT_EQ(bad.first_kind(), "NaN");
  EXPECT_EQ(s.count(), 2);
  EXPECT_EQ(s.max(), 2.0f);

  TensorStats t;
  expect_error([&] { t.update(v.data(), 6, "conv1_out", 7); }, {"calibration: tensor 'conv1_out' has NaN in sample 7"});
  const std::vector<float> neg = {1.0f, -inf};
  expect_error([&] { t.update(neg.data(), 2, "x", 0, "calib/000.npy"); },
               {"tensor 'x' has -Inf in sample 0 (calib/000.npy)"});
}

TEST(TensorStats, MergeEqualsOneStream) {
  const std::vector<float> small = testing::gaussian(3000, 1, 0.01f);
  const std::vector<float> large = wide_values(3000, 2);
  std::vector<float> all = small;
  all.insert(all.end(), large.begin(), large.end());

  TensorStats a = stats_of(small), b = stats_of(large);
  TensorStats ab = a;
  ab.merge(b);
  EXPECT_EQ(ab, stats_of(all));
  TensorStats ba = b;
  ba.merge(a);
  EXPECT_EQ(ba, ab);

  TensorStats empty;
  empty.merge(a);
  EXPECT_EQ(empty, a);
  TensorStats a2 = a;
  a2.merge(TensorStats());
  EXPECT_EQ(a2, a);

  // All-zero stats (no histogram range yet) merge as zeros in the bin at 0.
  const std::vector<float> zeros(5, 0.0f);
  TensorStats z = stats_of(zeros);
  TensorStats az = a;
  az.merge(z);
  std::vector<float> with_zeros = small;
  with_zeros.insert(with_zeros.end(), zeros.begin(), zeros.end());
  EXPECT_EQ(az, stats_of(with_zeros));
  z.merge(a);
  EXPECT_EQ(z.count(), az.count());
  EXPECT_EQ(z.histogram(), az.histogram());
}

TEST(TensorStats, MergeRejectsDifferentBinCounts) {
  TensorStats a(16), b(32);
  const float x = 1.0f;
  b.update(&x, 1);
  expect_error([&] { a.merge(b); }, {"16", "32", "bins per side"});
}

TEST(TensorStats, RejectsOddBinCounts) {
  expect_error([] { TensorStats s(7); }, {"even", "7"});
}

TEST(TensorStats, FromPartsValidatesConsistency) {
  const TensorStats s = stats_of({-0.5f, 0.25f, 1.5f}, 4);
  EXPECT_EQ(TensorStats::from_parts(4, s.count(), s.min(), s.max(), s.range(), s.histogram()), s);
  expect_error([&] { TensorStats::from_parts(4, 4, s.min(), s.max(), s.range(), s.histogram()); },
               {"sum to 3", "count 4"});
  expect_error([&] { TensorStats::from_parts(4, 3, s.min(), s.max(), 3.0, s.histogram()); }, {"power of two"});
  expect_error([&] { TensorStats::from_parts(4, 3, s.min(), s.max(), s.range(), {1, 2}); }, {"2 bins, expected 8"});
  expect_error([&] { TensorStats::from_parts(4, 3, 2.0f, 1.0f, s.range(), s.histogram()); }, {"min", "max"});
}


// Values exactly at a power of two (a sigmoid's 1.0): the range stays strictly above them,
// so merging statistics gathered in any order gives the same histogram as one pass.
TEST(TensorStats, MergeOrderDoesNotMatterForPowerOfTwoValues) {
  const std::vector<float> small = {1.0f, 0.5f, -1.0f, 0.25f}, large = {3.0f, 1.0f, -2.0f};
  TensorStats one_pass;
  one_pass.update(small.data(), static_cast<int64_t>(small.size()));
  one_pass.update(large.data(), static_cast<int64_t>(large.size()));
  TensorStats a, b;
  a.update(small.data(), static_cast<int64_t>(small.size()));
  b.update(large.data(), static_cast<int64_t>(large.size()));
  TensorStats ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  EXPECT_EQ(ab, one_pass);
  EXPECT_EQ(ba, one_pass);
  EXPECT_GT(one_pass.range(), 3.0);
  EXPECT_GT(a.range(), 1.0);  // strictly above the largest |value|
}

}  // namespace
}  // namespace qtune::quant
