// Scale/zero-point choice and QuantizeLinear/DequantizeLinear semantics.
#include "quant/quant_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../data/data_test_util.h"
#include "quant_test_util.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;

constexpr Scheme kSchemes[] = {Scheme::UInt8Asymmetric, Scheme::Int8Symmetric, Scheme::Int8Asymmetric};

float quantize_one(float x, const QuantParams& p) {
  Tensor q = quantize_tensor(Tensor::scalar_f32(x), p);
  return static_cast<float>(q.value_as_double(0));
}

float round_trip(float x, const QuantParams& p) {
  return dequantize_tensor(quantize_tensor(Tensor::scalar_f32(x), p), p).data<float>()[0];
}

TEST(QuantParams, ZeroPointInRangeAndZeroExactlyRepresentable) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
  for (int i = 0; i < 2000; ++i) {
    float a = dist(rng), b = dist(rng) * (i % 3 == 0 ? 1e-4f : 1.0f);
    Range r{std::min(a, b), std::max(a, b)};
    for (Scheme scheme : kSchemes) {
      const QuantParams p = choose_params(r, scheme);
      ASSERT_EQ(p.scale.size(), 1u);
      EXPECT_GT(p.scale[0], 0.0f);
      EXPECT_GE(p.zero_point[0], quant_min(p.dtype));
      EXPECT_LE(p.zero_point[0], quant_max(p.dtype));
      EXPECT_EQ(quantize_one(0.0f, p), static_cast<float>(p.zero_point[0]));
      EXPECT_EQ(round_trip(0.0f, p), 0.0f);
      // The (widened) range ends come back within half a step.
      EXPECT_NEAR(round_trip(r.lo, p), r.lo, 0.5 * p.scale[0] * 1.0001) << scheme_name(scheme);
      EXPECT_NEAR(round_trip(r.hi, p), r.hi, 0.5 * p.scale[0] * 1.0001) << scheme_name(scheme);
    }
  }
}

TEST(QuantParams, Uint8VersusInt8) {
  const Range r{-1.0f, 3.0f};
  QuantParams u8 = choose_params(r, Scheme::UInt8Asymmetric);
  EXPECT_EQ(u8.dtype, DataType::UInt8);
  EXPECT_FLOAT_EQ(u8.scale[0], 4.0f / 255.0f);
  EXPECT_EQ(u8.zero_point[0], 64);  // round(0 + 1 / (4/255)) = round(63.75)
  QuantParams s8 = choose_params(r, Scheme::Int8Symmetric);
  EXPECT_EQ(s8.dtype, DataType::Int8);
  EXPECT_FLOAT_EQ(s8.scale[0], 3.0f / 127.0f);
  EXPECT_EQ(s8.zero_point[0], 0);
  QuantParams a8 = choose_params(r, Scheme::Int8Asymmetric);
  EXPECT_EQ(a8.dtype, DataType::Int8);
  EXPECT_FLOAT_EQ(a8.scale[0], 4.0f / 255.0f);
  EXPECT_EQ(a8.zero_point[0], -64);
  // A range that excludes 0 is widened to include it.
  QuantParams pos = choose_params({2.0f, 5.1f}, Scheme::UInt8Asymmetric);
  EXPECT_EQ(pos.zero_point[0], 0);
  EXPECT_FLOAT_EQ(pos.scale[0], 5.1f / 255.0f);
  EXPECT_EQ(choose_params({-4.0f, -1.0f}, Scheme::UInt8Asymmetric).zero_point[0], 255);
}

TEST(QuantParams, ConstantAndAllZeroTensorsGetNonZeroScales) {
  for (Scheme scheme : kSchemes) {
    const QuantParams zero = choose_params({0.0f, 0.0f}, scheme);
    EXPECT_EQ(zero.scale[0], 1.0f) << scheme_name(scheme);
    EXPECT_EQ(round_trip(0.0f, zero), 0.0f);
    // Below the smallest normal float: treated as zero rather than a denormal scale.
    EXPECT_EQ(choose_params({0.0f, 1e-40f}, scheme).scale[0], 1.0f) << scheme_name(scheme);
    for (float c : {5.0f, -2.0f, 1e-20f, 3e30f}) {
      const QuantParams p = choose_params({c, c}, scheme);
      EXPECT_GT(p.scale[0], 0.0f);
      EXPECT_TRUE(std::isfinite(p.scale[0]));
      // The constant sits on an end of the integer range and comes back to float rounding.
      EXPECT_NEAR(round_trip(c, p), c, std::fabs(c) * 1e-6f) << scheme_name(scheme) << " " << c;
    }
  }
  EXPECT_EQ(quantize_one(5.0f, choose_params({5.0f, 5.0f}, Scheme::UInt8Asymmetric)), 255.0f);
  EXPECT_EQ(quantize_one(3.0f, choose_params({3.0f, 3.0f}, Scheme::Int8Symmetric)), 127.0f);
  EXPECT_EQ(quantize_one(-3.0f, choose_params({-3.0f, -3.0f}, Scheme::Int8Symmetric)), -127.0f);
}

