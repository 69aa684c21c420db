// Replaces a decomposed HardSwish on any value x by one ONNX HardSwish node:
// x * HardSigmoid(x) with alpha 1/6 and beta 0.5, and x * Clip(x + 3, 0, 6) / 6 (or
// * 1/6). Fewer nodes even when x does not come from a compute op that could absorb it
// (fuse_activations runs first and takes those). x * Sigmoid(x) (Swish) has no ONNX op
// and stays as it is.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many HardSwish nodes it formed.
size_t fuse_hard_swish(ir::Graph& graph);

}  // namespace qtune::passes
