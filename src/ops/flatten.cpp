// ONNX Flatten: [d0..dk-1 | dk..dn-1] -> [d0*..*dk-1, dk*..*dn-1] at 'axis' (default 1,
// range [-rank, rank]). The output shares the input's buffer.
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

int flatten_axis(const ir::Node& node, int rank) {
  int64_t axis = node.attr_int("axis", 1);
  if (axis < -rank || axis > rank)
    fail(node, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank) +
                   " (expected -" + std::to_string(rank) + ".." + std::to_string(rank) + ")");
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

// Product of dims [from, to): known when every factor is (or when one factor is 0).
ir::Dim dim_product(const ir::Node& node, const std::vector<ir::Dim>& dims, int from, int to) {
  int64_t product = 1;
  bool known = true;
  for (int i = from; i < to; ++i) {
    const ir::Dim& d = dims[static_cast<size_t>(i)];
    if (d.is_known() && d.value == 0) return ir::Dim::known(0);
    if (d.is_known()) product = checked_mul(node, product, d.value, "the flattened size");
    else known = false;
  }
  if (known) return ir::Dim::known(product);
  if (to - from == 1) return dims[static_cast<size_t>(from)];  // a lone symbolic dim keeps its name
  return ir::Dim{};
}

std::vector<TensorInfo> infer_flatten(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ir::Shape& s = inputs[0].shape;
  if (!s.has_rank()) return single_output(inputs[0].dtype, unknown_shape(2));
  int axis = flatten_axis(node, s.rank());
  return single_output(inputs[0].dtype, ir::Shape{std::vector<ir::Dim>{dim_product(node, *s.dims, 0, axis),
                                                                       dim_product(node, *s.dims, axis, s.rank())}});
}

class FlattenKernel final : public Kernel {
 public:
  explicit FlattenKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext&) override {
    const Tensor& x = in[0];
    int axis = flatten_axis(node_, x.rank());
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < x.rank(); ++i) (i < axis ? outer : inner) *= x.dims()[static_cast<size_t>(i)];
    out[0] = x.reshaped({outer, inner});
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_flatten_kernel(const ir::Node& node) { return std::make_unique<FlattenKernel>(node); }

}  // namespace

const OpSpec& flatten_op() {
  static const OpSpec spec{"", "Flatten", infer_flatten, make_flatten_kernel};
  return spec;
}

}  // namespace qtune::ops
