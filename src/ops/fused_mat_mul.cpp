// com.qtune FusedMatMul: Y = act(MatMul(A, B) + Bias). A and B follow ONNX MatMul
// (numpy broadcasting of batch axes); the optional Bias is 1-D with the length of Y's last
// axis and is added to every row. The reference kernel is MatMul's own, then the epilogue.
#include "ops/fused_op_util.h"
#include "ops/nn_conv.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr int kBiasInput = 2;

std::vector<TensorInfo> infer_fused_mat_mul(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  check_fused_node(node, inputs);
  std::vector<TensorInfo> out = infer_mat_mul(node, leading(inputs, kBiasInput));
  if (is_present(inputs, kBiasInput)) {
    expect_type(node, inputs, kBiasInput, {DataType::Float32});
    const ir::Shape& bias = inputs[kBiasInput].shape;
    const ir::Shape& y = out[0].shape;
    if (y.has_rank() && y.rank() == 0) fail(node, "Bias needs an output of rank >= 1, but both operands are 1-D");
    if (bias.has_rank() && bias.rank() != 1) fail(node, "Bias has shape " + bias.to_string() + ", expected 1-D");
    if (bias.has_rank() && y.has_rank()) {
      const ir::Dim& b = (*bias.dims)[0];
      const ir::Dim& n = y.dims->back();
      if (b.is_known() && n.is_known() && b.value != n.value)
        fail(node, "Bias has shape " + bias.to_string() + ", expected [" + std::to_string(n.value) +
                       "] (the output's last axis)");
    }
  }
  return out;
}

class FusedMatMulKernel final : public Kernel {
 public:
  explicit FusedMatMulKernel(const ir::Node& node)
      : node_(node), mat_mul_(make_mat_mul_kernel(node)), activation_(FusedActivation::of(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].dtype() != DataType::Float32) fail(node_, "A is " + in[0].describe() + ", expected float32");
    mat_mul_->run(leading(in, kBiasInput), out, ctx);
    FusedEpilogue epilogue{nullptr, has_input(in, kBiasInput) ? &in[kBiasInput] : nullptr, activation_};
    epilogue.apply(node_, out[0], ctx.threads);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> mat_mul_;
  FusedActivation activation_;
};

std::unique_ptr<Kernel> make_fused_mat_mul_kernel(const ir::Node& node) {
  return std::make_unique<FusedMatMulKernel>(node);
}

}  // namespace

const OpSpec& fused_mat_mul_op() {
  static const OpSpec spec{kQtuneDomain, "FusedMatMul", infer_fused_mat_mul, make_fused_mat_mul_kernel};
  return spec;
}

}  // namespace qtune::ops
