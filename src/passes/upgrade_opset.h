// Raises a model's default-domain opset (QuantizeLinear/DequantizeLinear need opset 10,
// per-channel DequantizeLinear 13; PP-OCR rec and cls import opset 9). Nodes whose operator
// changed its signature in between are rewritten to the new form with the same meaning:
// Slice/Pad/TopK/Clip/Squeeze/Unsqueeze/ReduceSum/Split attributes become inputs,
// Softmax-family legacy flattening becomes Flatten -> Softmax -> Reshape unless the axis is
// the last one, Upsample and opset-10 Resize become Resize with the coordinate mode that
// keeps their meaning, Dropout loses its attributes. Operators whose newer versions only
// add types are left alone; any other operator with a newer version is refused with one
// error listing them, rather than converted into something that might compute differently.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many nodes were rewritten. No-op when the graph already imports >= target.
// Throws qtune::Error listing the operators it cannot carry over. target in [10, 17].
size_t upgrade_opset(ir::Graph& graph, int64_t target);

}  // namespace qtune::passes
