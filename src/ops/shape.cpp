// ONNX Shape (with opset-15 start/end): the input's dims as an int64 vector. Its value
// is known as soon as the input's shape is, which is what resolves Reshape targets
// at compile time.
#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

std::pair<int64_t, int64_t> slice_range(const ir::Node& node, int64_t rank) {
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  return {clamp(node.attr_int("start", 0)), clamp(node.attr_int("end", rank))};
}

Tensor shape_value(const ir::Node& node, const std::vector<int64_t>& dims) {
  auto [start, end] = slice_range(node, static_cast<int64_t>(dims.size()));
  std::vector<int64_t> picked(dims.begin() + start, dims.begin() + std::max(start, end));
  return Tensor::from_vector<int64_t>({static_cast<int64_t>(picked.size())}, picked);
}

std::vector<TensorInfo> infer_shape(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ir::Shape& s = inputs[0].shape;
  if (s.is_fully_known()) return {TensorInfo::of(shape_value(node, s.sizes()))};
  if (!s.has_rank()) return single_output(DataType::Int64, ir::Shape{std::vector<ir::Dim>{ir::Dim{}}});
  auto [start, end] = slice_range(node, s.rank());
  return single_output(DataType::Int64, ir::Shape::of({std::max<int64_t>(0, end - start)}));
}

class ShapeKernel final : public Kernel {
 public:
  explicit ShapeKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext&) override {
    out[0] = shape_value(node_, in[0].dims());
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_shape_kernel(const ir::Node& node) { return std::make_unique<ShapeKernel>(node); }

}  // namespace

const OpSpec& shape_op() {
  static const OpSpec spec{"", "Shape", infer_shape, make_shape_kernel};
  return spec;
}

}  // namespace qtune::ops
