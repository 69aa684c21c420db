// QConv on oneDNN against its reference kernel (dequantize, float conv, quantize), over
// what the lowering produces: uint8/int8 inputs with and without zero points, per-channel
// and per-tensor weight scales, int32 and float biases, quantized and float outputs,
// quantized residual sums of another type, every activation kind (folded into the output
// scales or applied as post-ops), groups/depthwise, strides, dilations and padding, NCHW
// and NHWC. Quantized outputs may differ by one step where the float reference and the
// integer kernel round a value on a boundary differently; never more.
#include <gtest/gtest.h>

#include "ops/fused_activation.h"
#include "q_kernel_test_util.h"
#include "quant/plan.h"

namespace qtune {
namespace {

using ops::ActivationQuant;

using qtest::activation;
using qtest::random_floats;
using qtest::random_ints;

struct QConvCase {
  int64_t n = 1, c = 8, h = 9, w = 11, m = 16, k = 3, group = 1, stride = 1, dilation = 1, pad = 1;
  int64_t stride_w = 0;  // 0: the same as stride
  ActivationQuant x{DataType::UInt8, 0.02f, 120};
  ActivationQuant y{DataType::UInt8, 0.05f, 3};  // Float32: float output
  bool per_channel = true;
  DataType bias = DataType::Int32;  // Int32, Float32, or Undefined (none)
  bool sum = false;
  ActivationQuant sum_q{DataType::Int8, 0.03f, -5};
  ops::FusedActivation act;
  bool channels_last = false;
};

void run_case(const QConvCase& c, uint32_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " act " + c.act.name() + " group " + std::to_string(c.group) +
               " k " + std::to_string(c.k) + " h " + std::to_string(c.h) + " channels_last " +
               std::to_string(c.channels_last));
  const int64_t oh = (c.h + 2 * c.pad - c.dilation * (c.k - 1) - 1) / c.stride + 1;
  const int64_t stride_w = c.stride_w ? c.stride_w : c.stride;
  const int64_t ow = (c.w + 2 * c.pad - c.dilation * (c.k - 1) - 1) / stride_w + 1;
  std::vector<int64_t> x_dims = {c.n, c.c, c.h, c.w}, y_dims = {c.n, c.m, oh, ow};
  if (c.channels_last) {
    x_dims = {c.n, c.h, c.w, c.c};
    y_dims = {c.n, oh, ow, c.m};
  }
  // Weights in [-63, 63]: what reduce_range gives CPUs without VNNI, whose u8 x s8 pair
  // sums would otherwise saturate (a property of the hardware, not of the kernel).
  std::vector<Tensor> inputs = {activation(c.x, x_dims, seed),
                                random_ints<int8_t>(DataType::Int8, {c.m, c.c / c.group, c.k, c.k}, seed + 1, -63, 63),
                                c.per_channel ? random_floats({c.m}, seed + 2, 0.001f, 0.01f)
                                              : Tensor::from_vector<float>({1}, {0.004f})};
  if (c.bias == DataType::Int32)
    inputs.push_back(random_ints<int32_t>(DataType::Int32, {c.m}, seed + 3, -20000, 20000));
  else if (c.bias == DataType::Float32)
    inputs.push_back(random_floats({c.m}, seed + 3, -0.5f, 0.5f));
  else if (c.sum)
    inputs.push_back(Tensor());
  if (c.sum) inputs.push_back(activation(c.sum_q, y_dims, seed + 4));

