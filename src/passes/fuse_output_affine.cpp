#include "passes/fuse_output_affine.h"

#include "ops/fused_activation.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

bool is_fused_compute(const ir::Node* n) {
  for (const char* op : {"FusedConv", "FusedConvTranspose", "FusedMatMul", "FusedGemm"})
    if (is_qtune_op(n, op)) return true;
  return false;
}

// A Mul or Add of y by a one-element float constant, reading y alone.
struct ScalarStep {
  ir::Node* node = nullptr;
  float value = 0;
};

std::optional<ScalarStep> scalar_step(ir::Graph& graph, const ir::Value* y, const char* op) {
  ir::Node* reader = sole_reader(graph, y);
  if (!reader || !is_onnx_op(reader, op) || reader->num_inputs() != 2) return std::nullopt;
  std::optional<float> c = scalar_constant(other_input(reader, y));
  // A [1]-shaped constant must not change y's rank (it only broadcasts when y has rank >= 1).
  if (!c || !y->shape.has_rank() || y->shape.rank() < 1) return std::nullopt;
  return ScalarStep{reader, *c};
}

bool try_fuse(ir::Graph& graph, ir::Node* compute) {
  if (!is_fused_compute(compute) || !has_activation(compute) || compute->num_outputs() != 1) return false;
  ops::FusedActivation act = ops::FusedActivation::of(*compute);
  ir::Value* y = compute->output(0);
  if (is_pinned(graph, y)) return false;
  std::vector<ir::Node*> nodes = {compute};
  ir::Node* root = nullptr;
  const ir::Value* current = y;
  float scale = act.has_affine ? act.scale : 1.0f, shift = act.has_affine ? act.shift : 0.0f;
  if (auto mul = scalar_step(graph, current, "Mul")) {
    scale *= mul->value;
    shift *= mul->value;
    nodes.push_back(root = mul->node);
    current = root->output(0);
  }
  if (auto add = scalar_step(graph, current, "Add")) {
    shift += add->value;
    nodes.push_back(root = add->node);
  }
  if (!root) return false;
  act.has_affine = true;
  act.scale = scale;
  act.shift = shift;
  std::vector<ir::Attribute> attributes;
  for (const ir::Attribute& a : compute->attributes())
    if (a.name != "activation" && a.name != "activation_params" && a.name != "activation_affine")
      attributes.push_back(a);
  for (ir::Attribute& a : act.attributes()) attributes.push_back(std::move(a));
  replace_with_node(graph, nodes, root,
                    {compute->op_type(), compute->domain(), compute->inputs(), std::move(attributes), compute->name()});
  return true;
}

}  // namespace

size_t fuse_output_affine(ir::Graph& graph) { return rewrite_until_done(graph, try_fuse); }

}  // namespace qtune::passes
