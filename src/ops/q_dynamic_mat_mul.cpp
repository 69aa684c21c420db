// com.qtune QDynamicMatMul: a dynamically quantized MatMul/Gemm unit, what the ONNX pattern
//   (xq, xs, xzp) = DynamicQuantizeLinear(A)
//   Y = Cast<float>(MatMulInteger(xq, B, xzp)) * (xs * B_scale) [+ Bias]
// computes, in one node. Inputs: A (float32 [..., M, K]), B (int8 [K, N], constant), B_scale
// (float32: one value or one per column), optional Bias (float32 [N]). Y is float32. The
// QDQ lowering pass creates it; the reference kernel follows the pattern step by step.
#include <cstring>

#include "ops/dynamic_quant.h"
#include "ops/fused_op_util.h"
#include "ops/nn_conv.h"
#include "ops/nn_gemm.h"
#include "ops/op_helpers.h"
#include "ops/q_loops.h"

namespace qtune::ops {
namespace {

constexpr int kWeightScaleInput = 2;
constexpr int kBiasInput = 3;

std::vector<TensorInfo> infer_q_dynamic_mat_mul(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 3, 4);
  expect_type(node, inputs, 0, {DataType::Float32});
  expect_type(node, inputs, 1, {DataType::Int8});
  if (inputs[1].shape.has_rank() && inputs[1].shape.rank() != 2)
    fail(node, "B has shape " + inputs[1].shape.to_string() + ", expected [K, N]");
  expect_type(node, inputs, kWeightScaleInput, {DataType::Float32});
  if (is_present(inputs, kBiasInput)) expect_type(node, inputs, kBiasInput, {DataType::Float32});
  std::vector<TensorInfo> mm = {inputs[0], TensorInfo::typed(DataType::Float32, inputs[1].shape)};
  return infer_mat_mul(node, mm);
}

class QDynamicMatMulKernel final : public Kernel {
 public:
  explicit QDynamicMatMulKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (const Tensor& t : in) infos.push_back(t.defined() ? TensorInfo::of(t) : TensorInfo::absent());
    const std::vector<int64_t> out_dims = infer_q_dynamic_mat_mul(node_, infos)[0].shape.sizes();
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const Tensor& b_scale = in[kWeightScaleInput];
    const int64_t k = b.dim(0), n = b.dim(1), rows = a.numel() / k;
    if (b_scale.numel() != 1 && b_scale.numel() != n)
      fail(node_, "B_scale has " + std::to_string(b_scale.numel()) + " values, expected 1 or " + std::to_string(n));
    const bool has_bias = in.size() > kBiasInput && in[kBiasInput].defined();
    if (has_bias && in[kBiasInput].numel() != n)
      fail(node_, "Bias is " + in[kBiasInput].describe() + ", expected " + std::to_string(n) + " values");

    const DynamicQuantParams p = dynamic_quant_params(a.data<float>(), a.numel());
    std::vector<uint8_t> xq(static_cast<size_t>(a.numel()));
    quantize_f32(a.data<float>(), xq.data(), a.numel(), p.scale, static_cast<float>(p.zero_point));
    std::vector<int32_t> xa(xq.size()), wb(static_cast<size_t>(b.numel())), acc(static_cast<size_t>(rows * n));
    for (size_t i = 0; i < xq.size(); ++i) xa[i] = static_cast<int32_t>(xq[i]) - p.zero_point;
    for (size_t i = 0; i < wb.size(); ++i) wb[i] = b.data<int8_t>()[i];
    matmul_integer<int32_t>(rows, n, k, matrix_view(xa.data(), k, false), matrix_view(wb.data(), n, false), acc.data(),
                            n, ctx.threads);

    out[0] = ctx.allocate(0, DataType::Float32, out_dims);
    float* y = out[0].data<float>();
    const float* ws = b_scale.data<float>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < n; ++j) {
        const float scale = p.scale * ws[b_scale.numel() == 1 ? 0 : j];  // Mul(xs, B_scale) first, as the pattern
        float v = static_cast<float>(acc[static_cast<size_t>(r * n + j)]) * scale;
        if (has_bias) v += in[kBiasInput].data<float>()[j];
        y[r * n + j] = v;
      }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_q_dynamic_mat_mul_kernel(const ir::Node& node) {
  return std::make_unique<QDynamicMatMulKernel>(node);
}

}  // namespace

const OpSpec& q_dynamic_mat_mul_op() {
  static const OpSpec spec{kQtuneDomain, "QDynamicMatMul", infer_q_dynamic_mat_mul, make_q_dynamic_mat_mul_kernel};
  return spec;
}

}  // namespace qtune::ops
