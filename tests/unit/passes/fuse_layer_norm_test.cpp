// fuse_layer_norm: the decomposed layer norm over the last axis (Pow or Mul squares,
// opset-13 axes attribute or opset-18 axes input, with or without beta, gamma of rank
// 1 or 3) becomes LayerNormalization; not over another axis, when an intermediate has
// another reader, or when the last axis' length is unknown.
#include "passes/fuse_layer_norm.h"

#include "pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

struct LayerNormOptions {
  bool square_by_mul = false;
  bool axes_input = false;  // opset 18
  bool beta = true;
  std::vector<int64_t> gamma_dims = {16};
  int64_t axis = -1;
  bool extra_reader = false;
  int64_t last_dim = 16;
};

// Builds the pattern into b's graph.
void build_layer_norm(ir::GraphBuilder& b, const LayerNormOptions& o) {
  auto* x = b.input("x", DataType::Float32, {2, 5, o.last_dim});
  auto mean = [&](ir::Value* v) {
    if (o.axes_input) return b.node("ReduceMean", {v, b.constant("axes", Tensor::from_vector<int64_t>({1}, {o.axis}))});
    return b.node("ReduceMean", {v}, {ints("axes", {o.axis})});
  };
  auto* d = b.node("Sub", {x, mean(x)});
  auto* sq = o.square_by_mul ? b.node("Mul", {d, d}) : b.node("Pow", {d, b.constant("two", scalar(2))});
  auto* den = b.node("Sqrt", {b.node("Add", {mean(sq), b.constant("eps", scalar(1e-5f))})});
  auto* norm = b.node("Div", {d, den});
  ir::Value* y = b.node("Mul", {b.weight("gamma", o.gamma_dims, 1.0f), norm});
  if (o.beta) y = b.node("Add", {y, b.weight("beta", {16})});
  b.output(y);
  if (o.extra_reader) b.output(b.node("Relu", {d}));
}

ir::Model decomposed_layer_norm(const LayerNormOptions& o) {
  ir::GraphBuilder b(13);
  build_layer_norm(b, o);
  return b.build();
}

TEST(FuseLayerNormPass, DecomposedForms) {
  LayerNormOptions variants[4];
  variants[1].square_by_mul = true;
  variants[2].beta = false;
  variants[3].gamma_dims = {1, 1, 16};
  variants[3].axis = 2;
  for (const LayerNormOptions& o : variants) {
    PassResult r = apply_and_compare(decomposed_layer_norm(o), passes::fuse_layer_norm);
    EXPECT_EQ(r.rewrites, 1u);
    ASSERT_EQ(r.model.graph->num_nodes(), 1u);
    const ir::Node* ln = r.model.graph->nodes().front();
    EXPECT_EQ(ln->op_type(), "LayerNormalization");
    EXPECT_EQ(ln->num_inputs(), o.beta ? 3 : 2);
    EXPECT_FLOAT_EQ(ln->attr_float("epsilon", 0), 1e-5f);
  }
}

// Opset 18 moved ReduceMean's axes to an input. The ONNX 1.12 schemas the validator uses
// predate it, so this graph is checked for the rewrite only, without building a model.
TEST(FuseLayerNormPass, AxesAsAnInput) {
  ir::GraphBuilder b(18);
  LayerNormOptions o;
  o.axes_input = true;
  build_layer_norm(b, o);
  passes::infer_shapes(b.graph());
  EXPECT_EQ(passes::fuse_layer_norm(b.graph()), 1u);
  ASSERT_EQ(b.graph().num_nodes(), 1u);
  EXPECT_EQ(b.graph().nodes().front()->op_type(), "LayerNormalization");
}

TEST(FuseLayerNormPass, NotWhenThePatternDiffers) {
  LayerNormOptions other_axis;
  other_axis.axis = 1;
  other_axis.gamma_dims = {1, 1, 16};
  LayerNormOptions read_elsewhere;
  read_elsewhere.extra_reader = true;
  LayerNormOptions unknown_length;
  unknown_length.last_dim = -1;
  for (const LayerNormOptions& o : {other_axis, read_elsewhere}) {
    PassResult r = apply_and_compare(decomposed_layer_norm(o), passes::fuse_layer_norm);
    EXPECT_EQ(r.rewrites, 0u);
    EXPECT_EQ(count_ops(r.model, "LayerNormalization"), 0u);
  }
  // A symbolic last axis: the pass must leave it (the random-input comparison needs fixed dims).
  ir::Model m = decomposed_layer_norm(unknown_length);
  passes::infer_shapes(*m.graph);
  EXPECT_EQ(passes::fuse_layer_norm(*m.graph), 0u);
}

}  // namespace
}  // namespace qtune
