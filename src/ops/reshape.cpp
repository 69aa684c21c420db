// ONNX Reshape (opset 5+, allowzero from 14). The output shares the input's buffer.
#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

// Resolves 0 (copy) and -1 (infer) entries against the input dims.
std::vector<int64_t> resolve_target(const ir::Node& node, const std::vector<int64_t>& in_dims,
                                    std::vector<int64_t> target) {
  bool allowzero = node.attr_int("allowzero", 0) != 0;
  int infer_at = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allowzero) {
      if (i >= in_dims.size()) fail(node, "shape entry " + std::to_string(i) + " is 0 but the input has rank " + std::to_string(in_dims.size()));
      target[i] = in_dims[i];
    }
    if (target[i] == -1) {
      if (infer_at >= 0) fail(node, "shape has more than one -1");
      infer_at = static_cast<int>(i);
      continue;
    }
    if (target[i] < 0) fail(node, "shape entry " + std::to_string(target[i]) + " is invalid");
    known *= target[i];
  }
  int64_t total = shape_numel(in_dims);
  if (infer_at >= 0) {
    if (known == 0 || total % known != 0)
      fail(node, "cannot reshape [" + format_dims(in_dims) + "] to [" + format_dims(target) + "]");
    target[static_cast<size_t>(infer_at)] = total / known;
  } else if (known != total) {
    fail(node, "cannot reshape [" + format_dims(in_dims) + "] (" + std::to_string(total) + " elements) to [" +
                   format_dims(target) + "]");
  }
  return target;
}

std::vector<TensorInfo> infer_reshape(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type(node, inputs, 1, {DataType::Int64});
  DataType type = inputs[0].dtype;
  if (inputs[1].value) {
    auto target = to_int64s(node, *inputs[1].value, "shape");
    if (inputs[0].shape.is_fully_known())
      return single_output(type, ir::Shape::of(resolve_target(node, inputs[0].shape.sizes(), target)));
    // Partly known: entries that are plain numbers are known; 0 copies the input's dim.
    ir::Shape out;
    out.dims.emplace();
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] > 0 || (target[i] == 0 && node.attr_int("allowzero", 0))) out.dims->push_back(ir::Dim::known(target[i]));
      else if (target[i] == 0 && inputs[0].shape.has_rank() && i < inputs[0].shape.dims->size()) out.dims->push_back((*inputs[0].shape.dims)[i]);
      else out.dims->push_back(ir::Dim{});
    }
    return single_output(type, out);
  }
  const ir::Shape& ts = inputs[1].shape;
  if (ts.is_fully_known() && ts.rank() == 1)
    return single_output(type, ir::Shape{std::vector<ir::Dim>(static_cast<size_t>(ts.sizes()[0]), ir::Dim{})});
  return single_output(type, ir::Shape::unknown());
}

class ReshapeKernel final : public Kernel {
 public:
  explicit ReshapeKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext&) override {
    out[0] = in[0].reshaped(resolve_target(node_, in[0].dims(), to_int64s(node_, in[1], "shape")));
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_reshape_kernel(const ir::Node& node) { return std::make_unique<ReshapeKernel>(node); }

}  // namespace

const OpSpec& reshape_op() {
  static const OpSpec spec{"", "Reshape", infer_reshape, make_reshape_kernel};
  return spec;
}

}  // namespace qtune::ops
