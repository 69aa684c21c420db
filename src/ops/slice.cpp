// ONNX Slice. Opset 1-9: 'starts'/'ends'/'axes' attributes, step 1. Opset 10+: inputs
// starts, ends, axes?, steps?. Per sliced axis of size d (ONNX's rules): negative starts
// and ends count from the end (+d); then for step > 0 both clamp to [0, d], for step < 0
// start clamps to [0, d-1] and end to [-1, d-1]; so INT64_MAX / INT64_MIN mean "to the
// end" / "to the beginning". The output holds ceil((end - start) / step) elements, or none.
#include <limits>

#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct SliceArgs {
  std::vector<int64_t> starts, ends, axes, steps;
};

struct AxisRange {
  int64_t start = 0, count = 0, step = 1;
};

AxisRange resolve(int64_t dim, int64_t start, int64_t end, int64_t step) {
  AxisRange r;
  r.step = step == std::numeric_limits<int64_t>::min() ? -std::numeric_limits<int64_t>::max() : step;
  if (dim == 0) return r;
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  int64_t span = 0, stride = r.step > 0 ? r.step : -r.step;
  if (r.step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    span = end - start;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    span = start - end;
  }
  r.start = start;
  r.count = span > 0 ? (span - 1) / stride + 1 : 0;
  return r;
}

// Validates lengths and values; fills default axes and steps. `rank` < 0 when unknown
// (axes are then checked later).
void complete(const ir::Node& node, SliceArgs& a, int rank) {
  if (a.starts.size() != a.ends.size())
    fail(node, "starts has " + std::to_string(a.starts.size()) + " entries but ends has " + std::to_string(a.ends.size()));
  if (a.axes.empty())
    for (size_t i = 0; i < a.starts.size(); ++i) a.axes.push_back(static_cast<int64_t>(i));
  if (a.steps.empty()) a.steps.assign(a.starts.size(), 1);
  if (a.axes.size() != a.starts.size() || a.steps.size() != a.starts.size())
    fail(node, "starts, ends, axes and steps must have the same length (got " + std::to_string(a.starts.size()) + ", " +
                   std::to_string(a.ends.size()) + ", " + std::to_string(a.axes.size()) + ", " + std::to_string(a.steps.size()) + ")");
  for (int64_t s : a.steps)
    if (s == 0) fail(node, "steps must not be 0");
  if (rank >= 0) {
    std::vector<int> axes = normalize_axes(node, a.axes, rank);
    a.axes.assign(axes.begin(), axes.end());
  }
}

bool uses_attributes(const ir::Node& node, size_t input_count) { return input_count < 3 && node.has_attr("starts"); }

std::vector<TensorInfo> infer_slice(const ir::Node& node, std::span<const TensorInfo> inputs) {
  const bool attrs = uses_attributes(node, inputs.size());
  expect_input_count(node, inputs, attrs ? 1 : 3, attrs ? 1 : 5);
  const ir::Shape& s = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  SliceArgs a;
  bool known = true;
  if (attrs) {
    a.starts = node.attr_ints("starts", {});
    a.ends = node.attr_ints("ends", {});
    a.axes = node.attr_ints("axes", {});
  } else {
    auto starts = known_ints(node, inputs, 1, "starts"), ends = known_ints(node, inputs, 2, "ends");
    auto axes = known_ints(node, inputs, 3, "axes"), steps = known_ints(node, inputs, 4, "steps");
    known = starts && ends && (axes || !is_present(inputs, 3)) && (steps || !is_present(inputs, 4));
    if (known) a = SliceArgs{*starts, *ends, axes.value_or(std::vector<int64_t>{}), steps.value_or(std::vector<int64_t>{})};
  }
  if (!s.has_rank()) return single_output(type, ir::Shape::unknown());
  if (!known) return single_output(type, unknown_shape(s.rank()));
  complete(node, a, s.rank());
  ir::Shape out = s;
  for (size_t i = 0; i < a.axes.size(); ++i) {
    ir::Dim& d = (*out.dims)[static_cast<size_t>(a.axes[i])];
    d = d.is_known() ? ir::Dim::known(resolve(d.value, a.starts[i], a.ends[i], a.steps[i]).count) : ir::Dim{};
  }
  return single_output(type, out);
}

class SliceKernel final : public Kernel {
 public:
  explicit SliceKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    SliceArgs a;
    if (uses_attributes(node_, in.size())) {
      a.starts = node_.attr_ints("starts", {});
      a.ends = node_.attr_ints("ends", {});
      a.axes = node_.attr_ints("axes", {});
    } else {
      if (!has_input(in, 1) || !has_input(in, 2)) fail(node_, "inputs starts and ends are required");
      a.starts = to_int64s(node_, in[1], "starts");
      a.ends = to_int64s(node_, in[2], "ends");
      if (has_input(in, 3)) a.axes = to_int64s(node_, in[3], "axes");
      if (has_input(in, 4)) a.steps = to_int64s(node_, in[4], "steps");
    }
    complete(node_, a, x.rank());
    const std::vector<int64_t> in_strides = strides_of(x.dims());
    std::vector<int64_t> dims = x.dims(), strides = in_strides;
    int64_t base = 0;
    for (size_t i = 0; i < a.axes.size(); ++i) {
      const auto axis = static_cast<size_t>(a.axes[i]);
      const AxisRange r = resolve(x.dims()[axis], a.starts[i], a.ends[i], a.steps[i]);
      dims[axis] = r.count;
      base += r.start * in_strides[axis];
      strides[axis] = r.count > 1 ? r.step * in_strides[axis] : 0;  // |step| < d here, so no overflow
    }
    out[0] = ctx.allocate(0, x.dtype(), dims);
    if (out[0].numel() == 0) return;
    dispatch_movable(node_, x.dtype(), [&]<class T>() {
      copy_strided<T>(elements<T>(x), base, dims, strides, elements<T>(out[0]), ctx.threads);
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_slice_kernel(const ir::Node& node) { return std::make_unique<SliceKernel>(node); }

}  // namespace

const OpSpec& slice_op() {
  static const OpSpec spec{"", "Slice", infer_slice, make_slice_kernel};
  return spec;
}

}  // namespace qtune::ops
