// ONNX ConstantOfShape: a tensor of shape `input` (1-D int64, non-negative; empty means a
// scalar) filled with the one element of attribute 'value' (default: float32 0).
#include <cstring>

#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

Tensor fill_value(const ir::Node& node) {
  const Tensor* v = node.attr_tensor("value");
  if (!v) return Tensor::scalar_f32(0.0f);
  if (v->numel() != 1) fail(node, "attribute 'value' must hold exactly one element, got " + v->describe());
  if (v->dtype() == DataType::String || dtype_size(v->dtype()) == 0)
    fail(node, "attribute 'value' has unsupported type " + std::string(dtype_name(v->dtype())));
  return *v;
}

void check_shape(const ir::Node& node, const std::vector<int64_t>& dims) {
  for (int64_t d : dims)
    if (d < 0) fail(node, "shape [" + format_dims(dims) + "] has a negative dim");
}

std::vector<TensorInfo> infer_constant_of_shape(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  expect_type_in(node, inputs, 0, std::array{DataType::Int64});
  const DataType type = fill_value(node).dtype();
  if (auto dims = known_ints(node, inputs, 0, "shape")) {
    check_shape(node, *dims);
    return single_output(type, ir::Shape::of(*dims));
  }
  const ir::Shape& s = inputs[0].shape;
  if (s.is_fully_known() && s.rank() == 1) return single_output(type, unknown_shape(static_cast<int>(s.sizes()[0])));
  return single_output(type, ir::Shape::unknown());
}

class ConstantOfShapeKernel final : public Kernel {
 public:
  explicit ConstantOfShapeKernel(const ir::Node& node) : node_(node), value_(fill_value(node)) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const std::vector<int64_t> dims = to_int64s(node_, in[0], "shape");
    check_shape(node_, dims);
    out[0] = ctx.allocate(0, value_.dtype(), dims);
    const int64_t n = out[0].numel();
    dispatch_by_size(node_, value_.dtype(), [&]<class T>() { std::fill_n(elements<T>(out[0]), n, *elements<T>(value_)); });
  }

 private:
  const ir::Node& node_;
  Tensor value_;
};

std::unique_ptr<Kernel> make_constant_of_shape_kernel(const ir::Node& node) {
  return std::make_unique<ConstantOfShapeKernel>(node);
}

}  // namespace

const OpSpec& constant_of_shape_op() {
  static const OpSpec spec{"", "ConstantOfShape", infer_constant_of_shape, make_constant_of_shape_kernel};
  return spec;
}

}  // namespace qtune::ops
