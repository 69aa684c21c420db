// com.qtune QConvTranspose: a quantized transposed convolution unit,
// Y = Q(act(ConvTranspose(DQ(X), DQ(W)) + B)). Inputs X (uint8/int8), W (int8, ONNX
// layout [C, M/group, k...]), W_scale (one value, or one per output channel when group is
// 1), optional B (int32 in units of x_scale * W_scale[m], or float32). Attributes:
// ConvTranspose's own, the activation attributes, x_/y_ parameters (ops/q_linear.h) and
// channels_last (X and Y are [N, H, W, C]). The reference kernel dequantizes, runs the
// float op and quantizes.
#include <cstring>

#include "ops/data_movement.h"
#include "ops/fused_op_util.h"
#include "ops/nhwc_layout.h"
#include "ops/nn_conv.h"
#include "ops/q_linear.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr int kWeightScaleInput = 2;
constexpr int kBiasInput = 3;

std::vector<TensorInfo> infer_q_conv_transpose(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 3, 4);
  FusedActivation::of(node);
  const ActivationQuant xq = read_activation_quant(node, "x");
  if (!xq.quantized()) fail(node, "x_scale is required (the input is quantized)");
  expect_type(node, inputs, 0, {xq.type});
  expect_type(node, inputs, 1, {DataType::Int8});
  expect_type(node, inputs, kWeightScaleInput, {DataType::Float32});
  if (is_present(inputs, kBiasInput)) expect_type(node, inputs, kBiasInput, {DataType::Int32, DataType::Float32});
  const bool channels_last = node.attr_int("channels_last", 0) != 0;
  std::vector<TensorInfo> as_float = {TensorInfo::typed(DataType::Float32, inputs[0].shape),
                                      TensorInfo::typed(DataType::Float32, inputs[1].shape)};
  if (channels_last) as_float[0].shape = permuted_shape(inputs[0].shape, kNhwcToNchw);
  if (is_present(inputs, kBiasInput))
    as_float.push_back(TensorInfo::typed(DataType::Float32, inputs[kBiasInput].shape));
  std::vector<TensorInfo> out = infer_conv_transpose(node, as_float);
  if (channels_last) out[0].shape = permuted_shape(out[0].shape, kNchwToNhwc);
  out[0].dtype = read_activation_quant(node, "y").type;
  return out;
}

class QConvTransposeKernel final : public Kernel {
 public:
  explicit QConvTransposeKernel(const ir::Node& node)
      : node_(node),
        deconv_(make_conv_transpose_kernel(node)),
        activation_(FusedActivation::of(node)),
        x_(read_activation_quant(node, "x")),
        y_(read_activation_quant(node, "y")),
        channels_last_(node.attr_int("channels_last", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    KernelContext scratch;
    scratch.threads = ctx.threads;
    Tensor x = dequantize_activation(in[0], x_);
    if (channels_last_) x = transpose_tensor(node_, x, kNhwcToNchw, 0, scratch);
    const Tensor& w_scale = in[kWeightScaleInput];
    std::vector<Tensor> args = {x, dequantize_weights(in[1], w_scale, 1)};
    const int64_t channels = in[1].dim(1) * node_.attr_int("group", 1);
    if (has_input(in, kBiasInput)) args.push_back(real_bias(in[kBiasInput], w_scale, channels));
    std::vector<Tensor> y(1);
    deconv_->run(args, y, scratch);
    FusedEpilogue{nullptr, nullptr, activation_}.apply(node_, y[0], ctx.threads);
    if (channels_last_) y[0] = transpose_tensor(node_, y[0], kNchwToNhwc, 0, scratch);
    const Tensor q = quantize_activation(y[0], y_);
    out[0] = ctx.allocate(0, q.dtype(), q.dims());
    std::memcpy(out[0].raw(), q.raw(), q.byte_size());
  }

 private:
  Tensor real_bias(const Tensor& b, const Tensor& w_scale, int64_t channels) const {
    if (b.dtype() == DataType::Float32) return b;
    if (b.numel() != channels) fail(node_, "B is " + b.describe() + ", expected one value per output channel");
    Tensor real = Tensor::uninitialized(DataType::Float32, {channels});
    for (int64_t m = 0; m < channels; ++m)
      real.data<float>()[m] =
          static_cast<float>(b.data<int32_t>()[m]) * (x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : m]);
    return real;
  }

  const ir::Node& node_;
  std::unique_ptr<Kernel> deconv_;
  FusedActivation activation_;
  ActivationQuant x_, y_;
  bool channels_last_;
};

std::unique_ptr<Kernel> make_kernel(const ir::Node& node) { return std::make_unique<QConvTransposeKernel>(node); }

}  // namespace

const OpSpec& q_conv_transpose_op() {
  static const OpSpec spec{kQtuneDomain, "QConvTranspose", infer_q_conv_transpose, make_kernel};
  return spec;
}

}  // namespace qtune::ops
