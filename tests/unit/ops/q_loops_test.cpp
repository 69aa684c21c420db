// The quantized elementwise loops (ops/q_loops.h) against their formulas computed one
// element at a time, for uint8 and int8, over lengths that leave every vector tail (the
// AVX-512 loops on CPUs that have it, the portable ones under DNNL_MAX_CPU_ISA=AVX2).
// A result may differ by one step where a fused multiply-add rounds a tie differently.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include "ops/q_loops.h"

namespace qtune::ops {
namespace {

template <class T>
T quantize_ref(float v, float zero_point) {
  const float r = std::nearbyint(v) + zero_point;
  return static_cast<T>(std::fmin(std::fmax(r, std::numeric_limits<T>::min()), std::numeric_limits<T>::max()));
}

template <class T>
std::vector<T> random_bytes(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  std::vector<T> v(static_cast<size_t>(n));
  for (T& x : v) x = static_cast<T>(d(rng));
  return v;
}

template <class T>
void expect_within_one(const std::vector<T>& got, const std::vector<T>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_LE(std::abs(int(got[i]) - int(want[i])), 1) << what << " element " << i << " of " << got.size();
}

template <class T>
void check_loops(float zero_point) {
  for (int64_t n : {1, 15, 16, 17, 63, 200, 1000}) {
    const auto a = random_bytes<T>(n, static_cast<uint32_t>(n)), b = random_bytes<T>(n, static_cast<uint32_t>(n + 7));
    std::vector<T> y(static_cast<size_t>(n)), want(static_cast<size_t>(n));
    const AddLoop add{0.7f, 0.45f, -3.2f, zero_point};
    add_q(a.data(), 1, b.data(), 1, y.data(), n, add);
    for (int64_t i = 0; i < n; ++i) want[i] = quantize_ref<T>(a[i] * add.ka + b[i] * add.kb + add.c, zero_point);
    expect_within_one(y, want, "add");

    const MulLoop mul{3.0f, -2.0f, 0.013f, zero_point};
    mul_q(a.data(), 1, b.data(), 1, y.data(), n, mul);
    for (int64_t i = 0; i < n; ++i) want[i] = quantize_ref<T>((a[i] - 3.0f) * (b[i] + 2.0f) * mul.k, zero_point);
    expect_within_one(y, want, "mul");

    // Halving with an odd zero point: every odd input is a tie, rounded to even before the
    // zero point is added (QuantizeLinear's order), exactly.
    const RequantLoop half{0.0f, 0.5f, 3.0f};
    requantize_q(a.data(), y.data(), n, half);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(int(y[i]), int(quantize_ref<T>(a[i] * 0.5f, 3.0f))) << "tie " << i;

    // A factor so large that the values pass int32: the loops must clamp before converting
    // (the saturating store alone would turn them into INT32_MIN).
    const RequantLoop huge{0.0f, 1e9f, zero_point};
    requantize_q(a.data(), y.data(), n, huge);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(int(y[i]), int(quantize_ref<T>(a[i] * 1e9f, zero_point))) << "huge " << i;

    const RequantLoop rq{5.0f, 1.7f, zero_point};
    requantize_q(a.data(), y.data(), n, rq);
    for (int64_t i = 0; i < n; ++i) want[i] = quantize_ref<T>((a[i] - 5.0f) * 1.7f, zero_point);
    expect_within_one(y, want, "requantize");

    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(i % 37) * 0.9f - 15.0f;
    if (n > 3) x[3] = std::nanf("");
    if constexpr (std::is_same_v<T, uint8_t>)
      quantize_f32(x.data(), y.data(), n, 0.1f, zero_point);
    else
      quantize_f32(x.data(), y.data(), n, 0.1f, zero_point);
    for (int64_t i = 0; i < n; ++i) want[i] = quantize_ref<T>(std::isnan(x[i]) ? 0.0f : x[i] / 0.1f, zero_point);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(int(y[i]), int(want[i])) << "quantize element " << i;
  }
  for (int64_t cols : {8, 16, 40, 200}) {
    const int64_t rows = 5, n = rows * cols;
    const auto a = random_bytes<T>(n, static_cast<uint32_t>(cols));
    std::vector<float> column(static_cast<size_t>(cols));
    for (int64_t c = 0; c < cols; ++c) column[c] = 0.05f * static_cast<float>(c % 11) - 0.2f;
    std::vector<T> y(static_cast<size_t>(n)), want(static_cast<size_t>(n));
    for (float a_zero_point : {20.0f, 0.0f}) {  // 0: the loop without the subtraction
      mul_rows_q(a.data(), column.data(), y.data(), rows, cols, a_zero_point, zero_point);
      for (int64_t i = 0; i < n; ++i) want[i] = quantize_ref<T>((a[i] - a_zero_point) * column[i % cols], zero_point);
      expect_within_one(y, want, "mul_rows");
    }
    add_rows_q(a.data(), column.data(), y.data(), rows, cols, 0.6f, zero_point);
    for (int64_t i = 0; i < n; ++i) want[i] = quantize_ref<T>(a[i] * 0.6f + column[i % cols], zero_point);
    expect_within_one(y, want, "add_rows");
    std::vector<int32_t> sums(static_cast<size_t>(cols), 1), sums_want(static_cast<size_t>(cols), 1);
    sum_rows_q(a.data(), rows, cols, sums.data());
    for (int64_t i = 0; i < n; ++i) sums_want[i % cols] += a[i];
    EXPECT_EQ(sums, sums_want) << "sum_rows, " << cols << " columns";
  }
  // No columns or no rows: nothing to add (a pool over 0 channels).
  std::vector<int32_t> untouched = {5};
  sum_rows_q(static_cast<const T*>(nullptr), 7, 0, untouched.data());
  sum_rows_q(static_cast<const T*>(nullptr), 0, 1, untouched.data());
  EXPECT_EQ(untouched, std::vector<int32_t>{5}) << "sum_rows of an empty matrix";
  // More rows than one 16-bit partial sum holds (256), random and at the type's extreme.
  for (int64_t cols : {8, 17, 32, 48, 200})  // 8 and 32: summed as rows of 64 (32: past 256 of them)
    for (bool extreme : {false, true}) {
      const int64_t rows = 600, n = rows * cols;
      std::vector<T> a = random_bytes<T>(n, static_cast<uint32_t>(cols + 3));
      if (extreme)
        std::fill(a.begin(), a.end(), std::is_same_v<T, uint8_t> ? std::numeric_limits<T>::max()
                                                                  : std::numeric_limits<T>::min());
      std::vector<int32_t> sums(static_cast<size_t>(cols), 7), sums_want(static_cast<size_t>(cols), 7);
      sum_rows_q(a.data(), rows, cols, sums.data());
      for (int64_t i = 0; i < n; ++i) sums_want[i % cols] += a[i];
      EXPECT_EQ(sums, sums_want) << "sum_rows, " << rows << " rows, " << cols << " columns, extreme " << extreme;
    }
}

TEST(QLoops, Uint8MatchesTheFormulas) { check_loops<uint8_t>(128.0f); }

TEST(QLoops, Int8MatchesTheFormulas) { check_loops<int8_t>(-5.0f); }

// Symmetric activations (zero point 0) store without adding it.
TEST(QLoops, SymmetricInt8MatchesTheFormulas) { check_loops<int8_t>(0.0f); }

}  // namespace
}  // namespace qtune::ops
