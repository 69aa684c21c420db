#include "ops/nn_resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

// Interpolation taps of one axis: for output index j, taps [j*n, j*n+n) of idx/weight.
struct AxisTaps {
  int n = 1;
  std::vector<int64_t> idx;
  std::vector<double> weight;
  std::vector<uint8_t> outside;  // tf_crop_and_resize: j maps outside the input
  bool identity = true;
};

// Output index o -> input coordinate. `len` is the resized length the formulas use:
// in * scale when scales were given (not rounded, as in the ONNX reference), else the size.
double source_coord(int64_t o, double scale, int64_t in, double len, double start, double end, ResizeCoord c) {
  const double x = static_cast<double>(o), last = static_cast<double>(in - 1);
  switch (c) {
    case ResizeCoord::HalfPixel: return (x + 0.5) / scale - 0.5;
    case ResizeCoord::PytorchHalfPixel: return len > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case ResizeCoord::AlignCorners: return len == 1 ? 0.0 : x * last / (len - 1);
    case ResizeCoord::Asymmetric: return x / scale;
    case ResizeCoord::TfHalfPixelForNn: return (x + 0.5) / scale;
    case ResizeCoord::TfCropAndResize:
      return len > 1 ? start * last + x * (end - start) * last / (len - 1) : 0.5 * (start + end) * last;
  }
  return x;
}

int64_t nearest_index(double x, double scale, ResizeNearest mode) {
  const double f = std::floor(x);
  switch (mode) {
    case ResizeNearest::RoundPreferFloor: return static_cast<int64_t>(x == f + 0.5 ? f : std::round(x));
    case ResizeNearest::RoundPreferCeil: return static_cast<int64_t>(x == f + 0.5 ? f + 1 : std::round(x));
    case ResizeNearest::Floor: return static_cast<int64_t>(f);
    case ResizeNearest::Ceil: return static_cast<int64_t>(std::ceil(x));
    case ResizeNearest::Legacy: return static_cast<int64_t>(scale < 1 ? std::ceil(x) : f);
  }
  return static_cast<int64_t>(f);
}

// Keys cubic convolution weights of the taps at floor(x)-1 .. floor(x)+2, t = x - floor(x).
void cubic_weights(double t, double a, double w[4]) {
  auto near = [a](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };          // |d| <= 1
  auto far = [a](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };     // 1 < |d| < 2
  w[0] = far(t + 1);
  w[1] = near(t);
  w[2] = near(1 - t);
  w[3] = far(2 - t);
}

