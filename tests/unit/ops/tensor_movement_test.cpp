// Hand-derived cases for the data-movement ops: Transpose's blocked paths against a naive
// loop, Slice clamping, Gather/GatherElements errors, Pad modes, Split forms, Tile, Expand.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <numeric>

#include "tensor_test_util.h"

namespace qtune {
namespace {

using namespace tensortest;

// out[o] = in[sum_i o_i * stride_in[perm[i]]]: the definition, element by element.
std::vector<float> naive_transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  std::vector<int64_t> in_strides(x.dims().size(), 1), out_dims;
  for (size_t i = x.dims().size(); i-- > 1;) in_strides[i - 1] = in_strides[i] * x.dims()[i];
  for (int64_t p : perm) out_dims.push_back(x.dims()[static_cast<size_t>(p)]);
  std::vector<float> out(static_cast<size_t>(x.numel()));
  for (int64_t flat = 0; flat < x.numel(); ++flat) {
    int64_t rem = flat, offset = 0;
    for (size_t a = out_dims.size(); a-- > 0;) {
      offset += (rem % out_dims[a]) * in_strides[static_cast<size_t>(perm[a])];
      rem /= out_dims[a];
    }
    out[static_cast<size_t>(flat)] = x.data<float>()[offset];
  }
  return out;
}

TEST(OpsTensorMovement, TransposeMatchesDefinitionOnCommonPermutations) {
  // Sizes not multiples of the 32-wide tile, so partial tiles are exercised; with threads.
  Tensor x = iota<float>({2, 37, 5, 41});
  for (const auto& perm : std::vector<std::vector<int64_t>>{
           {0, 2, 3, 1}, {0, 3, 1, 2}, {0, 2, 1, 3}, {3, 2, 1, 0}, {1, 0, 2, 3}, {0, 1, 3, 2}, {2, 0, 3, 1}}) {
    OneNode n("Transpose", {"x"});
    n.ints("perm", perm);
    auto kernel = ops::find_op("", "Transpose")->make_ref_kernel(*n.node);
    std::vector<Tensor> in{x}, out(1);
    ops::KernelContext ctx;
    ctx.threads = 2;
    kernel->run(in, out, ctx);
    EXPECT_EQ(values<float>(out[0]), naive_transpose(x, perm)) << "perm " << format_dims(perm);
  }
}

// Permutations that move only axes of size 1 keep the element order: the output shares the
// input's buffer under the new dims (a pooled NHWC feature vector back to NCHW).
TEST(OpsTensorMovement, TransposeOfUnitAxesIsAView) {
  Tensor x = iota<float>({1, 1, 1, 7});
  for (const auto& perm : std::vector<std::vector<int64_t>>{{0, 3, 1, 2}, {3, 2, 1, 0}, {1, 2, 0, 3}}) {
    OneNode n("Transpose", {"x"});
    n.ints("perm", perm);
    auto kernel = ops::find_op("", "Transpose")->make_ref_kernel(*n.node);
    std::vector<Tensor> in{x}, out(1);
    ops::KernelContext ctx;
    kernel->run(in, out, ctx);
    std::vector<int64_t> want_dims;
    for (int64_t p : perm) want_dims.push_back(x.dims()[static_cast<size_t>(p)]);
    EXPECT_EQ(out[0].dims(), want_dims) << "perm " << format_dims(perm);
    EXPECT_EQ(values<float>(out[0]), naive_transpose(x, perm)) << "perm " << format_dims(perm);
    EXPECT_EQ(out[0].raw(), x.raw()) << "perm " << format_dims(perm);
  }
}

// Transpose to NHWC on the reference kernel, with two threads.
Tensor to_nhwc(const Tensor& x) {
  OneNode node("Transpose", {"x"});
  node.ints("perm", {0, 2, 3, 1});
  auto kernel = ops::find_op("", "Transpose")->make_ref_kernel(*node.node);
  std::vector<Tensor> in{x}, out(1);
  ops::KernelContext ctx;
  ctx.threads = 2;
  kernel->run(in, out, ctx);
  return out[0];
}

// NCHW -> NHWC of one or two images with 2 to 4 channels (and 5, the tiled path): output
// rows of few elements, interleaved by their own loop in blocks of 4096 pixels, a partial
// one last.
TEST(OpsTensorMovement, TransposeOfFewChannelsMatchesDefinition) {
  for (int64_t n : {1, 2})
    for (int64_t c : {2, 3, 4, 5}) {
      Tensor x = iota<float>({n, c, 67, 131});
      EXPECT_EQ(values<float>(to_nhwc(x)), naive_transpose(x, {0, 2, 3, 1})) << n << " images, " << c << " channels";
    }
}

// The same for 8-bit images with 3 channels (quantized RGB input), which run 64 pixels at a
// time through byte permutes where the CPU has AVX-512 VBMI: image sizes that are and are not
// multiples of 64 pixels, one block of 4096 pixels or several, uint8 and int8.
TEST(OpsTensorMovement, TransposeOfThreeByteChannelsMatchesDefinition) {
  for (DataType type : {DataType::UInt8, DataType::Int8})
    for (const auto& [n, h, w] : std::vector<std::array<int64_t, 3>>{{1, 48, 192}, {2, 67, 131}, {1, 1, 63}, {1, 1, 65}}) {
      Tensor x = Tensor::uninitialized(type, {n, 3, h, w});
      auto* bytes = static_cast<uint8_t*>(x.raw());
      for (int64_t i = 0; i < x.numel(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 + i / 251);
      const Tensor y = to_nhwc(x);
      ASSERT_EQ(y.dims(), (std::vector<int64_t>{n, h, w, 3}));
      const auto* got = static_cast<const uint8_t*>(y.raw());
      for (int64_t b = 0; b < n; ++b)
        for (int64_t p = 0; p < h * w; ++p)
          for (int64_t c = 0; c < 3; ++c)
            ASSERT_EQ(got[(b * h * w + p) * 3 + c], bytes[(b * 3 + c) * h * w + p])
                << n << "x" << h << "x" << w << " image " << b << " pixel " << p << " channel " << c;
    }
}

TEST(OpsTensorMovement, TransposeDefaultReversesAndMovesStrings) {
  Tensor out = OneNode("Transpose", {"x"}).run1({Tensor::strings({2, 3}, {"a", "b", "c", "d", "e", "f"})});
  ASSERT_EQ(out.dims(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(out.string_data(), (std::vector<std::string>{"a", "d", "b", "e", "c", "f"}));
  OneNode bad("Transpose", {"x"});
  bad.ints("perm", {0, 0});
  expect_node_error(error_of([&] { bad.run({f32({1, 1}, {1})}); }), "Transpose", "not a permutation");
}

TEST(OpsTensorMovement, SliceClampsLikeOnnx) {
  // x = 0..9. starts/ends are clamped per ONNX:
  //  [INT64_MIN, INT64_MAX) step 3   -> 0,3,6,9
  //  start 100 (clamped to 9), end INT64_MIN (-> -1), step -4 -> 9,5,1
  //  start -3 (-> 7), end 100 (-> 10), step 1 -> 7,8,9
  //  start 5, end 2, step 1 -> empty
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  Tensor x = iota<float>({10});
  auto slice = [&](int64_t s, int64_t e, int64_t st) {
    return OneNode("Slice", {"x", "s", "e", "a", "st"}).run1({x, i64({1}, {s}), i64({1}, {e}), i64({1}, {0}), i64({1}, {st})});
  };
  EXPECT_EQ(values<float>(slice(lo, hi, 3)), (std::vector<float>{0, 3, 6, 9}));
  EXPECT_EQ(values<float>(slice(100, lo, -4)), (std::vector<float>{9, 5, 1}));
  EXPECT_EQ(values<float>(slice(-3, 100, 1)), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(slice(5, 2, 1).dims(), (std::vector<int64_t>{0}));
  EXPECT_EQ(values<float>(slice(hi, lo, lo)), (std::vector<float>{9}));  // step INT64_MIN: one element
}

TEST(OpsTensorMovement, SliceLegacyAttributesAndErrors) {
  // Opset 1-9: x [3,4] = 0..11, axes {1}, starts {1}, ends {3} -> columns 1..2.
  Tensor out = OneNode("Slice", {"x"}).ints("starts", {1}).ints("ends", {3}).ints("axes", {1}).run1({iota<float>({3, 4})});
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 2, 5, 6, 9, 10}));
  OneNode zero_step("Slice", {"x", "s", "e", "a", "st"});
  expect_node_error(error_of([&] { zero_step.run({iota<float>({4}), i64({1}, {0}), i64({1}, {4}), i64({1}, {0}), i64({1}, {0})}); }),
                    "Slice", "steps must not be 0");
  OneNode repeated("Slice", {"x", "s", "e", "a"});
  expect_node_error(
      error_of([&] { repeated.run({iota<float>({4, 4}), i64({2}, {0, 0}), i64({2}, {1, 1}), i64({2}, {1, -1})}); }), "Slice",
      "listed more than once");
}

TEST(OpsTensorMovement, GatherOutOfRangeNamesNodeAndIndex) {
  OneNode n("Gather", {"d", "i"});
  n.i("axis", 1);
  // Axis 1 has size 3, so valid indices are -3..2; 3 at position 1 is out of range.
  expect_node_error(error_of([&] { n.run({iota<float>({2, 3}), i64({2}, {0, 3})}); }), "Gather",
                    "index 3 (element 1 of indices) is out of range for axis 1 of size 3");
  // Negative and int32 indices: columns -1 (=2) and 0.
  EXPECT_EQ(values<float>(n.run1({iota<float>({2, 3}), tensor<int32_t>({2}, {-1, 0})})), (std::vector<float>{2, 0, 5, 3}));
  // A scalar index drops the axis: data [2,3], index 1 on axis 1 -> [2] = {1, 4}.
  Tensor scalar = n.run1({iota<float>({2, 3}), i64({}, {1})});
  EXPECT_EQ(scalar.dims(), (std::vector<int64_t>{2}));
  EXPECT_EQ(values<float>(scalar), (std::vector<float>{1, 4}));
}

TEST(OpsTensorMovement, GatherElementsChecksIndicesAndShape) {
  OneNode n("GatherElements", {"d", "i"});
  n.i("axis", 1);
  // data [[0,1,2],[3,4,5]]: out[i][j] = data[i][idx[i][j]] with idx [[2,0],[-1,1]] -> [[2,0],[5,4]].
  EXPECT_EQ(values<float>(n.run1({iota<float>({2, 3}), i64({2, 2}, {2, 0, -1, 1})})), (std::vector<float>{2, 0, 5, 4}));
  expect_node_error(error_of([&] { n.run({iota<float>({2, 3}), i64({2, 1}, {0, -4})}); }), "GatherElements",
                    "index -4 (element 1 of indices) is out of range");
  expect_node_error(error_of([&] { n.run({iota<float>({2, 3}), i64({3, 1}, {0, 0, 0})}); }), "GatherElements", "exceed the data");
}

TEST(OpsTensorMovement, PadModesAndCropping) {
  // x = {1,2,3}; pads [4, 2] (4 before, 2 after).
  //  reflect: period 2*(3-1) = 4 -> 1,2,3,2 | 1,2,3 | 2,1   (the mirror repeats past the edge)
  //  edge:    1,1,1,1 | 1,2,3 | 3,3
  //  wrap:    3,1,2,3 | 1,2,3 | 1,2
  //  constant 7: 7,7,7,7 | 1,2,3 | 7,7
  Tensor x = f32({3}, {1, 2, 3});
  auto pad = [&](const std::string& mode) {
    return values<float>(OneNode("Pad", {"x", "p", "v"}).s("mode", mode).run1({x, i64({2}, {4, 2}), f32({}, {7})}));
  };
  EXPECT_EQ(pad("reflect"), (std::vector<float>{1, 2, 3, 2, 1, 2, 3, 2, 1}));
  EXPECT_EQ(pad("edge"), (std::vector<float>{1, 1, 1, 1, 1, 2, 3, 3, 3}));
  EXPECT_EQ(pad("wrap"), (std::vector<float>{3, 1, 2, 3, 1, 2, 3, 1, 2}));
  EXPECT_EQ(pad("constant"), (std::vector<float>{7, 7, 7, 7, 1, 2, 3, 7, 7}));
  // Negative pads crop: [2,3] = 0..5 with pads [0,-1, 1,0] (begin axis0 0, begin axis1 -1,
  // end axis0 1, end axis1 0) -> rows {1,2},{4,5},{0,0}.
  EXPECT_EQ(values<float>(OneNode("Pad", {"x", "p"}).run1({iota<float>({2, 3}), i64({4}, {0, -1, 1, 0})})),
            (std::vector<float>{1, 2, 4, 5, 0, 0}));
  // Opset 18 axes: pad only axis -1 by 1 on both sides with edge mode.
  EXPECT_EQ(values<float>(OneNode("Pad", {"x", "p", "", "a"}).s("mode", "edge").run1({iota<float>({2, 2}), i64({2}, {1, 1}), Tensor(), i64({1}, {-1})})),
            (std::vector<float>{0, 0, 1, 1, 2, 2, 3, 3}));
  // Opset 2-10 attributes, int32 data: value 2.9 converts to 2.
  EXPECT_EQ(values<int32_t>(OneNode("Pad", {"x"}).ints("pads", {1, 0}).f("value", 2.9f).run1({tensor<int32_t>({1}, {5})})),
            (std::vector<int32_t>{2, 5}));
  OneNode bad("Pad", {"x", "p"});
  expect_node_error(error_of([&] { bad.run({x, i64({3}, {1, 1, 1})}); }), "Pad", "pads has 3 entries, expected 2");
}

TEST(OpsTensorMovement, SplitForms) {
  Tensor x = iota<float>({7});
  // num_outputs = 3 on 7: ceil(7/3) = 3 -> sizes 3, 3, 1.
  auto parts = OneNode("Split", {"x"}, 3).i("num_outputs", 3).run({x});
  EXPECT_EQ(values<float>(parts[2]), (std::vector<float>{6}));
  EXPECT_EQ(parts[1].dims(), (std::vector<int64_t>{3}));
  // split input {2, 5}.
  auto two = OneNode("Split", {"x", "s"}, 2).run({x, i64({2}, {2, 5})});
  EXPECT_EQ(values<float>(two[0]), (std::vector<float>{0, 1}));
  OneNode uneven("Split", {"x"}, 2);
  expect_node_error(error_of([&] { uneven.run({x}); }), "Split", "cannot split an axis of size 7 into 2 equal parts");
  OneNode bad_sum("Split", {"x", "s"}, 2);
  expect_node_error(error_of([&] { bad_sum.run({x, i64({2}, {2, 4})}); }), "Split", "sums to 6");
}

TEST(OpsTensorMovement, TileExpandSqueezeUnsqueeze) {
  // Tile [2,1] {1,2} by {2,3} -> [4,3]: rows 1,1,1 / 2,2,2 / 1,1,1 / 2,2,2.
  EXPECT_EQ(values<float>(OneNode("Tile", {"x", "r"}).run1({f32({2, 1}, {1, 2}), i64({2}, {2, 3})})),
            (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}));
  // Expand [3,1] to shape [2,1,4] -> [2,3,4]; element [b][i][j] = x[i].
  Tensor e = OneNode("Expand", {"x", "s"}).run1({f32({3, 1}, {1, 2, 3}), i64({3}, {2, 1, 4})});
  ASSERT_EQ(e.dims(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(values<float>(e)[5], 2.f);
  EXPECT_EQ(values<float>(e)[23], 3.f);
  OneNode sq("Squeeze", {"x", "a"});
  expect_node_error(error_of([&] { sq.run({iota<float>({1, 2}), i64({1}, {1})}); }), "Squeeze", "cannot squeeze axis 1 of size 2");
  EXPECT_EQ(OneNode("Squeeze", {"x"}).run1({iota<float>({1, 2, 1})}).dims(), (std::vector<int64_t>{2}));
  EXPECT_EQ(OneNode("Unsqueeze", {"x"}).ints("axes", {-1, 0}).run1({iota<float>({2})}).dims(), (std::vector<int64_t>{1, 2, 1}));
}

TEST(OpsTensorMovement, NonZeroCumSumRange) {
  // NonZero of [[1,0],[0,3]] -> rows (0,1), cols (0,1).
  EXPECT_EQ(values<int64_t>(OneNode("NonZero", {"x"}).run1({f32({2, 2}, {1, 0, 0, 3})})), (std::vector<int64_t>{0, 1, 0, 1}));
  // CumSum of 1,2,3 exclusive + reverse: from the end, sums before each: 5, 3, 0.
  EXPECT_EQ(values<float>(OneNode("CumSum", {"x", "a"}).i("exclusive", 1).i("reverse", 1).run1({f32({3}, {1, 2, 3}), scalar_i64(0)})),
            (std::vector<float>{5, 3, 0}));
  // Range over the whole int64 span: start INT64_MIN = -2^63, limit INT64_MAX, delta 2^62
  // -> ceil((2^64 - 1) / 2^62) = 4 elements: -2^63, -2^62, 0, 2^62 (3 * 2^62 alone
  // would overflow, so this checks the kernel never forms it).
  const int64_t lo = std::numeric_limits<int64_t>::min(), q = int64_t{1} << 62;
  EXPECT_EQ(values<int64_t>(OneNode("Range", {"s", "l", "d"}).run1({scalar_i64(lo), scalar_i64(std::numeric_limits<int64_t>::max()), scalar_i64(q)})),
            (std::vector<int64_t>{lo, -q, 0, q}));
  OneNode zero("Range", {"s", "l", "d"});
  expect_node_error(error_of([&] { zero.run({scalar_i64(0), scalar_i64(3), scalar_i64(0)}); }), "Range", "delta is 0");
}

TEST(OpsTensorMovement, DropoutInferenceAndTrainingError) {
  OneNode n("Dropout", {"x", "r", "t"}, 2);
  auto out = n.run({f32({2}, {1, 2}), f32({}, {0.0f}), bools({}, {true})});  // ratio 0: identity even in training
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 2}));
  EXPECT_EQ(values<bool>(out[1]), (std::vector<bool>{true, true}));
  expect_node_error(error_of([&] { n.run({f32({2}, {1, 2}), f32({}, {0.5f}), bools({}, {true})}); }), "Dropout",
                    "random dropout is not supported");
}

TEST(OpsTensorMovement, ConstantOfShapeAndSize) {
  Tensor c = OneNode("ConstantOfShape", {"s"}).t("value", tensor<int32_t>({1}, {7})).run1({i64({2}, {2, 2})});
  EXPECT_EQ(values<int32_t>(c), (std::vector<int32_t>{7, 7, 7, 7}));
  EXPECT_EQ(OneNode("ConstantOfShape", {"s"}).run1({i64({0}, {})}).dtype(), DataType::Float32);  // default: scalar float 0
  OneNode neg("ConstantOfShape", {"s"});
  expect_node_error(error_of([&] { neg.run({i64({1}, {-1})}); }), "ConstantOfShape", "negative dim");
  EXPECT_EQ(values<int64_t>(OneNode("Size", {"x"}).run1({iota<float>({3, 4})})), (std::vector<int64_t>{12}));
}

}  // namespace
}  // namespace qtune
