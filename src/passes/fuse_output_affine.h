// A scalar scale and shift after a fused activation (PP-LCNet's learnable affine blocks:
// y = w0 * HardSwish(conv(x)) + w1) joins the activation as activation_affine, so it runs
// inside the convolution's epilogue instead of as two passes over the tensor.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

size_t fuse_output_affine(ir::Graph& graph);

}  // namespace qtune::passes
