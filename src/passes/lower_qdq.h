// Lowers a QDQ graph (QuantizeLinear/DequantizeLinear around float ops, as qtune's
// quantizer and ONNX Runtime write it) to INT8 kernels:
//   DQ(x) -> Conv/FusedConv(DQ(W int8), bias, DQ(sum)) [-> Q]    -> com.qtune QConv
//   DQ(A) -> MatMul/FusedMatMul/Gemm/FusedGemm(DQ(B int8)) [-> Q] -> com.qtune QMatMul
//   DQ(a), DQ(b) -> Add/Mul [-> Q]                               -> com.qtune QBinary
//   DQ(x_i) -> Concat [-> Q]                                      -> com.qtune QConcat
//   DQ(x) -> GlobalAveragePool [-> Q]                             -> com.qtune QGlobalAveragePool
//   DQ(x) -> MaxPool/Reshape/Transpose/Resize(nearest)/... -> Q (same parameters)
//                                                                 -> the op on the INT8 data
//   DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul [-> Add]  -> com.qtune QDynamicMatMul
// so INT8 tensors flow from one quantized op to the next without a float round trip.
// Run it after constant folding that kept the weights' DequantizeLinear nodes (so weights
// stay int8) and after the float fusions (so a unit's bias, residual sum and activation
// already sit in one Fused* node). A quantized node the pass cannot lower keeps running on
// its dequantized inputs; the stats say which and why.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"

namespace qtune::passes {

struct LowerQdqStats {
  size_t convs = 0;          // QConv nodes created
  size_t mat_muls = 0;       // QMatMul nodes created
  size_t pass_through = 0;   // data-movement/pool nodes now running on INT8 data
  size_t elementwise = 0;    // QBinary, QConcat, QGlobalAveragePool nodes created
  size_t scaled_residuals = 0;  // of those, Mul + Add pairs then fused (fuse_scaled_residual.h)
  // Float compute nodes next to DequantizeLinear that stayed float: (node name, why).
  std::vector<std::pair<std::string, std::string>> declined;
};

struct LowerQdqOptions {
  // Units whose int8 weights exceed this magnitude stay float: oneDNN's INT8 kernels on a
  // CPU without VNNI saturate beyond 64 (weights quantized with reduce_range fit).
  int max_weight_magnitude = 127;
};

LowerQdqStats lower_qdq(ir::Graph& graph, const LowerQdqOptions& options = {});

// "" when every value of the int8 weights is within options.max_weight_magnitude, else why
// the unit must stay float.
std::string weight_saturation(const Tensor& int8_weights, const LowerQdqOptions& options);

// True when the graph has QuantizeLinear, DequantizeLinear or DynamicQuantizeLinear nodes.
bool has_qdq(const ir::Graph& graph);

}  // namespace qtune::passes
