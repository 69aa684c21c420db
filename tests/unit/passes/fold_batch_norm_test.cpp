// fold_batch_norm: BN after Conv / grouped ConvTranspose / Gemm folds into the weights;
// shared weights stay intact; no fold when the conv output has another reader, is a
// graph output, or the BN parameters are not constants.
#include "passes/fold_batch_norm.h"

#include "pass_test_util.h"

namespace qtune {
namespace {

using namespace passtest;

// BN's four parameters for `c` channels; the variance is positive.
std::vector<ir::Value*> bn_params(ir::GraphBuilder& b, int64_t c) {
  return {b.weight("gamma", {c}, 1.5f), b.weight("beta", {c}), b.weight("mean", {c}),
          b.constant("var", random_tensor({c}, 99, 0.2f, 1.5f))};
}

ir::Value* batch_norm(ir::GraphBuilder& b, ir::Value* x, int64_t c) {
  std::vector<ir::Value*> ins = {x};
  for (ir::Value* p : bn_params(b, c)) ins.push_back(p);
  return b.node("BatchNormalization", ins, {f("epsilon", 1e-3f)});
}

TEST(FoldBatchNormPass, ConvWithoutBias) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {2, 3, 8, 8});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
  b.output(b.node("Relu", {batch_norm(b, y, 4)}));
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(count_ops(r.model, "BatchNormalization"), 0u);
  ASSERT_NE(find_op(r.model, "Conv"), nullptr);
  EXPECT_NE(find_op(r.model, "Conv")->input(2), nullptr) << "the bias should have been created";
}

TEST(FoldBatchNormPass, DepthwiseConvWithBiasAndBnAsGraphOutput) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 6, 9, 9});
  auto* y = b.node("Conv", {x, b.weight("w", {6, 1, 3, 3}), b.weight("b", {6})}, {i("group", 6), pads1()});
  b.output(batch_norm(b, y, 6));  // the BN output name must survive
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(r.model.graph->num_nodes(), 1u);
}

TEST(FoldBatchNormPass, GroupedConvTranspose) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* y = b.node("ConvTranspose", {x, b.weight("w", {4, 3, 2, 2}), b.weight("b", {6})},
                   {i("group", 2), ints("strides", {2, 2})});
  b.output(batch_norm(b, y, 6));
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(count_ops(r.model, "BatchNormalization"), 0u);
}

TEST(FoldBatchNormPass, GemmWithTransposedBAndC) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {3, 8});
  auto* y = b.node("Gemm", {a, b.weight("w", {5, 8}), b.weight("c", {1, 5})},
                   {i("transB", 1), f("alpha", 0.7f), f("beta", 0.5f)});
  b.output(batch_norm(b, y, 5));
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_EQ(count_ops(r.model, "BatchNormalization"), 0u);
}

TEST(FoldBatchNormPass, GemmWithoutC) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {3, 8});
  auto* y = b.node("Gemm", {a, b.weight("w", {8, 5})});
  b.output(batch_norm(b, y, 5));
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 1u);
  EXPECT_NE(find_op(r.model, "Gemm")->input(2), nullptr);
}

TEST(FoldBatchNormPass, SharedWeightsStayIntact) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* w = b.weight("w", {4, 3, 1, 1});
  b.output(batch_norm(b, b.node("Conv", {x, w}), 4));
  b.output(b.node("Conv", {x, w}));  // reads the original w
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 1u);
}

TEST(FoldBatchNormPass, NotWhenTheConvOutputHasAnotherReader) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
  b.output(batch_norm(b, y, 4));
  b.output(b.node("Relu", {y}));
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "BatchNormalization"), 1u);
}

TEST(FoldBatchNormPass, NotWhenTheConvOutputIsAGraphOutput) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
  b.output(y);
  b.output(batch_norm(b, y, 4));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fold_batch_norm).rewrites, 0u);
}

TEST(FoldBatchNormPass, NotWhenBnParametersAreComputed) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  auto* mean = b.input("mean", DataType::Float32, {4});
  auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3})}, {pads1()});
  std::vector<ir::Value*> p = bn_params(b, 4);
  b.output(b.node("BatchNormalization", {y, p[0], p[1], mean, p[3]}));
  PassResult r = apply_and_compare(b.build(), passes::fold_batch_norm);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "BatchNormalization"), 1u);
}

TEST(FoldBatchNormPass, StandaloneBnStays) {
  ir::GraphBuilder b;
  auto* x = b.input("x", DataType::Float32, {1, 3, 6, 6});
  b.output(batch_norm(b, b.node("Relu", {x}), 3));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fold_batch_norm).rewrites, 0u);
}

}  // namespace
}  // namespace qtune
