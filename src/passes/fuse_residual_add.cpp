#include "passes/fuse_residual_add.h"

#include <algorithm>

#include "ops/fused_op_util.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

constexpr int kSumInput = 3;

bool is_plain_conv(const ir::Node* n) {
  if (is_onnx_op(n, "Conv")) return true;
  return is_qtune_op(n, "FusedConv") && !has_activation(n) && !n->input(kSumInput);
}

// s is available when `conv` runs: an input, an initializer or the output of an earlier node.
bool computed_before(const ir::Graph& graph, const ir::Value* s, const ir::Node* conv) {
  if (!s->producer()) return true;
  const std::vector<ir::Node*> order = graph.nodes();
  auto s_at = std::find(order.begin(), order.end(), s->producer());
  auto conv_at = std::find(order.begin(), order.end(), conv);
  return s_at < conv_at;
}

bool try_fuse(ir::Graph& graph, ir::Node* add) {
  if (!is_onnx_op(add, "Add") || add->num_inputs() != 2 || add->num_outputs() != 1) return false;
  for (int side = 0; side < 2; ++side) {
    ir::Value* y = add->input(side);
    ir::Value* s = add->input(1 - side);
    ir::Node* conv = y && s ? y->producer() : nullptr;
    if (!conv || !is_plain_conv(conv) || s == y || sole_reader(graph, y) != add) continue;
    if (!is_float32(y) || !is_float32(s) || !y->shape.is_fully_known() || !s->shape.is_fully_known()) continue;
    if (y->shape.sizes() != s->shape.sizes() || !computed_before(graph, s, conv)) continue;
    std::vector<ir::Value*> inputs = conv->inputs();
    inputs.resize(kSumInput, nullptr);
    inputs.push_back(s);
    ir::Node* nodes[] = {conv, add};
    replace_with_node(graph, nodes, add,
                      {"FusedConv", std::string(ops::kQtuneDomain), inputs, conv->attributes(), conv->name()});
    import_qtune_domain(graph);
    return true;
  }
  return false;
}

}  // namespace

size_t fuse_residual_add(ir::Graph& graph) { return rewrite_until_done(graph, try_fuse); }

}  // namespace qtune::passes
