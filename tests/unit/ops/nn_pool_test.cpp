// MaxPool, AveragePool and the global pools: ceil_mode (including the rule that drops a
// last window starting in the end padding), Indices in both storage orders,
// count_include_pad at the borders, shape rules with symbolic dims, errors.
#include "nn_test_util.h"

namespace qtune {
namespace {

using nntest::OneNode;

TEST(OpsNnPool, CeilModeDropsWindowStartingInPadding) {
  // in 4, kernel 2, stride 2, pads (0, 1), ceil: ceil((5 - 2) / 2) + 1 = 3 windows, but
  // the third would start at 4 = in + pad_begin, wholly in the padding: dropped -> 2.
  OneNode n("MaxPool", {"x"});
  n.ints("kernel_shape", {2}).ints("strides", {2}).ints("pads", {0, 1}).i("ceil_mode", 1);
  auto y = n.run({nntest::f32({1, 1, 4}, {1, 4, 2, 3})});
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{1, 1, 2}));
  nntest::expect_near_all(y[0], {4, 3});
  auto shape = n.infer({nntest::typed(nntest::shape({"N", "C", "4"}))});
  EXPECT_EQ(shape[0].shape.to_string(), "[N,C,2]");
  // Without ceil_mode: floor((5 - 2) / 2) + 1 = 2 as well; with in 5 ceil gives 3.
  auto five = n.infer({nntest::typed(nntest::shape({"1", "1", "5"}))});
  EXPECT_EQ(five[0].shape.to_string(), "[1,1,3]");
}

TEST(OpsNnPool, MaxPoolIndicesInBothStorageOrders) {
  // One 2x3 plane per channel: [[1,5,2],[7,3,4]], kernel 2x2, stride 1 -> 1x2 windows.
  // Window 0 max 7 at (h1,w0): row-major 1*3+0 = 3, column-major 1 + 2*0 = 1.
  // Window 1 max 5 at (h0,w1): row-major 1, column-major 0 + 2*1 = 2.
  // Channel 1 (same values) adds its plane offset 6 to every index.
  auto x = nntest::f32({1, 2, 2, 3}, {1, 5, 2, 7, 3, 4, 1, 5, 2, 7, 3, 4});
  for (int64_t order : {0, 1}) {
    OneNode n("MaxPool", {"x"}, 2);
    n.ints("kernel_shape", {2, 2}).i("storage_order", order);
    auto y = n.run({x});
    nntest::expect_near_all(y[0], {7, 5, 7, 5});
    std::vector<int64_t> want = order == 0 ? std::vector<int64_t>{3, 1, 9, 7} : std::vector<int64_t>{1, 2, 7, 8};
    EXPECT_EQ(nntest::values<int64_t>(y[1]), want) << "storage_order " << order;
    auto info = n.infer({nntest::typed(nntest::shape({"B", "2", "2", "3"}))});
    ASSERT_EQ(info.size(), 2u);
    EXPECT_EQ(info[1].dtype, DataType::Int64);
    EXPECT_EQ(info[1].shape.to_string(), "[B,2,1,2]");
  }
}

TEST(OpsNnPool, AveragePoolBordersWithAndWithoutPadCounting) {
  // x = 1..6, kernel 3, stride 2, pads (1, 1), ceil: ceil((8 - 3) / 2) + 1 = 4 windows
  // starting at -1, 1, 3, 5 (the last starts inside the input, so it stays).
  //   w0 = {pad, 1, 2}; w1 = {2, 3, 4}; w2 = {4, 5, 6}; w3 = {6, pad, beyond the pad}.
  // count_include_pad=1 counts taps inside [-1, 7): 3, 3, 3, 2 -> [1, 3, 5, 3].
  // count_include_pad=0 counts input taps only:    2, 3, 3, 1 -> [1.5, 3, 5, 6].
  auto x = nntest::f32({1, 1, 6}, {1, 2, 3, 4, 5, 6});
  for (int64_t include : {1, 0}) {
    OneNode n("AveragePool", {"x"});
    n.ints("kernel_shape", {3}).ints("strides", {2}).ints("pads", {1, 1}).i("ceil_mode", 1).i("count_include_pad", include);
    nntest::expect_near_all(n.run({x})[0], include ? std::vector<float>{1, 3, 5, 3} : std::vector<float>{1.5f, 3, 5, 6});
  }
}

