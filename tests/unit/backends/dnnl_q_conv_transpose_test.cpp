// QConvTranspose on oneDNN (non-overlapping 2x2/stride-2 windows, NHWC: one strided int8
// matmul per kernel row writing the output in place) against its reference kernel, for
// the detector head's two shapes: 24 -> 24 channels with ReLU and a quantized output, and
// 24 -> 1 channel with Sigmoid and a float output; per-channel and per-tensor weights.
#include <gtest/gtest.h>

#include "ops/fused_activation.h"
#include "q_kernel_test_util.h"

namespace qtune {
namespace {

using ops::ActivationQuant;

void run_case(int64_t m, bool per_channel, ops::FusedActivation::Kind act, ActivationQuant y, uint32_t seed) {
  SCOPED_TRACE("M " + std::to_string(m));
  const ActivationQuant x{DataType::UInt8, 0.03f, 0};
  std::vector<Tensor> inputs = {qtest::activation(x, {1, 6, 7, 24}, seed),
                                qtest::random_ints<int8_t>(DataType::Int8, {24, m, 2, 2}, seed + 1, -63, 63),
                                per_channel ? qtest::random_floats({m}, seed + 2, 0.002f, 0.02f)
                                            : Tensor::from_vector<float>({1}, {0.01f}),
                                qtest::random_ints<int32_t>(DataType::Int32, {m}, seed + 3, -3000, 3000)};
  ir::Graph g;
  ir::Node* node = qtest::make_node(g, "QConvTranspose", inputs, {1, 2, 3});
  node->set_attr(ir::Attribute::make_ints("kernel_shape", {2, 2}));
  node->set_attr(ir::Attribute::make_ints("strides", {2, 2}));
  node->set_attr(ir::Attribute::make_int("channels_last", 1));
  ops::FusedActivation a;
  a.kind = act;
  for (auto& at : a.attributes()) node->set_attr(at);
  for (auto& at : ops::activation_quant_attributes("x", x)) node->set_attr(at);
  for (auto& at : ops::activation_quant_attributes("y", y)) node->set_attr(at);
  qtest::expect_dnnl_matches_reference(*node, inputs);
}

TEST(DnnlQConvTranspose, PatchUpsamplingMatchesReference) {
  run_case(24, true, ops::FusedActivation::Kind::Relu, {DataType::UInt8, 0.05f, 0}, 1);
  run_case(24, false, ops::FusedActivation::Kind::None, {DataType::UInt8, 0.05f, 120}, 2);
  run_case(1, true, ops::FusedActivation::Kind::Sigmoid, {}, 3);
}

TEST(DnnlQConvTranspose, OverlappingWindowsHaveNoOneDnnKernel) {
  ir::Graph g;
  const std::vector<Tensor> inputs = {Tensor(DataType::UInt8, {1, 4, 4, 8}), Tensor(DataType::Int8, {8, 8, 3, 3}),
                                      Tensor::from_vector<float>({1}, {0.1f})};
  ir::Node* node = qtest::make_node(g, "QConvTranspose", inputs, {1, 2});
  node->set_attr(ir::Attribute::make_ints("strides", {2, 2}));
  node->set_attr(ir::Attribute::make_int("channels_last", 1));
  EXPECT_EQ(backends::dnnl_backend::make_dnnl_kernel(*node), nullptr);
}

}  // namespace
}  // namespace qtune
