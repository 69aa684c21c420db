// Constant folding: every node whose inputs are all constants is evaluated once with its
// reference kernel and replaced by an initializer. PP-OCR models carry hundreds of
// Constant/Shape/Cast chains; after this they cost nothing at run time.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

struct FoldStats {
  size_t nodes_folded = 0;
  size_t nodes_removed = 0;  // folded plus dead ones
};

struct FoldOptions {
  // Leaves DequantizeLinear of integer constants (quantized weights and biases) in place,
  // so the QDQ lowering finds them as int8; everything else still folds.
  bool keep_dequantized_weights = false;
};

// Folds what it can for the graph's current input shapes (symbolic dims stay symbolic,
// so Shape nodes fold only where the shape is fixed). Removes nodes left dead.
FoldStats fold_constants(ir::Graph& graph, const FoldOptions& options = {});

}  // namespace qtune::passes
