// remove_identity_like: pass-through nodes disappear and transpose/reshape chains merge;
// graph outputs keep their names; nothing changes where the node does change its input.
#include "passes/remove_identity_like.h"

#include "pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

Tensor shape_of(std::vector<int64_t> dims) {
  const int64_t n = static_cast<int64_t>(dims.size());
  return Tensor::from_vector<int64_t>({n}, dims);
}

TEST(RemoveIdentityLikePass, PassThroughNodes) {
  ir::GraphBuilder b(13);
  auto* x = b.input("x", DataType::Float32, {2, 3, 4});
  auto* y = b.node("Relu", {x});
  y = b.node("Identity", {y});
  y = b.node("Dropout", {y});
  y = b.node("Cast", {y}, {i("to", static_cast<int64_t>(DataType::Float32))});
  y = b.node("Reshape", {y, b.constant("same", shape_of({2, 3, 4}))});
  y = b.node("Transpose", {y}, {ints("perm", {0, 1, 2})});
  y = b.node("Mul", {y, b.constant("one", scalar(1))});
  y = b.node("Add", {b.constant("zero", floats({1}, {0})), y});
  y = b.node("Div", {y, b.constant("one_again", scalar(1))});
  b.output(b.node("Sigmoid", {y}));
  PassResult r = apply_and_compare(b.build(), passes::remove_identity_like);
  EXPECT_EQ(r.rewrites, 8u);
  EXPECT_EQ(r.model.graph->num_nodes(), 2u);
}

TEST(RemoveIdentityLikePass, GraphOutputKeepsItsName) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3});
  b.output(b.node("Identity", {b.node("Relu", {x})}, {}, "final"));
  PassResult r = apply_and_compare(b.build(), passes::remove_identity_like);
  EXPECT_EQ(r.rewrites, 1u);
  ASSERT_EQ(r.model.graph->num_nodes(), 1u);
  EXPECT_EQ(r.model.graph->nodes().front()->op_type(), "Relu");
  EXPECT_EQ(r.model.graph->outputs().front()->name(), "final_out");
}

TEST(RemoveIdentityLikePass, IdentityFromInputToOutputStays) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3});
  b.output(b.node("Identity", {x}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::remove_identity_like).rewrites, 0u);
}

TEST(RemoveIdentityLikePass, TransposeChainsMergeOrCancel) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3, 4});
  auto* t = b.node("Transpose", {b.node("Transpose", {x}, {ints("perm", {0, 2, 1})})}, {ints("perm", {1, 0, 2})});
  b.output(b.node("Relu", {t}));
  auto* back = b.node("Transpose", {b.node("Transpose", {x}, {ints("perm", {2, 0, 1})})}, {ints("perm", {1, 2, 0})});
  b.output(b.node("Sigmoid", {back}));
  auto* reversed = b.node("Transpose", {b.node("Transpose", {x})});  // default perms reverse twice
  b.output(b.node("Tanh", {reversed}));
  PassResult r = apply_and_compare(b.build(), passes::remove_identity_like);
  EXPECT_EQ(r.rewrites, 3u);
  EXPECT_EQ(count_ops(r.model, "Transpose"), 1u);
  EXPECT_EQ(find_op(r.model, "Transpose")->attr_ints("perm", {}), (std::vector<int64_t>{2, 0, 1}));
}

TEST(RemoveIdentityLikePass, ReshapeChainsKeepTheLastReshape) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3, 4});
  auto* r1 = b.node("Reshape", {x, b.constant("s1", shape_of({6, 4}))});
  b.output(b.node("Reshape", {r1, b.constant("s2", shape_of({4, -1}))}));
  PassResult r = apply_and_compare(b.build(), passes::remove_identity_like);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(count_ops(r.model, "Reshape"), 1u);
}

TEST(RemoveIdentityLikePass, NotWhenNodesChangeTheirInput) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3, 4});
  // A 0 in the outer shape copies the inner reshape's dim: merging would change it.
  auto* r1 = b.node("Reshape", {x, b.constant("s1", shape_of({6, 4}))});
  b.output(b.node("Reshape", {r1, b.constant("s2", shape_of({0, 2, 2}))}));
  b.output(b.node("Cast", {x}, {i("to", static_cast<int64_t>(DataType::Float64))}));
  b.output(b.node("Mul", {x, b.constant("one", floats({1, 1, 1, 1}, {1}))}));  // broadcasts to rank 4
  b.output(b.node("Mul", {x, b.constant("two", scalar(2))}));
  b.output(b.node("Transpose", {x}, {ints("perm", {1, 0, 2})}));
  PassResult r = apply_and_compare(b.build(), passes::remove_identity_like);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(r.model.graph->num_nodes(), 6u);
}

}  // namespace
}  // namespace qtune
