// eliminate_dead_nodes: chains that reach no graph output go, with the initializers only
// they read; nodes producing graph outputs stay even when nothing else reads them.
#include "passes/eliminate_dead_nodes.h"

#include "pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

TEST(EliminateDeadNodesPass, RemovesUnreachedChainsAndTheirWeights) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 4, 4});
  auto* dead = b.node("Conv", {x, b.weight("dead_w", {2, 3, 1, 1})});
  b.node("Relu", {b.node("Sigmoid", {dead})});
  auto* live = b.node("Relu", {x});
  b.output(live);
  b.output(b.node("Tanh", {live}));
  PassResult r = apply_and_compare(b.build(), passes::eliminate_dead_nodes);
  EXPECT_EQ(r.rewrites, 3u);
  EXPECT_EQ(r.model.graph->num_nodes(), 2u);
  EXPECT_TRUE(r.model.graph->initializers().empty());
  EXPECT_EQ(r.model.graph->find_value("dead_w"), nullptr);
}

TEST(EliminateDeadNodesPass, NothingToRemove) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 2});
  b.output(b.node("Relu", {x}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::eliminate_dead_nodes).rewrites, 0u);
}

}  // namespace
}  // namespace qtune
