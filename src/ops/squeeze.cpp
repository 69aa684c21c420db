// ONNX Squeeze: removes size-1 axes: those listed in 'axes' (an attribute before opset 13,
// an optional input from 13), or every size-1 axis when none are listed. Listing an axis
// whose size is not 1 is an error. The output shares the input's buffer.
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_squeeze(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 2);
  const ir::Shape& s = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  AxesArg axes = axes_arg(node, inputs, 1, "axes");
  if (!s.has_rank()) return single_output(type, ir::Shape::unknown());
  std::vector<bool> drop(static_cast<size_t>(s.rank()), false);
  if (axes.values) {
    for (int a : normalize_axes(node, *axes.values, s.rank())) {
      const ir::Dim& d = (*s.dims)[static_cast<size_t>(a)];
      if (d.is_known() && d.value != 1)
        fail(node, "cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(d.value) + " (input shape " + s.to_string() + ")");
      drop[static_cast<size_t>(a)] = true;
    }
  } else if (axes.given) {
    return single_output(type, unknown_shape(axes.count >= 0 ? s.rank() - static_cast<int>(axes.count) : -1));
  } else {
    for (size_t i = 0; i < drop.size(); ++i) {
      const ir::Dim& d = (*s.dims)[i];
      if (!d.is_known()) return single_output(type, ir::Shape::unknown());  // it may or may not be 1
      drop[i] = d.value == 1;
    }
  }
  ir::Shape out;
  out.dims.emplace();
  for (size_t i = 0; i < drop.size(); ++i)
    if (!drop[i]) out.dims->push_back((*s.dims)[i]);
  return single_output(type, out);
}

class SqueezeKernel final : public Kernel {
 public:
  explicit SqueezeKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext&) override {
    const Tensor& x = in[0];
    std::vector<bool> drop(static_cast<size_t>(x.rank()), false);
    if (auto axes = kernel_axes(node_, in, 1, "axes")) {
      for (int a : normalize_axes(node_, *axes, x.rank())) {
        if (x.dims()[static_cast<size_t>(a)] != 1)
          fail(node_, "cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(x.dims()[static_cast<size_t>(a)]) +
                          " (input " + x.describe() + ")");
        drop[static_cast<size_t>(a)] = true;
      }
    } else {
      for (size_t i = 0; i < drop.size(); ++i) drop[i] = x.dims()[i] == 1;
    }
    std::vector<int64_t> dims;
    for (size_t i = 0; i < drop.size(); ++i)
      if (!drop[i]) dims.push_back(x.dims()[i]);
    out[0] = x.reshaped(dims);
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_squeeze_kernel(const ir::Node& node) { return std::make_unique<SqueezeKernel>(node); }

}  // namespace

const OpSpec& squeeze_op() {
  static const OpSpec spec{"", "Squeeze", infer_squeeze, make_squeeze_kernel};
  return spec;
}

}  // namespace qtune::ops
