// fuse_bias_add: a constant bias along the last axis joins a MatMul as FusedMatMul's Bias;
// a per-channel constant joins a Conv / ConvTranspose bias. No fusion for constants that
// vary along other axes, computed addends, or outputs with another reader.
#include "passes/fuse_bias_add.h"

#include "pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

TEST(FuseBiasAddPass, MatMulBias) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {2, 5, 8});
  b.output(b.node("Add", {b.node("MatMul", {a, b.weight("w", {8, 6})}, {}, "mm"), b.weight("bias", {6})}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_bias_add);
  EXPECT_EQ(r.rewrites, 1u);
  ASSERT_EQ(r.model.graph->num_nodes(), 1u);
  const ir::Node* n = r.model.graph->nodes().front();
  EXPECT_EQ(n->op_type(), "FusedMatMul");
  EXPECT_EQ(n->domain(), "com.qtune");
  EXPECT_EQ(n->name(), "mm");
  EXPECT_EQ(n->input(2)->name(), "bias");
  EXPECT_EQ(r.model.opset_version("com.qtune"), 1);
}

TEST(FuseBiasAddPass, MatMulBiasOfRankThreeOnTheLeft) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {2, 5, 8});
  b.output(b.node("Add", {b.weight("bias", {1, 1, 6}), b.node("MatMul", {a, b.weight("w", {8, 6})})}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_bias_add);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(find_op(r.model, "FusedMatMul", "com.qtune")->input(2)->initializer().dims(), std::vector<int64_t>{6});
}

TEST(FuseBiasAddPass, ConvPerChannelConstants) {
  for (std::vector<int64_t> dims : {std::vector<int64_t>{1, 4, 1, 1}, {4, 1, 1}, {1}}) {
    ir::GraphBuilder b;
    auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
    auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
    b.output(b.node("Add", {y, b.weight("c", dims)}));
    PassResult r = apply_and_compare(b.build(), passes::fuse_bias_add);
    EXPECT_EQ(r.rewrites, 1u) << format_dims(dims);
    EXPECT_EQ(count_ops(r.model, "Add"), 0u);
    EXPECT_NE(find_op(r.model, "Conv")->input(2), nullptr);
  }
}

TEST(FuseBiasAddPass, ConvOnlyLeavesMatMulStandard) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
  auto* c = b.node("Add", {y, b.weight("c", {1, 4, 1, 1})});
  auto* flat = b.node("Reshape", {c, b.constant("s", Tensor::from_vector<int64_t>({2}, {1, 144}))});
  b.output(b.node("Add", {b.node("MatMul", {flat, b.weight("w2", {144, 6})}), b.weight("bias", {6})}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_conv_bias_add);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(count_ops(r.model, "Add"), 1u);
  EXPECT_EQ(count_ops(r.model, "MatMul"), 1u);
  EXPECT_EQ(r.model.opset_version("com.qtune"), -1);
}

TEST(FuseBiasAddPass, ConvTransposeAddsToItsBias) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* y = b.node("ConvTranspose", {x, b.weight("w", {4, 3, 2, 2}), b.weight("b", {6})},
                   {i("group", 2), ints("strides", {2, 2})});
  b.output(b.node("Add", {y, b.weight("c", {1, 6, 1, 1})}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_bias_add);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(r.model.graph->num_nodes(), 1u);
}

TEST(FuseBiasAddPass, NotForConstantsAlongOtherAxes) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {5, 8});
  b.output(b.node("Add", {b.node("MatMul", {a, b.weight("w", {8, 6})}), b.weight("rows", {5, 6})}));
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  b.output(b.node("Add", {b.node("Conv", {x, b.weight("k", {4, 3, 1, 1})}), b.weight("cols", {1, 1, 1, 6})}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_bias_add);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "Add"), 2u);
}

TEST(FuseBiasAddPass, NotForComputedAddendsOrSharedOutputs) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {5, 8});
  auto* bias = b.input("bias", DataType::Float32, {6});
  b.output(b.node("Add", {b.node("MatMul", {a, b.weight("w", {8, 6})}), bias}));
  auto* y = b.node("MatMul", {a, b.weight("w2", {8, 6})});
  b.output(b.node("Add", {y, b.weight("c", {6})}));
  b.output(b.node("Relu", {y}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_bias_add).rewrites, 0u);
}

}  // namespace
}  // namespace qtune
