// Replaces a decomposed layer normalization over the last axis,
//   m = ReduceMean(x); d = x - m; v = ReduceMean(d ^ 2)   (or d * d)
//   y = d / Sqrt(v + eps) * gamma + beta                   (beta optional)
// with one LayerNormalization(x, gamma, beta; axis = -1, epsilon = eps) node. The
// LayerNormalization op is ONNX opset 17's; qtune's kernel runs it whatever opset the model
// imports, so the rewritten graph is for qtune's engine (like its com.qtune fused ops).
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many LayerNormalization nodes it formed.
size_t fuse_layer_norm(ir::Graph& graph);

}  // namespace qtune::passes
