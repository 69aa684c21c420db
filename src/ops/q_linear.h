// What the com.qtune quantized compute ops (QConv, QMatMul) share: per-tensor
// quantization parameters of an activation carried as node attributes
//   <prefix>_scale (float), <prefix>_zero_point (int), <prefix>_type (ONNX type code)
// for prefix x (the input), y (the output; absent: float32 output) and sum (a residual
// input), and the dequantize/quantize steps their reference kernels run around the FP32
// computation. The reference kernels compute what the QDQ graph they replace computes:
// Q(act(op(DQ(x), DQ(w)) + bias + DQ(sum))).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "ir/graph.h"
#include "ops/op_helpers.h"
#include "qtune/tensor.h"

namespace qtune::ops {

struct ActivationQuant {
  DataType type = DataType::Float32;  // UInt8 / Int8, or Float32 when not quantized
  float scale = 1.0f;
  int32_t zero_point = 0;

  bool quantized() const { return type != DataType::Float32; }
  bool operator==(const ActivationQuant&) const = default;
};

// Reads the three attributes of `prefix`; an absent <prefix>_scale means float32.
// Throws qtune::Error naming the node for a non-positive scale or a bad type.
ActivationQuant read_activation_quant(const ir::Node& node, const std::string& prefix);
// The attributes describing `q` (none when it is float32).
std::vector<ir::Attribute> activation_quant_attributes(const std::string& prefix, const ActivationQuant& q);

// uint8/int8 -> float32 with q's parameters; a float32 tensor is returned as is.
Tensor dequantize_activation(const Tensor& x, const ActivationQuant& q);
// float32 -> q.type (round half to even, saturate); float32 when q is not quantized.
Tensor quantize_activation(const Tensor& x, const ActivationQuant& q);
// Per-channel (axis 0) int8 weights times their scales (one scale, or one per channel).
Tensor dequantize_weights(const Tensor& w, const Tensor& scale, int axis);

// Element conversions for the one-pass quantized kernels (QBinary, QConcat, ...): a value
// of an activation tensor to float, and a float to the output's type. Float tensors pass
// through; the parameters are ignored for them.
// x * 1 rounded half to even without a libm call, so loops vectorize (|x| < 2^22).
inline float round_half_even(float x) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: adding it leaves no fraction bits
  return (x + kMagic) - kMagic;
}

template <class T>
struct ValueLoad {
  float scale;
  float zero_point;
  float operator()(T v) const {
    if constexpr (std::is_same_v<T, float>) return v;
    return (static_cast<float>(v) - zero_point) * scale;
  }
};

template <class T>
struct ValueStore {
  float scale;
  float zero_point;
  T operator()(float v) const {
    if constexpr (std::is_same_v<T, float>) {
      return v;
    } else {
      // Round before adding the zero point, as QuantizeLinear does: ties go to the even
      // integer of v / scale, not of v / scale + zero_point.
      constexpr float lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
      constexpr float limit = 4194304.0f;  // 2^22: where round_half_even stays exact
      const float r = v == v ? v / scale : 0.0f;  // NaN quantizes to the zero point
      const float q = round_half_even(std::max(-limit, std::min(limit, r))) + zero_point;
      return static_cast<T>(std::max(lo, std::min(hi, q)));
    }
  }
};

// Calls fn.template operator()<T>() for uint8_t, int8_t or float.
template <class Fn>
void dispatch_activation(const ir::Node& node, DataType type, Fn&& fn) {
  switch (type) {
    case DataType::UInt8: fn.template operator()<uint8_t>(); return;
    case DataType::Int8: fn.template operator()<int8_t>(); return;
    case DataType::Float32: fn.template operator()<float>(); return;
    default: fail(node, "unsupported element type " + std::string(dtype_name(type)));
  }
}

}  // namespace qtune::ops