AxisTaps make_taps(int64_t in, int64_t out, double scale, double len, double start, double end, const ResizeParams& p) {
  AxisTaps taps;
  taps.n = p.mode == ResizeMode::Nearest ? 1 : p.mode == ResizeMode::Linear ? 2 : 4;
  const size_t n = static_cast<size_t>(taps.n);
  taps.idx.assign(static_cast<size_t>(out) * n, 0);
  taps.weight.assign(static_cast<size_t>(out) * n, 0.0);
  taps.outside.assign(static_cast<size_t>(out), 0);
  auto clamp = [in](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
  for (int64_t j = 0; j < out; ++j) {
    double x = source_coord(j, scale, in, len, start, end, p.coord);
    int64_t* idx = taps.idx.data() + static_cast<size_t>(j) * n;
    double* w = taps.weight.data() + static_cast<size_t>(j) * n;
    if (p.coord == ResizeCoord::TfCropAndResize && (x < 0 || x > static_cast<double>(in - 1))) {
      taps.outside[static_cast<size_t>(j)] = 1;
      taps.identity = false;
      continue;
    }
    if (p.mode == ResizeMode::Nearest) {
      idx[0] = clamp(nearest_index(x, scale, p.nearest));
      w[0] = 1;
    } else if (p.mode == ResizeMode::Linear) {
      x = std::clamp(x, 0.0, static_cast<double>(in - 1));
      const int64_t i0 = static_cast<int64_t>(std::floor(x));
      idx[0] = i0;
      idx[1] = std::min(i0 + 1, in - 1);
      w[1] = x - static_cast<double>(i0);
      w[0] = 1 - w[1];
    } else {
      const double f = std::floor(x);
      cubic_weights(x - f, p.cubic_a, w);
      double sum = 0;
      for (int t = 0; t < 4; ++t) {
        const int64_t i = static_cast<int64_t>(f) - 1 + t;
        if (p.exclude_outside && (i < 0 || i >= in)) w[t] = 0;
        sum += w[t];
        idx[t] = clamp(i);
      }
      if (p.exclude_outside && sum != 0)
        for (int t = 0; t < 4; ++t) w[t] /= sum;
    }
    for (size_t t = 0; t < n; ++t)
      if (w[t] != 0 && (idx[t] != j || w[t] != 1)) taps.identity = false;
  }
  if (in != out) taps.identity = false;
  return taps;
}

// The extrapolation value in T (saturated for integer types, so no out-of-range cast).
template <class T>
T extrapolation_as(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T(0);
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

// One axis: x viewed as [outer, in, inner] -> y as [outer, out, inner].
template <class T>
void resize_axis(const T* x, T* y, int64_t outer, int64_t in, int64_t out, int64_t inner, const AxisTaps& taps,
                 double extrapolation, int threads) {
  const int64_t n = taps.n;
#pragma omp parallel for num_threads(threads) schedule(static) if (outer * out * inner > 32768)
  for (int64_t oj = 0; oj < outer * out; ++oj) {
    const int64_t o = oj / out, j = oj % out;
    T* dst = y + oj * inner;
    if (taps.outside[static_cast<size_t>(j)]) {
      std::fill(dst, dst + inner, extrapolation_as<T>(extrapolation));
      continue;
    }
    const int64_t* idx = taps.idx.data() + j * n;
    const double* w = taps.weight.data() + j * n;
    if (n == 1) {
      std::memcpy(dst, x + (o * in + idx[0]) * inner, static_cast<size_t>(inner) * sizeof(T));
      continue;
    }
    for (int64_t i = 0; i < inner; ++i) {
      double acc = 0;
      for (int64_t t = 0; t < n; ++t) acc += w[t] * static_cast<double>(x[(o * in + idx[t]) * inner + i]);
      dst[i] = static_cast<T>(acc);
    }
  }
}

}  // namespace

ResizeParams resize_params(const ir::Node& node) {
  ResizeParams p;
  const std::string mode = node.attr_string("mode", "nearest");
  if (mode == "nearest") p.mode = ResizeMode::Nearest;
  else if (mode == "linear") p.mode = ResizeMode::Linear;
  else if (mode == "cubic") p.mode = ResizeMode::Cubic;
  else fail(node, "attribute 'mode' is '" + mode + "', expected nearest, linear or cubic");
  const std::string coord = node.attr_string("coordinate_transformation_mode", "half_pixel");
  if (coord == "half_pixel") p.coord = ResizeCoord::HalfPixel;
  else if (coord == "pytorch_half_pixel") p.coord = ResizeCoord::PytorchHalfPixel;
  else if (coord == "align_corners") p.coord = ResizeCoord::AlignCorners;
  else if (coord == "asymmetric") p.coord = ResizeCoord::Asymmetric;
  else if (coord == "tf_half_pixel_for_nn") p.coord = ResizeCoord::TfHalfPixelForNn;
  else if (coord == "tf_crop_and_resize") p.coord = ResizeCoord::TfCropAndResize;
  else
    fail(node, "attribute 'coordinate_transformation_mode' is '" + coord +
                   "', expected half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn or "
                   "tf_crop_and_resize");
  const std::string nearest = node.attr_string("nearest_mode", "round_prefer_floor");
  if (nearest == "round_prefer_floor") p.nearest = ResizeNearest::RoundPreferFloor;
  else if (nearest == "round_prefer_ceil") p.nearest = ResizeNearest::RoundPreferCeil;
  else if (nearest == "floor") p.nearest = ResizeNearest::Floor;
  else if (nearest == "ceil") p.nearest = ResizeNearest::Ceil;
  else fail(node, "attribute 'nearest_mode' is '" + nearest + "', expected round_prefer_floor, round_prefer_ceil, floor or ceil");
  p.cubic_a = node.attr_float("cubic_coeff_a", -0.75f);
  p.exclude_outside = node.attr_int("exclude_outside", 0) != 0;
  p.extrapolation = node.attr_float("extrapolation_value", 0.0f);
  if (node.attr_int("antialias", 0) != 0) fail(node, "antialias=1 (opset 18) is not supported");
  if (node.has_attr("axes")) fail(node, "attribute 'axes' (opset 18) is not supported");
  if (node.attr_string("keep_aspect_ratio_policy", "stretch") != "stretch")
    fail(node, "keep_aspect_ratio_policy other than 'stretch' (opset 18) is not supported");
  return p;
}

ResizeParams legacy_resize_params(const ir::Node& node) {
  ResizeParams p;
  const std::string mode = node.attr_string("mode", "nearest");
  if (mode == "nearest") p.mode = ResizeMode::Nearest;
  else if (mode == "linear" || mode == "bilinear") p.mode = ResizeMode::Linear;
  else fail(node, "attribute 'mode' is '" + mode + "', expected nearest or linear");
  p.coord = ResizeCoord::Asymmetric;
  p.nearest = ResizeNearest::Legacy;
  return p;
}

std::vector<double> to_doubles(const ir::Node& node, const Tensor& t, const char* what) {
  if (t.dtype() != DataType::Float32 && t.dtype() != DataType::Float64)
    fail(node, std::string(what) + " must be float32 or float64, got " + std::string(dtype_name(t.dtype())));
  std::vector<double> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<size_t>(i)] = t.value_as_double(i);
  return v;
}

