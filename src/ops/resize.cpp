// ONNX Resize. Opset 10 has inputs (X, scales) and only `mode`; opset 11+ has
// (X, roi, scales, sizes) with exactly one of scales/sizes non-empty, and the
// coordinate-transform, nearest-rounding and cubic attributes. The input count tells
// the two apart. The interpolation itself is in nn_resize.h.
#include "ops/nn_resize.h"

namespace qtune::ops {
namespace {

bool is_legacy_resize(std::span<const TensorInfo> inputs) { return inputs.size() == 2; }

// True when an optional input is present with at least one element; nullopt when unknown.
std::optional<bool> non_empty(std::span<const TensorInfo> inputs, int i) {
  if (!is_present(inputs, i)) return false;
  const TensorInfo& t = inputs[static_cast<size_t>(i)];
  if (t.value) return t.value->numel() > 0;
  if (t.shape.is_fully_known()) return shape_numel(t.shape.sizes()) > 0;
  return std::nullopt;
}

std::vector<TensorInfo> infer_resize(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 4);
  expect_type(node, inputs, 0, {});
  const ir::Shape& x = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  if (is_legacy_resize(inputs)) {
    expect_type(node, inputs, 1, {DataType::Float32});
    ResizeParams p = legacy_resize_params(node);
    std::optional<std::vector<double>> scales;
    if (inputs[1].value) scales = to_doubles(node, *inputs[1].value, "scales");
    return single_output(type, resize_output_shape(node, x, scales, std::nullopt, {}, p));
  }
  ResizeParams p = resize_params(node);
  if (is_present(inputs, 1)) expect_type(node, inputs, 1, {DataType::Float32, DataType::Float64});
  if (is_present(inputs, 2)) expect_type(node, inputs, 2, {DataType::Float32});
  if (is_present(inputs, 3)) expect_type(node, inputs, 3, {DataType::Int64});
  const std::optional<bool> has_scales = non_empty(inputs, 2), has_sizes = non_empty(inputs, 3);
  if (has_scales == true && has_sizes == true) fail(node, "has both scales and sizes, expected only one");
  if (has_scales == false && has_sizes == false) fail(node, "needs scales or sizes (input #2 or #3)");
  std::optional<std::vector<double>> scales;
  std::optional<std::vector<int64_t>> sizes;
  if (has_scales == true && inputs[2].value) scales = to_doubles(node, *inputs[2].value, "scales");
  if (has_sizes == true && inputs[3].value) sizes = to_int64s(node, *inputs[3].value, "sizes");
  // The roi only matters for tf_crop_and_resize output sizes computed from scales.
  std::vector<double> roi;
  if (non_empty(inputs, 1) == true) {
    if (inputs[1].value) roi = to_doubles(node, *inputs[1].value, "roi");
    else if (p.coord == ResizeCoord::TfCropAndResize) scales.reset();
  }
  return single_output(type, resize_output_shape(node, x, scales, sizes, roi, p));
}

class ResizeKernel final : public Kernel {
 public:
  explicit ResizeKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (const Tensor& t : in) infos.push_back(t.defined() ? TensorInfo::of(t) : TensorInfo::absent());
    const std::vector<int64_t> out_dims = infer_resize(node_, infos)[0].shape.sizes();
    const Tensor& x = in[0];
    const bool legacy = is_legacy_resize(infos);
    const ResizeParams p = legacy ? legacy_resize_params(node_) : resize_params(node_);
    std::vector<double> roi, scales;
    if (!legacy && in[1].defined() && in[1].numel() > 0) roi = to_doubles(node_, in[1], "roi");
    const Tensor* scale_t = legacy ? &in[1] : (in.size() > 2 && in[2].defined() && in[2].numel() > 0 ? &in[2] : nullptr);
    if (scale_t) {
      scales = to_doubles(node_, *scale_t, "scales");
    } else {
      // Sizes given: each axis scales by out / in (an empty axis stays empty, scale 1).
      for (size_t i = 0; i < out_dims.size(); ++i)
        scales.push_back(x.dims()[i] > 0 ? static_cast<double>(out_dims[i]) / static_cast<double>(x.dims()[i]) : 1.0);
    }
    out[0] = resize_tensor(node_, x, out_dims, scales, scale_t != nullptr, roi, p, ctx);
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_resize_kernel(const ir::Node& node) { return std::make_unique<ResizeKernel>(node); }

}  // namespace

const OpSpec& resize_op() {
  static const OpSpec spec{"", "Resize", infer_resize, make_resize_kernel};
  return spec;
}

}  // namespace qtune::ops
