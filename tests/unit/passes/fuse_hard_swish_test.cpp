// fuse_hard_swish: decomposed HardSwish on a value no compute op produced becomes one
// HardSwish node, even when x has other readers; other HardSigmoid constants and
// x * Sigmoid(x) stay as they are.
#include "passes/fuse_hard_swish.h"

#include "pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

TEST(FuseHardSwishPass, BothDecomposedForms) {
  ir::GraphBuilder b(14);
  auto* x = b.input("x", DataType::Float32, {2, 8});
  b.output(b.node("Mul", {x, b.node("HardSigmoid", {x}, {f("alpha", 1.0f / 6.0f), f("beta", 0.5f)})}));
  auto* r = b.node("Relu", {x});
  auto* clip = b.node("Clip", {b.node("Add", {r, b.constant("three", scalar(3))}), b.constant("lo", scalar(0)),
                               b.constant("hi", scalar(6))});
  b.output(b.node("Mul", {b.node("Mul", {r, clip}), b.constant("sixth", scalar(1.0f / 6.0f))}));
  b.output(b.node("Sigmoid", {r}));  // x may have other readers: it stays
  PassResult result = apply_and_compare(b.build(), passes::fuse_hard_swish);
  EXPECT_EQ(result.rewrites, 2u);
  EXPECT_EQ(count_ops(result.model, "HardSwish"), 2u);
  EXPECT_EQ(result.model.graph->num_nodes(), 4u);
}

TEST(FuseHardSwishPass, NotForOtherConstantsOrSwish) {
  ir::GraphBuilder b(14);
  auto* x = b.input("x", DataType::Float32, {2, 8});
  b.output(b.node("Mul", {x, b.node("HardSigmoid", {x}, {f("alpha", 0.2f), f("beta", 0.5f)})}));
  b.output(b.node("Mul", {x, b.node("Sigmoid", {x})}));
  auto* clip = b.node("Clip", {b.node("Add", {x, b.constant("three", scalar(3))}), b.constant("lo", scalar(0)),
                               b.constant("hi", scalar(5))});
  b.output(b.node("Div", {b.node("Mul", {x, clip}), b.constant("six", scalar(6))}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_hard_swish).rewrites, 0u);
}

}  // namespace
}  // namespace qtune
