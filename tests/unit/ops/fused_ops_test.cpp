// The com.qtune Fused* ops against the ONNX op sequences they stand for, run through
// exec::Session on the reference backend (which also checks that a model using the
// com.qtune domain validates, round-trips and runs), plus their error messages.
#include <gtest/gtest.h>

#include "../passes/pass_test_util.h"
#include "ops/op.h"

namespace qtune {
namespace {

using passtest::f;
using passtest::i;
using passtest::ints;

// A com.qtune node appended to the builder's graph (GraphBuilder nodes are default-domain).
ir::Value* fused(ir::GraphBuilder& b, const std::string& op, const std::vector<ir::Value*>& inputs,
                 const std::vector<ir::Attribute>& attrs, const std::string& activation,
                 const std::vector<float>& params = {}) {
  ir::Graph& g = b.graph();
  ir::Value* out = g.add_value(g.unique_name(op + "_out"));
  ir::Node* n = g.add_node(op, inputs, {out}, g.unique_name(op), "com.qtune");
  for (const ir::Attribute& a : attrs) n->set_attr(a);
  if (!activation.empty()) n->set_attr(ir::Attribute::make_string("activation", activation));
  if (!params.empty()) n->set_attr(ir::Attribute::make_floats("activation_params", params));
  return out;
}

ir::GraphBuilder fused_builder() {
  ir::GraphBuilder b(17, 3);
  b.graph().opset_imports.push_back({"com.qtune", 1});
  return b;
}

// The outputs of `m` named like those of `reference` (the two graphs name them differently).
passtest::Outputs run_renamed(const ir::Model& m, const std::map<std::string, Tensor>& feeds,
                              const passtest::Outputs& reference) {
  passtest::Outputs out = passtest::run(m, feeds);
  for (size_t k = 0; k < out.size() && k < reference.size(); ++k) out[k].first = reference[k].first;
  return out;
}

// Runs both models on the same inputs; the fused one also after a save/load round trip.
void expect_equivalent(const ir::Model& fused_model, const ir::Model& reference, double tolerance = 1e-6) {
  const auto feeds = passtest::random_inputs(reference);
  const auto want = passtest::run(reference, feeds);
  passtest::expect_same_outputs(run_renamed(fused_model, feeds, want), want, tolerance);
  ir::Model reloaded = ir::load_model_from_bytes(ir::serialize_model(fused_model), "fused.onnx", ".");
  passtest::expect_same_outputs(run_renamed(reloaded, feeds, want), want, tolerance);
}

TEST(FusedOps, ConvWithBiasSumAndRelu) {
  const std::vector<ir::Attribute> attrs = {ints("pads", {1, 1, 1, 1}), ints("strides", {1, 1})};
  ir::GraphBuilder r(17, 3);
  {
    auto* x = r.input("x", DataType::Float32, {2, 4, 7, 7});
    auto* s = r.input("s", DataType::Float32, {2, 6, 7, 7});
    auto* y = r.node("Conv", {x, r.weight("w", {6, 4, 3, 3}), r.weight("b", {6})}, attrs);
    r.output(r.node("Relu", {r.node("Add", {y, s})}));
  }
  ir::GraphBuilder b = fused_builder();
  {
    auto* x = b.input("x", DataType::Float32, {2, 4, 7, 7});
    auto* s = b.input("s", DataType::Float32, {2, 6, 7, 7});
    b.output(fused(b, "FusedConv", {x, b.weight("w", {6, 4, 3, 3}), b.weight("b", {6}), s}, attrs, "Relu"));
  }
  expect_equivalent(b.build(), r.build());
}

TEST(FusedOps, GroupedConvWithSumButNoBias) {
  const std::vector<ir::Attribute> attrs = {i("group", 2), ints("strides", {2, 2})};
  ir::GraphBuilder r(17, 5);
  {
    auto* x = r.input("x", DataType::Float32, {1, 4, 9, 9});
    auto* s = r.input("s", DataType::Float32, {1, 6, 4, 4});
    r.output(r.node("Add", {r.node("Conv", {x, r.weight("w", {6, 2, 3, 3})}, attrs), s}));
  }
  ir::GraphBuilder b(17, 5);
  b.graph().opset_imports.push_back({"com.qtune", 1});
  {
    auto* x = b.input("x", DataType::Float32, {1, 4, 9, 9});
    auto* s = b.input("s", DataType::Float32, {1, 6, 4, 4});
    b.output(fused(b, "FusedConv", {x, b.weight("w", {6, 2, 3, 3}), nullptr, s}, attrs, ""));
  }
  expect_equivalent(b.build(), r.build());
}

TEST(FusedOps, ConvTransposeWithLeakyRelu) {
  const std::vector<ir::Attribute> attrs = {i("group", 2), ints("strides", {2, 2})};
  ir::GraphBuilder r(17, 9);
  {
    auto* x = r.input("x", DataType::Float32, {1, 4, 5, 5});
    auto* y = r.node("ConvTranspose", {x, r.weight("w", {4, 3, 2, 2}), r.weight("b", {6})}, attrs);
    r.output(r.node("LeakyRelu", {y}, {f("alpha", 0.1f)}));
  }
  ir::GraphBuilder b(17, 9);
  b.graph().opset_imports.push_back({"com.qtune", 1});
  {
    auto* x = b.input("x", DataType::Float32, {1, 4, 5, 5});
    b.output(fused(b, "FusedConvTranspose", {x, b.weight("w", {4, 3, 2, 2}), b.weight("b", {6})}, attrs, "LeakyRelu",
                   {0.1f}));
  }
  expect_equivalent(b.build(), r.build());
}

TEST(FusedOps, MatMulBroadcastsBatchesAndAddsBiasPerRow) {
  ir::GraphBuilder r(17, 11);
  {
    auto* a = r.input("a", DataType::Float32, {2, 1, 3, 4});
    auto* y = r.node("MatMul", {a, r.weight("w", {3, 4, 5})});
    r.output(r.node("Sigmoid", {r.node("Add", {y, r.weight("bias", {5})})}));
  }
  ir::GraphBuilder b(17, 11);
  b.graph().opset_imports.push_back({"com.qtune", 1});
  {
    auto* a = b.input("a", DataType::Float32, {2, 1, 3, 4});
    b.output(fused(b, "FusedMatMul", {a, b.weight("w", {3, 4, 5}), b.weight("bias", {5})}, {}, "Sigmoid"));
  }
  expect_equivalent(b.build(), r.build());
}

TEST(FusedOps, GemmWithTransposedBAndHardSigmoid) {
  const std::vector<ir::Attribute> attrs = {i("transB", 1), f("alpha", 0.5f), f("beta", 2.0f)};
  ir::GraphBuilder r(17, 13);
  {
    auto* a = r.input("a", DataType::Float32, {3, 8});
    auto* y = r.node("Gemm", {a, r.weight("w", {5, 8}), r.weight("c", {5})}, attrs);
    r.output(r.node("HardSigmoid", {y}, {f("alpha", 0.3f), f("beta", 0.4f)}));
  }
  ir::GraphBuilder b(17, 13);
  b.graph().opset_imports.push_back({"com.qtune", 1});
  {
    auto* a = b.input("a", DataType::Float32, {3, 8});
    b.output(fused(b, "FusedGemm", {a, b.weight("w", {5, 8}), b.weight("c", {5})}, attrs, "HardSigmoid", {0.3f, 0.4f}));
  }
  expect_equivalent(b.build(), r.build());
}

TEST(FusedOps, ShapeRulesReuseTheBaseOps) {
  ir::GraphBuilder b = fused_builder();
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* y = fused(b, "FusedConv", {x, b.weight("w", {4, 3, 3, 3})}, {ints("pads", {1, 1, 1, 1})}, "Clip", {0.0f, 6.0f});
  auto* a = b.input("a", DataType::Float32, {2, 7, 16});
  auto* z = fused(b, "FusedMatMul", {a, b.weight("m", {16, 3}), b.weight("bias", {3})}, {}, "GeluErf");
  b.output(y);
  b.output(z);
  ir::Model m = b.build();
  passes::infer_shapes(*m.graph);
  EXPECT_EQ(y->shape.to_string(), "[1,4,8,8]");
  EXPECT_EQ(z->shape.to_string(), "[2,7,3]");
  EXPECT_EQ(y->dtype, DataType::Float32);
}

TEST(FusedOps, ErrorsNameTheNode) {
  ir::Graph g;
  g.opset_imports.push_back({"com.qtune", 1});
  auto make = [&](const std::string& op, int inputs, const std::string& activation) {
    std::vector<ir::Value*> ins;
    for (int k = 0; k < inputs; ++k) ins.push_back(g.add_value(g.unique_name("in")));
    ir::Node* n = g.add_node(op, ins, {g.add_value(g.unique_name("out"))}, "n", "com.qtune");
    if (!activation.empty()) n->set_attr(ir::Attribute::make_string("activation", activation));
    return n;
  };
  auto expect_error = [](const ir::Node* n, std::vector<ops::TensorInfo> inputs, const std::string& part) {
    try {
      ops::find_op("com.qtune", n->op_type())->infer(*n, inputs);
      ADD_FAILURE() << "no error for " << part;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("'n'"), std::string::npos) << msg;
      EXPECT_NE(msg.find(part), std::string::npos) << msg;
    }
  };
  auto info = [](std::vector<int64_t> dims) { return ops::TensorInfo::typed(DataType::Float32, ir::Shape::of(dims)); };
  expect_error(make("FusedConv", 4, ""),
               {info({1, 3, 5, 5}), info({2, 3, 1, 1}), ops::TensorInfo::absent(), info({1, 2, 4, 5})},
               "Sum has shape [1,2,4,5]");
  expect_error(make("FusedConv", 2, "Mish"), {info({1, 3, 5, 5}), info({2, 3, 1, 1})}, "unknown activation 'Mish'");
  expect_error(make("FusedMatMul", 3, ""), {info({4, 3}), info({3, 6}), info({5})}, "Bias has shape [5]");
  ir::Node* clip = make("FusedGemm", 2, "Clip");
  expect_error(clip, {info({4, 3}), info({3, 6})}, "takes 2 activation_params");
  ops::TensorInfo doubles = ops::TensorInfo::typed(DataType::Float64, ir::Shape::of({4, 3}));
  expect_error(make("FusedGemm", 2, ""), {doubles, doubles}, "float64");
}

TEST(FusedOps, ModelMustImportTheDomain) {
  ir::GraphBuilder b(17);
  auto* x = b.input("x", DataType::Float32, {1, 3, 4, 4});
  b.output(fused(b, "FusedConv", {x, b.weight("w", {2, 3, 1, 1})}, {}, "Relu"));
  try {
    b.build();
    ADD_FAILURE() << "a com.qtune node without the import validated";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("com.qtune"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qtune
