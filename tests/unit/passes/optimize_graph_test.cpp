// optimize_graph: the passes together on a small MobileNet-style block (conv + BN +
// decomposed HardSwish, depthwise conv + BN + ReLU, projection conv + BN + residual add,
// a linear head with bias and decomposed GELU, a layer norm) reach a fixpoint where only
// fused ops are left, and the result computes what the original does.
#include "pass_test_util.h"
#include "passes/optimize.h"

namespace qtune {
namespace {

using namespace passtest;

ir::Value* conv_bn(ir::GraphBuilder& b, ir::Value* x, int64_t in, int64_t out, int64_t k, int64_t group) {
  auto* y = b.node("Conv", {x, b.weight("w", {out, in / group, k, k})},
                   {i("group", group), ints("pads", {k / 2, k / 2, k / 2, k / 2})});
  return b.node("BatchNormalization",
                {y, b.weight("gamma", {out}, 1.5f), b.weight("beta", {out}), b.weight("mean", {out}),
                 b.constant("var", random_tensor({out}, 5, 0.3f, 1.2f))});
}

ir::Model mobile_block() {
  ir::GraphBuilder b(13);
  auto* x = b.input("x", DataType::Float32, {1, 8, 6, 6});
  auto* e = conv_bn(b, x, 8, 16, 1, 1);
  auto* clip = b.node("Clip", {b.node("Add", {e, b.constant("three", scalar(3))}), b.constant("lo", scalar(0)),
                               b.constant("hi", scalar(6))});
  auto* hs = b.node("Div", {b.node("Mul", {e, clip}), b.constant("six", scalar(6))});
  auto* dw = b.node("Relu", {conv_bn(b, hs, 16, 16, 3, 16)});
  auto* proj = conv_bn(b, b.node("Identity", {dw}), 16, 8, 1, 1);
  auto* res = b.node("Add", {x, proj});
  // head: [1, 8, 36] -> transpose -> [1, 36, 8] -> linear + GELU -> layer norm
  auto* seq = b.node("Transpose",
                     {b.node("Reshape", {res, b.constant("shape", Tensor::from_vector<int64_t>({3}, {1, 8, 36}))})},
                     {ints("perm", {0, 2, 1})});
  auto* lin = b.node("Add", {b.node("MatMul", {seq, b.weight("fc", {8, 12})}), b.weight("fc_b", {12})});
  auto* cdf2 = b.node("Add", {b.node("Erf", {b.node("Div", {lin, b.constant("sqrt2", scalar(1.41421356f))})}),
                              b.constant("one", scalar(1))});
  auto* gelu = b.node("Mul", {b.node("Mul", {lin, cdf2}), b.constant("half", scalar(0.5f))});
  auto* d = b.node("Sub", {gelu, b.node("ReduceMean", {gelu}, {ints("axes", {-1})})});
  auto* var = b.node("ReduceMean", {b.node("Pow", {d, b.constant("two", scalar(2))})}, {ints("axes", {-1})});
  auto* norm = b.node("Div", {d, b.node("Sqrt", {b.node("Add", {var, b.constant("eps", scalar(1e-5f))})})});
  b.output(b.node("Add", {b.node("Mul", {norm, b.weight("ln_g", {12}, 1.0f)}), b.weight("ln_b", {12})}));
  return b.build();
}

TEST(OptimizeGraphPass, MobileBlockReachesFusedOps) {
  ir::Model original = mobile_block();
  const size_t before = original.graph->num_nodes();
  passes::OptimizeStats stats;
  PassResult r = apply_and_compare(original, [&](ir::Graph& g) {
    stats = passes::optimize_graph(g);
    return stats.total();
  });
  EXPECT_EQ(stats.batch_norms_folded, 3u);
  EXPECT_EQ(stats.residual_adds_fused, 1u);
  EXPECT_EQ(stats.bias_adds_fused, 1u);
  EXPECT_EQ(stats.activations_fused, 3u);  // HardSwish, Relu, GeluErf
  EXPECT_EQ(stats.layer_norms_formed, 1u);
  EXPECT_EQ(stats.identities_removed, 1u);
  EXPECT_GE(stats.rounds, 2);
  EXPECT_EQ(count_ops(r.model, "FusedConv", "com.qtune"), 3u);
  EXPECT_EQ(count_ops(r.model, "FusedMatMul", "com.qtune"), 1u);
  EXPECT_EQ(count_ops(r.model, "LayerNormalization"), 1u);
  // Left: 3 FusedConv, Reshape, Transpose, FusedMatMul, LayerNormalization.
  EXPECT_EQ(r.model.graph->num_nodes(), 7u) << "before: " << before << ", " << stats.summary();
  EXPECT_EQ(r.model.opset_version("com.qtune"), 1);
  const ir::Node* proj = nullptr;
  for (const ir::Node* n : r.model.graph->nodes())
    if (n->op_type() == "FusedConv" && n->input(3)) proj = n;
  ASSERT_NE(proj, nullptr) << "the residual add should have become a Sum input";
  EXPECT_EQ(proj->input(3)->name(), "x");
}

TEST(OptimizeGraphPass, SummaryListsWhatRan) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 2, 3, 3});
  b.output(b.node("Relu", {b.node("Conv", {x, b.weight("w", {2, 2, 1, 1})})}));
  ir::Model m = b.build();
  passes::OptimizeStats stats = passes::optimize_graph(*m.graph);
  EXPECT_EQ(stats.summary(), "fuse_activations 1");
  EXPECT_EQ(stats.total(), 1u);
  ir::Model unchanged = ir::clone_model(m);
  EXPECT_EQ(passes::optimize_graph(*unchanged.graph).summary(), "no rewrites");
}

}  // namespace
}  // namespace qtune