std::vector<int64_t> resize_output_sizes(const ir::Node& node, const std::vector<int64_t>& in_dims,
                                         const std::vector<double>& scales, const std::vector<double>& roi,
                                         const ResizeParams& params) {
  const size_t rank = in_dims.size();
  if (scales.size() != rank)
    fail(node, "scales has " + std::to_string(scales.size()) + " values, expected one per input axis (" +
                   std::to_string(rank) + ")");
  std::vector<int64_t> out(rank, -1);
  for (size_t i = 0; i < rank; ++i) {
    if (!(scales[i] > 0) || !std::isfinite(scales[i]))
      fail(node, "scales[" + std::to_string(i) + "] is " + std::to_string(scales[i]) + ", expected a positive number");
    if (in_dims[i] < 0) continue;
    double extent = 1;
    if (params.coord == ResizeCoord::TfCropAndResize && roi.size() == 2 * rank) extent = roi[rank + i] - roi[i];
    const double size = std::floor(static_cast<double>(in_dims[i]) * scales[i] * extent);
    if (!(size >= 0) || size > 1e12) fail(node, "output size " + std::to_string(size) + " on axis " + std::to_string(i) + " is invalid");
    out[i] = static_cast<int64_t>(size);
  }
  return out;
}

ir::Shape resize_output_shape(const ir::Node& node, const ir::Shape& x, const std::optional<std::vector<double>>& scales,
                              const std::optional<std::vector<int64_t>>& sizes, const std::vector<double>& roi,
                              const ResizeParams& params) {
  if (sizes) {
    if (x.has_rank() && static_cast<int>(sizes->size()) != x.rank())
      fail(node, "sizes has " + std::to_string(sizes->size()) + " values, expected one per input axis (" +
                     std::to_string(x.rank()) + ")");
    for (int64_t s : *sizes)
      if (s < 0) fail(node, "sizes has a negative value " + std::to_string(s));
    return ir::Shape::of(*sizes);
  }
  if (!x.has_rank()) return ir::Shape::unknown();
  ir::Shape out{std::vector<ir::Dim>(x.dims->size(), ir::Dim{})};
  if (!scales) return out;
  std::vector<int64_t> in;
  for (const ir::Dim& d : *x.dims) in.push_back(d.is_known() ? d.value : -1);
  std::vector<int64_t> o = resize_output_sizes(node, in, *scales, roi, params);
  for (size_t i = 0; i < o.size(); ++i) {
    // A symbolic dim (batch) with scale 1 passes through unchanged.
    if (o[i] >= 0) (*out.dims)[i] = ir::Dim::known(o[i]);
    else if ((*scales)[i] == 1.0 && params.coord != ResizeCoord::TfCropAndResize) (*out.dims)[i] = (*x.dims)[i];
  }
  return out;
}

