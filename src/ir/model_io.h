// Loading and saving ONNX models. Loading validates the graph (every input defined,
// one producer per value, no cycle, known domains, required inputs present) so later
// stages can trust it; every problem is a qtune::Error "<file>: <what, where>".
#pragma once

#include <string>
#include <string_view>

#include <onnx/onnx_pb.h>

#include "ir/graph.h"

namespace qtune::ir {

Model load_model(const std::string& path);
// `source` names the model in errors; `base_dir` resolves external data files.
Model load_model_from_bytes(std::string_view bytes, const std::string& source, const std::string& base_dir);
Model model_from_onnx(const onnx::ModelProto& proto, const std::string& base_dir);

onnx::ModelProto model_to_onnx(const Model& model);
// Deterministic serialization (same model -> same bytes).
std::string serialize_model(const Model& model);
// Atomic: a failed save leaves no file under `path`.
void save_model(const Model& model, const std::string& path);

// Deep copy of a model (through its ONNX form, so every field survives).
Model clone_model(const Model& model);

// Checks structural rules on an IR graph (also run by the loader): every node input is
// defined, no value has two producers, graph outputs are produced, no cycles, node
// domains are imported, required inputs are present. Throws qtune::Error.
void validate_model(const Model& model);

}  // namespace qtune::ir
