// ONNX Split: cuts the input along 'axis' into the node's outputs. Part sizes come from
// 'split' (an attribute before opset 13, an optional input from 13); without it, from
// 'num_outputs' (opset 18: parts of ceil(dim / n), the last one smaller), else equal parts
// (the dim must divide evenly).
#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

// Part sizes for a known axis size, given explicit sizes when the node has them.
std::vector<int64_t> part_sizes(const ir::Node& node, int64_t dim, const std::optional<std::vector<int64_t>>& split) {
  const int64_t parts = node.num_outputs();
  if (split) {
    if (static_cast<int64_t>(split->size()) != parts)
      fail(node, "split has " + std::to_string(split->size()) + " entries but the node has " + std::to_string(parts) + " outputs");
    int64_t total = 0;
    for (int64_t v : *split) {
      if (v < 0) fail(node, "split [" + format_dims(*split) + "] has a negative size");
      total = checked_add(node, total, v, "the sum of split");
    }
    if (total != dim)
      fail(node, "split [" + format_dims(*split) + "] sums to " + std::to_string(total) + ", expected the axis size " + std::to_string(dim));
    return *split;
  }
  if (node.has_attr("num_outputs")) {
    const int64_t n = node.attr_int("num_outputs", 0);
    if (n != parts) fail(node, "num_outputs is " + std::to_string(n) + " but the node has " + std::to_string(parts) + " outputs");
    const int64_t chunk = (dim + n - 1) / n;
    if (chunk * (n - 1) > dim)
      fail(node, "cannot split an axis of size " + std::to_string(dim) + " into " + std::to_string(n) + " parts of " + std::to_string(chunk));
    std::vector<int64_t> sizes(static_cast<size_t>(n), chunk);
    sizes.back() = dim - chunk * (n - 1);
    return sizes;
  }
  if (dim % parts != 0)
    fail(node, "cannot split an axis of size " + std::to_string(dim) + " into " + std::to_string(parts) +
                   " equal parts; give 'split' or 'num_outputs'");
  return std::vector<int64_t>(static_cast<size_t>(parts), dim / parts);
}

std::vector<TensorInfo> infer_split(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 2);
  if (node.num_outputs() < 1) fail(node, "has no outputs");
  const ir::Shape& s = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  std::optional<std::vector<int64_t>> split = known_ints(node, inputs, 1, "split");
  if (!split && !is_present(inputs, 1) && node.has_attr("split")) split = node.attr_ints("split", {});
  const bool split_unknown = is_present(inputs, 1) && !split;
  std::vector<TensorInfo> outs;
  if (!s.has_rank()) {
    for (int i = 0; i < node.num_outputs(); ++i) outs.push_back(TensorInfo::typed(type, ir::Shape::unknown()));
    return outs;
  }
  const int axis = normalize_axis(node, node.attr_int("axis", 0), s.rank());
  const ir::Dim& d = (*s.dims)[static_cast<size_t>(axis)];
  std::optional<std::vector<int64_t>> sizes;
  if (d.is_known() && !split_unknown) sizes = part_sizes(node, d.value, split);
  else if (split && static_cast<int>(split->size()) == node.num_outputs()) sizes = split;
  for (int i = 0; i < node.num_outputs(); ++i) {
    std::vector<ir::Dim> dims = *s.dims;
    dims[static_cast<size_t>(axis)] = sizes ? ir::Dim::known((*sizes)[static_cast<size_t>(i)]) : ir::Dim{};
    ir::Shape o;
    o.dims = std::move(dims);
    outs.push_back(TensorInfo::typed(type, o));
  }
  return outs;
}

class SplitKernel final : public Kernel {
 public:
  explicit SplitKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const int axis = normalize_axis(node_, node_.attr_int("axis", 0), x.rank());
    std::optional<std::vector<int64_t>> split;
    if (has_input(in, 1)) split = to_int64s(node_, in[1], "split");
    else if (node_.has_attr("split")) split = node_.attr_ints("split", {});
    const std::vector<int64_t> sizes = part_sizes(node_, x.dims()[static_cast<size_t>(axis)], split);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < x.rank(); ++i)
      if (i < axis) outer *= x.dims()[static_cast<size_t>(i)];
      else if (i > axis) inner *= x.dims()[static_cast<size_t>(i)];
    const int64_t in_row = x.dims()[static_cast<size_t>(axis)] * inner;
    int64_t start = 0;
    for (size_t k = 0; k < sizes.size(); ++k) {
      std::vector<int64_t> dims = x.dims();
      dims[static_cast<size_t>(axis)] = sizes[k];
      out[k] = ctx.allocate(static_cast<int>(k), x.dtype(), dims);
      const int64_t row = sizes[k] * inner;
      if (row > 0 && outer > 0) dispatch_movable(node_, x.dtype(), [&]<class T>() {
        const T* src = elements<T>(x) + start * inner;
        T* dst = elements<T>(out[k]);
        for (int64_t o = 0; o < outer; ++o) std::copy_n(src + o * in_row, row, dst + o * row);
      });
      start += sizes[k];
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_split_kernel(const ir::Node& node) { return std::make_unique<SplitKernel>(node); }

}  // namespace

const OpSpec& split_op() {
  static const OpSpec spec{"", "Split", infer_split, make_split_kernel};
  return spec;
}

}  // namespace qtune::ops
