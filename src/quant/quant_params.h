// Quantization parameters with ONNX QuantizeLinear/DequantizeLinear semantics:
//   q = saturate(round_half_to_even(x / scale) + zero_point),  x' = (q - zero_point) * scale
// per tensor, or per channel along one axis (ONNX's `axis` attribute).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qtune/tensor.h"

namespace qtune::quant {

enum class Scheme {
  UInt8Asymmetric,  // activations as ONNX Runtime's default QDQ: uint8, zero point anywhere in [0, 255]
  Int8Symmetric,    // zero point 0, scale = max|x| / 127 (weights; TensorRT-style activations)
  Int8Asymmetric,   // int8, zero point anywhere in [-128, 127]
};

// "uint8_asym", "int8_sym", "int8_asym"
const char* scheme_name(Scheme scheme);
Scheme parse_scheme(const std::string& name);  // throws qtune::Error listing the names
bool is_symmetric(Scheme scheme);
DataType scheme_dtype(Scheme scheme);  // UInt8 or Int8

// Integer range of a quantized type: [0, 255], [-128, 127] or the int32 range.
int64_t quant_min(DataType type);
int64_t quant_max(DataType type);

// A float range to quantize (see range_algorithms.h for how it is chosen).
struct Range {
  float lo = 0;
  float hi = 0;
  bool operator==(const Range&) const = default;
};

struct QuantParams {
  DataType dtype = DataType::UInt8;  // UInt8, Int8, or Int32 (bias)
  int axis = -1;                     // -1: per tensor; otherwise the channel axis
  std::vector<float> scale;          // 1 value per tensor, or one per channel
  std::vector<int32_t> zero_point;   // same size as `scale`

  bool per_channel() const { return axis >= 0; }
  // Initializers for QuantizeLinear/DequantizeLinear: scalars per tensor, 1-D per channel.
  Tensor scale_tensor() const;
  Tensor zero_point_tensor() const;  // of type `dtype`
};

// Per-tensor parameters for a range. The range is widened to include 0 (so 0 — padding,
// ReLU output — is exactly representable), then
//   symmetric:  scale = max(|lo|, |hi|) / 127, zero point 0;
//   asymmetric: scale = (hi - lo) / (qmax - qmin), zero point = round(qmin - lo / scale).
// A tensor that is all zero (or whose range is below the smallest normal float) gets
// scale 1 with 0 still exactly representable; a non-zero constant c gets a range [0, c]
// (or [c, 0]) so c maps to qmax (qmin), exactly up to float rounding. The scale is never 0.
// bits = 7 uses half the integer range (symmetric max|x| / 63; uint8 [0, 127]; int8
// [-64, 63]): weights for CPUs whose int8 dot products can saturate (reduce_range).
// Throws qtune::Error for a non-finite or inverted range.
QuantParams choose_params(Range range, Scheme scheme, int bits = 8);

// Weight parameters from the weight values: per tensor (axis = -1) or per channel along
// `axis` (e.g. 0 for Conv's [M, C/g, kh, kw]). Int8Symmetric: scale = max|w| / 127 per
// channel; the asymmetric schemes use each channel's [min, max]. Same zero handling as
// choose_params (and its `bits`). Throws qtune::Error for a non-float32 tensor, a bad
// axis, or NaN/Inf.
QuantParams weight_params(const Tensor& weights, int axis, Scheme scheme, int bits = 8);

// Bias of a quantized Conv/Gemm/MatMul: int32, zero point 0, scale = s_input * s_weight
// (per channel along axis 0 when the weights are per channel). `input` must be per tensor.
QuantParams bias_params(const QuantParams& input, const QuantParams& weights);

// ONNX QuantizeLinear: float32 -> params.dtype, rounding half to even, saturating.
Tensor quantize_tensor(const Tensor& x, const QuantParams& params);
// ONNX DequantizeLinear: uint8/int8/int32 -> float32.
Tensor dequantize_tensor(const Tensor& q, const QuantParams& params);

}  // namespace qtune::quant
