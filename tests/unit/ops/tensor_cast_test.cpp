// Cast and CastLike: float -> integer truncation and saturation, NaN, integer wrapping,
// 16-bit floats, bool, and the string forms, plus their errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/half_float.h"
#include "tensor_test_util.h"

namespace qtune {
namespace {

using namespace tensortest;

Tensor cast(const Tensor& x, DataType to) { return OneNode("Cast", {"x"}).i("to", static_cast<int64_t>(to)).run1({x}); }

TEST(OpsTensorCast, FloatToIntTruncatesAndSaturates) {
  // Truncation toward zero: 2.7 -> 2, -2.7 -> -2. int8 saturates: 300 -> 127, -1e10 -> -128.
  // NaN -> 0 and +-inf saturate (C++ leaves all three undefined).
  const float inf = std::numeric_limits<float>::infinity();
  Tensor x = f32({7}, {2.7f, -2.7f, 300.f, -1e10f, NAN, inf, -inf});
  EXPECT_EQ(values<int8_t>(cast(x, DataType::Int8)), (std::vector<int8_t>{2, -2, 127, -128, 0, 127, -128}));
  EXPECT_EQ(values<uint8_t>(cast(x, DataType::UInt8)), (std::vector<uint8_t>{2, 0, 255, 0, 0, 255, 0}));
  EXPECT_EQ(values<int64_t>(cast(f32({2}, {1e30f, -1e30f}), DataType::Int64)),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}));
}

TEST(OpsTensorCast, IntegersWrapAndBoolIsNonZero) {
  // int32 300 -> uint8 44 (300 mod 256), -1 -> 255; anything -> bool is != 0.
  EXPECT_EQ(values<uint8_t>(cast(tensor<int32_t>({2}, {300, -1}), DataType::UInt8)), (std::vector<uint8_t>{44, 255}));
  EXPECT_EQ(values<bool>(cast(f32({3}, {0.f, -0.5f, NAN}), DataType::Bool)), (std::vector<bool>{false, true, true}));
  EXPECT_EQ(values<float>(cast(bools({2}, {true, false}), DataType::Float32)), (std::vector<float>{1, 0}));
  // int64 beyond 2^53 to double rounds to nearest: 2^53 + 1 -> 2^53.
  EXPECT_EQ(values<double>(cast(i64({1}, {(int64_t{1} << 53) + 1}), DataType::Float64))[0], std::ldexp(1.0, 53));
}

TEST(OpsTensorCast, SixteenBitFloats) {
  // 0.1 -> float16 0x2E66 (nearest: 0.0999755859375); 70000 overflows to inf (0x7C00).
  Tensor h = cast(f32({2}, {0.1f, 70000.f}), DataType::Float16);
  ASSERT_EQ(h.dtype(), DataType::Float16);
  EXPECT_EQ(static_cast<const uint16_t*>(h.raw())[0], 0x2E66);
  EXPECT_EQ(static_cast<const uint16_t*>(h.raw())[1], 0x7C00);
  // Back to float32 exactly, and float16 -> int32 truncates 0.0999 -> 0.
  EXPECT_EQ(values<float>(cast(h, DataType::Float32))[0], 0.0999755859375f);
  EXPECT_EQ(values<int32_t>(cast(h, DataType::Int32))[0], 0);
  // bfloat16 of 1/3 (0x3EAAAAAB): the upper 16 bits 0x3EAA, remainder 0xAAAB > half -> 0x3EAB.
  Tensor b = cast(f32({1}, {1.0f / 3}), DataType::BFloat16);
  EXPECT_EQ(static_cast<const uint16_t*>(b.raw())[0], 0x3EAB);
}

TEST(OpsTensorCast, StringsBothWays) {
  Tensor s = cast(f32({4}, {0.1f, -2.f, NAN, -std::numeric_limits<float>::infinity()}), DataType::String);
  EXPECT_EQ(s.string_data(), (std::vector<std::string>{"0.1", "-2", "NaN", "-INF"}));
  Tensor back = cast(Tensor::strings({4}, {"0.1", "+INF", "1e3", "-7"}), DataType::Float32);
  EXPECT_EQ(values<float>(back), (std::vector<float>{0.1f, std::numeric_limits<float>::infinity(), 1000.f, -7.f}));
  EXPECT_EQ(values<int64_t>(cast(Tensor::strings({2}, {"42", "+5"}), DataType::Int64)), (std::vector<int64_t>{42, 5}));
  OneNode bad("Cast", {"x"});
  bad.i("to", static_cast<int64_t>(DataType::Int32));
  expect_node_error(error_of([&] { bad.run({Tensor::strings({2}, {"1", "1.5"})}); }), "Cast", "element 1 \"1.5\" is not a valid int32");
  OneNode to_bool("Cast", {"x"});
  to_bool.i("to", static_cast<int64_t>(DataType::Bool));
  expect_node_error(error_of([&] { to_bool.run({Tensor::strings({1}, {"true"})}); }), "Cast", "string to bool is not supported");
}

TEST(OpsTensorCast, CastLikeTakesTheSecondInputsType) {
  Tensor out = OneNode("CastLike", {"x", "like"}).run1({f32({2}, {1.9f, -1.9f}), tensor<int16_t>({0}, {})});
  EXPECT_EQ(values<int16_t>(out), (std::vector<int16_t>{1, -1}));
  OneNode missing("Cast", {"x"});
  expect_node_error(error_of([&] { missing.run({f32({1}, {1})}); }), "Cast", "attribute 'to' is required");
}

}  // namespace
}  // namespace qtune
