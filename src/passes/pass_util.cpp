#include "passes/pass_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/fused_op_util.h"

namespace qtune::passes {

bool is_onnx_op(const ir::Node* node, std::string_view op_type) {
  return node && node->domain().empty() && node->op_type() == op_type;
}

bool is_qtune_op(const ir::Node* node, std::string_view op_type) {
  return node && node->domain() == ops::kQtuneDomain && node->op_type() == op_type;
}

ir::Node* onnx_producer(const ir::Value* v, std::string_view op_type) {
  return v && is_onnx_op(v->producer(), op_type) ? v->producer() : nullptr;
}

bool is_float32(const ir::Value* v) { return v && v->dtype == DataType::Float32; }

const Tensor* constant_of(const ir::Value* v) { return v && v->is_constant() ? &v->initializer() : nullptr; }

std::optional<float> scalar_constant(const ir::Value* v) {
  const Tensor* t = constant_of(v);
  if (!t || t->dtype() != DataType::Float32 || t->numel() != 1) return std::nullopt;
  return t->data<float>()[0];
}

bool is_scalar(const ir::Value* v, float expected, float rel_tol) {
  std::optional<float> s = scalar_constant(v);
  if (!s) return false;
  return *s == expected || std::fabs(*s - expected) <= rel_tol * std::fabs(expected);
}

bool is_pinned(const ir::Graph& graph, const ir::Value* v) {
  if (v->is_graph_output()) return true;
  for (const ir::Node* n : graph.nodes()) {
    if (n->subgraphs().empty()) continue;
    for (const std::string& name : ir::names_captured_by_subgraphs(*n))
      if (name == v->name()) return true;
  }
  return false;
}

bool used_only_by(const ir::Graph& graph, const ir::Value* v, std::span<ir::Node* const> nodes) {
  for (const ir::Use& u : v->uses())
    if (std::find(nodes.begin(), nodes.end(), u.node) == nodes.end()) return false;
  return !is_pinned(graph, v);
}

ir::Node* sole_reader(const ir::Graph& graph, const ir::Value* v) {
  if (v->uses().size() != 1 || is_pinned(graph, v)) return nullptr;
  return v->uses()[0].node;
}

std::vector<ir::Node*> onnx_readers(const ir::Graph& graph, const ir::Value* v, std::string_view op_type) {
  std::vector<ir::Node*> out;
  for (ir::Node* n : graph.consumers(v))
    if (is_onnx_op(n, op_type)) out.push_back(n);
  return out;
}

ir::Value* other_input(const ir::Node* node, const ir::Value* one) {
  if (node->num_inputs() != 2) return nullptr;
  if (node->input(0) == one) return node->input(1);
  if (node->input(1) == one) return node->input(0);
  return nullptr;
}

bool has_activation(const ir::Node* node) { return !node->attr_string("activation", "").empty(); }

std::optional<std::pair<float, float>> clip_bounds(const ir::Node* clip) {
  float bounds[2] = {std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max()};
  const char* names[2] = {"min", "max"};
  for (int i = 0; i < 2; ++i) {
    // Like the Clip kernel: an input wins over a (pre-opset-11) attribute.
    if (const ir::Value* in = clip->input(i + 1)) {
      std::optional<float> s = scalar_constant(in);
      if (!s) return std::nullopt;
      bounds[i] = *s;
    } else if (clip->has_attr(names[i])) {
      bounds[i] = clip->attr_float(names[i], bounds[i]);
    }
  }
  return std::make_pair(bounds[0], bounds[1]);
}

ir::Node* replace_with_node(ir::Graph& graph, std::span<ir::Node* const> nodes, ir::Node* root, NewNode spec) {
  std::vector<ir::Value*> outputs = root->outputs();
  for (int i = 0; i < root->num_outputs(); ++i) graph.set_node_output(root, i, nullptr);
  ir::Node* node = graph.insert_node_before(root, spec.op_type, spec.inputs, outputs, spec.name, spec.domain);
  for (ir::Attribute& a : spec.attributes) node->set_attr(std::move(a));
  for (ir::Node* n : nodes) graph.remove_node(n);
  return node;
}

bool bypass_node(ir::Graph& graph, ir::Node* node, ir::Value* x) {
  ir::Value* y = node->output(0);
  if (!is_pinned(graph, y)) {
    graph.replace_all_uses(y, x, false);
    graph.remove_node(node);
    return true;
  }
  // y must keep its name: let x's producer compute y directly.
  ir::Node* producer = x->producer();
  if (!producer || x->uses().size() != 1 || is_pinned(graph, x)) return false;
  const int index = x->producer_output_index();
  graph.remove_node(node);
  graph.set_node_output(producer, index, y);
  return true;
}

void set_constant_input(ir::Graph& graph, ir::Node* node, int index, Tensor t, const std::string& base_name) {
  ir::Value* old = node->input(index);
  if (old && old->is_constant() && old->uses().size() == 1 && !old->is_graph_output()) {
    graph.set_initializer(old, std::move(t));
    return;
  }
  ir::Value* v = graph.add_initializer(graph.unique_name(base_name), std::move(t));
  while (node->num_inputs() < index) graph.set_node_input(node, node->num_inputs(), nullptr);
  graph.set_node_input(node, index, v);
}

void import_qtune_domain(ir::Graph& graph) {
  ir::Graph* root = &graph;  // opset imports live on the root graph
  while (root->parent()) root = root->parent();
  for (const ir::OpsetImport& op : root->opset_imports)
    if (op.domain == ops::kQtuneDomain) return;
  root->opset_imports.push_back({std::string(ops::kQtuneDomain), 1});
}

void drop_unused(ir::Graph& graph) {
  for (ir::Value* v : std::vector<ir::Value*>(graph.initializers()))
    if (v->uses().empty() && !v->is_graph_input() && !v->is_graph_output() && !is_pinned(graph, v))
      graph.remove_initializer(v);
  graph.remove_unused_values();
}

size_t rewrite_until_done(ir::Graph& graph, bool (*try_rewrite)(ir::Graph&, ir::Node*)) {
  size_t rewrites = 0;
  for (bool again = true; again;) {
    again = false;
    for (ir::Node* node : graph.nodes()) {
      if (!try_rewrite(graph, node)) continue;
      ++rewrites;
      again = true;
      break;
    }
  }
  if (rewrites) drop_unused(graph);
  return rewrites;
}

}  // namespace qtune::passes
