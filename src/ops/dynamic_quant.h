// DynamicQuantizeLinear's parameters, shared by the ONNX op and the dynamically quantized
// matmul: the range [min(0, min x), max(0, max x)] mapped onto uint8.
#pragma once

#include <cstdint>

namespace qtune::ops {

struct DynamicQuantParams {
  float scale = 1.0f;
  uint8_t zero_point = 0;
};

// scale = (max - min) / 255 (1 when the range is empty, as ONNX Runtime does, so an
// all-zero input quantizes to zeros instead of dividing by zero); zero point =
// saturate(round_half_even(-min / scale)). NaN elements are ignored.
DynamicQuantParams dynamic_quant_params(const float* x, int64_t n);

}  // namespace qtune::ops
