#include "passes/fuse_activations.h"

#include "ops/fused_op_util.h"
#include "passes/activation_patterns.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

// The com.qtune op a compute node becomes with an activation; empty when it cannot take one.
std::string fused_op_for(const ir::Node* n) {
  for (const char* op : {"Conv", "ConvTranspose", "MatMul", "Gemm"}) {
    if (is_onnx_op(n, op)) return std::string("Fused") + op;
    if (is_qtune_op(n, std::string("Fused") + op) && !has_activation(n)) return n->op_type();
  }
  return "";
}

bool try_fuse(ir::Graph& graph, ir::Node* compute) {
  const std::string fused_op = fused_op_for(compute);
  if (fused_op.empty() || compute->num_outputs() != 1) return false;
  const ir::Value* y = compute->output(0);
  // Activations are computed in float; an integer MatMul/Gemm keeps its own op.
  if (!y || !is_float32(y) || is_pinned(graph, y)) return false;
  std::optional<ActivationMatch> match = match_activation(graph, y, /*exclusive=*/true);
  if (!match) return false;
  std::vector<ir::Attribute> attributes = compute->attributes();
  for (ir::Attribute& a : match->activation.attributes()) attributes.push_back(std::move(a));
  std::vector<ir::Node*> nodes = match->nodes;
  nodes.push_back(compute);
  replace_with_node(
      graph, nodes, match->root,
      {fused_op, std::string(ops::kQtuneDomain), compute->inputs(), std::move(attributes), compute->name()});
  import_qtune_domain(graph);
  return true;
}

}  // namespace

size_t fuse_activations(ir::Graph& graph) { return rewrite_until_done(graph, try_fuse); }

}  // namespace qtune::passes
