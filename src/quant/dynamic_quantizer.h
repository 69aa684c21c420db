// Dynamic quantization (the BERT path): MatMul/Gemm with constant weights get int8
// weights offline and quantize their activation at run time from its own range, in the
// standard ONNX form ONNX Runtime's dynamic quantizer writes:
//   x -> DynamicQuantizeLinear -> (xq, xs, xzp)   (one per activation, shared by readers)
//   y = Cast<float>(MatMulInteger(xq, Wq, xzp[, Wzp])) * (xs * Ws) [+ beta * C]
// No calibration: every other unit stays FP32.
#pragma once

#include <vector>

#include "ir/graph.h"
#include "quant/plan.h"
#include "quant/quantizer.h"
#include "quant/units.h"

namespace qtune::quant {

// `decisions` and `weights` are the resolved precision and weight configuration per unit
// (same order as `units`); units decided INT8 that dynamic quantization cannot take are
// returned FP32 with the reason.
QuantizeResult quantize_dynamic(const ir::Model& prepared, const std::vector<Unit>& units,
                                std::vector<UnitDecision> decisions, const std::vector<WeightConfig>& weights,
                                const QuantPlan& plan);

}  // namespace qtune::quant
