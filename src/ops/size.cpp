// ONNX Size: the input's element count as an int64 scalar; known as soon as the shape is.
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_size(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ir::Shape& s = inputs[0].shape;
  if (s.is_fully_known()) return {TensorInfo::of(Tensor::from_vector<int64_t>({}, {shape_numel(s.sizes())}))};
  return single_output(DataType::Int64, ir::Shape::of({}));
}

class SizeKernel final : public Kernel {
 public:
  explicit SizeKernel(const ir::Node&) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    out[0] = ctx.allocate(0, DataType::Int64, {});
    out[0].data<int64_t>()[0] = shape_numel(in[0].dims());
  }
};

std::unique_ptr<Kernel> make_size_kernel(const ir::Node& node) { return std::make_unique<SizeKernel>(node); }

}  // namespace

const OpSpec& size_op() {
  static const OpSpec spec{"", "Size", infer_size, make_size_kernel};
  return spec;
}

}  // namespace qtune::ops
