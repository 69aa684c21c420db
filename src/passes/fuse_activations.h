// Folds the activation applied to a compute node's output into it: Conv, ConvTranspose,
// MatMul, Gemm (or their com.qtune Fused* forms without an activation yet) followed by
// Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Gelu, or a decomposed
// HardSwish / Swish / erf-GELU (passes/activation_patterns.h) become the com.qtune Fused*
// node carrying that activation. The compute output and the pattern's intermediate
// values must have no other reader and must not be graph outputs.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many activations it fused.
size_t fuse_activations(ir::Graph& graph);

}  // namespace qtune::passes
