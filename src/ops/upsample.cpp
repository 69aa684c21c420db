// ONNX Upsample (opset 7: `scales` attribute; opset 9: scales input #1), nearest or
// linear: output size floor(in * scale), asymmetric coordinates (see nn_resize.h).
#include "ops/nn_resize.h"

namespace qtune::ops {
namespace {

// The scales when known: from the attribute (opset 7) or the input's value (opset 9).
std::optional<std::vector<double>> upsample_scales(const ir::Node& node, std::span<const TensorInfo> inputs) {
  if (is_present(inputs, 1)) {
    if (node.has_attr("scales")) fail(node, "has both a scales attribute and a scales input, expected one");
    if (!inputs[1].value) return std::nullopt;
    return to_doubles(node, *inputs[1].value, "scales");
  }
  if (!node.has_attr("scales")) fail(node, "needs the scales attribute (opset 7) or a scales input (opset 9)");
  std::vector<float> f = node.attr_floats("scales", {});
  return std::vector<double>(f.begin(), f.end());
}

std::vector<TensorInfo> infer_upsample(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 2);
  expect_type(node, inputs, 0, {});
  if (is_present(inputs, 1)) expect_type(node, inputs, 1, {DataType::Float32});
  const ResizeParams p = legacy_resize_params(node);
  return single_output(inputs[0].dtype, resize_output_shape(node, inputs[0].shape, upsample_scales(node, inputs), std::nullopt, {}, p));
}

class UpsampleKernel final : public Kernel {
 public:
  explicit UpsampleKernel(const ir::Node& node) : node_(node), params_(legacy_resize_params(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (const Tensor& t : in) infos.push_back(t.defined() ? TensorInfo::of(t) : TensorInfo::absent());
    const std::vector<int64_t> out_dims = infer_upsample(node_, infos)[0].shape.sizes();
    out[0] = resize_tensor(node_, in[0], out_dims, *upsample_scales(node_, infos), true, {}, params_, ctx);
  }

 private:
  const ir::Node& node_;
  ResizeParams params_;
};

std::unique_ptr<Kernel> make_upsample_kernel(const ir::Node& node) { return std::make_unique<UpsampleKernel>(node); }

}  // namespace

const OpSpec& upsample_op() {
  static const OpSpec spec{"", "Upsample", infer_upsample, make_upsample_kernel};
  return spec;
}

}  // namespace qtune::ops
