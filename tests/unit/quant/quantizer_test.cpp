// quantize() on small built graphs: where QDQ nodes go (unit boundaries only, shared by
// every reader), weights/bias types, pass-through propagation, the plan's exclusions and
// their reasons, and that the simulated QDQ graph stays close to the FP32 one.
#include "quant/quantizer.h"

#include <gtest/gtest.h>
#include <onnx/checker.h>

#include <random>
#include <set>

#include "../data/data_test_util.h"
#include "exec/session.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "quant/prepare.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;

Tensor random_input(const std::vector<int64_t>& dims, uint64_t seed) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// conv1 (+BN, +Relu) -> MaxPool -> conv2 (+residual Add of the pool output) -> Reshape ->
// MatMul (+bias Add) -> Softmax. Opset 11: preparing moves it to 13.
ir::Model small_model() {
  ir::GraphBuilder b(11);
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* c1 = b.node("Conv", {x, b.weight("w1", {4, 3, 3, 3}), b.weight("b1", {4})},
                    {ir::Attribute::make_ints("pads", {1, 1, 1, 1})}, "conv1");
  Tensor gamma = Tensor::from_vector<float>({4}, {1.0f, 0.5f, 2.0f, 1.5f});
  Tensor beta = Tensor::from_vector<float>({4}, {0.1f, -0.2f, 0.0f, 0.3f});
  Tensor mean = Tensor::from_vector<float>({4}, {0.0f, 0.1f, -0.1f, 0.2f});
  Tensor var = Tensor::from_vector<float>({4}, {1.0f, 0.5f, 2.0f, 1.0f});
  auto* bn = b.node("BatchNormalization",
                    {c1, b.constant("gamma", gamma), b.constant("beta", beta), b.constant("mean", mean),
                     b.constant("var", var)},
                    {}, "bn1");
  auto* r = b.node("Relu", {bn}, {}, "relu1");
  auto* p = b.node("MaxPool", {r},
                   {ir::Attribute::make_ints("kernel_shape", {2, 2}), ir::Attribute::make_ints("strides", {2, 2})},
                   "pool");
  auto* c2 = b.node("Conv", {p, b.weight("w2", {4, 4, 3, 3}), b.weight("b2", {4})},
                    {ir::Attribute::make_ints("pads", {1, 1, 1, 1})}, "conv2");
  auto* sum = b.node("Add", {c2, p}, {}, "residual");
  auto* shape = b.constant("shape", Tensor::from_vector<int64_t>({2}, {1, 64}));
  auto* flat = b.node("Reshape", {sum, shape}, {}, "flat");
  auto* mm = b.node("MatMul", {flat, b.weight("w3", {64, 5})}, {}, "fc");
  auto* biased = b.node("Add", {mm, b.weight("b3", {5})}, {}, "fc_bias");
  b.output(b.node("Softmax", {biased}, {ir::Attribute::make_int("axis", 1)}, "prob"));
  return b.build();
}

std::vector<Feeds> samples(int n, uint64_t seed = 5) {
  std::vector<Feeds> out;
  for (int i = 0; i < n; ++i) out.push_back({{"x", random_input({1, 3, 8, 8}, seed + static_cast<uint64_t>(i))}});
  return out;
}

CalibrationStats calibrate_prepared(const ir::Model& prepared, int n = 8) {
  VectorSamples source(samples(n));
  CalibrationOptions options;
  options.threads = 1;
  options.quiet = true;
  options.backend = exec::Backend::Reference;
  return calibrate(prepared, source, options);
}

std::vector<float> run_ref(const ir::Model& model, const Feeds& feeds) {
  exec::SessionOptions options;
  options.backend = exec::Backend::Reference;
  options.optimize = false;
  options.threads = 1;
  exec::Session session(model, options);
  const auto outputs = session.run(feeds);
  const auto values = outputs[0].second.values<float>();
  return std::vector<float>(values.begin(), values.end());
}

std::vector<const ir::Node*> nodes_of(const ir::Model& m, const std::string& op) {
  std::vector<const ir::Node*> out;
  for (const ir::Node* n : m.graph->nodes())
    if (n->op_type() == op) out.push_back(n);
  return out;
}

// The QuantizeLinear reading tensor `name`, or nullptr.
const ir::Node* quantizer_of(const ir::Model& m, const std::string& name) {
  for (const ir::Node* n : nodes_of(m, "QuantizeLinear"))
    if (n->input(0)->name() == name) return n;
  return nullptr;
}

const UnitDecision& decision(const QuantizeResult& r, const std::string& name) {
  for (const UnitDecision& d : r.decisions)
    if (d.name == name) return d;
  throw Error("no unit " + name);
}

struct Fixture {
  ir::Model prepared;
  CalibrationStats stats;
  Fixture() : prepared(prepare_for_quantization(small_model(), "small")), stats(calibrate_prepared(prepared)) {}
};

