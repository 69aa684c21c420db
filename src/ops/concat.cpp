// ONNX Concat: joins same-typed inputs along `axis`.
#include <cstring>

#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_concat(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, -1);
  if (!node.has_attr("axis")) fail(node, "attribute 'axis' is required");
  int rank = -1;
  for (const auto& in : inputs)
    if (in.shape.has_rank()) rank = in.shape.rank();
  if (rank < 0) return single_output(inputs[0].dtype, ir::Shape::unknown());
  int axis = normalize_axis(node, node.attr_int("axis", 0), rank);
  ir::Shape out;
  out.dims.emplace(static_cast<size_t>(rank), ir::Dim{});
  int64_t axis_total = 0;
  bool axis_known = true;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const auto& in = inputs[k];
    if (in.dtype != inputs[0].dtype && in.dtype != DataType::Undefined && inputs[0].dtype != DataType::Undefined)
      fail(node, "input #" + std::to_string(k) + " is " + std::string(dtype_name(in.dtype)) + ", input #0 is " +
                     std::string(dtype_name(inputs[0].dtype)));
    if (!in.shape.has_rank()) {
      axis_known = false;
      continue;
    }
    if (in.shape.rank() != rank) fail(node, "input #" + std::to_string(k) + " has rank " + std::to_string(in.shape.rank()) + ", expected " + std::to_string(rank));
    for (int d = 0; d < rank; ++d) {
      const ir::Dim& dim = (*in.shape.dims)[static_cast<size_t>(d)];
      ir::Dim& o = (*out.dims)[static_cast<size_t>(d)];
      if (d == axis) {
        if (dim.is_known()) axis_total += dim.value;
        else axis_known = false;
      } else if (dim.is_known()) {
        if (o.is_known() && o.value != dim.value)
          fail(node, "input #" + std::to_string(k) + " has size " + std::to_string(dim.value) + " on axis " +
                         std::to_string(d) + ", other inputs " + std::to_string(o.value));
        o = dim;
      } else if (!o.is_known() && o.symbol.empty()) {
        o = dim;
      }
    }
  }
  if (axis_known) (*out.dims)[static_cast<size_t>(axis)] = ir::Dim::known(axis_total);
  return single_output(inputs[0].dtype, out);
}

class ConcatKernel final : public Kernel {
 public:
  explicit ConcatKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const auto& first = in[0].dims();
    int axis = normalize_axis(node_, node_.attr_int("axis", 0), static_cast<int>(first.size()));
    std::vector<int64_t> dims = first;
    dims[static_cast<size_t>(axis)] = 0;
    for (const Tensor& t : in) {
      if (t.rank() != static_cast<int>(first.size()) || t.dtype() != in[0].dtype())
        fail(node_, "inputs differ in rank or type: " + in[0].describe() + " vs " + t.describe());
      for (int d = 0; d < t.rank(); ++d)
        if (d != axis && t.dims()[static_cast<size_t>(d)] != first[static_cast<size_t>(d)])
          fail(node_, "inputs differ outside the concat axis: " + in[0].describe() + " vs " + t.describe());
      dims[static_cast<size_t>(axis)] += t.dims()[static_cast<size_t>(axis)];
    }
    out[0] = ctx.allocate(0, in[0].dtype(), dims);
    const size_t elem = dtype_size(in[0].dtype());
    if (elem == 0) fail(node_, "cannot concatenate " + std::string(dtype_name(in[0].dtype())) + " tensors");
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= dims[static_cast<size_t>(d)];
    const size_t out_row = static_cast<size_t>(shape_numel(dims) / std::max<int64_t>(outer, 1)) * elem;
    auto* dst = static_cast<char*>(out[0].raw());
    size_t column = 0;
    for (const Tensor& t : in) {
      const size_t row = outer ? t.byte_size() / static_cast<size_t>(outer) : 0;
      const auto* src = static_cast<const char*>(t.raw());
      for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + static_cast<size_t>(o) * out_row + column, src + static_cast<size_t>(o) * row, row);
      column += row;
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_concat_kernel(const ir::Node& node) { return std::make_unique<ConcatKernel>(node); }

}  // namespace

const OpSpec& concat_op() {
  static const OpSpec spec{"", "Concat", infer_concat, make_concat_kernel};
  return spec;
}

}  // namespace qtune::ops
