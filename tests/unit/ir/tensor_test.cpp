#include <gtest/gtest.h>

#include "qtune/tensor.h"

namespace qtune {
namespace {

TEST(IrTensor, AllocatesZeroedAndAligned) {
  Tensor t(DataType::Float32, {2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.byte_size(), 24u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
  for (float v : t.values<float>()) EXPECT_EQ(v, 0.0f);
}

TEST(IrTensor, CopiesShareCloneDoesNot) {
  auto a = Tensor::from_vector<int32_t>({3}, {1, 2, 3});
  Tensor shared = a;
  Tensor deep = a.clone();
  a.data<int32_t>()[0] = 42;
  EXPECT_EQ(shared.data<int32_t>()[0], 42);
  EXPECT_EQ(deep.data<int32_t>()[0], 1);
}

TEST(IrTensor, WrongTypeAccessThrows) {
  Tensor t(DataType::Int8, {4});
  EXPECT_THROW(t.data<float>(), Error);
}

TEST(IrTensor, ReshapeChecksCount) {
  Tensor t(DataType::Float32, {2, 6});
  EXPECT_EQ(t.reshaped({3, 4}).dims(), (std::vector<int64_t>{3, 4}));
  EXPECT_THROW(t.reshaped({5}), Error);
}

TEST(IrTensor, HalfAndBfloatDecode) {
  // float16 0x3C00 = 1.0, 0xC000 = -2.0, 0x0001 = 2^-24 (smallest subnormal).
  Tensor h(DataType::Float16, {3});
  auto* p = static_cast<uint16_t*>(h.raw());
  p[0] = 0x3C00;
  p[1] = 0xC000;
  p[2] = 0x0001;
  EXPECT_EQ(h.value_as_double(0), 1.0);
  EXPECT_EQ(h.value_as_double(1), -2.0);
  EXPECT_DOUBLE_EQ(h.value_as_double(2), 1.0 / 16777216.0);
  // bfloat16 0x4049 = upper half of 3.140625f.
  Tensor b(DataType::BFloat16, {1});
  static_cast<uint16_t*>(b.raw())[0] = 0x4049;
  EXPECT_DOUBLE_EQ(b.value_as_double(0), 3.140625);
}

TEST(IrTensor, ParseDims) {
  EXPECT_EQ(parse_dims("1,3,48,320", "x"), (std::vector<int64_t>{1, 3, 48, 320}));
  EXPECT_TRUE(parse_dims("", "x").empty());
  for (const char* bad : {"1,,3", "a", "1,-2", "1,", "1.5"}) {
    try {
      parse_dims(bad, "--shape x");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--shape x"), std::string::npos) << e.what();
    }
  }
}

TEST(IrTensor, DtypeNames) {
  EXPECT_EQ(dtype_name(DataType::Float32), "float32");
  EXPECT_EQ(dtype_from_name("float"), DataType::Float32);
  EXPECT_EQ(dtype_from_name("double"), DataType::Float64);
  EXPECT_FALSE(dtype_from_name("float128"));
  EXPECT_EQ(dtype_size(DataType::BFloat16), 2u);
  EXPECT_FALSE(dtype_is_known(17));
  EXPECT_FALSE(dtype_is_known(0));
}

}  // namespace
}  // namespace qtune
