// The quantizable units of a prepared graph: what the engine runs as one kernel. The
// prepared graph is optimized the way exec::Session optimizes it (activation, bias and
// residual-add fusion); every resulting node is a unit, named after the node that names
// it in the prepared graph (fusion keeps the compute node's name and every boundary
// tensor's name). QDQ nodes then go on unit boundaries only: the tensor between a
// convolution and its activation never needs a scale, and INT8 kernels can take the whole
// unit (convolution + bias + residual sum + activation) with one requantization.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace qtune::quant {

enum class UnitKind {
  Compute,      // Conv, ConvTranspose, MatMul, Gemm (with fused bias/sum/activation)
  Binary,       // Add or Mul of two activations
  Concat,       // Concat of activations
  PassThrough,  // pools, Resize, data movement: INT8 in, INT8 out with the input's scale
  Other,        // stays FP32 (no INT8 form)
};

struct Unit {
  std::string name;     // the prepared-graph node that names it
  std::string op_type;  // the base ONNX op type (Conv for a fused convolution)
  UnitKind kind = UnitKind::Other;
  std::vector<std::string> activations;  // float32 tensors it reads that could be quantized
  std::string weight;                    // Compute with a constant weight: its initializer
  int weight_axis = -1;                  // per-channel axis of that weight (-1: per tensor only)
  std::string bias;                      // constant 1-D bias input of the prepared node, if any
  std::string output;                    // its (first) output tensor
  bool exact = true;  // PassThrough: output values are input values (not averaged)
  std::string label;  // what it computes, for reports: "Conv+Add+HardSwish"
};

// Units in graph order. Only the root graph is analysed: subgraph bodies stay FP32.
std::vector<Unit> find_units(const ir::Model& prepared);

const char* unit_kind_name(UnitKind kind);

}  // namespace qtune::quant
