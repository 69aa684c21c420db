#include "passes/fuse_scaled_residual.h"

#include "ops/fused_op_util.h"
#include "ops/q_linear.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

bool is_q_binary(const ir::Node* n, const char* operation) {
  return n && is_qtune_op(n, "QBinary") && n->attr_string("operation", "") == operation;
}

// The quantization attributes of input `index` (0 = a, 1 = b) of a QBinary.
ops::ActivationQuant operand_params(const ir::Node& n, int index) {
  return ops::read_activation_quant(n, index == 0 ? "a" : "b");
}

// Fuses `add` with the Mul computing one of its operands; false when they do not match.
bool fuse(ir::Graph& g, ir::Node* add) {
  for (int k = 0; k < 2; ++k) {
    ir::Value* product = add->input(k);
    ir::Value* x = add->input(1 - k);
    ir::Node* mul = product ? product->producer() : nullptr;
    if (!is_q_binary(mul, "Mul") || !x || sole_reader(g, product) != add) continue;
    const int j = mul->input(0) == x ? 0 : (mul->input(1) == x ? 1 : -1);
    if (j < 0 || mul->input(0) == mul->input(1)) continue;
    // x must be read with the same parameters by both (it is one tensor: always so when
    // the lowering made both from one DequantizeLinear's parameters).
    if (!(operand_params(*add, 1 - k) == operand_params(*mul, j))) continue;
    std::vector<ir::Attribute> attrs = {ir::Attribute::make_string("operation", "ScaledResidual")};
    for (ir::Attribute& a : ops::activation_quant_attributes("a", operand_params(*mul, j))) attrs.push_back(std::move(a));
    for (ir::Attribute& a : ops::activation_quant_attributes("b", operand_params(*mul, 1 - j)))
      attrs.push_back(std::move(a));
    for (ir::Attribute& a : ops::activation_quant_attributes("y", ops::read_activation_quant(*add, "y")))
      attrs.push_back(std::move(a));
    ir::Node* nodes[] = {mul, add};
    replace_with_node(g, nodes, add,
                      {"QBinary", std::string(ops::kQtuneDomain), {x, mul->input(1 - j)}, std::move(attrs), add->name()});
    return true;
  }
  return false;
}

}  // namespace

size_t fuse_scaled_residuals(ir::Graph& graph) {
  size_t fused = 0;
  // A Mul precedes its Add in this order and is only removed with it, so every node
  // visited is still in the graph.
  for (ir::Node* n : graph.topological_order())
    if (is_q_binary(n, "Add") && fuse(graph, n)) ++fused;
  return fused;
}

}  // namespace qtune::passes
