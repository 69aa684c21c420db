// Folds an inference BatchNormalization into the Conv, ConvTranspose (group-aware) or
// Gemm (transB-aware) that feeds it, when the BN's scale/B/mean/var are constants and the
// compute node's output has no other reader: the weights and bias (created if absent) are
// rescaled and the BN disappears. A BatchNormalization with nothing to fold into is left
// alone (its own kernel runs it).
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many BatchNormalization nodes it folded away.
size_t fold_batch_norm(ir::Graph& graph);

}  // namespace qtune::passes
