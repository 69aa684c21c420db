// Hand-derived edge cases of the elementwise ops that the ONNX backend data does not
// cover: integer corner cases, NaN propagation, 16-bit floats, legacy forms, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/half_float.h"
#include "tensor_test_util.h"

namespace qtune {
namespace {

using namespace tensortest;

TEST(OpsTensorElementwise, ModFollowsDivisorSignOrDividendSign) {
  // fmod=0 (Python): -7 % 3 = 2, 7 % -3 = -2, -7 % -3 = -1, 6 % 3 = 0.
  // fmod=1 (C):      -7 % 3 = -1, 7 % -3 = 1, -7 % -3 = -1, 6 % 3 = 0.
  Tensor a = tensor<int32_t>({4}, {-7, 7, -7, 6}), b = tensor<int32_t>({4}, {3, -3, -3, 3});
  EXPECT_EQ(values<int32_t>(OneNode("Mod", {"a", "b"}).run1({a, b})), (std::vector<int32_t>{2, -2, -1, 0}));
  EXPECT_EQ(values<int32_t>(OneNode("Mod", {"a", "b"}).i("fmod", 1).run1({a, b})), (std::vector<int32_t>{-1, 1, -1, 0}));
}

TEST(OpsTensorElementwise, ModIntegerCornerCasesDoNotTrap) {
  // x mod 0 -> 0 (NumPy's result); INT64_MIN mod -1 would trap in C++; its true value is 0.
  const int64_t lo = std::numeric_limits<int64_t>::min();
  Tensor a = tensor<int64_t>({3}, {5, lo, lo}), b = tensor<int64_t>({3}, {0, -1, 7});
  // lo = -9223372036854775808 = 7 * -1317624576693539401 - 1, so Python's lo % 7 = 6.
  EXPECT_EQ(values<int64_t>(OneNode("Mod", {"a", "b"}).run1({a, b})), (std::vector<int64_t>{0, 0, 6}));
}

TEST(OpsTensorElementwise, ModRejectsFloatWithoutFmod) {
  OneNode n("Mod", {"a", "b"});
  expect_node_error(error_of([&] { n.infer({info(DataType::Float32, ir::Shape::of({2})), info(DataType::Float32, ir::Shape::of({2}))}); }),
                    "Mod", "fmod=1");
}

TEST(OpsTensorElementwise, PowIntegerBaseWithMixedExponents) {
  // int32 base, int64 exponent: 3^4 = 81, (-2)^3 = -8, 2^-1 = 1/2 truncates to 0, (-1)^-3 = -1.
  Tensor base = tensor<int32_t>({4}, {3, -2, 2, -1});
  EXPECT_EQ(values<int32_t>(OneNode("Pow", {"x", "y"}).run1({base, i64({4}, {4, 3, -1, -3})})),
            (std::vector<int32_t>{81, -8, 0, -1}));
  // int32 base, float exponent: 4^0.5 = 2, 10^1.5 = 31.62 -> 31 (truncation), 2^40 saturates.
  EXPECT_EQ(values<int32_t>(OneNode("Pow", {"x", "y"}).run1({tensor<int32_t>({3}, {4, 10, 2}), f32({3}, {0.5f, 1.5f, 40.f})})),
            (std::vector<int32_t>{2, 31, std::numeric_limits<int32_t>::max()}));
}

TEST(OpsTensorElementwise, MaxMinPropagateNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor a = f32({3}, {nan, 1.f, 2.f}), b = f32({3}, {1.f, nan, 3.f});
  auto mx = values<float>(OneNode("Max", {"a", "b"}).run1({a, b}));
  auto mn = values<float>(OneNode("Min", {"a", "b"}).run1({a, b}));
  EXPECT_TRUE(std::isnan(mx[0]) && std::isnan(mx[1]));
  EXPECT_TRUE(std::isnan(mn[0]) && std::isnan(mn[1]));
  EXPECT_EQ(mx[2], 3.f);
  EXPECT_EQ(mn[2], 2.f);
}

TEST(OpsTensorElementwise, VariadicBroadcastsThreeInputs) {
  // Sum of [2,1] {1,2}, [3] {10,20,30}, scalar 100 -> [2,3]: row i = (i+1) + {10,20,30} + 100.
  Tensor out = OneNode("Sum", {"a", "b", "c"}).run1({f32({2, 1}, {1, 2}), f32({3}, {10, 20, 30}), f32({}, {100})});
  ASSERT_EQ(out.dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{111, 121, 131, 112, 122, 132}));
  // Mean of the same three divides by 3.
  Tensor mean = OneNode("Mean", {"a", "b", "c"}).run1({f32({2, 1}, {1, 2}), f32({3}, {10, 20, 30}), f32({}, {100})});
  EXPECT_FLOAT_EQ(values<float>(mean)[0], 111.f / 3);
}

TEST(OpsTensorElementwise, MaxOfFloat16RoundTrips) {
  // 1.5 and -2.25 are exact in float16: bits 0x3E00 and 0xC080.
  Tensor a(DataType::Float16, {2}), b(DataType::Float16, {2});
  auto* pa = static_cast<uint16_t*>(a.raw());
  auto* pb = static_cast<uint16_t*>(b.raw());
  pa[0] = 0x3E00, pa[1] = 0xC080;  // 1.5, -2.25
  pb[0] = 0xC080, pb[1] = 0x3C00;  // -2.25, 1.0
  Tensor out = OneNode("Max", {"a", "b"}).run1({a, b});
  ASSERT_EQ(out.dtype(), DataType::Float16);
  EXPECT_EQ(static_cast<const uint16_t*>(out.raw())[0], 0x3E00);
  EXPECT_EQ(static_cast<const uint16_t*>(out.raw())[1], 0x3C00);
}

TEST(OpsTensorElementwise, HalfEncodingRoundsToNearestEven) {
  // float16 has 10 mantissa bits: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10 -> even (1.0);
  // 1 + 3*2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9 -> even (1 + 2^-9 = 0x3C02).
  EXPECT_EQ(ops::float16_from(1.0 + std::ldexp(1.0, -11)), 0x3C00);
  EXPECT_EQ(ops::float16_from(1.0 + 3 * std::ldexp(1.0, -11)), 0x3C02);
  EXPECT_EQ(ops::float16_from(65504.0), 0x7BFF);   // largest finite
  EXPECT_EQ(ops::float16_from(65520.0), 0x7C00);   // halfway to 2^16 rounds to infinity
  EXPECT_EQ(ops::float16_from(std::ldexp(1.0, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(ops::float16_from(std::ldexp(1.0, -25)), 0x0000);  // half of it ties to even 0
  EXPECT_EQ(ops::float16_to_float(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(ops::bfloat16_from(1.0 + std::ldexp(1.0, -8)), 0x3F80);  // tie -> even
  EXPECT_EQ(ops::bfloat16_from(1.0 + 3 * std::ldexp(1.0, -8)), 0x3F82);
  EXPECT_TRUE(std::isnan(ops::float16_to_float(ops::float16_from(NAN))));
}

TEST(OpsTensorElementwise, ClipWithOnlyMaxAndLegacyAttributes) {
  // Opset 11+: min omitted (empty name), max = 2 -> only the upper bound applies; -inf stays.
  const float inf = std::numeric_limits<float>::infinity();
  Tensor x = f32({4}, {-inf, -5, 1, 7});
  EXPECT_EQ(values<float>(OneNode("Clip", {"x", "", "hi"}).run1({x, Tensor(), f32({}, {2})})),
            (std::vector<float>{-inf, -5, 1, 2}));
  // Opset 6: attributes min = -1, max = 1.
  EXPECT_EQ(values<float>(OneNode("Clip", {"x"}).f("min", -1).f("max", 1).run1({x})), (std::vector<float>{-1, -1, 1, 1}));
  // int8 with both bounds as inputs.
  EXPECT_EQ(values<int8_t>(OneNode("Clip", {"x", "lo", "hi"}).run1({tensor<int8_t>({3}, {-128, 0, 127}), tensor<int8_t>({}, {-3}),
                                                                   tensor<int8_t>({}, {5})})),
            (std::vector<int8_t>{-3, 0, 5}));
}

TEST(OpsTensorElementwise, ClipRejectsNonScalarBound) {
  OneNode n("Clip", {"x", "lo"});
  expect_node_error(error_of([&] { n.run({f32({2}, {1, 2}), f32({2}, {0, 0})}); }), "Clip", "min must be a scalar");
}

TEST(OpsTensorElementwise, RoundHalfToEvenAndSignOfNaN) {
  // Ties go to the even neighbour: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0, -2.5 -> -2.
  EXPECT_EQ(values<float>(OneNode("Round", {"x"}).run1({f32({5}, {0.5f, 1.5f, 2.5f, -0.5f, -2.5f})})),
            (std::vector<float>{0, 2, 2, -0.f, -2}));
  auto sign = values<float>(OneNode("Sign", {"x"}).run1({f32({4}, {-3, 0, 2, NAN})}));
  EXPECT_EQ(sign[0], -1.f);
  EXPECT_EQ(sign[1], 0.f);
  EXPECT_EQ(sign[2], 1.f);
  EXPECT_TRUE(std::isnan(sign[3]));
}

TEST(OpsTensorElementwise, IntegerNegAndAbsWrapLikeNumpy) {
  const int32_t lo = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(values<int32_t>(OneNode("Neg", {"x"}).run1({tensor<int32_t>({2}, {lo, 5})})), (std::vector<int32_t>{lo, -5}));
  EXPECT_EQ(values<int32_t>(OneNode("Abs", {"x"}).run1({tensor<int32_t>({2}, {lo, -5})})), (std::vector<int32_t>{lo, 5}));
  EXPECT_EQ(values<int8_t>(OneNode("Relu", {"x"}).run1({tensor<int8_t>({2}, {-4, 4})})), (std::vector<int8_t>{0, 4}));
}

TEST(OpsTensorElementwise, GeluExactAndTanhForms) {
  // x = 1: exact 0.5 * (1 + erf(1/sqrt2)) = 0.841345; tanh form
  // 0.5 * (1 + tanh(sqrt(2/pi) * 1.044715)) = 0.841192.
  Tensor x = f32({2}, {1.f, 0.f});
  EXPECT_NEAR(values<float>(OneNode("Gelu", {"x"}).run1({x}))[0], 0.841345f, 1e-5f);
  EXPECT_NEAR(values<float>(OneNode("Gelu", {"x"}).s("approximate", "tanh").run1({x}))[0], 0.841192f, 1e-5f);
  EXPECT_NEAR(values<float>(OneNode("Gelu", {"x"}, 1, "com.microsoft").run1({x}))[0], 0.841345f, 1e-5f);
  OneNode bad("Gelu", {"x"});
  bad.s("approximate", "fast");
  expect_node_error(error_of([&] { bad.run({x}); }), "Gelu", "'approximate' is 'fast'");
}

TEST(OpsTensorElementwise, ActivationsAtExtremes) {
  // Sigmoid(-1000) = 0 and Softplus(1000) = 1000 without overflow; HardSwish(-3) = 0, (3) = 3.
  EXPECT_EQ(values<float>(OneNode("Sigmoid", {"x"}).run1({f32({1}, {-1000})}))[0], 0.f);
  EXPECT_EQ(values<float>(OneNode("Softplus", {"x"}).run1({f32({1}, {1000})}))[0], 1000.f);
  EXPECT_EQ(values<float>(OneNode("HardSwish", {"x"}).run1({f32({3}, {-3, 3, 1})})), (std::vector<float>{0, 3, 1.f * (1.f / 6 + 0.5f)}));
  // LeakyRelu alpha 0.1 on float64.
  EXPECT_EQ(values<double>(OneNode("LeakyRelu", {"x"}).f("alpha", 0.5f).run1({tensor<double>({2}, {-2, 3})})),
            (std::vector<double>{-1, 3}));
}

TEST(OpsTensorElementwise, PreluLegacyPerChannelSlope) {
  // x [1,2,1,3], slope [2] (opset-6 per-channel): channel 0 scales by 0.5, channel 1 by 2.
  Tensor x = f32({1, 2, 1, 3}, {-2, 4, -6, -1, 0, -3});
  EXPECT_EQ(values<float>(OneNode("PRelu", {"x", "s"}).run1({x, f32({2}, {0.5f, 2.f})})), (std::vector<float>{-1, 4, -3, -2, 0, -6}));
  // numpy form: slope [3] broadcasts over the last axis.
  EXPECT_EQ(values<float>(OneNode("PRelu", {"x", "s"}).run1({x, f32({3}, {1, 2, 3})})), (std::vector<float>{-2, 4, -18, -1, 0, -9}));
  OneNode bad("PRelu", {"x", "s"});
  expect_node_error(error_of([&] { bad.run({x, f32({4}, {1, 1, 1, 1})}); }), "PRelu", "does not broadcast");
}

TEST(OpsTensorElementwise, WhereBroadcastsAllThree) {
  // cond [2,1], x [1,3], y scalar: row 0 takes x, row 1 takes y.
  Tensor out = OneNode("Where", {"c", "x", "y"}).run1({bools({2, 1}, {true, false}), f32({1, 3}, {1, 2, 3}), f32({}, {9})});
  ASSERT_EQ(out.dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 2, 3, 9, 9, 9}));
  Tensor s = OneNode("Where", {"c", "x", "y"}).run1({bools({2}, {false, true}), Tensor::strings({2}, {"a", "b"}), Tensor::strings({}, {"z"})});
  EXPECT_EQ(s.string_data(), (std::vector<std::string>{"z", "b"}));
  OneNode bad("Where", {"c", "x", "y"});
  expect_node_error(error_of([&] { bad.run({bools({1}, {true}), f32({1}, {1}), i64({1}, {1})}); }), "Where", "same type");
}

TEST(OpsTensorElementwise, EqualOnBoolStringAndComparisonsOnUnsigned) {
  EXPECT_EQ(values<bool>(OneNode("Equal", {"a", "b"}).run1({bools({3}, {true, false, true}), bools({1}, {true})})),
            (std::vector<bool>{true, false, true}));
  EXPECT_EQ(values<bool>(OneNode("Equal", {"a", "b"}).run1({Tensor::strings({2}, {"x", "y"}), Tensor::strings({2}, {"x", "z"})})),
            (std::vector<bool>{true, false}));
  EXPECT_EQ(values<bool>(OneNode("LessOrEqual", {"a", "b"}).run1({tensor<uint64_t>({2}, {1, ~0ull}), tensor<uint64_t>({1}, {5})})),
            (std::vector<bool>{true, false}));
  OneNode bad("Less", {"a", "b"});
  expect_node_error(error_of([&] { bad.infer({info(DataType::Bool, ir::Shape::of({1})), info(DataType::Bool, ir::Shape::of({1}))}); }),
                    "Less", "input #0 is bool");
}

TEST(OpsTensorElementwise, LogicOpsRequireBool) {
  OneNode n("And", {"a", "b"});
  expect_node_error(error_of([&] { n.run({f32({1}, {1}), f32({1}, {1})}); }), "And", "bool");
  EXPECT_EQ(values<bool>(OneNode("Xor", {"a", "b"}).run1({bools({2}, {true, true}), bools({2}, {true, false})})),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(values<bool>(OneNode("Not", {"a"}).run1({bools({2}, {true, false})})), (std::vector<bool>{false, true}));
}

TEST(OpsTensorElementwise, UnaryFloatRejectsIntegers) {
  OneNode n("Sqrt", {"x"});
  expect_node_error(error_of([&] { n.infer({info(DataType::Int32, ir::Shape::of({2}))}); }), "Sqrt", "input #0 is int32");
  expect_node_error(error_of([&] { n.run({tensor<int32_t>({1}, {4})}); }), "Sqrt", "unsupported element type int32");
}

TEST(OpsTensorElementwise, BinaryOnFloat16UsesFloatPath) {
  // Add (the lead's BinaryKernel) on float16: 1.5 + 0.25 = 1.75 = 0x3F00 exactly.
  Tensor a(DataType::Float16, {1}), b(DataType::Float16, {1});
  static_cast<uint16_t*>(a.raw())[0] = ops::float16_from(1.5);
  static_cast<uint16_t*>(b.raw())[0] = ops::float16_from(0.25);
  Tensor out = OneNode("Add", {"a", "b"}).run1({a, b});
  ASSERT_EQ(out.dtype(), DataType::Float16);
  EXPECT_EQ(static_cast<const uint16_t*>(out.raw())[0], 0x3F00);
  Tensor less = OneNode("Less", {"a", "b"}).run1({a, b});
  EXPECT_EQ(less.dtype(), DataType::Bool);
  EXPECT_FALSE(less.data<bool>()[0]);
}

}  // namespace
}  // namespace qtune