TEST(Quantizer, PreparesFoldsBatchNormAndMovesToOpset13) {
  Fixture f;
  EXPECT_EQ(f.prepared.opset_version(""), 13);
  EXPECT_TRUE(nodes_of(f.prepared, "BatchNormalization").empty());
  for (const ir::Node* n : f.prepared.graph->nodes()) EXPECT_FALSE(n->name().empty());
  const Feeds feeds = samples(1, 99)[0];
  const std::vector<float> want = run_ref(small_model(), feeds);
  const std::vector<float> got = run_ref(f.prepared, feeds);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5);
}

TEST(Quantizer, PutsQdqOnUnitBoundariesOnly) {
  Fixture f;
  Quantizer q(f.prepared, "small");
  const QuantizeResult r = q.quantize(f.stats, QuantPlan{});
  const ir::Model& m = r.model;

  // Quantized activations: the model input, the Relu output (conv1's unit ends there), the
  // pool output (pass-through, same parameters) and the Reshape output feeding the MatMul.
  // Not the conv outputs inside their units, nor the Softmax's input.
  ASSERT_NE(quantizer_of(m, "x"), nullptr);
  ASSERT_NE(quantizer_of(m, "relu1_out"), nullptr);
  ASSERT_NE(quantizer_of(m, "pool_out"), nullptr);
  ASSERT_NE(quantizer_of(m, "flat_out"), nullptr);
  ASSERT_NE(quantizer_of(m, "residual_out"), nullptr);  // Reshape (exact) carries INT8 backwards
  EXPECT_EQ(quantizer_of(m, "conv1_out"), nullptr);
  EXPECT_EQ(quantizer_of(m, "conv2_out"), nullptr);
  EXPECT_EQ(quantizer_of(m, "fc_bias_out"), nullptr);
  EXPECT_EQ(r.quantized_tensors, 5u);

  // MaxPool carries its input's scale: the same scale initializer on both sides.
  EXPECT_EQ(quantizer_of(m, "pool_out")->input(1), quantizer_of(m, "relu1_out")->input(1));
  EXPECT_EQ(decision(r, "pool").precision, Precision::INT8);
  // Every reader of a quantized tensor reads the dequantized value.
  EXPECT_TRUE(m.graph->value("relu1_out")->uses().size() == 1);  // only its QuantizeLinear

  // Weights int8 per channel (axis 0 for Conv, 1 for MatMul's [K, N]); conv biases int32.
  int per_channel = 0;
  for (const ir::Node* dq : nodes_of(m, "DequantizeLinear")) {
    const ir::Value* data = dq->input(0);
    if (!data->is_constant()) continue;
    if (data->name() == "w1_quantized" || data->name() == "w2_quantized") {
      EXPECT_EQ(data->initializer().dtype(), DataType::Int8);
      EXPECT_EQ(dq->attr_int("axis", -1), 0);
      ++per_channel;
    }
    if (data->name() == "w3_quantized") {
      EXPECT_EQ(dq->attr_int("axis", -1), 1);
      ++per_channel;
    }
    if (data->name().rfind("b", 0) == 0) {
      EXPECT_EQ(data->initializer().dtype(), DataType::Int32) << data->name();
    }
  }
  EXPECT_EQ(per_channel, 3);
  EXPECT_EQ(r.quantized_weights, 3u);
  EXPECT_EQ(decision(r, "conv2").label, "Conv+Add");
  EXPECT_EQ(decision(r, "conv1").label, "Conv+Relu");
  EXPECT_EQ(decision(r, "prob").precision, Precision::FP32);
  EXPECT_EQ(decision(r, "prob").reason, "no INT8 form for Softmax");

  // A standard model: ONNX's checker accepts it.
  EXPECT_NO_THROW(onnx::checker::check_model(ir::model_to_onnx(m)));
}

TEST(Quantizer, SimulatedOutputStaysCloseToFp32) {
  Fixture f;
  Quantizer q(f.prepared, "small");
  const QuantizeResult r = q.quantize(f.stats, QuantPlan{});
  const Feeds feeds = samples(1, 3)[0];  // a calibration sample: inside the calibrated ranges
  const std::vector<float> want = run_ref(f.prepared, feeds);
  const std::vector<float> got = run_ref(r.model, feeds);
  ASSERT_EQ(got.size(), want.size());
  double worst = 0;
  bool differs = false;
  for (size_t i = 0; i < want.size(); ++i) {
    worst = std::max(worst, static_cast<double>(std::fabs(got[i] - want[i])));
    differs = differs || got[i] != want[i];
  }
  EXPECT_LT(worst, 0.03);  // probabilities; 8-bit error through four quantized tensors
  EXPECT_TRUE(differs);    // the QDQ graph really quantizes
}

