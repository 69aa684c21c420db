// Part of the INT8 lowering (passes/lower_qdq.h): dynamically quantized MatMul/Gemm
// patterns to com.qtune QDynamicMatMul. See the .cpp for the pattern.
#pragma once

#include "passes/lower_qdq.h"

namespace qtune::passes {

// Adds to stats.mat_muls per node created, and to stats.declined.
void lower_dynamic_mat_muls(ir::Graph& graph, const LowerQdqOptions& options, LowerQdqStats& stats);

}  // namespace qtune::passes
