// What `qtune summarize` reports about a model: inputs/outputs, likely inputs/outputs,
// op histogram, parameters by dtype, and MACs for concrete input shapes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/graph.h"
#include "ir/shape_inference.h"

namespace qtune::ir {
// Summaries sit above passes (they run shape inference); they keep the ir namespace
// because they describe IR objects.

struct ValueSummary {
  std::string name;
  DataType dtype = DataType::Undefined;
  Shape shape;
};

struct OpTypeSummary {
  std::string op_type;  // "domain.Op" outside the default domain
  int64_t count = 0;
  int64_t macs = 0;     // multiply-accumulates of this type's nodes (when shapes are known)
};

struct ModelSummary {
  std::string path;
  int64_t ir_version = 0;
  std::vector<OpsetImport> opsets;
  std::string producer_name, producer_version;
  std::vector<ValueSummary> inputs;          // graph inputs that are not initializers
  std::vector<ValueSummary> outputs;         // declared graph outputs
  std::vector<std::string> likely_inputs;    // graph inputs that are not initializers
  std::vector<std::string> likely_outputs;   // values some node produces and nobody consumes
  std::vector<OpTypeSummary> op_types;       // sorted by count, then name
  int64_t num_nodes = 0;                     // main graph, not counting subgraph bodies
  int64_t num_subgraph_nodes = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> params_by_dtype;  // dtype -> (elements, bytes)
  int64_t param_count = 0, param_bytes = 0;
  InputShapes macs_input_shapes;             // shapes MACs were counted for (empty: none)
  std::optional<int64_t> total_macs;         // nullopt when input shapes are not concrete
  std::vector<std::string> macs_unknown_nodes;  // compute nodes whose shapes stayed unknown
  std::vector<std::string> shape_problems;      // nodes whose op rejected their inputs
  std::set<std::string> unsupported_ops;        // op types qtune cannot run (shapes past them may be unknown)
};

// Summarizes `model` (shape inference runs on it when shapes are given or static).
ModelSummary summarize_model(Model& model, const std::string& path, const InputShapes& shapes);
std::string format_summary_text(const ModelSummary& s);
nlohmann::json summary_to_json(const ModelSummary& s);

// MACs of one node from its inferred shapes; nullopt when a needed shape is unknown,
// 0 for ops without multiply-accumulates.
std::optional<int64_t> node_macs(const Node& node);

}  // namespace qtune::ir
