// QConvTranspose on oneDNN (non-overlapping 2x2/stride-2 windows, NHWC: one strided int8
// matmul per kernel row writing the output in place) against its reference kernel, for
// the detector head's two shapes: 24 -> 24 channels with ReLU and a quantized output, and
// 24 -> 1 channel with Sigmoid and a float output; per-channel and per-tensor weights.
// Float outputs with at most 16 taps per pixel take the narrow loop
// (narrow_patch_deconv.h): its cases vary the taps, the input type and zero point, the
// bias type, and widths that are not a multiple of its 4-pixel blocks.
#include <gtest/gtest.h>

#include "ops/fused_activation.h"
#include "q_kernel_test_util.h"

namespace qtune {
namespace {

using ops::ActivationQuant;

struct Shape {
  int64_t c = 24, width = 7, kh = 2, kw = 2;
  ActivationQuant x{DataType::UInt8, 0.03f, 0};
  bool float_bias = false;
  // +-63 for oneDNN's matmul: without VNNI it sums u8 x s8 pairs in 16 bits, which full
  // 8-bit weights can saturate (the lowering keeps such units in float there). The narrow
  // loop sums exactly and takes the full range.
  int weight_limit = 63;
};

void run_case(int64_t m, bool per_channel, ops::FusedActivation::Kind act, ActivationQuant y, uint32_t seed,
              const Shape& s = {}) {
  SCOPED_TRACE("M " + std::to_string(m) + " C " + std::to_string(s.c) + " width " + std::to_string(s.width));
  std::vector<Tensor> inputs = {qtest::activation(s.x, {2, 3, s.width, s.c}, seed),
                                qtest::random_ints<int8_t>(DataType::Int8, {s.c, m, s.kh, s.kw}, seed + 1, -s.weight_limit,
                                                           s.weight_limit),
                                per_channel ? qtest::random_floats({m}, seed + 2, 0.002f, 0.02f)
                                            : Tensor::from_vector<float>({1}, {0.01f}),
                                s.float_bias ? qtest::random_floats({m}, seed + 3, -2.0f, 2.0f)
                                             : qtest::random_ints<int32_t>(DataType::Int32, {m}, seed + 3, -3000, 3000)};
  ir::Graph g;
  ir::Node* node = qtest::make_node(g, "QConvTranspose", inputs, {1, 2, 3});
  node->set_attr(ir::Attribute::make_ints("kernel_shape", {s.kh, s.kw}));
  node->set_attr(ir::Attribute::make_ints("strides", {s.kh, s.kw}));
  node->set_attr(ir::Attribute::make_int("channels_last", 1));
  ops::FusedActivation a;
  a.kind = act;
  for (auto& at : a.attributes()) node->set_attr(at);
  for (auto& at : ops::activation_quant_attributes("x", s.x)) node->set_attr(at);
  for (auto& at : ops::activation_quant_attributes("y", y)) node->set_attr(at);
  qtest::expect_dnnl_matches_reference(*node, inputs);
}

TEST(DnnlQConvTranspose, PatchUpsamplingMatchesReference) {
  run_case(24, true, ops::FusedActivation::Kind::Relu, {DataType::UInt8, 0.05f, 0}, 1);
  run_case(24, false, ops::FusedActivation::Kind::None, {DataType::UInt8, 0.05f, 120}, 2);
  run_case(1, true, ops::FusedActivation::Kind::Sigmoid, {}, 3);
}

TEST(DnnlQConvTranspose, NarrowFloatOutputsMatchReference) {
  using Kind = ops::FusedActivation::Kind;
  const ActivationQuant u8_zp{DataType::UInt8, 0.02f, 131}, s8{DataType::Int8, 0.02f, 3};
  run_case(1, true, Kind::Sigmoid, {}, 10, {.c = 24, .width = 9, .x = u8_zp, .weight_limit = 127});
  run_case(1, false, Kind::None, {}, 11, {.c = 5, .width = 1, .x = s8, .float_bias = true, .weight_limit = 127});
  run_case(2, true, Kind::Relu, {}, 12, {.c = 96, .width = 6, .kh = 2, .kw = 4, .x = u8_zp, .weight_limit = 127});
  // 16 taps, the widest exact sums.
  run_case(4, true, Kind::Tanh, {}, 13, {.c = 512, .width = 5, .x = s8, .weight_limit = 127});
  run_case(1, true, Kind::HardSigmoid, {}, 14,
           {.c = 3, .width = 4, .kh = 3, .kw = 1, .float_bias = true, .weight_limit = 127});
  run_case(5, true, Kind::Sigmoid, {}, 15, {.c = 8, .width = 3});  // 20 taps: the matmul path
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
