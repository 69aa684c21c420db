// com.qtune NhwcConv: FusedConv on channels-last activations. X is [N, H, W, C], the
// optional Sum and Y are [N, OH, OW, M]; W and B keep ONNX's layout, and every Conv and
// activation attribute means what it means on FusedConv. The channels-last pass creates it
// so that the oneDNN backend keeps activations in one layout from conv to conv instead of
// reordering around each one. The reference kernel transposes to NCHW and back.
#include "ops/data_movement.h"
#include "ops/fused_op_util.h"
#include "ops/nhwc_layout.h"
#include "ops/nn_conv.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

constexpr int kSumInput = 3;

std::vector<TensorInfo> infer_nhwc_conv(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 4);
  check_fused_node(node, inputs);
  if (inputs[0].shape.has_rank() && inputs[0].shape.rank() != 4)
    fail(node, "X has shape " + inputs[0].shape.to_string() + ", expected rank 4 [N, H, W, C]");
  std::vector<TensorInfo> nchw(inputs.begin(), inputs.begin() + std::min<size_t>(inputs.size(), kSumInput));
  nchw[0].shape = permuted_shape(inputs[0].shape, kNhwcToNchw);
  nchw[0].value.reset();
  std::vector<TensorInfo> out = infer_conv(node, nchw);
  out[0].shape = permuted_shape(out[0].shape, kNchwToNhwc);
  if (is_present(inputs, kSumInput)) {
    expect_type(node, inputs, kSumInput, {DataType::Float32});
    check_same_shape(node, "Sum", inputs[kSumInput].shape, out[0].shape);
  }
  return out;
}

class NhwcConvKernel final : public Kernel {
 public:
  explicit NhwcConvKernel(const ir::Node& node)
      : node_(node), conv_(make_conv_kernel(node)), activation_(FusedActivation::of(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].dtype() != DataType::Float32) fail(node_, "X is " + in[0].describe() + ", expected float32");
    if (in[0].rank() != 4) fail(node_, "X is " + in[0].describe() + ", expected rank 4 [N, H, W, C]");
    KernelContext scratch;  // intermediate NCHW tensors are not outputs of the node
    scratch.threads = ctx.threads;
    std::vector<Tensor> nchw_in(in.begin(), in.begin() + std::min<size_t>(in.size(), kSumInput));
    nchw_in[0] = transpose_tensor(node_, in[0], kNhwcToNchw, 0, scratch);
    std::vector<Tensor> nchw_out(1);
    conv_->run(nchw_in, nchw_out, scratch);
    Tensor sum;
    if (has_input(in, kSumInput)) sum = transpose_tensor(node_, in[kSumInput], kNhwcToNchw, 0, scratch);
    FusedEpilogue epilogue{sum.defined() ? &sum : nullptr, nullptr, activation_};
    epilogue.apply(node_, nchw_out[0], ctx.threads);
    out[0] = transpose_tensor(node_, nchw_out[0], kNchwToNhwc, 0, ctx);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> conv_;
  FusedActivation activation_;
};

std::unique_ptr<Kernel> make_nhwc_conv_kernel(const ir::Node& node) { return std::make_unique<NhwcConvKernel>(node); }

}  // namespace

const OpSpec& nhwc_conv_op() {
  static const OpSpec spec{kQtuneDomain, "NhwcConv", infer_nhwc_conv, make_nhwc_conv_kernel};
  return spec;
}

}  // namespace qtune::ops
