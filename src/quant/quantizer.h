// quantize(prepared graph, calibration statistics, plan) -> QDQ graph.
//
// Placement (QDQ format, as ONNX Runtime writes and reads it):
// - every float32 tensor an INT8 unit reads gets one QuantizeLinear -> DequantizeLinear
//   pair, and every reader of the tensor (INT8 or not) reads the DequantizeLinear output,
//   so a simulation of the QDQ graph is what the INT8 kernels compute;
// - INT8 Conv/ConvTranspose/Gemm/MatMul read their constant weights as int8 initializers
//   through a DequantizeLinear (per channel along the output-channel axis, or per tensor),
//   and their 1-D bias as int32 with scale s_input * s_weight (or FP32, per the plan);
// - pass-through units (pools, Resize, Reshape, Transpose, ...) next to quantized tensors
//   carry INT8 through with their input's scale and zero point: an INT8 tensor never
//   takes an FP32 round trip for data movement.
// Statistics come from quant::calibrate on the same prepared graph (tensors by name).
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/calibration.h"
#include "quant/plan.h"
#include "quant/quant_params.h"
#include "quant/units.h"

namespace qtune::quant {

// Where one unit ended up and why.
struct UnitDecision {
  std::string name;
  std::string label;  // "Conv+HardSwish"
  UnitKind kind = UnitKind::Other;
  Precision precision = Precision::FP32;
  std::string reason;  // why it stays FP32 ("" for INT8 units)
  std::string note;    // INT8 with a caveat ("bias kept FP32: ...")
};

struct QuantizeResult {
  ir::Model model;                     // the QDQ graph (opset >= 13, standard ONNX only)
  std::vector<UnitDecision> decisions;  // every unit, graph order
  size_t quantized_tensors = 0;        // activation Q/DQ pairs
  size_t quantized_weights = 0;
  int int8_units() const;
};

// The last steps of every quantizer: node order, unused initializers dropped, shapes
// inferred, and the model validated.
void finish_quantized_model(ir::Model& model);

class Quantizer {
 public:
  // `prepared` comes from prepare_for_quantization(); `source` names it in errors.
  Quantizer(const ir::Model& prepared, std::string source);
  Quantizer(const Quantizer&) = delete;
  Quantizer& operator=(const Quantizer&) = delete;

  const ir::Model& prepared() const { return prepared_; }
  const std::vector<Unit>& units() const { return units_; }

  // The precision every unit would get (with reasons), without building the graph.
  std::vector<UnitDecision> decide(const QuantPlan& plan) const;
  // Throws qtune::Error when the statistics lack a tensor the plan quantizes (naming it
  // and the unit reading it) or were collected on a model with other inputs. A dynamic
  // plan reads no statistics (an empty CalibrationStats will do).
  QuantizeResult quantize(const CalibrationStats& stats, const QuantPlan& plan) const;

 private:
  ir::Model prepared_;
  std::string source_;
  std::vector<Unit> units_;
};

}  // namespace qtune::quant
