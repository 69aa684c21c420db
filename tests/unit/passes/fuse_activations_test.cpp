// fuse_activations: each single activation op and each decomposed form folds into the
// compute node before it (Conv, ConvTranspose, MatMul, Gemm, and a Fused* node without an
// activation yet); nothing fires when an intermediate value has another reader or is a
// graph output, or when the constants are not the activation's.
#include "passes/fuse_activations.h"

#include <limits>

#include "pass_test_util.h"
#include "passes/fuse_bias_add.h"

namespace qtune {
namespace {

using namespace passtest;

const ir::Node* only_node(const ir::Model& m) {
  EXPECT_EQ(m.graph->num_nodes(), 1u);
  return m.graph->nodes().front();
}

// x [1,3,8,8] -> Conv(4 channels, 3x3, pad 1) with bias; returns the conv output.
ir::Value* conv(ir::GraphBuilder& b) {
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  return b.node("Conv", {x, b.weight("w", {4, 3, 3, 3}), b.weight("b", {4})}, {pads1()}, "conv");
}

void expect_fused(const ir::Model& m, const std::string& op, const std::string& activation,
                  const std::vector<float>& params = {}) {
  const ir::Node* n = only_node(m);
  EXPECT_EQ(n->op_type(), op);
  EXPECT_EQ(n->domain(), "com.qtune");
  EXPECT_EQ(n->attr_string("activation", ""), activation);
  EXPECT_EQ(n->attr_floats("activation_params", {}), params);
  EXPECT_EQ(m.opset_version("com.qtune"), 1);
}

TEST(FuseActivationsPass, ConvRelu) {
  ir::GraphBuilder b;
  b.output(b.node("Relu", {conv(b)}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_activations);
  EXPECT_EQ(r.rewrites, 1u);
  expect_fused(r.model, "FusedConv", "Relu");
  EXPECT_EQ(only_node(r.model)->name(), "conv");
}

TEST(FuseActivationsPass, ConvLeakyReluAndClipFromInputs) {
  ir::GraphBuilder b;
  auto* y = b.node("LeakyRelu", {conv(b)}, {f("alpha", 0.2f)});
  b.output(y);
  PassResult r = apply_and_compare(b.build(), passes::fuse_activations);
  expect_fused(r.model, "FusedConv", "LeakyRelu", {0.2f});

  ir::GraphBuilder c;
  c.output(c.node("Clip", {conv(c), c.constant("lo", scalar(0.0f)), c.constant("hi", scalar(6.0f))}));
  expect_fused(apply_and_compare(c.build(), passes::fuse_activations).model, "FusedConv", "Clip", {0.0f, 6.0f});
}

TEST(FuseActivationsPass, ClipBoundsFromOpset9AttributesAndMissingBounds) {
  ir::GraphBuilder b(9);
  b.output(b.node("Clip", {conv(b)}, {f("min", -1.0f), f("max", 2.0f)}));
  expect_fused(apply_and_compare(b.build(), passes::fuse_activations).model, "FusedConv", "Clip", {-1.0f, 2.0f});

  ir::GraphBuilder c;
  c.output(c.node("Clip", {conv(c), c.constant("lo", scalar(0.0f))}));  // max omitted
  expect_fused(apply_and_compare(c.build(), passes::fuse_activations).model, "FusedConv", "Clip",
               {0.0f, std::numeric_limits<float>::max()});
}

TEST(FuseActivationsPass, OtherComputeOps) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {2, 3, 8});
  b.output(b.node("Sigmoid", {b.node("MatMul", {a, b.weight("w", {8, 5})})}));
  expect_fused(apply_and_compare(b.build(), passes::fuse_activations).model, "FusedMatMul", "Sigmoid");

  ir::GraphBuilder g;
  auto* ga = g.input("a", DataType::Float32, {3, 8});
  g.output(g.node("Tanh", {g.node("Gemm", {ga, g.weight("w", {5, 8}), g.weight("c", {5})}, {i("transB", 1)})}));
  expect_fused(apply_and_compare(g.build(), passes::fuse_activations).model, "FusedGemm", "Tanh");

