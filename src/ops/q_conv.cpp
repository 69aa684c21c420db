// com.qtune QConv: a quantized convolution unit, Y = Q(act(Conv(DQ(X), DQ(W)) + B + DQ(Sum))).
// Inputs:  X (uint8/int8, or float32), W (int8, ONNX Conv layout), W_scale (float32: one
//          value, or one per output channel), optional B (int32 in units of
//          x_scale * W_scale[m], as a QDQ bias; or float32 in real units), optional Sum
//          (a residual of Y's shape: quantized with the sum_* attributes, or float32).
// Attributes: Conv's own, the activation attributes of ops/fused_activation.h, the x_/y_/
// sum_ parameters of ops/q_linear.h (no y_scale: Y is float32), and channels_last (0/1:
// X, Sum and Y are [N, H, W, C], the layout the oneDNN backend keeps between convolutions).
// The QDQ lowering pass creates it; the reference kernel dequantizes, runs the float
// convolution and quantizes, so it computes what the QDQ graph it replaced computes.
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
constexpr int kSumInput = 4;

std::vector<TensorInfo> infer_q_conv(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 3, 5);
  FusedActivation::of(node);
  const ActivationQuant xq = read_activation_quant(node, "x");
  const ActivationQuant yq = read_activation_quant(node, "y");
  expect_type(node, inputs, 0, {DataType::UInt8, DataType::Int8, DataType::Float32});
  if (inputs[0].dtype != DataType::Undefined && (inputs[0].dtype == DataType::Float32) == xq.quantized())
    fail(node, "X is " + std::string(dtype_name(inputs[0].dtype)) + " but x_type says " + std::string(dtype_name(xq.type)));
  expect_type(node, inputs, 1, {DataType::Int8});
  expect_type(node, inputs, kWeightScaleInput, {DataType::Float32});
  if (is_present(inputs, kBiasInput)) expect_type(node, inputs, kBiasInput, {DataType::Int32, DataType::Float32});
  const bool channels_last = node.attr_int("channels_last", 0) != 0;
  // The float convolution this stands for, on NCHW float inputs.
  std::vector<TensorInfo> conv_inputs = {TensorInfo::typed(DataType::Float32, inputs[0].shape),
                                         TensorInfo::typed(DataType::Float32, inputs[1].shape)};
  if (channels_last) {
    if (inputs[0].shape.has_rank() && inputs[0].shape.rank() != 4)
      fail(node, "X has shape " + inputs[0].shape.to_string() + ", expected rank 4 [N, H, W, C]");
    conv_inputs[0].shape = permuted_shape(inputs[0].shape, kNhwcToNchw);
  }
  if (is_present(inputs, kBiasInput)) conv_inputs.push_back(TensorInfo::typed(DataType::Float32, inputs[kBiasInput].shape));
  std::vector<TensorInfo> out = infer_conv(node, conv_inputs);
  if (channels_last) out[0].shape = permuted_shape(out[0].shape, kNchwToNhwc);
  out[0].dtype = yq.type;
  if (is_present(inputs, kSumInput)) {
    const ActivationQuant sq = read_activation_quant(node, "sum");
    expect_type(node, inputs, kSumInput, {sq.type});
    check_same_shape(node, "Sum", inputs[kSumInput].shape, out[0].shape);
  }
  return out;
}

class QConvKernel final : public Kernel {
 public:
  explicit QConvKernel(const ir::Node& node)
      : node_(node),
        conv_(make_conv_kernel(node)),
        activation_(FusedActivation::of(node)),
        x_(read_activation_quant(node, "x")),
        y_(read_activation_quant(node, "y")),
        sum_(read_activation_quant(node, "sum")),
        channels_last_(node.attr_int("channels_last", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    KernelContext scratch;  // intermediates are not outputs of the node
    scratch.threads = ctx.threads;
    Tensor x = dequantize_activation(in[0], x_);
    if (channels_last_) x = transpose_tensor(node_, x, kNhwcToNchw, 0, scratch);
    const Tensor& w_scale = in[kWeightScaleInput];
    std::vector<Tensor> conv_in = {x, dequantize_weights(in[1], w_scale, 0)};
    if (has_input(in, kBiasInput)) conv_in.push_back(real_bias(in[kBiasInput], w_scale, in[1].dim(0)));
    std::vector<Tensor> conv_out(1);
    conv_->run(conv_in, conv_out, scratch);
    Tensor sum;
    if (has_input(in, kSumInput)) {
      sum = dequantize_activation(in[kSumInput], sum_);
      if (channels_last_) sum = transpose_tensor(node_, sum, kNhwcToNchw, 0, scratch);
    }
    FusedEpilogue{sum.defined() ? &sum : nullptr, nullptr, activation_}.apply(node_, conv_out[0], ctx.threads);
    Tensor y = channels_last_ ? transpose_tensor(node_, conv_out[0], kNchwToNhwc, 0, scratch) : conv_out[0];
    out[0] = ctx.allocate(0, y_.type, y.dims());
    Tensor q = quantize_activation(y, y_);
    std::memcpy(out[0].raw(), q.raw(), q.byte_size());
  }

 private:
  // An int32 bias is in units of x_scale * w_scale[m].
  Tensor real_bias(const Tensor& b, const Tensor& w_scale, int64_t channels) const {
    if (b.dtype() == DataType::Float32) return b;
    if (b.rank() != 1 || b.numel() != channels) fail(node_, "B is " + b.describe() + ", expected one value per channel");
    Tensor real = Tensor::uninitialized(DataType::Float32, b.dims());
    for (int64_t m = 0; m < channels; ++m)
      real.data<float>()[m] =
          static_cast<float>(b.data<int32_t>()[m]) * (x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : m]);
    return real;
  }

  const ir::Node& node_;
  std::unique_ptr<Kernel> conv_;
  FusedActivation activation_;
  ActivationQuant x_, y_, sum_;
  bool channels_last_;
};

std::unique_ptr<Kernel> make_q_conv_kernel(const ir::Node& node) { return std::make_unique<QConvKernel>(node); }

}  // namespace

const OpSpec& q_conv_op() {
  static const OpSpec spec{kQtuneDomain, "QConv", infer_q_conv, make_q_conv_kernel};
  return spec;
}

}  // namespace qtune::ops
