// Folds the Add of a constant bias into the op that computes its other operand:
//   MatMul (or a FusedMatMul with neither Bias nor activation) + a constant varying only
//   along the last axis ([N], [1, .., 1, N] or one element) -> com.qtune FusedMatMul with
//   a 1-D Bias;
//   Conv / ConvTranspose + a constant per-channel tensor ([C,1,1], [1,C,1,1] or one
//   element) -> the same conv with the constant added to B (created if absent).
// The compute node's output must have no other reader and must not be a graph output.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many Add nodes it folded away.
size_t fuse_bias_add(ir::Graph& graph);
// The convolution part only: a standard ONNX graph stays standard (no com.qtune
// FusedMatMul), as the quantizer's prepared graph must.
size_t fuse_conv_bias_add(ir::Graph& graph);

}  // namespace qtune::passes