Tensor resize_tensor(const ir::Node& node, const Tensor& x, const std::vector<int64_t>& out_dims,
                     const std::vector<double>& scales, bool scales_given, const std::vector<double>& roi,
                     const ResizeParams& params, KernelContext& ctx) {
  const size_t rank = x.dims().size();
  if (params.coord == ResizeCoord::TfCropAndResize && roi.size() != 2 * rank)
    fail(node, "roi has " + std::to_string(roi.size()) + " values, expected " + std::to_string(2 * rank) +
                   " for tf_crop_and_resize");
  const bool integer = x.dtype() != DataType::Float32 && x.dtype() != DataType::Float64;
  if (integer && params.mode != ResizeMode::Nearest)
    fail(node, "mode linear/cubic needs float input, got " + std::string(dtype_name(x.dtype())));
  std::vector<AxisTaps> taps(rank);
  std::vector<size_t> axes;
  for (size_t a = 0; a < rank; ++a) {
    if (x.dims()[a] == 0 && out_dims[a] > 0) fail(node, "cannot resize the empty axis " + std::to_string(a));
    const bool crop = params.coord == ResizeCoord::TfCropAndResize;
    const double len = scales_given ? static_cast<double>(x.dims()[a]) * scales[a] : static_cast<double>(out_dims[a]);
    taps[a] = make_taps(x.dims()[a], out_dims[a], scales[a], len, crop ? roi[a] : 0.0, crop ? roi[rank + a] : 1.0, params);
    if (!taps[a].identity) axes.push_back(a);
  }
  // Nearest copies whole runs of the axes inside the resized one, and its result does not
  // depend on the order of axes: when every axis grows, resizing the innermost first makes
  // the many short copies on the smaller tensor (NHWC 2x upsampling: W before H).
  const bool growing = std::all_of(axes.begin(), axes.end(), [&](size_t a) { return out_dims[a] >= x.dims()[a]; });
  if (params.mode == ResizeMode::Nearest && growing) std::reverse(axes.begin(), axes.end());
  Tensor y = ctx.allocate(0, x.dtype(), out_dims);
  dispatch_numeric(node, x.dtype(), [&]<class T>() {
    if (axes.empty()) {
      std::memcpy(y.data<T>(), x.data<T>(), x.byte_size());
      return;
    }
    Tensor cur = x;
    std::vector<int64_t> dims = x.dims();
    for (size_t k = 0; k < axes.size(); ++k) {
      const size_t a = axes[k];
      const int64_t outer = shape_numel(std::span<const int64_t>(dims).first(a));
      const int64_t inner = shape_numel(std::span<const int64_t>(dims).subspan(a + 1));
      const int64_t in_len = dims[a];
      dims[a] = out_dims[a];
      Tensor next = k + 1 == axes.size() ? y : Tensor::uninitialized(x.dtype(), dims);
      resize_axis<T>(cur.data<T>(), next.data<T>(), outer, in_len, out_dims[a], inner, taps[a], params.extrapolation,
                     ctx.threads);
      cur = next;
    }
  });
  return y;
}

}  // namespace qtune::ops
