// Folds a residual squeeze-excitation, lowered as two QBinary nodes, into one:
//   m = QBinary Mul(x, s); y = QBinary Add(x, m)  ->  y = QBinary ScaledResidual(x, s)
// (y = x + x * s: PP-OCRv4's detection neck, RSELayer). x is then read once and the
// product is never written: one pass instead of two over the largest feature maps. The
// product's own rounding to INT8 is skipped, so y may differ from the QDQ model's by one
// step where that rounding tipped it. Runs on a lowered graph (lower_qdq calls it).
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many pairs it fused.
size_t fuse_scaled_residuals(ir::Graph& graph);

}  // namespace qtune::passes
