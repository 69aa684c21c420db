// fuse_output_affine: a scalar Mul and/or Add after a fused activation joins it as
// activation_affine (composing with one already there); nothing fires without an
// activation, for per-channel constants, or when the intermediate has another reader.
#include "passes/fuse_output_affine.h"

#include "pass_test_util.h"
#include "passes/fuse_activations.h"

namespace qtune {
namespace {

using namespace passtest;

// Conv -> HardSwish, fused; returns the fused output.
ir::Value* conv_hardswish(ir::GraphBuilder& b) {
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* c = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3}), b.weight("b", {4})}, {pads1()}, "conv");
  return b.node("HardSwish", {c});
}

size_t fuse_both(ir::Graph& g) { return passes::fuse_activations(g) + passes::fuse_output_affine(g); }

TEST(FuseOutputAffinePass, ScaleAndShiftAfterHardSwish) {
  ir::GraphBuilder b;
  auto* y = conv_hardswish(b);
  auto* scaled = b.node("Mul", {b.constant("s", floats({1}, {0.75f})), y});
  b.output(b.node("Add", {scaled, b.constant("t", floats({1}, {-0.25f}))}));
  PassResult r = apply_and_compare(b.build(), fuse_both);
  ASSERT_EQ(r.model.graph->num_nodes(), 1u);
  const ir::Node* n = r.model.graph->nodes().front();
  EXPECT_EQ(n->op_type(), "FusedConv");
  EXPECT_EQ(n->attr_string("activation", ""), "HardSwish");
  EXPECT_EQ(n->attr_floats("activation_affine", {}), (std::vector<float>{0.75f, -0.25f}));
}

TEST(FuseOutputAffinePass, ShiftAloneAndScaleAlone) {
  for (const char* op : {"Add", "Mul"}) {
    ir::GraphBuilder b;
    b.output(b.node(op, {conv_hardswish(b), b.constant("c", scalar(2.0f))}));
    PassResult r = apply_and_compare(b.build(), fuse_both);
    EXPECT_EQ(r.model.graph->num_nodes(), 1u) << op;
  }
}

TEST(FuseOutputAffinePass, LeavesPerChannelAndSharedValues) {
  {
    ir::GraphBuilder b;  // per-channel scale: not an affine of the activation
    b.output(b.node("Mul", {conv_hardswish(b), b.weight("s", {4, 1, 1})}));
    PassResult r = apply_and_compare(b.build(), fuse_both);
    EXPECT_EQ(count_ops(r.model, "Mul"), 1u);
  }
  {
    ir::GraphBuilder b;  // the activation output is also a graph output
    auto* y = conv_hardswish(b);
    b.output(b.node("Mul", {y, b.constant("s", scalar(3.0f))}));
    b.output(y);
    PassResult r = apply_and_compare(b.build(), fuse_both);
    EXPECT_EQ(count_ops(r.model, "Mul"), 1u);
  }
  {
    ir::GraphBuilder b;  // no activation: weight folding's job, not this pass's
    auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
    auto* c = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
    b.output(b.node("Mul", {c, b.constant("s", scalar(3.0f))}));
    PassResult r = apply_and_compare(b.build(), fuse_both);
    EXPECT_EQ(count_ops(r.model, "Mul"), 1u);
  }
}

}  // namespace
}  // namespace qtune
