// QMatMul on oneDNN against its reference kernel (dequantize, float matmul, quantize):
// rank-2 and rank-3 A, uint8/int8 A with and without zero points, per-column and
// per-tensor B scales, float and int32 biases, quantized and float outputs, activations
// folded into the output scales or applied as post-ops.
#include <gtest/gtest.h>

#include "ops/fused_activation.h"
#include "q_kernel_test_util.h"
#include "quant/plan.h"

namespace qtune {
namespace {

using ops::ActivationQuant;

struct QMatMulCase {
  std::vector<int64_t> a_dims = {7, 24};
  int64_t n = 19;
  ActivationQuant x{DataType::UInt8, 0.02f, 131};
  ActivationQuant y{DataType::UInt8, 0.04f, 9};
  bool per_column = true;
  DataType bias = DataType::Float32;
  ops::FusedActivation act;
};

void run_case(const QMatMulCase& c, uint32_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " act " + c.act.name());
  const int64_t k = c.a_dims.back();
  std::vector<Tensor> inputs = {qtest::activation(c.x, c.a_dims, seed),
                                qtest::random_ints<int8_t>(DataType::Int8, {k, c.n}, seed + 1, -63, 63),
                                c.per_column ? qtest::random_floats({c.n}, seed + 2, 0.002f, 0.02f)
                                             : Tensor::from_vector<float>({1}, {0.01f})};
  if (c.bias == DataType::Int32)
    inputs.push_back(qtest::random_ints<int32_t>(DataType::Int32, {c.n}, seed + 3, -5000, 5000));
  else if (c.bias == DataType::Float32)
    inputs.push_back(qtest::random_floats({c.n}, seed + 3, -0.5f, 0.5f));
  ir::Graph g;
  ir::Node* node = qtest::make_node(g, "QMatMul", inputs, {1, 2, 3});
  for (auto& a : c.act.attributes()) node->set_attr(a);
  for (auto& a : ops::activation_quant_attributes("x", c.x)) node->set_attr(a);
  for (auto& a : ops::activation_quant_attributes("y", c.y)) node->set_attr(a);
  const bool halved_weights = c.x.type == DataType::Int8 && !quant::cpu_has_vnni();
  qtest::expect_dnnl_matches_reference(*node, inputs, halved_weights ? 2.0 : 1.0, !halved_weights);
}

TEST(DnnlQMatMul, MatchesReference) {
  using K = ops::FusedActivation::Kind;
  uint32_t seed = 1;
  for (K kind : {K::None, K::Relu, K::Swish, K::GeluErf, K::Clip}) {
    QMatMulCase c;
    c.act.kind = kind;
    if (kind == K::Clip) c.act.beta = 0.55f;  // not on a rounding tie: 0.5 / 0.04 = 12.5 steps
    run_case(c, seed++);
  }
  QMatMulCase rank3;
  rank3.a_dims = {2, 5, 40};
  rank3.bias = DataType::Int32;
  run_case(rank3, seed++);
  QMatMulCase symmetric;
  symmetric.x = {DataType::Int8, 0.05f, 0};
  symmetric.y = {DataType::Int8, 0.1f, 0};
  symmetric.per_column = false;
  symmetric.bias = DataType::Undefined;
  run_case(symmetric, seed++);
  QMatMulCase float_out;
  float_out.y = {};
  run_case(float_out, seed++);
}

}  // namespace
}  // namespace qtune
