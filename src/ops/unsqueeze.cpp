// ONNX Unsqueeze: inserts size-1 axes at the positions 'axes' (an attribute before opset
// 13, a required input from 13), each in [-r', r') of the output rank r' = r + len(axes),
// in any order, without repeats. The output shares the input's buffer.
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

// Which output positions are the new axes.
std::vector<bool> inserted_positions(const ir::Node& node, std::span<const int64_t> axes, int in_rank) {
  const int out_rank = in_rank + static_cast<int>(axes.size());
  std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
  for (int a : normalize_axes(node, axes, out_rank)) inserted[static_cast<size_t>(a)] = true;
  return inserted;
}

std::vector<TensorInfo> infer_unsqueeze(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 2);
  const ir::Shape& s = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  AxesArg axes = axes_arg(node, inputs, 1, "axes");
  if (!axes.given) fail(node, "axes are required (attribute before opset 13, input #1 from opset 13)");
  if (!s.has_rank()) return single_output(type, ir::Shape::unknown());
  if (!axes.values) return single_output(type, unknown_shape(axes.count >= 0 ? s.rank() + static_cast<int>(axes.count) : -1));
  std::vector<bool> inserted = inserted_positions(node, *axes.values, s.rank());
  ir::Shape out;
  out.dims.emplace();
  size_t next = 0;
  for (bool is_new : inserted) out.dims->push_back(is_new ? ir::Dim::known(1) : (*s.dims)[next++]);
  return single_output(type, out);
}

class UnsqueezeKernel final : public Kernel {
 public:
  explicit UnsqueezeKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext&) override {
    const Tensor& x = in[0];
    auto axes = kernel_axes(node_, in, 1, "axes");
    if (!axes) fail(node_, "axes are required (attribute before opset 13, input #1 from opset 13)");
    std::vector<int64_t> dims;
    size_t next = 0;
    for (bool is_new : inserted_positions(node_, *axes, x.rank())) dims.push_back(is_new ? 1 : x.dims()[next++]);
    out[0] = x.reshaped(dims);
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_unsqueeze_kernel(const ir::Node& node) { return std::make_unique<UnsqueezeKernel>(node); }

}  // namespace

const OpSpec& unsqueeze_op() {
  static const OpSpec spec{"", "Unsqueeze", infer_unsqueeze, make_unsqueeze_kernel};
  return spec;
}

}  // namespace qtune::ops
