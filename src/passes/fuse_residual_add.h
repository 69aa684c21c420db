// Folds a residual Add into the convolution that computes one of its operands:
// Add(Conv(x), s) -> com.qtune FusedConv(x, W, B, Sum = s), when the conv (or a FusedConv
// with neither activation nor Sum) has the Add as its only reader, s has exactly the
// conv output's static shape (so the Add does not broadcast), and s is computed before
// the conv. Run fuse_activations afterwards: act(conv + s) still fuses.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many Add nodes it folded away.
size_t fuse_residual_add(ir::Graph& graph);

}  // namespace qtune::passes
