#include "quant/quant_params.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qtune::quant {
namespace {

constexpr float kSmallestScale = std::numeric_limits<float>::min();  // smallest normal float

struct Layout {
  int64_t outer = 1, channels = 1, inner = 1;
};

// Splits a tensor's dims around the channel axis (axis -1: one channel).
Layout layout_of(const std::vector<int64_t>& dims, int axis) {
  Layout l;
  if (axis < 0) {
    l.inner = shape_numel(dims);
    return l;
  }
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    int64_t d = dims[static_cast<size_t>(i)];
    if (i < axis)
      l.outer *= d;
    else if (i == axis)
      l.channels = d;
    else
      l.inner *= d;
  }
  return l;
}

void check_params(const QuantParams& p, const Tensor& t, const char* what) {
  const std::string where = std::string(what) + " (" + t.describe() + ")";
  if (p.scale.empty() || p.scale.size() != p.zero_point.size())
    throw Error(where + ": scale and zero point must be non-empty and of the same size");
  if (p.axis >= t.rank()) throw Error(where + ": axis " + std::to_string(p.axis) + " is out of range");
  size_t expected = p.per_channel() ? static_cast<size_t>(t.dim(p.axis)) : 1;
  if (p.scale.size() != expected)
    throw Error(where + ": " + std::to_string(p.scale.size()) + " scales, expected " + std::to_string(expected));
  for (float s : p.scale)
    if (!(s > 0) || !std::isfinite(s))
      throw Error(where + ": scale " + std::to_string(s) + " is not positive and finite");
  if (p.dtype != DataType::UInt8 && p.dtype != DataType::Int8 && p.dtype != DataType::Int32)
    throw Error(where + ": quantized type must be uint8, int8 or int32");
}

template <class Q>
void quantize_into(const float* x, Q* y, const QuantParams& p, const Layout& l) {
  const double lo = static_cast<double>(quant_min(p.dtype)), hi = static_cast<double>(quant_max(p.dtype));
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      const float s = p.scale[static_cast<size_t>(c)];
      const int32_t zp = p.zero_point[static_cast<size_t>(c)];
      const int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t i = base; i < base + l.inner; ++i) {
        // Float division and round-half-even (the default rounding mode), as ONNX Runtime does.
        float r = std::nearbyint(x[i] / s);
        y[i] = std::isnan(r) ? static_cast<Q>(zp) : static_cast<Q>(std::clamp(static_cast<double>(r) + zp, lo, hi));
      }
    }
}

template <class Q>
void dequantize_into(const Q* q, float* y, const QuantParams& p, const Layout& l) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      const float s = p.scale[static_cast<size_t>(c)];
      const int64_t zp = p.zero_point[static_cast<size_t>(c)];
      const int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t i = base; i < base + l.inner; ++i) y[i] = static_cast<float>(static_cast<int64_t>(q[i]) - zp) * s;
    }
}

}  // namespace

const char* scheme_name(Scheme scheme) {
  switch (scheme) {
    case Scheme::UInt8Asymmetric: return "uint8_asym";
    case Scheme::Int8Symmetric: return "int8_sym";
    case Scheme::Int8Asymmetric: return "int8_asym";
  }
  return "?";
}

Scheme parse_scheme(const std::string& name) {
  for (Scheme s : {Scheme::UInt8Asymmetric, Scheme::Int8Symmetric, Scheme::Int8Asymmetric})
    if (name == scheme_name(s)) return s;
  throw Error("quantization scheme '" + name + "': expected uint8_asym, int8_sym or int8_asym");
}

bool is_symmetric(Scheme scheme) { return scheme == Scheme::Int8Symmetric; }

DataType scheme_dtype(Scheme scheme) { return scheme == Scheme::UInt8Asymmetric ? DataType::UInt8 : DataType::Int8; }

int64_t quant_min(DataType type) {
  switch (type) {
    case DataType::UInt8: return 0;
    case DataType::Int8: return -128;
    case DataType::Int32: return std::numeric_limits<int32_t>::min();
    default: throw Error("quant_min: not a quantized type: " + std::string(dtype_name(type)));
  }
}

int64_t quant_max(DataType type) {
  switch (type) {
    case DataType::UInt8: return 255;
    case DataType::Int8: return 127;
    case DataType::Int32: return std::numeric_limits<int32_t>::max();
    default: throw Error("quant_max: not a quantized type: " + std::string(dtype_name(type)));
  }
}

Tensor QuantParams::scale_tensor() const {
  std::vector<int64_t> dims;
  if (per_channel()) dims = {static_cast<int64_t>(scale.size())};
  return Tensor::from_vector<float>(dims, scale);
}

Tensor QuantParams::zero_point_tensor() const {
  std::vector<int64_t> dims;
  if (per_channel()) dims = {static_cast<int64_t>(zero_point.size())};
  Tensor t(dtype, dims);
  for (size_t i = 0; i < zero_point.size(); ++i) {
    if (dtype == DataType::UInt8)
      t.data<uint8_t>()[i] = static_cast<uint8_t>(zero_point[i]);
    else if (dtype == DataType::Int8)
      t.data<int8_t>()[i] = static_cast<int8_t>(zero_point[i]);
    else
      t.data<int32_t>()[i] = zero_point[i];
  }
  return t;
}