TEST(QuantParams, RejectsNonFiniteOrInvertedRanges) {
  expect_error([] { choose_params({1.0f, -1.0f}, Scheme::UInt8Asymmetric); }, {"range", "ordered"});
  expect_error(
      [] {
        choose_params({0.0f, std::numeric_limits<float>::infinity()}, Scheme::UInt8Asymmetric);
      },
      {"finite"});
}

TEST(QuantParams, RoundTripErrorAtMostHalfAScale) {
  const std::vector<float> v = testing::uniform(20000, 2, -3.0f, 7.0f);
  const Tensor x = Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v);
  for (Scheme scheme : kSchemes) {
    const QuantParams p = choose_params({-3.0f, 7.0f}, scheme);
    const Tensor y = dequantize_tensor(quantize_tensor(x, p), p);
    for (size_t i = 0; i < v.size(); ++i)
      ASSERT_LE(std::fabs(y.data<float>()[i] - v[i]), 0.5f * p.scale[0] * 1.0001f)
          << scheme_name(scheme) << " " << v[i];
  }
}

TEST(QuantParams, SaturatesOutsideTheRange) {
  const QuantParams u8 = choose_params({-1.0f, 1.0f}, Scheme::UInt8Asymmetric);
  EXPECT_EQ(quantize_one(100.0f, u8), 255.0f);
  EXPECT_EQ(quantize_one(-100.0f, u8), 0.0f);
  const QuantParams s8 = choose_params({-1.0f, 1.0f}, Scheme::Int8Symmetric);
  EXPECT_EQ(quantize_one(100.0f, s8), 127.0f);
  EXPECT_EQ(quantize_one(-100.0f, s8), -128.0f);  // QuantizeLinear saturates to the type, not to -127
  EXPECT_EQ(quantize_one(-1.0f, s8), -127.0f);
}

TEST(QuantParams, RoundsHalfToEven) {
  QuantParams p;
  p.dtype = DataType::Int8;
  p.scale = {1.0f};
  p.zero_point = {0};
  const Tensor x = Tensor::from_vector<float>({6}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f});
  const Tensor q = quantize_tensor(x, p);
  const std::vector<int8_t> want = {0, 2, 2, 0, -2, -2};
  EXPECT_EQ(std::vector<int8_t>(q.data<int8_t>(), q.data<int8_t>() + 6), want);
}

