// The FP32 graph the quantizer annotates: the model moved to opset 13 (per-channel
// DequantizeLinear needs it), constants folded, and BatchNorm, constant Mul and bias Add
// folded into the convolutions that feed them, so a quantized convolution's weights are
// the ones it really multiplies by. Only standard ONNX ops: the QDQ model written from it
// runs in any runtime. Every node gets a name (the plan, the statistics and the reports
// refer to nodes and tensors by name).
//
// Deterministic: preparing the same model twice gives the same graph and names, so
// calibration statistics collected on one prepared graph apply to the next.
#pragma once

#include <string>

#include "ir/graph.h"

namespace qtune::quant {

inline constexpr int64_t kQdqOpset = 13;

// `source` names the model in errors. Throws qtune::Error for a model that cannot be
// moved to opset 13 (see passes::upgrade_opset).
ir::Model prepare_for_quantization(const ir::Model& model, const std::string& source);

}  // namespace qtune::quant
