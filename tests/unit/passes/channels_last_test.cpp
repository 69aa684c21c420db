// convert_to_channels_last: the converted graph computes what the original does (reference
// backend, so the pass is checked independently of oneDNN), convolutions become NhwcConv,
// NHWC flows through the ops between them, and a Transpose appears only where an NCHW
// consumer or a graph output needs one.
#include "passes/channels_last.h"
#include "passes/fold_constants.h"

#include "ir/shape_inference.h"
#include "pass_test_util.h"
#include "test_paths.h"

namespace qtune::passtest {
namespace {

using passes::convert_to_channels_last;

// conv -> HardSwish pattern pieces -> SE block (GAP, conv, relu, conv, HardSigmoid, Mul) ->
// conv + residual Add with a per-channel bias constant -> Resize x2 -> Concat -> output.
ir::Model mobile_block() {
  ir::GraphBuilder b(13);
  auto* x = b.input("x", DataType::Float32, {2, 8, 12, 10});
  auto* c1 = b.node("Conv", {x, b.weight("w1", {16, 8, 3, 3}), b.weight("b1", {16})}, {pads1()});
  auto* h = b.node("HardSigmoid", {c1}, {f("alpha", 0.2f), f("beta", 0.5f)});
  auto* act = b.node("Mul", {c1, h});
  auto* dw = b.node("Conv", {act, b.weight("w2", {16, 1, 3, 3}), b.weight("b2", {16})}, {pads1(), i("group", 16)});
  auto* gap = b.node("GlobalAveragePool", {dw});
  auto* s1 = b.node("Relu", {b.node("Conv", {gap, b.weight("w3", {4, 16, 1, 1}), b.weight("b3", {4})})});
  auto* s2 = b.node("HardSigmoid", {b.node("Conv", {s1, b.weight("w4", {16, 4, 1, 1}), b.weight("b4", {16})})});
  auto* se = b.node("Mul", {dw, s2});
  auto* pw = b.node("Conv", {se, b.weight("w5", {16, 16, 1, 1})});
  auto* res = b.node("Add", {b.node("Add", {pw, act}), b.weight("chan_bias", {16, 1, 1})});
  auto* up = b.node("Resize", {res, b.constant("roi", Tensor(DataType::Float32, {0})),
                               b.constant("scales", Tensor::from_vector<float>({4}, {1, 1, 2, 2}))},
                    {ir::Attribute::make_string("mode", "nearest")});
  auto* small = b.node("Conv", {up, b.weight("w6", {8, 16, 1, 1})});
  auto* cat = b.node("Concat", {small, b.node("Relu", {small})}, {i("axis", 1)});
  b.output(cat);
  b.output(res);  // an NCHW graph output in the middle of the NHWC region
  return b.build();
}

TEST(ChannelsLast, MobileBlockComputesTheSame) {
  PassResult r = apply_and_compare(mobile_block(), convert_to_channels_last, 1e-5);
  EXPECT_EQ(count_ops(r.model, "NhwcConv", "com.qtune"), 6u);
  EXPECT_EQ(count_ops(r.model, "Conv"), 0u);
  EXPECT_EQ(count_ops(r.model, "GlobalAveragePool"), 0u);
  EXPECT_EQ(count_ops(r.model, "NhwcPool", "com.qtune"), 1u);
  // One Transpose in (x), one out per NCHW graph output (cat, res); none between ops.
  EXPECT_EQ(count_ops(r.model, "Transpose"), 3u);
  EXPECT_GT(r.rewrites, 10u);
}

// Pools stay in NHWC; an op with no NHWC form (Softmax over channels) gets NCHW data back.
TEST(ChannelsLast, PoolsStayNhwcSoftmaxGetsATranspose) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 9, 9});
  auto* c = b.node("Relu", {b.node("Conv", {x, b.weight("w", {6, 4, 3, 3})}, {pads1()})});
  auto* pool = b.node("MaxPool", {c}, {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), i("ceil_mode", 1)});
  auto* avg = b.node("AveragePool", {pool}, {ints("kernel_shape", {2, 2}), pads1(), i("count_include_pad", 1)});
  b.output(b.node("Softmax", {avg}, {i("axis", 1)}));
  PassResult r = apply_and_compare(b.build(), convert_to_channels_last);
  EXPECT_EQ(count_ops(r.model, "NhwcConv", "com.qtune"), 1u);
  EXPECT_EQ(count_ops(r.model, "NhwcPool", "com.qtune"), 2u);
  EXPECT_EQ(count_ops(r.model, "Transpose"), 2u);
  EXPECT_EQ(count_ops(r.model, "MaxPool"), 0u);
}

TEST(ChannelsLast, GraphWithoutConvIsUntouched) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 8, 8});
  b.output(b.node("Relu", {b.node("Add", {x, x})}));
  PassResult r = apply_and_compare(b.build(), convert_to_channels_last);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "Transpose"), 0u);
}

// The real detector: optimized and converted, on the reference backend, matches the original.
TEST(RealModelChannelsLast, DetectorComputesTheSame) {
  ir::Model original = ir::load_model(testing::ppocr_model("ch_PP-OCRv4_det_infer.onnx"));
  ir::apply_input_shapes(*original.graph, {{"x", {1, 3, 64, 96}}});
  // As in a Session: constant folding first (it also turns the weights PaddlePaddle lists
  // as graph inputs into constants).
  PassResult r = apply_and_compare(
      original,
      [](ir::Graph& g) {
        passes::fold_constants(g);
        return convert_to_channels_last(g);
      },
      1e-4);
  EXPECT_GE(count_ops(r.model, "NhwcConv", "com.qtune"), 60u);
  std::cout << "[channels-last] detector: " << r.rewrites << " nodes in NHWC, "
            << count_ops(r.model, "Transpose") << " transposes\n";
}

}  // namespace
}  // namespace qtune::passtest