TEST(QuantParams, PerChannelWeights) {
  // [3, 2, 2] with per-channel magnitudes 1, 0.01 and 0 (an all-zero channel).
  const std::vector<float> w = {0.5f, -1.0f, 0.25f, 0.75f, 0.01f, -0.005f, 0.002f, 0.0f, 0, 0, 0, 0};
  const Tensor t = Tensor::from_vector<float>({3, 2, 2}, w);
  const QuantParams p = weight_params(t, 0, Scheme::Int8Symmetric);
  EXPECT_EQ(p.axis, 0);
  ASSERT_EQ(p.scale.size(), 3u);
  EXPECT_FLOAT_EQ(p.scale[0], 1.0f / 127.0f);
  EXPECT_FLOAT_EQ(p.scale[1], 0.01f / 127.0f);
  EXPECT_EQ(p.scale[2], 1.0f);
  EXPECT_EQ(p.zero_point, (std::vector<int32_t>{0, 0, 0}));
  const Tensor q = quantize_tensor(t, p);
  EXPECT_EQ(q.dtype(), DataType::Int8);
  EXPECT_EQ(q.data<int8_t>()[1], -127);  // each channel's max |w| maps to +-127
  EXPECT_EQ(q.data<int8_t>()[4], 127);
  const Tensor back = dequantize_tensor(q, p);
  for (int64_t i = 0; i < 12; ++i)
    EXPECT_LE(std::fabs(back.data<float>()[i] - w[static_cast<size_t>(i)]),
              0.5f * p.scale[static_cast<size_t>(i / 4)] * 1.0001f);

  // Per tensor: one scale for all, the small channel loses its resolution.
  const QuantParams whole = weight_params(t, -1, Scheme::Int8Symmetric);
  EXPECT_FALSE(whole.per_channel());
  EXPECT_FLOAT_EQ(whole.scale[0], 1.0f / 127.0f);

  // Along axis 1 (e.g. a MatMul weight [K, N]) and asymmetric uint8.
  const Tensor m = Tensor::from_vector<float>({2, 3}, {0.0f, -1.0f, 1.0f, 4.0f, 3.0f, 3.0f});
  const QuantParams u8 = weight_params(m, 1, Scheme::UInt8Asymmetric);
  ASSERT_EQ(u8.scale.size(), 3u);
  EXPECT_FLOAT_EQ(u8.scale[0], 4.0f / 255.0f);
  EXPECT_EQ(u8.zero_point[0], 0);
  EXPECT_FLOAT_EQ(u8.scale[1], 4.0f / 255.0f);
  EXPECT_EQ(u8.zero_point[1], 64);  // round(1 / (4/255)) = round(63.75)
  const Tensor mq = quantize_tensor(m, u8);
  EXPECT_EQ(mq.data<uint8_t>()[3], 255);
  EXPECT_EQ(mq.data<uint8_t>()[1], 0);

  EXPECT_EQ(p.scale_tensor().dims(), (std::vector<int64_t>{3}));
  EXPECT_EQ(p.zero_point_tensor().dtype(), DataType::Int8);
  EXPECT_TRUE(whole.scale_tensor().dims().empty());
}

TEST(QuantParams, WeightErrors) {
  const Tensor t = Tensor::from_vector<float>({2}, {1.0f, std::numeric_limits<float>::quiet_NaN()});
  expect_error([&] { weight_params(t, -1, Scheme::Int8Symmetric); }, {"non-finite", "element 1"});
  expect_error([&] { weight_params(t, 1, Scheme::Int8Symmetric); }, {"axis 1"});
  QuantParams bad = choose_params({-1.0f, 1.0f}, Scheme::Int8Symmetric);
  bad.axis = 0;  // per-channel with 1 scale for 2 channels
  expect_error([&] { quantize_tensor(Tensor::from_vector<float>({2}, {1.0f, 2.0f}), bad); }, {"1 scales, expected 2"});
}

TEST(QuantParams, BiasIsInt32WithInputTimesWeightScale) {
  const QuantParams input = choose_params({0.0f, 6.0f}, Scheme::UInt8Asymmetric);
  const Tensor w = Tensor::from_vector<float>({2, 1}, {0.5f, -0.02f});
  const QuantParams weights = weight_params(w, 0, Scheme::Int8Symmetric);
  const QuantParams bias = bias_params(input, weights);
  EXPECT_EQ(bias.dtype, DataType::Int32);
  EXPECT_EQ(bias.axis, 0);
  ASSERT_EQ(bias.scale.size(), 2u);
  EXPECT_EQ(bias.scale[0], input.scale[0] * weights.scale[0]);
  EXPECT_EQ(bias.scale[1], input.scale[0] * weights.scale[1]);
  EXPECT_EQ(bias.zero_point, (std::vector<int32_t>{0, 0}));
  const Tensor b = Tensor::from_vector<float>({2}, {0.3f, -1e6f});
  const Tensor qb = quantize_tensor(b, bias);
  EXPECT_EQ(qb.dtype(), DataType::Int32);
  const Tensor back = dequantize_tensor(qb, bias);
  EXPECT_NEAR(back.data<float>()[0], 0.3f, 0.5f * bias.scale[0]);
  EXPECT_EQ(qb.data<int32_t>()[1], std::numeric_limits<int32_t>::min());  // saturates
  expect_error([&] { bias_params(weights, weights); }, {"per tensor"});
}

TEST(QuantParams, ParsesSchemeNames) {
  for (Scheme s : kSchemes) EXPECT_EQ(parse_scheme(scheme_name(s)), s);
  expect_error([] { parse_scheme("int4"); }, {"'int4'", "uint8_asym"});
}

}  // namespace
}  // namespace qtune::quant
