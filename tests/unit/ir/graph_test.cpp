// Graph helpers the passes rely on: producer/use links stay right through every edit.
#include <gtest/gtest.h>

#include <algorithm>

#include "ir/graph_builder.h"
#include "ir/model_io.h"

namespace qtune {
namespace {

using ir::Attribute;
using ir::GraphBuilder;

std::vector<std::string> names(const std::vector<ir::Node*>& nodes) {
  std::vector<std::string> out;
  for (auto* n : nodes) out.push_back(n->name());
  return out;
}

TEST(IrGraph, ProducersAndUsesFollowEdits) {
  GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4});
  auto* r = b.node("Relu", {x}, {}, "relu");
  auto* s = b.node("Sigmoid", {x}, {}, "sig");
  auto* y = b.node("Add", {r, s}, {}, "add");
  b.output(y);
  ir::Graph& g = b.graph();
  EXPECT_EQ(x->uses().size(), 2u);
  EXPECT_EQ(r->producer()->name(), "relu");
  EXPECT_EQ(names(g.consumers(r)), (std::vector<std::string>{"add"}));

  // Redirect the Add's first input from relu to x: relu loses its only use.
  g.set_node_input(g.find_node("add"), 0, x);
  EXPECT_TRUE(r->uses().empty());
  EXPECT_EQ(x->uses().size(), 3u);
  EXPECT_EQ(g.eliminate_dead_nodes(), 1u);
  EXPECT_EQ(g.find_node("relu"), nullptr);
  EXPECT_EQ(r->producer(), nullptr);
  EXPECT_EQ(g.remove_unused_values(), 1u);
  EXPECT_EQ(g.find_value("relu_out"), nullptr);
}

TEST(IrGraph, ReplaceAllUsesIncludingGraphOutputs) {
  GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2});
  auto* a = b.node("Neg", {x}, {}, "neg");
  auto* c = b.node("Abs", {a}, {}, "abs");
  b.output(a);
  b.output(c);
  ir::Graph& g = b.graph();
  g.replace_all_uses(a, x, /*including_graph_outputs=*/false);
  EXPECT_EQ(g.outputs()[0], a) << "graph outputs untouched unless asked";
  EXPECT_EQ(g.find_node("abs")->input(0), x);
  g.replace_all_uses(a, x, true);
  EXPECT_EQ(g.outputs()[0], x);
}

TEST(IrGraph, TopologicalOrderIsStableAndSortsOutOfOrderNodes) {
  ir::Graph g;
  auto* x = g.add_value("x");
  g.add_input(x);
  auto* m = g.add_value("m");
  auto* y = g.add_value("y");
  auto* z = g.add_value("z");
  g.add_node("Relu", {m}, {y}, "second");  // consumes m, produced below
  g.add_node("Neg", {x}, {m}, "first");
  g.add_node("Abs", {x}, {z}, "independent");
  g.add_output(y);
  g.add_output(z);
  EXPECT_EQ(names(g.topological_order()), (std::vector<std::string>{"first", "second", "independent"}));
  g.sort_topologically();
  EXPECT_EQ(names(g.nodes()), (std::vector<std::string>{"first", "second", "independent"}));
}

TEST(IrGraph, CycleIsReportedWithANode) {
  ir::Graph g;
  auto* a = g.add_value("a");
  auto* b2 = g.add_value("b");
  g.add_node("Neg", {b2}, {a}, "n1");
  g.add_node("Neg", {a}, {b2}, "n2");
  try {
    g.topological_order();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cycle through Neg node 'n1'"), std::string::npos) << e.what();
  }
}

TEST(IrGraph, UniqueNamesAvoidValuesNodesAndParents) {
  GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1});
  b.output(b.node("Relu", {x}, {}, "conv"));
  ir::Graph& g = b.graph();
  EXPECT_EQ(g.unique_name("x"), "x_1");
  EXPECT_EQ(g.unique_name("conv"), "conv_1");
  g.add_value("conv_1");
  EXPECT_EQ(g.unique_name("conv"), "conv_2");
  EXPECT_EQ(g.unique_name("fresh"), "fresh");
  ir::Graph sub(&g);
  EXPECT_EQ(sub.unique_name("x"), "x_1") << "a subgraph must not shadow its parent's names";
}

TEST(IrGraph, InsertBeforeAndRemoveKeepLinks) {
  GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {3});
  auto* y = b.node("Relu", {x}, {}, "relu");
  b.output(y);
  ir::Graph& g = b.graph();
  // Insert a Neg in front of relu: x -> Neg -> relu.
  auto* neg_out = g.add_value(g.unique_name("neg_out"));
  ir::Node* relu = g.find_node("relu");
  g.insert_node_before(relu, "Neg", {x}, {neg_out}, "neg");
  g.set_node_input(relu, 0, neg_out);
  EXPECT_EQ(names(g.nodes()), (std::vector<std::string>{"neg", "relu"}));
  EXPECT_EQ(x->uses().size(), 1u);
  g.remove_node(g.find_node("neg"));
  EXPECT_EQ(neg_out->producer(), nullptr);
  EXPECT_TRUE(x->uses().empty());
  EXPECT_THROW(ir::validate_model(b.build()), Error) << "relu now reads a value nobody produces";
}

TEST(IrGraph, SecondProducerIsRejected) {
  ir::Graph g;
  auto* x = g.add_value("x");
  auto* y = g.add_value("y");
  g.add_node("Neg", {x}, {y}, "a");
  EXPECT_THROW(g.add_node("Abs", {x}, {y}, "b"), Error);
}

TEST(IrGraph, TypedAttributeGetters) {
  GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 1, 4, 4});
  auto* y = b.node("MaxPool", {x},
                   {Attribute::make_ints("kernel_shape", {2, 2}), Attribute::make_string("auto_pad", "VALID")}, "pool");
  b.output(y);
  ir::Node* n = b.graph().find_node("pool");
  EXPECT_EQ(n->attr_ints("kernel_shape", {}), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(n->attr_int("ceil_mode", 0), 0);
  EXPECT_EQ(n->attr_string("auto_pad", "NOTSET"), "VALID");
  EXPECT_THROW(n->attr_int("kernel_shape", 0), Error) << "wrong kind must not silently default";
  EXPECT_EQ(n->opset_version(), 17);
}

TEST(IrGraph, BuilderMakesValidRoundTrippableModels) {
  GraphBuilder b(13, 42);
  auto* x = b.input("x", DataType::Float32, {-1, 3, 8, 8});
  auto* c = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3}), b.weight("bias", {4})},
                   {Attribute::make_ints("pads", {1, 1, 1, 1})}, "conv");
  b.output(b.node("Relu", {c}, {}, "relu"));
  ir::Model m = b.build();
  EXPECT_EQ(m.graph->inputs()[0]->shape.to_string(), "[x_d0,3,8,8]");
  std::string bytes = ir::serialize_model(m);
  ir::Model again = ir::load_model_from_bytes(bytes, "built", ".");
  EXPECT_EQ(ir::serialize_model(again), bytes);
  EXPECT_EQ(again.graph->value("w")->initializer().numel(), 108);
}

}  // namespace
}  // namespace qtune
