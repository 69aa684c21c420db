// fuse_residual_add: Add(Conv(x), s) with s of the conv output's exact static shape,
// computed before the conv, becomes FusedConv with Sum = s; a following Relu then still
// fuses. Not for broadcasting addends, activated convs, graph-output conv results, or
// addends computed after the conv.
#include "passes/fuse_residual_add.h"

#include "pass_test_util.h"
#include "passes/fuse_activations.h"

namespace qtune {
namespace {

using namespace passtest;

size_t residual_then_activation(ir::Graph& g) { return passes::fuse_residual_add(g) + passes::fuse_activations(g); }

TEST(FuseResidualAddPass, ConvPlusEarlierValueThenRelu) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 6, 6});
  auto* skip = b.node("Sigmoid", {x});
  const std::string skip_name = skip->name();
  auto* y = b.node("Conv", {x, b.weight("w", {4, 4, 3, 3}), b.weight("b", {4})}, {pads1()}, "conv");
  b.output(b.node("Relu", {b.node("Add", {skip, y})}));
  PassResult r = apply_and_compare(b.build(), residual_then_activation);
  EXPECT_EQ(r.rewrites, 2u);
  const ir::Node* fused = find_op(r.model, "FusedConv", "com.qtune");
  ASSERT_NE(fused, nullptr);
  ASSERT_EQ(fused->num_inputs(), 4);
  EXPECT_EQ(fused->input(3)->name(), skip_name);
  EXPECT_EQ(fused->attr_string("activation", ""), "Relu");
  EXPECT_EQ(r.model.graph->num_nodes(), 2u);
}

TEST(FuseResidualAddPass, SumOfTwoConvsWithoutBias) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 5, 5});
  auto* y1 = b.node("Conv", {x, b.weight("w1", {4, 3, 1, 1})});
  auto* y2 = b.node("Conv", {x, b.weight("w2", {4, 3, 3, 3})}, {pads1()});
  b.output(b.node("Add", {y1, y2}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_residual_add);
  EXPECT_EQ(r.rewrites, 1u);
  const ir::Node* fused = find_op(r.model, "FusedConv", "com.qtune");
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->input(2), nullptr);
  EXPECT_EQ(count_ops(r.model, "Conv"), 1u);
}

TEST(FuseResidualAddPass, NotForABroadcastingAddend) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* s = b.input("s", DataType::Float32, {1, 4, 1, 1});
  b.output(b.node("Add", {b.node("Conv", {x, b.weight("w", {4, 4, 1, 1})}), s}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_residual_add).rewrites, 0u);
}

TEST(FuseResidualAddPass, NotAfterAnActivation) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  b.output(b.node("Add", {b.node("Relu", {b.node("Conv", {x, b.weight("w", {4, 4, 1, 1})})}), x}));
  PassResult r = apply_and_compare(
      b.build(), [](ir::Graph& g) { return passes::fuse_activations(g) + passes::fuse_residual_add(g); });
  EXPECT_EQ(r.rewrites, 1u);  // the Relu only
  EXPECT_EQ(count_ops(r.model, "Add"), 1u);
}

TEST(FuseResidualAddPass, NotWhenTheConvOutputIsAGraphOutput) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 4, 1, 1})});
  b.output(y);
  b.output(b.node("Add", {y, x}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_residual_add).rewrites, 0u);
}

TEST(FuseResidualAddPass, NotWhenTheAddendIsComputedAfterTheConv) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 4, 1, 1})});
  auto* later = b.node("Sigmoid", {x});
  b.output(b.node("Add", {y, later}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_residual_add).rewrites, 0u);
}

}  // namespace
}  // namespace qtune
