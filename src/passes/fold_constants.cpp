#include "passes/fold_constants.h"

#include "passes/infer_shapes.h"

namespace qtune::passes {

namespace {

bool is_dequantized_constant(const ir::Node* node) {
  if (node->op_type() != "DequantizeLinear" || !node->domain().empty()) return false;
  const ir::Value* data = node->input(0);
  return data && data->is_constant() && data->initializer().dtype() != DataType::Float32;
}

}  // namespace

FoldStats fold_constants(ir::Graph& graph, const FoldOptions& fold_options) {
  ShapeInferenceOptions options;
  options.max_fold_elements = int64_t{1} << 24;  // fold weight transforms too (64 MB of float)
  ShapeInferenceResult inferred = infer_shapes(graph, options);
  FoldStats stats;
  for (ir::Node* node : graph.nodes()) {
    bool all_known = node->num_outputs() > 0;
    for (const ir::Value* out : node->outputs())
      if (out && !inferred.values.count(out)) all_known = false;
    if (!all_known) continue;
    if (fold_options.keep_dequantized_weights && is_dequantized_constant(node)) continue;
    bool inputs_constant = true;
    for (const ir::Value* in : node->inputs())
      if (in && !inferred.values.count(in)) inputs_constant = false;
    // Shape nodes fold from a known shape alone: their input need not be constant.
    if (!inputs_constant && node->op_type() != "Shape" && node->op_type() != "Size") continue;
    std::vector<ir::Value*> outs(node->outputs().begin(), node->outputs().end());
    graph.remove_node(node);
    for (ir::Value* out : outs)
      if (out) graph.set_initializer(out, inferred.values.at(out));
    ++stats.nodes_folded;
  }
  size_t before = graph.num_nodes();
  graph.eliminate_dead_nodes();
  stats.nodes_removed = stats.nodes_folded + (before - graph.num_nodes());
  // Initializers nothing reads any more (inputs of folded nodes) are dropped.
  for (ir::Value* v : std::vector<ir::Value*>(graph.initializers()))
    if (v->uses().empty() && !v->is_graph_input() && !v->is_graph_output()) graph.remove_initializer(v);
  graph.remove_unused_values();
  return stats;
}

}  // namespace qtune::passes