TEST(Quantizer, ExclusionsKeepNodesFp32AndSayWhy) {
  Fixture f;
  Quantizer q(f.prepared, "small");
  QuantPlan plan;
  plan.exclude_node_regex = {"conv2"};
  plan.exclude_op_types = {"MatMul"};
  const QuantizeResult r = q.quantize(f.stats, plan);
  EXPECT_EQ(decision(r, "conv2").precision, Precision::FP32);
  EXPECT_EQ(decision(r, "conv2").reason, "name matches excluded pattern 'conv2'");
  EXPECT_EQ(decision(r, "fc").precision, Precision::FP32);
  EXPECT_EQ(decision(r, "fc").reason, "op type MatMul excluded");
  EXPECT_EQ(decision(r, "conv1").precision, Precision::INT8);
  // conv2's weight stays float; the residual's Reshape has no quantized neighbour now.
  EXPECT_TRUE(f.prepared.graph->value("w2")->is_constant());
  EXPECT_TRUE(r.model.graph->find_value("w2") && r.model.graph->value("w2")->is_constant());
  EXPECT_EQ(r.model.graph->find_value("w2_quantized"), nullptr);
  EXPECT_EQ(quantizer_of(r.model, "flat_out"), nullptr);
  EXPECT_EQ(decision(r, "flat").precision, Precision::FP32);

  QuantPlan by_node;
  by_node.nodes["conv1"].precision = Precision::FP32;
  EXPECT_EQ(decision(q.quantize(f.stats, by_node), "conv1").reason, "set to FP32 by the plan (tuning fallback)");

  QuantPlan no_inputs;
  no_inputs.quantize_inputs = false;
  const QuantizeResult ri = q.quantize(f.stats, no_inputs);
  EXPECT_EQ(decision(ri, "conv1").precision, Precision::FP32);
  EXPECT_EQ(decision(ri, "conv1").reason, "reads model input 'x' and model inputs are not quantized");
  EXPECT_EQ(quantizer_of(ri.model, "x"), nullptr);

  QuantPlan first_last;
  first_last.first_layer_fp32 = true;
  first_last.last_layer_fp32 = true;
  const QuantizeResult rf = q.quantize(f.stats, first_last);
  EXPECT_EQ(decision(rf, "conv1").precision, Precision::FP32);
  EXPECT_EQ(decision(rf, "fc").precision, Precision::FP32);
  EXPECT_EQ(decision(rf, "conv2").precision, Precision::INT8);

  QuantPlan bad;
  bad.exclude_node_regex = {"conv("};
  expect_error([&] { q.quantize(f.stats, bad); }, {"conv(", "not a valid regular expression"});
}

TEST(Quantizer, BiasCanStayFloatAndWeightsCanUseSevenBits) {
  Fixture f;
  Quantizer q(f.prepared, "small");
  QuantPlan plan;
  plan.quantize_bias = false;
  plan.reduce_range = true;
  plan.weight.per_channel = false;
  const QuantizeResult r = q.quantize(f.stats, plan);
  for (const ir::Node* dq : nodes_of(r.model, "DequantizeLinear")) {
    const ir::Value* data = dq->input(0);
    if (!data->is_constant()) continue;
    EXPECT_NE(data->initializer().dtype(), DataType::Int32) << data->name();
    EXPECT_FALSE(dq->has_attr("axis"));
    int lo = 0, hi = 0;
    for (int8_t v : data->initializer().values<int8_t>()) {
      lo = std::min<int>(lo, v);
      hi = std::max<int>(hi, v);
    }
    EXPECT_GE(lo, -63) << data->name();
    EXPECT_EQ(std::max(-lo, hi), 63) << data->name();
  }
}

TEST(Quantizer, PrepareMakesNodeNamesUnique) {
  ir::GraphBuilder b(13);
  auto* x = b.input("x", DataType::Float32, {1, 2, 4, 4});
  auto* r = b.node("Relu", {x}, {}, "same");
  b.output(b.node("Sigmoid", {r}, {}, "same"));
  ir::Model m = b.build();
  const ir::Model p = prepare_for_quantization(m, "dup");
  std::set<std::string> names;
  for (const ir::Node* n : p.graph->nodes()) EXPECT_TRUE(names.insert(n->name()).second) << n->name();
  EXPECT_TRUE(names.count("same"));
}

TEST(Quantizer, StatisticsOfAnotherModelAreRefused) {
  Fixture f;
  Quantizer q(f.prepared, "small");
  CalibrationStats other = f.stats;
  other.tensors.erase("relu1_out");
  expect_error([&] { q.quantize(other, QuantPlan{}); }, {"small", "relu1_out", "no tensor"});
  other = f.stats;
  other.inputs[0].dims = {1, 3, 16, 16};
  expect_error([&] { q.quantize(other, QuantPlan{}); }, {"small", "collected on inputs"});
}

}  // namespace
}  // namespace qtune::quant
