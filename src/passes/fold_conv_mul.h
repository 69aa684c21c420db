// Folds a Mul by a constant per-channel (or one-element) tensor that follows a Conv or
// ConvTranspose into its weights and bias: Conv(x, W, B) * s == Conv(x, W * s, B * s).
// PP-OCRv4's learnable affine blocks (Conv -> Mul -> Add with scalar constants) become a
// plain Conv with this pass and fuse_bias_add.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many Mul nodes it folded away.
size_t fold_conv_mul(ir::Graph& graph);

}  // namespace qtune::passes
