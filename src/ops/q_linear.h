// What the com.qtune quantized compute ops (QConv, QMatMul) share: per-tensor
// quantization parameters of an activation carried as node attributes
//   <prefix>_scale (float), <prefix>_zero_point (int), <prefix>_type (ONNX type code)
// for prefix x (the input), y (the output; absent: float32 output) and sum (a residual
// input), and the dequantize/quantize steps their reference kernels run around the FP32
// computation. The reference kernels compute what the QDQ graph they replace computes:
// Q(act(op(DQ(x), DQ(w)) + bias + DQ(sum))).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
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

}  // namespace qtune::ops