  ir::Graph g;
  ir::Node* node = qtest::make_node(g, "QConv", inputs, {1, 2, 3});
  node->set_attr(ir::Attribute::make_ints("kernel_shape", {c.k, c.k}));
  node->set_attr(ir::Attribute::make_ints("strides", {c.stride, stride_w}));
  node->set_attr(ir::Attribute::make_ints("dilations", {c.dilation, c.dilation}));
  node->set_attr(ir::Attribute::make_ints("pads", {c.pad, c.pad, c.pad, c.pad}));
  node->set_attr(ir::Attribute::make_int("group", c.group));
  node->set_attr(ir::Attribute::make_int("channels_last", c.channels_last));
  for (auto& a : c.act.attributes()) node->set_attr(a);
  for (auto& a : ops::activation_quant_attributes("x", c.x)) node->set_attr(a);
  for (auto& a : ops::activation_quant_attributes("y", c.y)) node->set_attr(a);
  if (c.sum)
    for (auto& a : ops::activation_quant_attributes("sum", c.sum_q)) node->set_attr(a);

  // Without VNNI, oneDNN halves the weights of s8-input convolutions to keep its 16-bit
  // pair sums from saturating: one bit less precise (u8 inputs, the default, are exact).
  const bool halved_weights = c.x.type == DataType::Int8 && !quant::cpu_has_vnni();
  qtest::expect_dnnl_matches_reference(*node, inputs, halved_weights ? 2.0 : 1.0, !halved_weights);
}

ops::FusedActivation act(ops::FusedActivation::Kind kind, float alpha = 0, float beta = 0) {
  ops::FusedActivation a;
  a.kind = kind;
  a.alpha = alpha;
  a.beta = beta;
  return a;
}

// PP-LCNet's learnable affine after the activation.
ops::FusedActivation affine(ops::FusedActivation a) {
  a.has_affine = true;
  a.scale = 0.8f;
  a.shift = 0.1f;
  return a;
}

TEST(DnnlQConv, MatchesReferenceAcrossActivations) {
  using K = ops::FusedActivation::Kind;
  uint32_t seed = 1;
  for (bool channels_last : {false, true})
    for (const ops::FusedActivation& a :
         {act(K::None), act(K::Relu), act(K::LeakyRelu, 0.1f), act(K::Clip, 0.0f, 6.0f), act(K::HardSwish),
          act(K::Sigmoid), act(K::HardSigmoid, 1.0f / 6, 0.5f), act(K::Swish), affine(act(K::HardSwish)),
          affine(act(K::Relu))}) {
      QConvCase c;
      c.act = a;
      c.channels_last = channels_last;
      run_case(c, seed++);
    }
}

TEST(DnnlQConv, MatchesReferenceAcrossTypesAndGeometry) {
  uint32_t seed = 100;
  QConvCase base;
  {
    QConvCase c = base;  // int8 symmetric input and output, per-tensor weights, float bias
    c.x = {DataType::Int8, 0.03f, 0};
    c.y = {DataType::Int8, 0.1f, 0};
    c.per_channel = false;
    c.bias = DataType::Float32;
    run_case(c, seed++);
  }
  {
    QConvCase c = base;  // float output, no bias
    c.y = {};
    c.bias = DataType::Undefined;
    run_case(c, seed++);
  }
  for (bool channels_last : {false, true}) {
    QConvCase c = base;  // depthwise, stride 2
    c.c = c.m = c.group = 16;
    c.stride = 2;
    c.channels_last = channels_last;
    run_case(c, seed++);
    c.k = 5;  // 5x5 depthwise, pad 2
    c.pad = 2;
    c.stride = 1;
    run_case(c, seed++);
  }
  {
    QConvCase c = base;  // pointwise with a quantized residual of another type, then HardSwish
    c.k = 1;
    c.pad = 0;
    c.sum = true;
    c.act = act(ops::FusedActivation::Kind::HardSwish);
    run_case(c, seed++);
    c.channels_last = true;
    c.act = act(ops::FusedActivation::Kind::Relu);
    run_case(c, seed++);
  }
  {
    QConvCase c = base;  // grouped, dilated, batch 2
    c.group = 2;
    c.dilation = 2;
    c.pad = 2;
    c.n = 2;
    run_case(c, seed++);
  }
}

// What the own-kernel tests vary with the case number: int8 or uint8 in and out (int8 where
// oneDNN has VNNI, its default activation type there: under DNNL_MAX_CPU_ISA=AVX2, oneDNN
// 2.6's int8-input depthwise kernel was seen off by up to 255 steps on such cases, while
// uint8, the default without VNNI, is exact), zero points, int32/float/no bias, per-tensor
// weight scales.
void vary_types(QConvCase& c, int variant) {
  if (variant % 2 && quant::cpu_has_vnni()) {
    c.x = {DataType::Int8, 0.03f, variant % 4 == 1 ? -3 : 0};
    c.y = {DataType::Int8, 0.08f, variant % 4 == 3 ? 5 : 0};
  }
  c.bias = variant % 3 == 2 ? DataType::Float32 : variant % 5 == 4 ? DataType::Undefined : DataType::Int32;
  c.per_channel = variant % 6 != 5;
}

// NHWC depthwise convolutions of 8 or more channels with int8 or uint8 in and out run
// int8_depthwise_conv.h's kernel where the CPU has AVX-512 VNNI (oneDNN elsewhere): channel
// counts that leave a partial 16-lane block, 3x3 to 7x7 kernels (one and two groups of four
// taps per row), strides of 1 and 2 per axis, images no taller than the kernel (whole kernel
// rows over the padding, skipped), both input types with zero points, both biases.
TEST(DnnlQConv, DepthwiseKernelMatchesReference) {
  using K = ops::FusedActivation::Kind;
  uint32_t seed = 300;
  QConvCase base;
  base.channels_last = true;
  base.n = 2;
  const ops::FusedActivation acts[] = {act(K::HardSwish), act(K::Relu), act(K::None), act(K::LeakyRelu, 0.1f),
                                       act(K::Clip, -1.0f, 2.0f), act(K::HardSigmoid, 0.2f, 0.5f),
                                       affine(act(K::HardSwish))};
  int variant = 0;
  for (int64_t channels : {8, 33, 72, 200})
    for (int64_t k : {3, 5, 7})
      for (int64_t h : {2, 9}) {
        QConvCase c = base;
        c.c = c.m = c.group = channels;
        c.k = k;
        c.pad = k / 2;
        c.h = h;
        c.w = 13 + variant % 4;
        c.stride = variant % 3 == 1 ? 2 : 1;
        c.stride_w = variant % 4 == 2 ? 2 : 0;
        c.act = acts[variant % 7];
        vary_types(c, variant);
        run_case(c, seed++);
        ++variant;
      }
}

// NHWC 1x1 convolutions of images up to 4096 pixels with int8 or uint8 in and out run
// int8_pointwise_conv.h's kernel where the CPU has AVX-512 VNNI (oneDNN elsewhere): input
// channel counts that are not a multiple of 4 (padded rows) or are (read in place when
// uint8), output channels that leave a partial 16-lane block or a partial group of four
// blocks or are 8, 24 or 40 (two pixels per vector), pixel counts that leave a partial 6-pixel tile or
// a partial step of 4 pixel pairs, an odd last pixel (1x1 images too), both input types
// with zero points, both biases, per-tensor weight scales, every epilogue activation, folded
// (None/Relu/Clip) or not.
TEST(DnnlQConv, PointwiseKernelMatchesReference) {
  using K = ops::FusedActivation::Kind;
  uint32_t seed = 500;
  QConvCase base;
  base.channels_last = true;
  base.k = 1;
  base.pad = 0;
  const ops::FusedActivation acts[] = {act(K::HardSwish), act(K::Relu), act(K::None), act(K::LeakyRelu, 0.1f),
                                       act(K::Clip, -1.0f, 2.0f), act(K::HardSigmoid, 0.2f, 0.5f),
                                       affine(act(K::HardSwish)), affine(act(K::Relu))};
  int variant = 0;
  for (int64_t in_channels : {3, 8, 22, 200})
    for (int64_t out_channels : {2, 8, 24, 40, 200})
      for (int64_t pixels_h : {1, 3}) {
        QConvCase c = base;
        c.c = in_channels;
        c.m = out_channels;
        c.h = pixels_h;
        c.w = pixels_h == 1 ? 1 : 5 + variant % 4;
        c.n = variant % 3 == 0 ? 2 : 1;
        c.act = acts[variant % 8];
        vary_types(c, variant);
        run_case(c, seed++);
        ++variant;
      }
}

// The own kernels' saturating int8 store (int8_conv_epilogue.h): outputs far past both ends
// of the int8 range, and a scale so large that the float -> int32 conversion would overflow
// (planning must keep the float clamp there: an overflowed value converts to INT32_MIN and
// would store -128 for +127).
TEST(DnnlQConv, OwnKernelsSaturateInt8Outputs) {
  if (!quant::cpu_has_vnni()) GTEST_SKIP() << "the own kernels need AVX-512 VNNI";
  using K = ops::FusedActivation::Kind;
  uint32_t seed = 700;
  for (float y_scale : {0.002f, 1e-12f})
    for (const ops::FusedActivation& a : {act(K::HardSwish), act(K::None), act(K::Relu)})
      for (int64_t shape : {0, 1, 2}) {  // depthwise; pointwise to 40 and to 8 channels
        const bool depthwise = shape == 0;
        QConvCase c;
        c.channels_last = true;
        c.x = {DataType::Int8, 0.03f, -3};
        c.y = {DataType::Int8, y_scale, a.kind == K::Relu ? -128 : 5};
        c.act = a;
        if (depthwise) {
          c.c = c.m = c.group = 40;
          c.k = 5;
          c.pad = 2;
          c.h = 3;
        } else {
          c.c = 24;
          c.m = shape == 1 ? 40 : 8;
          c.k = 1;
          c.pad = 0;
        }
        run_case(c, seed++);
      }
}

// NHWC convolutions of few input channels into 8 (a network's first layer) run
// int8_few_channel_conv.h's kernel where the CPU has AVX-512 VNNI (oneDNN elsewhere): kernel
// rows of 3 to 12 bytes (one to three groups of four), strides 1 and 2 per axis, padding,
// output rows that leave a partial group of 16 pixels or fewer than 8, both input and output
// types with zero points, both biases, every epilogue activation.
TEST(DnnlQConv, FewChannelKernelMatchesReference) {
  using K = ops::FusedActivation::Kind;
  uint32_t seed = 900;
  const ops::FusedActivation acts[] = {act(K::HardSwish), act(K::Relu), act(K::None), act(K::LeakyRelu, 0.1f),
                                       act(K::Clip, -1.0f, 2.0f), act(K::HardSigmoid, 0.2f, 0.5f),
                                       affine(act(K::HardSwish))};
  struct Shape {
    int64_t c, k, stride, stride_w, h, w;
  };
  const Shape shapes[] = {{3, 3, 2, 0, 11, 40}, {3, 3, 1, 0, 6, 19}, {1, 5, 2, 1, 9, 7},
                          {4, 3, 1, 0, 5, 33}, {2, 5, 1, 2, 8, 50}, {3, 1, 1, 0, 4, 17}};
  int variant = 0;
  for (const Shape& sh : shapes)
    for (int repeat = 0; repeat < 3; ++repeat) {
      QConvCase c;
      c.channels_last = true;
      c.c = sh.c;
      c.m = 8;
      c.k = sh.k;
      c.pad = sh.k / 2;
      c.stride = sh.stride;
      c.stride_w = sh.stride_w;
      c.h = sh.h;
      c.w = sh.w + repeat;
      c.n = repeat == 1 ? 2 : 1;
      c.act = acts[variant % 7];
      vary_types(c, variant);
      run_case(c, seed++);
      ++variant;
    }
}

}  // namespace
}  // namespace qtune
