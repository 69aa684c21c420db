#include "ops/q_linear.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/op_helpers.h"

namespace qtune::ops {

ActivationQuant read_activation_quant(const ir::Node& node, const std::string& prefix) {
  ActivationQuant q;
  if (!node.has_attr(prefix + "_scale")) return q;
  q.scale = node.attr_float(prefix + "_scale", 1.0f);
  q.zero_point = static_cast<int32_t>(node.attr_int(prefix + "_zero_point", 0));
  q.type = static_cast<DataType>(node.attr_int(prefix + "_type", static_cast<int64_t>(DataType::UInt8)));
  if (!(q.scale > 0) || !std::isfinite(q.scale)) fail(node, prefix + "_scale must be positive and finite");
  if (q.type != DataType::UInt8 && q.type != DataType::Int8) fail(node, prefix + "_type must be uint8 or int8");
  const int32_t lo = q.type == DataType::UInt8 ? 0 : -128, hi = q.type == DataType::UInt8 ? 255 : 127;
  if (q.zero_point < lo || q.zero_point > hi)
    fail(node, prefix + "_zero_point " + std::to_string(q.zero_point) + " is out of range for " + std::string(dtype_name(q.type)));
  return q;
}

std::vector<ir::Attribute> activation_quant_attributes(const std::string& prefix, const ActivationQuant& q) {
  if (!q.quantized()) return {};
  return {ir::Attribute::make_float(prefix + "_scale", q.scale),
          ir::Attribute::make_int(prefix + "_zero_point", q.zero_point),
          ir::Attribute::make_int(prefix + "_type", static_cast<int64_t>(q.type))};
}

namespace {

template <class Q>
void dequantize_into(const Q* q, float* y, int64_t n, float scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(static_cast<int32_t>(q[i]) - zero_point) * scale;
}

template <class Q>
void quantize_into(const float* x, Q* y, int64_t n, float scale, int32_t zero_point) {
  constexpr float lo = std::numeric_limits<Q>::lowest(), hi = std::numeric_limits<Q>::max();
  for (int64_t i = 0; i < n; ++i) {
    const float v = std::nearbyint(x[i] / scale) + static_cast<float>(zero_point);
    y[i] = static_cast<Q>(std::isnan(v) ? static_cast<float>(zero_point) : std::clamp(v, lo, hi));
  }
}

}  // namespace

Tensor dequantize_activation(const Tensor& x, const ActivationQuant& q) {
  if (!q.quantized() || x.dtype() == DataType::Float32) return x;
  Tensor y = Tensor::uninitialized(DataType::Float32, x.dims());
  if (x.dtype() == DataType::UInt8)
    dequantize_into(x.data<uint8_t>(), y.data<float>(), x.numel(), q.scale, q.zero_point);
  else if (x.dtype() == DataType::Int8)
    dequantize_into(x.data<int8_t>(), y.data<float>(), x.numel(), q.scale, q.zero_point);
  else
    throw Error("dequantize: expected uint8 or int8, got " + x.describe());
  return y;
}

Tensor quantize_activation(const Tensor& x, const ActivationQuant& q) {
  if (!q.quantized()) return x;
  if (x.dtype() != DataType::Float32) throw Error("quantize: expected float32, got " + x.describe());
  Tensor y = Tensor::uninitialized(q.type, x.dims());
  if (q.type == DataType::UInt8)
    quantize_into(x.data<float>(), y.data<uint8_t>(), x.numel(), q.scale, q.zero_point);
  else
    quantize_into(x.data<float>(), y.data<int8_t>(), x.numel(), q.scale, q.zero_point);
  return y;
}

Tensor dequantize_weights(const Tensor& w, const Tensor& scale, int axis) {
  if (w.dtype() != DataType::Int8 || scale.dtype() != DataType::Float32)
    throw Error("dequantize_weights: expected int8 weights and float32 scales, got " + w.describe() + " and " +
                scale.describe());
  const int64_t channels = scale.numel();
  if (channels != 1 && (w.rank() <= axis || w.dim(axis) != channels))
    throw Error("dequantize_weights: " + std::to_string(channels) + " scales for weights " + w.describe());
  int64_t inner = 1;
  for (int i = axis + 1; i < w.rank(); ++i) inner *= w.dim(i);
  Tensor y = Tensor::uninitialized(DataType::Float32, w.dims());
  const int8_t* q = w.data<int8_t>();
  const float* s = scale.data<float>();
  float* out = y.data<float>();
  for (int64_t i = 0; i < w.numel(); ++i)
    out[i] = static_cast<float>(q[i]) * s[channels == 1 ? 0 : (i / inner) % channels];
  return y;
}

}  // namespace qtune::ops
