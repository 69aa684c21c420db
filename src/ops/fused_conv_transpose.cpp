// com.qtune FusedConvTranspose: Y = act(ConvTranspose(X, W) + B). Inputs X, W, optional B;
// ConvTranspose's attributes plus the activation attributes of ops/fused_activation.h. The
// reference kernel is ConvTranspose's own, followed by the activation.
#include "ops/fused_op_util.h"
#include "ops/nn_conv.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_fused_conv_transpose(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  check_fused_node(node, inputs);
  return infer_conv_transpose(node, inputs);
}

class FusedConvTransposeKernel final : public Kernel {
 public:
  explicit FusedConvTransposeKernel(const ir::Node& node)
      : node_(node), conv_transpose_(make_conv_transpose_kernel(node)), activation_(FusedActivation::of(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].dtype() != DataType::Float32) fail(node_, "X is " + in[0].describe() + ", expected float32");
    conv_transpose_->run(in, out, ctx);
    FusedEpilogue{nullptr, nullptr, activation_}.apply(node_, out[0], ctx.threads);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> conv_transpose_;
  FusedActivation activation_;
};

std::unique_ptr<Kernel> make_fused_conv_transpose_kernel(const ir::Node& node) {
  return std::make_unique<FusedConvTransposeKernel>(node);
}

}  // namespace

const OpSpec& fused_conv_transpose_op() {
  static const OpSpec spec{kQtuneDomain, "FusedConvTranspose", infer_fused_conv_transpose,
                           make_fused_conv_transpose_kernel};
  return spec;
}

}  // namespace qtune::ops
