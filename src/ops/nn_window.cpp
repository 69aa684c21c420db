#include "ops/nn_window.h"

namespace qtune::ops {
namespace {

std::vector<int64_t> ints_or(const ir::Node& node, const char* name, size_t count, int64_t fill, int64_t min_value) {
  std::vector<int64_t> v = node.attr_ints(name, std::vector<int64_t>(count, fill));
  if (v.size() != count)
    fail(node, std::string("attribute '") + name + "' has " + std::to_string(v.size()) + " values, expected " +
                   std::to_string(count));
  for (int64_t x : v)
    if (x < min_value)
      fail(node, std::string("attribute '") + name + "' has value " + std::to_string(x) + ", expected >= " +
                     std::to_string(min_value));
  return v;
}

AutoPad parse_auto_pad(const ir::Node& node) {
  std::string s = node.attr_string("auto_pad", "NOTSET");
  if (s == "NOTSET" || s.empty()) return AutoPad::NotSet;
  if (s == "SAME_UPPER") return AutoPad::SameUpper;
  if (s == "SAME_LOWER") return AutoPad::SameLower;
  if (s == "VALID") return AutoPad::Valid;
  fail(node, "attribute 'auto_pad' is '" + s + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
}

}  // namespace

WindowAttrs read_window_attrs(const ir::Node& node, int spatial, std::span<const int64_t> kernel) {
  WindowAttrs a;
  a.spatial = spatial;
  const size_t n = static_cast<size_t>(spatial);
  if (node.has_attr("kernel_shape")) {
    a.kernel = ints_or(node, "kernel_shape", n, 1, 1);
    for (size_t i = 0; i < kernel.size() && i < n; ++i)
      if (kernel[i] >= 0 && kernel[i] != a.kernel[i])
        fail(node, "attribute 'kernel_shape' is [" + format_dims(a.kernel) + "] but the weights have kernel [" +
                       format_dims(kernel) + "]");
  } else if (!kernel.empty()) {
    a.kernel.assign(kernel.begin(), kernel.end());
  } else {
    fail(node, "attribute 'kernel_shape' is required");
  }
  a.strides = ints_or(node, "strides", n, 1, 1);
  a.dilations = ints_or(node, "dilations", n, 1, 1);
  a.pads = ints_or(node, "pads", 2 * n, 0, 0);
  a.auto_pad = parse_auto_pad(node);
  a.ceil_mode = node.attr_int("ceil_mode", 0) != 0;
  return a;
}

AxisWindow window_axis(const ir::Node& node, const WindowAttrs& attrs, int axis, int64_t in) {
  const size_t i = static_cast<size_t>(axis);
  const int64_t s = attrs.strides[i];
  AxisWindow w;
  if (attrs.auto_pad == AutoPad::SameUpper || attrs.auto_pad == AutoPad::SameLower) {
    if (in < 0) return w;
    w.out = (in + s - 1) / s;  // ceil(in / stride) whatever the kernel
    if (attrs.kernel[i] < 0) return w;
    const int64_t eff = (attrs.kernel[i] - 1) * attrs.dilations[i] + 1;
    const int64_t total = std::max<int64_t>(0, (w.out - 1) * s + eff - in);
    w.pad_begin = attrs.auto_pad == AutoPad::SameUpper ? total / 2 : total - total / 2;
    w.pad_end = total - w.pad_begin;
    return w;
  }
  if (attrs.auto_pad == AutoPad::NotSet) {
    w.pad_begin = attrs.pads[i];
    w.pad_end = attrs.pads[i + static_cast<size_t>(attrs.spatial)];
  }
  if (in < 0 || attrs.kernel[i] < 0) return w;
  const int64_t eff = (attrs.kernel[i] - 1) * attrs.dilations[i] + 1;
  const int64_t total = in + w.pad_begin + w.pad_end;
  if (total < eff)
    fail(node, "spatial axis " + std::to_string(axis) + " has size " + std::to_string(in) + " (padded " +
                   std::to_string(total) + "), smaller than the window extent " + std::to_string(eff));
  if (attrs.ceil_mode && attrs.auto_pad == AutoPad::NotSet) {
    w.out = (total - eff + s - 1) / s + 1;
    // A last window that would start inside the end padding is dropped (PyTorch/ONNX rule).
    if ((w.out - 1) * s >= in + w.pad_begin) --w.out;
  } else {
    w.out = (total - eff) / s + 1;
  }
  return w;
}

ir::Shape window_output_shape(const ir::Node& node, const WindowAttrs& attrs, const ir::Shape& x, ir::Dim channels) {
  ir::Shape out;
  out.dims.emplace();
  out.dims->push_back(x.has_rank() ? (*x.dims)[0] : ir::Dim{});
  out.dims->push_back(std::move(channels));
  for (int i = 0; i < attrs.spatial; ++i) {
    int64_t in = -1;
    if (x.has_rank()) {
      const ir::Dim& d = (*x.dims)[static_cast<size_t>(i + 2)];
      if (d.is_known()) in = d.value;
    }
    int64_t o = window_axis(node, attrs, i, in).out;
    out.dims->push_back(o >= 0 ? ir::Dim::known(o) : ir::Dim{});
  }
  return out;
}

Window3d make_window3d(const ir::Node& node, const WindowAttrs& attrs, std::span<const int64_t> in_spatial) {
  if (attrs.spatial < 1 || attrs.spatial > 3)
    fail(node, "has " + std::to_string(attrs.spatial) + " spatial axes, expected 1 to 3");
  Window3d g;
  const size_t offset = static_cast<size_t>(3 - attrs.spatial);
  for (size_t i = 0; i < static_cast<size_t>(attrs.spatial); ++i) {
    AxisWindow w = window_axis(node, attrs, static_cast<int>(i), in_spatial[i]);
    g.in[offset + i] = in_spatial[i];
    g.out[offset + i] = w.out;
    g.kernel[offset + i] = attrs.kernel[i];
    g.stride[offset + i] = attrs.strides[i];
    g.dilation[offset + i] = attrs.dilations[i];
    g.pad_begin[offset + i] = w.pad_begin;
    g.pad_end[offset + i] = w.pad_end;
  }
  return g;
}

int spatial_rank_of(const ir::Node& node, const ir::Shape& x, const char* what) {
  if (!x.has_rank()) return -1;
  if (x.rank() < 3)
    fail(node, std::string(what) + " has rank " + std::to_string(x.rank()) +
                   ", expected at least 3 (batch, channels, spatial axes)");
  return x.rank() - 2;
}

std::vector<TensorInfo> infer_pool(const ir::Node& node, std::span<const TensorInfo> inputs,
                                   std::initializer_list<DataType> types, bool with_indices) {
  expect_input_count(node, inputs, 1, 1);
  expect_type(node, inputs, 0, types);
  const ir::Shape& x = inputs[0].shape;
  int spatial = spatial_rank_of(node, x, "input X");
  if (spatial < 0) spatial = static_cast<int>(node.attr_ints("kernel_shape", {}).size());
  ir::Shape out = ir::Shape::unknown();
  if (spatial > 0) {
    WindowAttrs attrs = read_window_attrs(node, spatial, {});
    out = window_output_shape(node, attrs, x, x.has_rank() ? (*x.dims)[1] : ir::Dim{});
  }
  std::vector<TensorInfo> result = single_output(inputs[0].dtype, out);
  if (with_indices && node.num_outputs() > 1) result.push_back(TensorInfo::typed(DataType::Int64, out));
  return result;
}

std::vector<TensorInfo> infer_global_pool(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64});
  const ir::Shape& x = inputs[0].shape;
  if (spatial_rank_of(node, x, "input X") < 0) return single_output(inputs[0].dtype, ir::Shape::unknown());
  std::vector<ir::Dim> dims = *x.dims;
  for (size_t i = 2; i < dims.size(); ++i) dims[i] = ir::Dim::known(1);
  return single_output(inputs[0].dtype, ir::Shape{std::move(dims)});
}

}  // namespace qtune::ops
