// Structural validation of an IR model. Op semantics (attribute values, shapes) are the
// ops' business; here we check what every later stage relies on.
#include <onnx/defs/schema.h>

#include <unordered_set>

#include "ir/model_io.h"

namespace qtune::ir {
namespace {

std::string imported_domains(const Model& m) {
  std::string s;
  for (const auto& op : m.opset_imports()) s += (s.empty() ? "'" : ", '") + op.domain + "'";
  return s.empty() ? "none" : s;
}

// Uses ONNX's own operator schemas for arity; ops ONNX does not know are left to the engine.
void check_arity(const Model& m, const Node& n) {
  int64_t version = m.opset_version(n.domain());
  const auto* schema = onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(version), n.domain());
  if (!schema) return;
  const auto& formals = schema->inputs();
  for (size_t i = 0; i < formals.size(); ++i) {
    if (formals[i].GetOption() != onnx::OpSchema::Single) continue;
    if (static_cast<int>(i) >= n.num_inputs() || n.input(static_cast<int>(i)) == nullptr)
      throw Error(n.describe() + ": required input #" + std::to_string(i) + " (" + formals[i].GetName() +
                  ") is missing");
  }
  if (n.num_inputs() < schema->min_input())
    throw Error(n.describe() + ": has " + std::to_string(n.num_inputs()) + " inputs, " + n.op_type() +
                " needs at least " + std::to_string(schema->min_input()));
  if (n.num_inputs() > schema->max_input())
    throw Error(n.describe() + ": has " + std::to_string(n.num_inputs()) + " inputs, " + n.op_type() + "-" +
                std::to_string(schema->SinceVersion()) + " takes at most " + std::to_string(schema->max_input()));
  if (n.num_outputs() > schema->max_output())
    throw Error(n.describe() + ": has " + std::to_string(n.num_outputs()) + " outputs, " + n.op_type() +
                " produces at most " + std::to_string(schema->max_output()));
}

void validate_graph(const Model& m, const Graph& g, const std::unordered_set<std::string>& domains) {
  for (const Node* n : g.nodes()) {
    if (!domains.count(n->domain()))
      throw Error(n->describe() + " uses domain '" + n->domain() + "', which the model does not import (imports: " +
                  imported_domains(m) + ")");
    for (int i = 0; i < n->num_inputs(); ++i) {
      const Value* v = n->input(i);
      if (v && !v->producer() && !v->is_graph_input() && !v->has_initializer() && !v->is_outer_scope())
        throw Error(n->describe() + " input #" + std::to_string(i) + " '" + v->name() +
                    "' is not produced by any node and is not a graph input or initializer");
    }
    check_arity(m, *n);
    for (Graph* sub : n->subgraphs()) validate_graph(m, *sub, domains);
  }
  for (const Value* v : g.outputs())
    if (!v->producer() && !v->is_graph_input() && !v->has_initializer() && !v->is_outer_scope())
      throw Error("graph output '" + v->name() + "' is not produced by any node");
  g.topological_order();  // throws on a cycle
}

}  // namespace

void validate_model(const Model& model) {
  std::unordered_set<std::string> domains;
  for (const auto& op : model.opset_imports()) domains.insert(op.domain);
  if (!domains.count("") && model.graph->num_nodes() > 0) {
    bool uses_default = false;
    for (const Node* n : model.graph->nodes()) uses_default |= n->domain().empty();
    if (uses_default) throw Error("the model does not import the default ONNX opset (opset_import is empty)");
  }
  validate_graph(model, *model.graph, domains);
}

}  // namespace qtune::ir
