// Propagates types, shapes and known values through a graph using each op's own rule
// (ops/op.h). A node whose inputs are all known values is evaluated with its reference
// kernel, so Shape -> Gather -> Concat -> Reshape chains become concrete shapes.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::passes {

struct ShapeInferenceOptions {
  // Nodes whose output would exceed this many elements are not evaluated (their shape
  // is still inferred): keeps summaries fast; constant folding raises it.
  int64_t max_fold_elements = 1 << 16;
  // Lenient: a node whose op rejects its inputs is recorded (its outputs stay unknown)
  // instead of throwing. For reports like `summarize`, never for execution.
  bool lenient = false;
};

struct ShapeInferenceResult {
  std::unordered_map<const ir::Value*, Tensor> values;  // every value with known contents
  std::vector<const ir::Node*> unsupported_nodes;        // ops qtune does not implement
  std::vector<std::string> rejected_nodes;               // lenient mode: "<node>: <reason>"
};

// Updates dtype/shape of every value of the graph (inputs as they are set now).
// Throws qtune::Error when an op rejects its inputs (naming the node).
ShapeInferenceResult infer_shapes(ir::Graph& graph, const ShapeInferenceOptions& options = {});

}  // namespace qtune::passes
