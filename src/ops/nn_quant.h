// Shared by QuantizeLinear and DequantizeLinear: per-tensor (scalar or one-element scale)
// or per-axis (1-D scale along `axis`, opset 13+) quantization parameters, and the
// element types of the quantized side.
#pragma once

#include <string>

#include "ops/op_helpers.h"

namespace qtune::ops {

// The data viewed as [outer, channels, inner]; the parameter index is the channel.
struct QuantLayout {
  int64_t outer = 1, channels = 1, inner = 1;
  bool per_axis = false;
};

inline bool is_quantized_type(DataType t) {
  return t == DataType::UInt8 || t == DataType::Int8 || t == DataType::UInt16 || t == DataType::Int16;
}

// Checks the scale (input #1) and zero point (input #2) shapes against the data shape
// and returns the layout. Unknown shapes pass (nothing to check yet).
inline QuantLayout quant_layout(const ir::Node& node, const ir::Shape& data, const ir::Shape& scale,
                                const TensorInfo* zero_point) {
  QuantLayout l;
  if (node.attr_int("block_size", 0) != 0) fail(node, "blocked quantization (block_size) is not supported");
  if (zero_point && zero_point->shape.is_fully_known() && scale.is_fully_known() &&
      shape_numel(zero_point->shape.sizes()) != shape_numel(scale.sizes()))
    fail(node, "zero point has shape " + zero_point->shape.to_string() + ", expected the scale's shape " + scale.to_string());
  if (!scale.has_rank() || !scale.is_fully_known()) return l;
  const int64_t count = shape_numel(scale.sizes());
  if (scale.rank() == 0 || (scale.rank() == 1 && count == 1)) return l;
  if (scale.rank() != 1)
    fail(node, "scale has shape " + scale.to_string() + ", expected a scalar or a 1-D per-axis vector");
  if (!data.has_rank()) return l;
  const int axis = normalize_axis(node, node.attr_int("axis", 1), data.rank());
  const ir::Dim& d = (*data.dims)[static_cast<size_t>(axis)];
  if (d.is_known() && d.value != count)
    fail(node, "scale has " + std::to_string(count) + " elements but axis " + std::to_string(axis) + " of the input " +
                   data.to_string() + " has " + std::to_string(d.value));
  l.per_axis = true;
  if (!data.is_fully_known()) return l;
  const std::vector<int64_t> dims = data.sizes();
  l.channels = count;
  l.outer = shape_numel(std::span<const int64_t>(dims).first(static_cast<size_t>(axis)));
  l.inner = shape_numel(std::span<const int64_t>(dims).subspan(static_cast<size_t>(axis) + 1));
  return l;
}

}  // namespace qtune::ops
