// lower_qdq on QDQ graphs the quantizer wrote: which units become QConv/QMatMul, which
// pass-through ops run on INT8 data, what stays float and why, and that the lowered graph
// computes what the QDQ graph computes (fake quantization) to within quantization steps.
#include "passes/lower_qdq.h"

#include <gtest/gtest.h>

#include <random>

#include "exec/session.h"
#include "ir/graph_builder.h"
#include "ir/model_io.h"
#include "quant/plan.h"
#include "quant/prepare.h"
#include "quant/quantizer.h"

namespace qtune {
namespace {

Tensor random_input(const std::vector<int64_t>& dims, uint64_t seed) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// conv1+Relu -> MaxPool -> conv2 (+residual, HardSwish) -> conv3 (depthwise, Clip) ->
// GlobalAveragePool -> Flatten -> Gemm (transB) -> Relu -> MatMul -> output (float).
ir::Model model() {
  ir::GraphBuilder b(13, 3);
  auto* x = b.input("x", DataType::Float32, {1, 3, 16, 16});
  auto pads = ir::Attribute::make_ints("pads", {1, 1, 1, 1});
  auto* c1 = b.node("Conv", {x, b.weight("w1", {8, 3, 3, 3}), b.weight("b1", {8})}, {pads}, "conv1");
  auto* r1 = b.node("Relu", {c1}, {}, "relu1");
  auto* p = b.node("MaxPool", {r1},
                   {ir::Attribute::make_ints("kernel_shape", {2, 2}), ir::Attribute::make_ints("strides", {2, 2})},
                   "pool");
  auto* c2 = b.node("Conv", {p, b.weight("w2", {8, 8, 3, 3}, 0.2f), b.weight("b2", {8})}, {pads}, "conv2");
  auto* sum = b.node("Add", {c2, p}, {}, "residual");
  auto* hs = b.node("HardSwish", {sum}, {}, "hswish");
  auto* c3 = b.node("Conv", {hs, b.weight("w3", {8, 1, 3, 3}), b.weight("b3", {8})},
                    {pads, ir::Attribute::make_int("group", 8)}, "conv3");
  auto* six = b.node("Clip", {c3, b.constant("lo", Tensor::scalar_f32(0)), b.constant("hi", Tensor::scalar_f32(6))}, {},
                     "relu6");
  auto* gap = b.node("GlobalAveragePool", {six}, {}, "gap");
  auto* flat = b.node("Flatten", {gap}, {}, "flat");
  auto* fc1 = b.node("Gemm", {flat, b.weight("w4", {16, 8}), b.weight("b4", {16})},
                     {ir::Attribute::make_int("transB", 1)}, "fc1");
  auto* r4 = b.node("Relu", {fc1}, {}, "relu4");
  b.output(b.node("MatMul", {r4, b.weight("w5", {16, 4})}, {}, "fc2"));
  return b.build();
}

struct Quantized {
  ir::Model qdq;
  quant::QuantizeResult result;
};

Quantized quantize_model() {
  ir::Model prepared = quant::prepare_for_quantization(model(), "m");
  std::vector<quant::Feeds> samples;
  for (uint64_t i = 0; i < 6; ++i) samples.push_back({{"x", random_input({1, 3, 16, 16}, 40 + i)}});
  quant::VectorSamples source(samples);
  quant::CalibrationOptions co;
  co.quiet = true;
  co.threads = 1;
  quant::CalibrationStats stats = quant::calibrate(prepared, source, co);
  quant::Quantizer q(prepared, "m");
  quant::QuantizeResult r = q.quantize(stats, quant::QuantPlan{});
  ir::Model qdq = std::move(r.model);
  return {std::move(qdq), std::move(r)};
}

exec::SessionOptions options(bool lower, exec::Backend backend = exec::Backend::Reference) {
  exec::SessionOptions o;
  o.backend = backend;
  o.threads = 1;
  o.lower_int8 = lower;
  return o;
}

size_t count(const ir::Graph& g, const std::string& op) {
  size_t n = 0;
  for (const ir::Node* node : g.nodes()) n += node->op_type() == op;
  return n;
}

TEST(LowerQdq, QuantizedUnitsBecomeInt8Kernels) {
  Quantized q = quantize_model();
  exec::Session lowered(q.qdq, options(true), "m");
  const passes::LowerQdqStats& s = lowered.lower_stats();
  EXPECT_EQ(s.convs, 3u);
  EXPECT_EQ(s.mat_muls, 2u);  // the Gemm (transB) and the MatMul
  EXPECT_GE(s.pass_through, 2u);  // MaxPool and Flatten run on INT8 data
  EXPECT_TRUE(s.declined.empty()) << s.declined.front().first << ": " << s.declined.front().second;
  const ir::Graph& g = lowered.graph();
  EXPECT_EQ(count(g, "QConv"), 3u);
  EXPECT_EQ(count(g, "QMatMul"), 2u);
  EXPECT_EQ(count(g, "Conv") + count(g, "FusedConv") + count(g, "Gemm") + count(g, "MatMul"), 0u);
  // The weights stay int8; QConv's activation output is int8 where an INT8 unit reads it.
  for (const ir::Node* n : g.nodes()) {
    if (n->op_type() != "QConv" && n->op_type() != "QMatMul") continue;
    EXPECT_EQ(n->input(1)->initializer().dtype(), DataType::Int8) << n->name();
  }
  EXPECT_EQ(g.find_node("conv1")->output(0)->dtype, DataType::UInt8);
  EXPECT_EQ(g.find_node("fc2")->output(0)->dtype, DataType::Float32);  // the model output

  exec::Session fake(q.qdq, options(false), "m");
  EXPECT_EQ(count(fake.graph(), "QConv"), 0u);
  EXPECT_GT(count(fake.graph(), "QuantizeLinear"), 0u);
}

TEST(LowerQdq, LoweredGraphComputesWhatTheQdqGraphComputes) {
  Quantized q = quantize_model();
  exec::Session lowered(q.qdq, options(true), "m");
  exec::Session fake(q.qdq, options(false), "m");
  double worst = 0, range = 0;
  for (uint64_t seed = 100; seed < 104; ++seed) {
    const std::map<std::string, Tensor> feeds = {{"x", random_input({1, 3, 16, 16}, seed)}};
    const Tensor got = lowered.run(feeds)[0].second;
    const Tensor want = fake.run(feeds)[0].second;
    ASSERT_EQ(got.dims(), want.dims());
    for (int64_t i = 0; i < want.numel(); ++i) {
      worst = std::max(worst, static_cast<double>(std::fabs(got.data<float>()[i] - want.data<float>()[i])));
      range = std::max(range, static_cast<double>(std::fabs(want.data<float>()[i])));
    }
  }
  // Fused float arithmetic rounds differently from the QDQ graph's separate ops; where a
  // value sits on a rounding boundary it moves one quantization step, nowhere more.
  EXPECT_LE(worst, 0.02 * range);
}

// Shapes the INT8 kernels must not take: GlobalMaxPool (float-only kernel) and a Gemm bias
// of shape [N, 1] (a column, not one value per output channel, when M == N).
TEST(LowerQdq, CasesWithoutAnInt8FormStillComputeTheQdqGraph) {
  ir::GraphBuilder b(13, 4);
  auto* x = b.input("x", DataType::Float32, {4, 2, 6, 6});
  auto* c = b.node("Conv", {x, b.weight("w1", {4, 2, 3, 3}), b.weight("b1", {4})}, {}, "conv1");
  auto* flat = b.node("Flatten", {b.node("GlobalMaxPool", {c}, {}, "gmp")}, {}, "flat");
  b.output(b.node("Gemm", {flat, b.weight("w2", {4, 4}), b.weight("c2", {4, 1})}, {}, "fc"));
  ir::Model prepared = quant::prepare_for_quantization(b.build(), "m");
  std::vector<quant::Feeds> samples = {{{"x", random_input({4, 2, 6, 6}, 1)}}, {{"x", random_input({4, 2, 6, 6}, 2)}}};
  quant::VectorSamples source(samples);
  quant::CalibrationOptions co;
  co.quiet = true;
  quant::Quantizer quantizer(prepared, "m");
  // The default plan: 7-bit weights on a CPU without VNNI, so the dnnl session lowers too.
  const ir::Model qdq =
      std::move(quantizer.quantize(quant::calibrate(prepared, source, co), quant::default_plan()).model);
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    exec::Session lowered(qdq, options(true, backend), "m");
    exec::Session fake(qdq, options(false), "m");
    const std::map<std::string, Tensor> feeds = {{"x", random_input({4, 2, 6, 6}, 3)}};
    const Tensor got = lowered.run(feeds)[0].second, want = fake.run(feeds)[0].second;
    ASSERT_EQ(got.dims(), want.dims());
    for (int64_t i = 0; i < want.numel(); ++i) EXPECT_NEAR(got.data<float>()[i], want.data<float>()[i], 1e-3) << i << " backend " << static_cast<int>(backend);
  }
}

TEST(LowerQdq, AsymmetricWeightsStayFloatAndSayWhy) {
  ir::Model prepared = quant::prepare_for_quantization(model(), "m");
  std::vector<quant::Feeds> samples = {{{"x", random_input({1, 3, 16, 16}, 9)}}};
  quant::VectorSamples source(samples);
  quant::CalibrationOptions co;
  co.quiet = true;
  quant::CalibrationStats stats = quant::calibrate(prepared, source, co);
  quant::QuantPlan plan;
  plan.weight.scheme = quant::Scheme::Int8Asymmetric;
  quant::Quantizer quantizer(prepared, "m");
  const ir::Model qdq = std::move(quantizer.quantize(stats, plan).model);
  exec::Session lowered(qdq, options(true), "m");
  ASSERT_FALSE(lowered.lower_stats().declined.empty());
  EXPECT_EQ(lowered.lower_stats().declined.front().second, "weights have a non-zero zero point (asymmetric weights)");
  // The units that stayed float still run: their weights were folded to float.
  EXPECT_NO_THROW(lowered.run({{"x", random_input({1, 3, 16, 16}, 1)}}));
}

// Full-range int8 weights on a CPU whose INT8 kernels saturate: the unit stays float (exact)
// and says why; 7-bit weights lower.
TEST(LowerQdq, FullRangeWeightsStayFloatWhereTheKernelsWouldSaturate) {
  const Quantized q = quantize_model();
  ir::Model copy = ir::clone_model(q.qdq);
  passes::LowerQdqOptions saturating;
  saturating.max_weight_magnitude = 64;
  const passes::LowerQdqStats stats = passes::lower_qdq(*copy.graph, saturating);
  ASSERT_FALSE(stats.declined.empty());
  EXPECT_NE(stats.declined.front().second.find("would saturate"), std::string::npos) << stats.declined.front().second;
  EXPECT_EQ(stats.convs, 0u);
  ir::Model full = ir::clone_model(q.qdq);
  EXPECT_GT(passes::lower_qdq(*full.graph).convs, 0u);
}

}  // namespace
}  // namespace qtune