TEST(OpsNnPool, SameLowerPadsAtTheStart) {
  // in 4, kernel 2, stride 1, SAME_LOWER: total pad 1 at the start, windows {pad,1},
  // {1,2}, {2,3}, {3,4} -> max [1, 2, 3, 4]; average (pads not counted) [1, 1.5, 2.5, 3.5].
  auto x = nntest::f32({1, 1, 4}, {1, 2, 3, 4});
  OneNode m("MaxPool", {"x"});
  m.ints("kernel_shape", {2}).s("auto_pad", "SAME_LOWER");
  nntest::expect_near_all(m.run({x})[0], {1, 2, 3, 4});
  OneNode a("AveragePool", {"x"});
  a.ints("kernel_shape", {2}).s("auto_pad", "SAME_LOWER");
  nntest::expect_near_all(a.run({x})[0], {1, 1.5f, 2.5f, 3.5f});
}

TEST(OpsNnPool, MaxPoolInt8AndGlobalPools) {
  OneNode n("MaxPool", {"x"});
  n.ints("kernel_shape", {2}).ints("strides", {2});
  auto y = n.run({Tensor::from_vector<int8_t>({1, 1, 4}, {-128, -100, 5, 127})});
  EXPECT_EQ(nntest::values<int8_t>(y[0]), (std::vector<int8_t>{-100, 127}));
  // Planes [1,2,3,4] and [-1,-2,-3,-6]: means 2.5 and -3, maxima 4 and -1.
  auto x = nntest::f32({1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -6});
  OneNode avg("GlobalAveragePool", {"x"});
  auto a = avg.run({x});
  EXPECT_EQ(a[0].dims(), (std::vector<int64_t>{1, 2, 1, 1}));
  nntest::expect_near_all(a[0], {2.5f, -3});
  OneNode mx("GlobalMaxPool", {"x"});
  nntest::expect_near_all(mx.run({x})[0], {4, -1});
  EXPECT_EQ(avg.infer({nntest::typed(nntest::shape({"N", "C", "H", "W"}))})[0].shape.to_string(), "[N,C,1,1]");
}

TEST(OpsNnPool, ErrorsNameTheProblem) {
  auto x = nntest::f32({1, 1, 4}, {1, 2, 3, 4});
  OneNode no_kernel("MaxPool", {"x"});
  nntest::expect_error([&] { no_kernel.run({x}); }, {"'kernel_shape' is required"});
  OneNode pads("AveragePool", {"x"});
  pads.ints("kernel_shape", {2}).ints("pads", {1});
  nntest::expect_error([&] { pads.run({x}); }, {"'pads' has 1 values, expected 2"});
  OneNode big("MaxPool", {"x"});
  big.ints("kernel_shape", {5});
  nntest::expect_error([&] { big.run({x}); }, {"size 4", "window extent 5"});
  OneNode rank("MaxPool", {"x"});
  rank.ints("kernel_shape", {2});
  nntest::expect_error([&] { rank.run({nntest::f32({4}, {1, 2, 3, 4})}); }, {"rank 1", "at least 3"});
  OneNode stride("AveragePool", {"x"});
  stride.ints("kernel_shape", {2}).ints("strides", {0});
  nntest::expect_error([&] { stride.run({x}); }, {"'strides' has value 0", "expected >= 1"});
  OneNode type("AveragePool", {"x"});
  type.ints("kernel_shape", {2});
  nntest::expect_error([&] { type.run({Tensor::from_vector<int32_t>({1, 1, 2}, {1, 2})}); }, {"input #0 is int32"});
}

}  // namespace
}  // namespace qtune
