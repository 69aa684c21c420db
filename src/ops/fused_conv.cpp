// com.qtune FusedConv: Y = act(Conv(X, W) + B + Sum). Inputs X, W, optional B, optional
// Sum (a residual branch of exactly Y's shape); Conv's attributes plus the activation
// attributes of ops/fused_activation.h. Graph passes create it; the reference kernel is
// Conv's own, followed by the fused epilogue.
#include "ops/fused_op_util.h"
#include "ops/nn_conv.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr int kSumInput = 3;

std::vector<TensorInfo> infer_fused_conv(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 4);
  check_fused_node(node, inputs);
  std::vector<TensorInfo> out = infer_conv(node, leading(inputs, kSumInput));
  if (is_present(inputs, kSumInput)) {
    expect_type(node, inputs, kSumInput, {DataType::Float32});
    check_same_shape(node, "Sum", inputs[kSumInput].shape, out[0].shape);
  }
  return out;
}

class FusedConvKernel final : public Kernel {
 public:
  explicit FusedConvKernel(const ir::Node& node)
      : node_(node), conv_(make_conv_kernel(node)), activation_(FusedActivation::of(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].dtype() != DataType::Float32) fail(node_, "X is " + in[0].describe() + ", expected float32");
    conv_->run(leading(in, kSumInput), out, ctx);
    FusedEpilogue epilogue{has_input(in, kSumInput) ? &in[kSumInput] : nullptr, nullptr, activation_};
    epilogue.apply(node_, out[0], ctx.threads);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> conv_;
  FusedActivation activation_;
};

std::unique_ptr<Kernel> make_fused_conv_kernel(const ir::Node& node) { return std::make_unique<FusedConvKernel>(node); }

}  // namespace

const OpSpec& fused_conv_op() {
  static const OpSpec spec{kQtuneDomain, "FusedConv", infer_fused_conv, make_fused_conv_kernel};
  return spec;
}

}  // namespace qtune::ops
