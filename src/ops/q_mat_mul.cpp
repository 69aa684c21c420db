// com.qtune QMatMul: a quantized MatMul/Gemm unit, Y = Q(act(DQ(A) x DQ(B) + Bias)).
// Inputs:  A (uint8/int8, or float32; [..., M, K]), B (int8 [K, N], constant), B_scale
//          (float32: one value, or one per column), optional Bias ([N]: int32 in units of
//          x_scale * B_scale[n], or float32 in real units).
// Attributes: the activation attributes of ops/fused_activation.h and the x_ (for A) and
// y_ parameters of ops/q_linear.h (no y_scale: Y is float32). The QDQ lowering pass creates
// it from MatMul and Gemm (transA = 0) units; the reference kernel dequantizes, multiplies
// in float and quantizes.
#include <cstring>

#include "ops/fused_op_util.h"
#include "ops/nn_conv.h"
#include "ops/q_linear.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr int kWeightScaleInput = 2;
constexpr int kBiasInput = 3;

std::vector<TensorInfo> infer_q_mat_mul(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 3, 4);
  FusedActivation::of(node);
  const ActivationQuant xq = read_activation_quant(node, "x");
  const ActivationQuant yq = read_activation_quant(node, "y");
  expect_type(node, inputs, 0, {DataType::UInt8, DataType::Int8, DataType::Float32});
  if (inputs[0].dtype != DataType::Undefined && (inputs[0].dtype == DataType::Float32) == xq.quantized())
    fail(node, "A is " + std::string(dtype_name(inputs[0].dtype)) + " but x_type says " + std::string(dtype_name(xq.type)));
  expect_type(node, inputs, 1, {DataType::Int8});
  if (inputs[1].shape.has_rank() && inputs[1].shape.rank() != 2)
    fail(node, "B has shape " + inputs[1].shape.to_string() + ", expected [K, N]");
  expect_type(node, inputs, kWeightScaleInput, {DataType::Float32});
  if (is_present(inputs, kBiasInput)) expect_type(node, inputs, kBiasInput, {DataType::Int32, DataType::Float32});
  std::vector<TensorInfo> mm = {TensorInfo::typed(DataType::Float32, inputs[0].shape),
                                TensorInfo::typed(DataType::Float32, inputs[1].shape)};
  std::vector<TensorInfo> out = infer_mat_mul(node, mm);
  out[0].dtype = yq.type;
  return out;
}

class QMatMulKernel final : public Kernel {
 public:
  explicit QMatMulKernel(const ir::Node& node)
      : node_(node),
        mat_mul_(make_mat_mul_kernel(node)),
        activation_(FusedActivation::of(node)),
        x_(read_activation_quant(node, "x")),
        y_(read_activation_quant(node, "y")) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    KernelContext scratch;
    scratch.threads = ctx.threads;
    const Tensor& b_scale = in[kWeightScaleInput];
    std::vector<Tensor> mm_in = {dequantize_activation(in[0], x_), dequantize_weights(in[1], b_scale, 1)};
    std::vector<Tensor> mm_out(1);
    mat_mul_->run(mm_in, mm_out, scratch);
    Tensor bias;
    if (has_input(in, kBiasInput)) bias = real_bias(in[kBiasInput], b_scale, in[1].dim(1));
    FusedEpilogue{nullptr, bias.defined() ? &bias : nullptr, activation_}.apply(node_, mm_out[0], ctx.threads);
    out[0] = ctx.allocate(0, y_.type, mm_out[0].dims());
    Tensor q = quantize_activation(mm_out[0], y_);
    std::memcpy(out[0].raw(), q.raw(), q.byte_size());
  }

 private:
  Tensor real_bias(const Tensor& b, const Tensor& b_scale, int64_t columns) const {
    if (b.rank() != 1 || b.numel() != columns) fail(node_, "Bias is " + b.describe() + ", expected one value per column");
    if (b.dtype() == DataType::Float32) return b;
    Tensor real = Tensor::uninitialized(DataType::Float32, b.dims());
    for (int64_t n = 0; n < columns; ++n)
      real.data<float>()[n] =
          static_cast<float>(b.data<int32_t>()[n]) * (x_.scale * b_scale.data<float>()[b_scale.numel() == 1 ? 0 : n]);
    return real;
  }

  const ir::Node& node_;
  std::unique_ptr<Kernel> mat_mul_;
  FusedActivation activation_;
  ActivationQuant x_, y_;
};

std::unique_ptr<Kernel> make_q_mat_mul_kernel(const ir::Node& node) { return std::make_unique<QMatMulKernel>(node); }

}  // namespace

const OpSpec& q_mat_mul_op() {
  static const OpSpec spec{kQtuneDomain, "QMatMul", infer_q_mat_mul, make_q_mat_mul_kernel};
  return spec;
}

}  // namespace qtune::ops