QuantParams choose_params(Range range, Scheme scheme, int bits) {
  if (!std::isfinite(range.lo) || !std::isfinite(range.hi) || range.lo > range.hi)
    throw Error("quantization range [" + std::to_string(range.lo) + ", " + std::to_string(range.hi) +
                "] is not a finite ordered pair");
  if (bits != 7 && bits != 8) throw Error("choose_params: " + std::to_string(bits) + " bits, expected 7 or 8");
  QuantParams p;
  p.dtype = scheme_dtype(scheme);
  const double lo = std::min(0.0, static_cast<double>(range.lo));
  const double hi = std::max(0.0, static_cast<double>(range.hi));
  // 7 bits: the lower half of uint8, or the middle half of int8.
  const double levels = bits == 8 ? 255.0 : 127.0;
  const double qmin = p.dtype == DataType::UInt8 ? 0.0 : (bits == 8 ? -128.0 : -64.0);
  const double qmax = qmin + levels;
  if (is_symmetric(scheme)) {
    float scale = static_cast<float>(std::max(-lo, hi) / std::floor(levels / 2));
    p.scale = {scale >= kSmallestScale ? scale : 1.0f};
    p.zero_point = {0};
    return p;
  }
  float scale = static_cast<float>((hi - lo) / (qmax - qmin));
  if (!(scale >= kSmallestScale)) scale = 1.0f;  // all zero (or negligibly small): any scale represents it
  const double zp = std::clamp(std::nearbyint(qmin - lo / scale), qmin, qmax);
  p.scale = {scale};
  p.zero_point = {static_cast<int32_t>(zp)};
  return p;
}

QuantParams weight_params(const Tensor& weights, int axis, Scheme scheme, int bits) {
  if (weights.dtype() != DataType::Float32)
    throw Error("weight_params: expected float32 weights, got " + weights.describe());
  if (axis < -1 || axis >= weights.rank())
    throw Error("weight_params: axis " + std::to_string(axis) + " is out of range for " + weights.describe());
  const Layout l = layout_of(weights.dims(), axis);
  std::vector<float> lo(static_cast<size_t>(l.channels), 0.0f), hi(static_cast<size_t>(l.channels), 0.0f);
  const float* w = weights.data<float>();
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      const int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t i = base; i < base + l.inner; ++i) {
        if (!std::isfinite(w[i]))
          throw Error("weight_params: " + weights.describe() + " has a non-finite value at element " +
                      std::to_string(i));
        lo[static_cast<size_t>(c)] = std::min(lo[static_cast<size_t>(c)], w[i]);
        hi[static_cast<size_t>(c)] = std::max(hi[static_cast<size_t>(c)], w[i]);
      }
    }
  QuantParams p;
  p.dtype = scheme_dtype(scheme);
  p.axis = axis;
  for (size_t c = 0; c < lo.size(); ++c) {
    QuantParams one = choose_params({lo[c], hi[c]}, scheme, bits);
    p.scale.push_back(one.scale[0]);
    p.zero_point.push_back(one.zero_point[0]);
  }
  return p;
}

QuantParams bias_params(const QuantParams& input, const QuantParams& weights) {
  if (input.per_channel() || input.scale.size() != 1)
    throw Error("bias_params: the input must be quantized per tensor");
  QuantParams p;
  p.dtype = DataType::Int32;
  p.axis = weights.per_channel() ? 0 : -1;  // a bias is 1-D: its channels are axis 0
  for (float s : weights.scale) {
    // Both scales are normal floats, but their product can underflow: keep it positive.
    p.scale.push_back(std::max(input.scale[0] * s, kSmallestScale));
    p.zero_point.push_back(0);
  }
  return p;
}

Tensor quantize_tensor(const Tensor& x, const QuantParams& params) {
  if (x.dtype() != DataType::Float32) throw Error("quantize_tensor: expected float32, got " + x.describe());
  check_params(params, x, "quantize_tensor");
  Tensor y = Tensor::uninitialized(params.dtype, x.dims());
  const Layout l = layout_of(x.dims(), params.axis);
  const float* in = x.data<float>();
  if (params.dtype == DataType::UInt8)
    quantize_into(in, y.data<uint8_t>(), params, l);
  else if (params.dtype == DataType::Int8)
    quantize_into(in, y.data<int8_t>(), params, l);
  else
    quantize_into(in, y.data<int32_t>(), params, l);
  return y;
}

Tensor dequantize_tensor(const Tensor& q, const QuantParams& params) {
  if (q.dtype() != params.dtype)
    throw Error("dequantize_tensor: got " + q.describe() + ", the parameters are for " +
                std::string(dtype_name(params.dtype)));
  check_params(params, q, "dequantize_tensor");
  Tensor y = Tensor::uninitialized(DataType::Float32, q.dims());
  const Layout l = layout_of(q.dims(), params.axis);
  float* out = y.data<float>();
  if (params.dtype == DataType::UInt8)
    dequantize_into(q.data<uint8_t>(), out, params, l);
  else if (params.dtype == DataType::Int8)
    dequantize_into(q.data<int8_t>(), out, params, l);
  else
    dequantize_into(q.data<int32_t>(), out, params, l);
  return y;
}

}  // namespace qtune::quant
