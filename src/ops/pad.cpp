// ONNX Pad. Opset 2-10: attributes 'pads', 'mode', 'value' (float). Opset 11+: inputs
// pads (int64), constant_value? (the data's type, default 0) and, from opset 18, axes?
// (pads then covers only those axes). pads = [begin_0, ..., begin_k, end_0, ..., end_k];
// negative entries crop. Modes: constant, reflect (mirror without repeating the edge,
// repeatedly when a pad exceeds the dim, as NumPy does), edge (repeat the border
// element), wrap (opset 19, periodic).
#include "ops/cast_common.h"
#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

enum class PadMode { Constant, Reflect, Edge, Wrap };

PadMode mode_of(const ir::Node& node) {
  const std::string m = node.attr_string("mode", "constant");
  if (m == "constant") return PadMode::Constant;
  if (m == "reflect") return PadMode::Reflect;
  if (m == "edge") return PadMode::Edge;
  if (m == "wrap") return PadMode::Wrap;
  fail(node, "mode '" + m + "' is not one of constant, reflect, edge, wrap");
}

bool uses_attributes(size_t input_count) { return input_count < 2; }

// Expands pads given for `axes` into begin/end pads for every axis.
std::vector<int64_t> full_pads(const ir::Node& node, const std::vector<int64_t>& pads,
                               const std::optional<std::vector<int64_t>>& axes, int rank) {
  std::vector<int> axis_list;
  if (axes) axis_list = normalize_axes(node, *axes, rank);
  else for (int i = 0; i < rank; ++i) axis_list.push_back(i);
  const size_t k = axis_list.size();
  if (pads.size() != 2 * k)
    fail(node, "pads has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * k) + " (begin and end for " +
                   std::to_string(k) + " axes)");
  std::vector<int64_t> full(2 * static_cast<size_t>(rank), 0);
  for (size_t i = 0; i < k; ++i) {
    full[static_cast<size_t>(axis_list[i])] = pads[i];
    full[static_cast<size_t>(axis_list[i] + rank)] = pads[i + k];
  }
  return full;
}

std::optional<std::vector<int64_t>> attribute_pads(const ir::Node& node) {
  if (node.has_attr("pads")) return node.attr_ints("pads", {});
  if (node.has_attr("paddings")) return node.attr_ints("paddings", {});  // opset 1
  return std::nullopt;
}

std::vector<TensorInfo> infer_pad(const ir::Node& node, std::span<const TensorInfo> inputs) {
  mode_of(node);
  const bool attrs = uses_attributes(inputs.size());
  expect_input_count(node, inputs, 1, 4);
  const ir::Shape& s = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  if (!attrs && is_present(inputs, 2) && inputs[2].dtype != DataType::Undefined && type != DataType::Undefined && inputs[2].dtype != type)
    fail(node, "constant_value is " + std::string(dtype_name(inputs[2].dtype)) + ", expected the data's type " + std::string(dtype_name(type)));
  std::optional<std::vector<int64_t>> pads = attrs ? attribute_pads(node) : known_ints(node, inputs, 1, "pads");
  if (attrs && !pads) fail(node, "attribute 'pads' is required");
  std::optional<std::vector<int64_t>> axes = attrs ? std::nullopt : known_ints(node, inputs, 3, "axes");
  if (!s.has_rank()) return single_output(type, ir::Shape::unknown());
  if (!pads || (is_present(inputs, 3) && !axes)) return single_output(type, unknown_shape(s.rank()));
  const std::vector<int64_t> full = full_pads(node, *pads, axes, s.rank());
  ir::Shape out = s;
  const auto rank = static_cast<size_t>(s.rank());
  for (size_t i = 0; i < rank; ++i) {
    ir::Dim& d = (*out.dims)[i];
    if (full[i] == 0 && full[i + rank] == 0) continue;
    if (!d.is_known()) {
      d = ir::Dim{};
      continue;
    }
    const int64_t size = checked_add(node, checked_add(node, d.value, full[i], "padded size"), full[i + rank], "padded size");
    if (size < 0) fail(node, "pads crop axis " + std::to_string(i) + " of size " + std::to_string(d.value) + " below zero");
    d = ir::Dim::known(size);
  }
  return single_output(type, out);
}

// For each output coordinate along one axis: the input coordinate it copies, or -1 for
// the constant.
std::vector<int64_t> axis_map(const ir::Node& node, PadMode mode, int64_t dim, int64_t begin, int64_t out_dim, size_t axis) {
  std::vector<int64_t> map(static_cast<size_t>(out_dim));
  for (int64_t j = 0; j < out_dim; ++j) {
    const int64_t i = j - begin;
    int64_t m = i;
    if (i < 0 || i >= dim) {
      if (mode != PadMode::Constant && dim == 0)
        fail(node, "cannot pad axis " + std::to_string(axis) + " of size 0 in a non-constant mode");
      if (mode == PadMode::Constant) m = -1;
      else if (mode == PadMode::Edge) m = i < 0 ? 0 : dim - 1;
      else if (mode == PadMode::Wrap) m = ((i % dim) + dim) % dim;
      else if (dim == 1) m = 0;
      else {
        const int64_t period = 2 * (dim - 1);
        const int64_t r = ((i % period) + period) % period;
        m = r < dim ? r : period - r;
      }
    }
    map[static_cast<size_t>(j)] = m;
  }
  return map;
}

class PadKernel final : public Kernel {
 public:
  explicit PadKernel(const ir::Node& node) : node_(node), mode_(mode_of(node)) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const bool attrs = uses_attributes(in.size());
    std::vector<int64_t> pads;
    std::optional<std::vector<int64_t>> axes;
    if (attrs) {
      auto p = attribute_pads(node_);
      if (!p) fail(node_, "attribute 'pads' is required");
      pads = *p;
    } else {
      pads = to_int64s(node_, in[1], "pads");
      if (has_input(in, 3)) axes = to_int64s(node_, in[3], "axes");
    }
    const int rank = x.rank();
    const std::vector<int64_t> full = full_pads(node_, pads, axes, rank);
    std::vector<int64_t> dims(static_cast<size_t>(rank));
    for (size_t i = 0; i < dims.size(); ++i) {
      dims[i] = checked_add(node_, checked_add(node_, x.dims()[i], full[i], "padded size"), full[i + dims.size()], "padded size");
      if (dims[i] < 0) fail(node_, "pads crop axis " + std::to_string(i) + " of size " + std::to_string(x.dims()[i]) + " below zero");
    }
    out[0] = ctx.allocate(0, x.dtype(), dims);  // first, so absurd sizes fail before the maps are built
    const Tensor fill = constant_value(in, x.dtype(), attrs);
    const int64_t total = out[0].numel();
    if (total == 0) return;
    std::vector<std::vector<int64_t>> maps;
    for (size_t i = 0; i < dims.size(); ++i) maps.push_back(axis_map(node_, mode_, x.dims()[i], full[i], dims[i], i));
    if (rank == 0) {
      dispatch_by_size(node_, x.dtype(), [&]<class T>() { *elements<T>(out[0]) = *elements<T>(x); });
      return;
    }
    const std::vector<int64_t> in_strides = strides_of(x.dims());
    const size_t last = dims.size() - 1;
    const int64_t row = dims[last], rows = total / row;
    const std::vector<int64_t>& inner_map = maps[last];
    dispatch_by_size(node_, x.dtype(), [&]<class T>() {
      const T* src = elements<T>(x);
      T* dst = elements<T>(out[0]);
      const T value = *elements<T>(fill);
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (rows > 1 && total > 32768)
      for (int64_t r = 0; r < rows; ++r) {
        T* o = dst + r * row;
        int64_t rem = r, offset = 0;
        bool outside = false;
        for (size_t a = last; a-- > 0;) {
          const int64_t m = maps[a][static_cast<size_t>(rem % dims[a])];
          rem /= dims[a];
          if (m < 0) outside = true;
          else offset += m * in_strides[a];
        }
        if (outside) {
          std::fill_n(o, row, value);
          continue;
        }
        for (int64_t j = 0; j < row; ++j) {
          const int64_t m = inner_map[static_cast<size_t>(j)];
          o[j] = m < 0 ? value : src[offset + m];
        }
      }
    });
  }

 private:
  // The padding value as a one-element tensor of the data's type.
  Tensor constant_value(std::span<const Tensor> in, DataType type, bool attrs) const {
    if (!attrs && has_input(in, 2)) {
      const Tensor& v = in[2];
      if (v.dtype() != type)
        fail(node_, "constant_value is " + std::string(dtype_name(v.dtype())) + ", expected the data's type " + std::string(dtype_name(type)));
      if (v.numel() != 1) fail(node_, "constant_value must be a scalar, got " + v.describe());
      return v;
    }
    Tensor value(type, {});
    if (attrs && type != DataType::String) cast_into(node_, Tensor::scalar_f32(node_.attr_float("value", 0.0f)), value, 1);
    return value;
  }

  const ir::Node& node_;
  PadMode mode_;
};

std::unique_ptr<Kernel> make_pad_kernel(const ir::Node& node) { return std::make_unique<PadKernel>(node); }

}  // namespace

const OpSpec& pad_op() {
  static const OpSpec spec{"", "Pad", infer_pad, make_pad_kernel};
  return spec;
}

}  // namespace qtune::ops
