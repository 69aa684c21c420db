// Dynamic quantization on a small built model: which units take it (MatMul and Gemm with
// constant weights, Gemm's transB/alpha/beta/bias folded in; convolutions stay FP32 and
// say why), one DynamicQuantizeLinear per activation even when two MatMuls read it, and
// that the file's own ONNX computation (reference kernels, no lowering) equals the lowered
// QDynamicMatMul kernels on both backends, and stays close to FP32.
#include "quant/dynamic_quantizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "exec/session.h"
#include "ir/graph_builder.h"
#include "quant/prepare.h"

namespace qtune {
namespace {

Tensor random_input(const std::vector<int64_t>& dims, uint64_t seed) {
  Tensor t(DataType::Float32, dims);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 2.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// x [2, 5, 16] -> conv-free transformer-ish block: two MatMuls share x, a Gemm (transB,
// alpha, beta, bias) on a flattened branch, and a Conv on an image input that must stay FP32.
ir::Model model() {
  ir::GraphBuilder b(13, 21);
  auto* x = b.input("x", DataType::Float32, {2, 5, 16});
  auto* q = b.node("MatMul", {x, b.weight("wq", {16, 8})}, {}, "proj_q");
  auto* k = b.node("MatMul", {x, b.weight("wk", {16, 8})}, {}, "proj_k");
  auto* qk = b.node("Add", {q, k}, {}, "sum");
  auto* flat = b.node("Reshape", {qk, b.constant("shape", Tensor::from_vector<int64_t>({2}, {10, 8}))}, {}, "flat");
  b.output(b.node("Gemm", {flat, b.weight("wg", {6, 8}), b.weight("bg", {6})},
                  {ir::Attribute::make_int("transB", 1), ir::Attribute::make_float("alpha", 0.5f),
                   ir::Attribute::make_float("beta", 2.0f)},
                  "fc"));
  auto* img = b.input("img", DataType::Float32, {1, 2, 6, 6});
  b.output(b.node("Conv", {img, b.weight("wc", {3, 2, 3, 3})}, {}, "conv"));
  return b.build();
}

std::vector<Tensor> run(const ir::Model& m, bool lower, exec::Backend backend) {
  exec::SessionOptions o;
  o.backend = backend;
  o.lower_int8 = lower;
  o.threads = 1;
  exec::Session s(m, o, "m");
  std::vector<Tensor> out;
  for (auto& [name, t] : s.run({{"x", random_input({2, 5, 16}, 3)}, {"img", random_input({1, 2, 6, 6}, 4)}}))
    out.push_back(t);
  return out;
}

quant::QuantizeResult quantize(const ir::Model& prepared) {
  quant::Quantizer quantizer(prepared, "m");
  quant::QuantPlan plan = quant::default_plan();
  plan.dynamic = true;
  return quantizer.quantize(quant::CalibrationStats{}, plan);
}

TEST(DynamicQuantizer, MatMulAndGemmOnlyWithSharedActivationQuantizers) {
  const ir::Model prepared = quant::prepare_for_quantization(model(), "m");
  const quant::QuantizeResult r = quantize(prepared);
  EXPECT_EQ(r.quantized_weights, 3u);
  EXPECT_EQ(r.quantized_tensors, 2u);  // x (shared by proj_q and proj_k) and flat
  int dql = 0, mmi = 0;
  for (const ir::Node* n : r.model.graph->nodes()) {
    dql += n->op_type() == "DynamicQuantizeLinear";
    mmi += n->op_type() == "MatMulInteger";
  }
  EXPECT_EQ(dql, 2);
  EXPECT_EQ(mmi, 3);
  for (const quant::UnitDecision& d : r.decisions)
    if (d.name == "conv") {
      EXPECT_EQ(d.precision, quant::Precision::FP32);
      EXPECT_NE(d.reason.find("MatMul and Gemm"), std::string::npos) << d.reason;
    }
}

TEST(DynamicQuantizer, LoweredKernelsComputeWhatTheFileSays) {
  const ir::Model fp32 = model();
  const ir::Model prepared = quant::prepare_for_quantization(fp32, "m");
  const quant::QuantizeResult r = quantize(prepared);
  const std::vector<Tensor> want = run(r.model, false, exec::Backend::Reference);
  const std::vector<Tensor> exact = run(fp32, false, exec::Backend::Reference);
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    exec::SessionOptions o;
    o.backend = backend;
    exec::Session lowered(r.model, o, "m");
    EXPECT_EQ(lowered.lower_stats().mat_muls, 3u);
    const std::vector<Tensor> got = run(r.model, true, backend);
    ASSERT_EQ(got.size(), want.size());
    for (size_t o = 0; o < got.size(); ++o)
      for (int64_t i = 0; i < want[o].numel(); ++i)
        EXPECT_NEAR(got[o].data<float>()[i], want[o].data<float>()[i], 1e-5f * (1 + std::fabs(want[o].data<float>()[i])))
            << "output " << o << " element " << i << " backend " << static_cast<int>(backend);
  }
  // And INT8 stays close to FP32: within a few percent of the output's range.
  float range = 0, worst = 0;
  for (int64_t i = 0; i < exact[0].numel(); ++i) {
    range = std::max(range, std::fabs(exact[0].data<float>()[i]));
    worst = std::max(worst, std::fabs(exact[0].data<float>()[i] - want[0].data<float>()[i]));
  }
  EXPECT_LT(worst, 0.05f * range);
}

}  // namespace
}  // namespace qtune
