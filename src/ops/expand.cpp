// ONNX Expand: broadcasts the input against `shape` (int64) in both directions (numpy
// rules), so a 1 in `shape` keeps the input's dim and the output rank is the larger one.
#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_expand(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 1, std::array{DataType::Int64});
  const DataType type = inputs[0].dtype;
  if (auto target = known_ints(node, inputs, 1, "shape")) {
    for (int64_t v : *target)
      if (v < 0) fail(node, "shape [" + format_dims(*target) + "] has a negative dim");
    ir::Shape shapes[2] = {inputs[0].shape, ir::Shape::of(*target)};
    return single_output(type, broadcast_shapes(node, shapes));
  }
  const ir::Shape& ts = inputs[1].shape;
  if (inputs[0].shape.has_rank() && ts.is_fully_known() && ts.rank() == 1)
    return single_output(type, unknown_shape(std::max<int>(inputs[0].shape.rank(), static_cast<int>(ts.sizes()[0]))));
  return single_output(type, ir::Shape::unknown());
}

class ExpandKernel final : public Kernel {
 public:
  explicit ExpandKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const std::vector<int64_t> target = to_int64s(node_, in[1], "shape");
    for (int64_t v : target)
      if (v < 0) fail(node_, "shape [" + format_dims(target) + "] has a negative dim");
    std::vector<int64_t> both[2] = {x.dims(), target};
    const std::vector<int64_t> dims = broadcast_dims(node_, both);
    // The input's strides over the output's axes, 0 where it is broadcast.
    std::vector<int64_t> strides(dims.size(), 0);
    const std::vector<int64_t> in_strides = strides_of(x.dims());
    const size_t offset = dims.size() - x.dims().size();
    for (size_t i = 0; i < x.dims().size(); ++i) strides[offset + i] = x.dims()[i] == 1 ? 0 : in_strides[i];
    out[0] = ctx.allocate(0, x.dtype(), dims);
    dispatch_movable(node_, x.dtype(), [&]<class T>() {
      copy_strided<T>(elements<T>(x), 0, dims, strides, elements<T>(out[0]), ctx.threads);
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_expand_kernel(const ir::Node& node) { return std::make_unique<ExpandKernel>(node); }

}  // namespace

const OpSpec& expand_op() {
  static const OpSpec spec{"", "Expand", infer_expand, make_expand_kernel};
  return spec;
}

}  // namespace qtune::ops