  ir::GraphBuilder t;
  auto* tx = t.input("x", DataType::Float32, {1, 4, 5, 5});
  auto* ty = t.node("ConvTranspose", {tx, t.weight("w", {4, 2, 3, 3})}, {ints("strides", {2, 2})});
  t.output(t.node("HardSigmoid", {ty}, {f("alpha", 0.25f), f("beta", 0.4f)}));
  expect_fused(apply_and_compare(t.build(), passes::fuse_activations).model, "FusedConvTranspose", "HardSigmoid",
               {0.25f, 0.4f});
}

TEST(FuseActivationsPass, HardSwishAndGeluOps) {
  ir::GraphBuilder b(20);
  b.output(b.node("HardSwish", {conv(b)}));
  expect_fused(apply_and_compare(b.build(), passes::fuse_activations).model, "FusedConv", "HardSwish");

  ir::GraphBuilder g(20);
  g.output(g.node("Gelu", {conv(g)}, {ir::Attribute::make_string("approximate", "tanh")}));
  expect_fused(apply_and_compare(g.build(), passes::fuse_activations).model, "FusedConv", "GeluTanh");
}

TEST(FuseActivationsPass, MulHardSigmoidIsHardSwish) {
  ir::GraphBuilder b;
  auto* y = conv(b);
  b.output(b.node("Mul", {b.node("HardSigmoid", {y}, {f("alpha", 1.0f / 6.0f), f("beta", 0.5f)}), y}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_activations);
  EXPECT_EQ(r.rewrites, 1u);
  expect_fused(r.model, "FusedConv", "HardSwish");
}

TEST(FuseActivationsPass, ClipFormsOfHardSwish) {
  // (x * clip) / 6
  ir::GraphBuilder b;
  auto* y = conv(b);
  auto* clip = b.node("Clip", {b.node("Add", {y, b.constant("three", scalar(3))}), b.constant("lo", scalar(0)),
                               b.constant("hi", scalar(6))});
  b.output(b.node("Div", {b.node("Mul", {y, clip}), b.constant("six", scalar(6))}));
  expect_fused(apply_and_compare(b.build(), passes::fuse_activations).model, "FusedConv", "HardSwish");

  // x * (clip * (1/6)), opset-9 Clip attributes, constants on the left
  ir::GraphBuilder c(9);
  auto* cy = conv(c);
  auto* cclip = c.node("Clip", {c.node("Add", {c.constant("three", scalar(3)), cy})}, {f("min", 0), f("max", 6)});
  c.output(c.node("Mul", {cy, c.node("Mul", {c.constant("sixth", scalar(1.0f / 6.0f)), cclip})}));
  expect_fused(apply_and_compare(c.build(), passes::fuse_activations).model, "FusedConv", "HardSwish");
}

TEST(FuseActivationsPass, SwishAndErfGelu) {
  ir::GraphBuilder b;
  auto* y = conv(b);
  b.output(b.node("Mul", {y, b.node("Sigmoid", {y})}));
  expect_fused(apply_and_compare(b.build(), passes::fuse_activations).model, "FusedConv", "Swish");

  // The three groupings of 0.5 * x * (1 + erf(x / sqrt 2)), both ways of scaling x.
  for (int form = 0; form < 3; ++form) {
    ir::GraphBuilder g;
    auto* x = g.input("a", DataType::Float32, {4, 6});
    auto* m = g.node("MatMul", {x, g.weight("w", {6, 5})});
    auto* scaled = form == 1 ? g.node("Mul", {m, g.constant("inv_sqrt2", scalar(0.70710678f))})
                             : g.node("Div", {m, g.constant("sqrt2", scalar(1.41421356f))});
    auto* cdf2 = g.node("Add", {g.constant("one", scalar(1)), g.node("Erf", {scaled})});
    auto* half = g.constant("half", scalar(0.5f));
    ir::Value* out = nullptr;
    if (form == 0) out = g.node("Mul", {g.node("Mul", {m, cdf2}), half});
    if (form == 1) out = g.node("Mul", {g.node("Mul", {half, m}), cdf2});
    if (form == 2) out = g.node("Mul", {m, g.node("Mul", {cdf2, half})});
    g.output(out);
    PassResult r = apply_and_compare(g.build(), passes::fuse_activations);
    EXPECT_EQ(r.rewrites, 1u) << "form " << form;
    expect_fused(r.model, "FusedMatMul", "GeluErf");
  }
}

TEST(FuseActivationsPass, FusedNodeWithoutActivationTakesOne) {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {2, 3, 8});
  auto* y = b.node("Add", {b.node("MatMul", {a, b.weight("w", {8, 5})}), b.weight("bias", {5})});
  b.output(b.node("Relu", {y}));
  PassResult r =
      apply_and_compare(b.build(), [](ir::Graph& g) { return passes::fuse_bias_add(g) + passes::fuse_activations(g); });
  EXPECT_EQ(r.rewrites, 2u);
  expect_fused(r.model, "FusedMatMul", "Relu");
  EXPECT_EQ(only_node(r.model)->num_inputs(), 3);
}

TEST(FuseActivationsPass, NotWhenTheComputeOutputHasAnotherReader) {
  ir::GraphBuilder b;
  auto* y = conv(b);
  b.output(b.node("Relu", {y}));
  b.output(b.node("Sigmoid", {y}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_activations);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "Conv"), 1u);
}

TEST(FuseActivationsPass, NotWhenTheComputeOutputIsAGraphOutput) {
  ir::GraphBuilder b;
  auto* y = conv(b);
  b.output(y);
  b.output(b.node("Relu", {y}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_activations).rewrites, 0u);
}

TEST(FuseActivationsPass, NotWhenAnIntermediateIsReadElsewhere) {
  ir::GraphBuilder b;
  auto* y = conv(b);
  auto* clip = b.node("Clip", {b.node("Add", {y, b.constant("three", scalar(3))}), b.constant("lo", scalar(0)),
                               b.constant("hi", scalar(6))});
  b.output(b.node("Div", {b.node("Mul", {y, clip}), b.constant("six", scalar(6))}));
  b.output(clip);  // the clip output must survive
  PassResult r = apply_and_compare(b.build(), passes::fuse_activations);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "Conv"), 1u);
}

TEST(FuseActivationsPass, NotWithOtherHardSigmoidConstants) {
  ir::GraphBuilder b;
  auto* y = conv(b);
  b.output(b.node("Mul", {b.node("HardSigmoid", {y}, {f("alpha", 0.2f), f("beta", 0.5f)}), y}));
  PassResult r = apply_and_compare(b.build(), passes::fuse_activations);
  EXPECT_EQ(r.rewrites, 0u);
  EXPECT_EQ(count_ops(r.model, "HardSigmoid"), 1u);
}

TEST(FuseActivationsPass, NotWithAComputedClipBound) {
  ir::GraphBuilder b;
  auto* hi = b.input("hi", DataType::Float32, {});
  b.output(b.node("Clip", {conv(b), b.constant("lo", scalar(0)), hi}));
  EXPECT_EQ(apply_and_compare(b.build(), passes::fuse_activations).rewrites, 0u);
}

}  // namespace
}  // namespace qtune
