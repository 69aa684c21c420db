// fold_conv_mul: a Mul by a one-element or per-channel constant after a Conv or
// ConvTranspose folds into W and B (PP-OCRv4's Conv -> Mul -> Add affine blocks); not for
// constants varying along other axes, computed factors, or convs with an activation.
#include "passes/fold_conv_mul.h"

#include "pass_test_util.h"
#include "passes/fuse_activations.h"
#include "passes/fuse_bias_add.h"

namespace qtune {
namespace {

using namespace passtest;

TEST(FoldConvMulPass, ScalarAffineBlockBecomesOneConv) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3}), b.weight("b", {4})}, {pads1()});
  auto* scaled = b.node("Mul", {b.constant("s", floats({1}, {0.75f})), y});
  b.output(b.node("Add", {scaled, b.constant("t", floats({1}, {0.25f}))}));
  PassResult r =
      apply_and_compare(b.build(), [](ir::Graph& g) { return passes::fold_conv_mul(g) + passes::fuse_bias_add(g); });
  EXPECT_EQ(r.rewrites, 2u);
  EXPECT_EQ(r.model.graph->num_nodes(), 1u);
}

TEST(FoldConvMulPass, PerChannelScaleOnGroupedConvTranspose) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* y = b.node("ConvTranspose", {x, b.weight("w", {4, 3, 2, 2})}, {i("group", 2), ints("strides", {2, 2})});
  b.output(b.node("Mul", {y, b.weight("s", {1, 6, 1, 1})}));
  PassResult r = apply_and_compare(b.build(), passes::fold_conv_mul);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(count_ops(r.model, "Mul"), 0u);
}

TEST(FoldConvMulPass, NotForOtherFactorsOrActivatedConvs) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* s = b.input("s", DataType::Float32, {1});
  b.output(b.node("Mul", {b.node("Conv", {x, b.weight("w1", {4, 3, 1, 1})}), b.weight("cols", {1, 1, 1, 6})}));
  b.output(b.node("Mul", {b.node("Conv", {x, b.weight("w2", {4, 3, 1, 1})}), s}));
  b.output(b.node("Mul", {b.node("Relu", {b.node("Conv", {x, b.weight("w3", {4, 3, 1, 1})})}), b.weight("k", {1})}));
  PassResult r =
      apply_and_compare(b.build(), [](ir::Graph& g) { return passes::fuse_activations(g) + passes::fold_conv_mul(g); });
  EXPECT_EQ(r.rewrites, 1u);  // the Relu fusion only
  EXPECT_EQ(count_ops(r.model, "Mul"), 3u);
}

}  // namespace
}  // namespace qtune
