// com.qtune FusedGemm: Y = act(alpha * A' * B' + beta * C), Gemm's inputs and attributes
// plus the activation attributes of ops/fused_activation.h. The reference kernel is
// Gemm's own, followed by the activation.
#include "ops/fused_op_util.h"
#include "ops/nn_conv.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_fused_gemm(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  check_fused_node(node, inputs);
  return infer_gemm(node, inputs);
}

class FusedGemmKernel final : public Kernel {
 public:
  explicit FusedGemmKernel(const ir::Node& node)
      : node_(node), gemm_(make_gemm_kernel(node)), activation_(FusedActivation::of(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].dtype() != DataType::Float32) fail(node_, "A is " + in[0].describe() + ", expected float32");
    gemm_->run(in, out, ctx);
    FusedEpilogue{nullptr, nullptr, activation_}.apply(node_, out[0], ctx.threads);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> gemm_;
  FusedActivation activation_;
};

std::unique_ptr<Kernel> make_fused_gemm_kernel(const ir::Node& node) { return std::make_unique<FusedGemmKernel>(node); }

}  // namespace

const OpSpec& fused_gemm_op() {
  static const OpSpec spec{kQtuneDomain, "FusedGemm", infer_fused_gemm, make_fused_gemm_kernel};
  return spec;
}

}  // namespace qtune::ops
