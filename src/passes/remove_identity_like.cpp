#include "passes/remove_identity_like.h"

#include <numeric>

#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

// A node's output that one reader uses and that may disappear.
bool single_use_intermediate(const ir::Graph& graph, const ir::Value* v) {
  return v->producer() && v->uses().size() == 1 && !is_pinned(graph, v);
}

bool dropout_is_identity(const ir::Graph& graph, const ir::Node* n) {
  const ir::Value* mask = n->output(1);
  if (mask && (!mask->uses().empty() || is_pinned(graph, mask))) return false;
  const ir::Value* training = n->input(2);
  if (!training) return true;
  const Tensor* t = constant_of(training);
  if (!t || t->dtype() != DataType::Bool || t->numel() != 1) return false;
  if (!t->data<bool>()[0]) return true;
  return n->input(1) && is_scalar(n->input(1), 0.0f);  // training with ratio 0 keeps x
}

bool cast_is_identity(const ir::Node* n) {
  const ir::Value* x = n->input(0);
  return x->dtype != DataType::Undefined && n->has_attr("to") && n->attr_int("to", 0) == static_cast<int64_t>(x->dtype);
}

bool reshape_is_identity(const ir::Node* n) {
  const ir::Value* x = n->input(0);
  const ir::Value* y = n->output(0);
  return x->shape.is_fully_known() && y->shape.is_fully_known() && x->shape.sizes() == y->shape.sizes();
}

// The perm of a Transpose (the default reverses the axes); empty when unknown.
std::vector<int64_t> perm_of(const ir::Node* n, int rank) {
  if (n->has_attr("perm")) return n->attr_ints("perm", {});
  if (rank < 0) return {};
  std::vector<int64_t> perm(static_cast<size_t>(rank));
  std::iota(perm.rbegin(), perm.rend(), 0);
  return perm;
}

bool is_identity_perm(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// x * 1, 1 * x, x / 1, x + 0, 0 + x, x - 0: the constant has one element and a rank no
// larger than x's, so the output has x's shape and type.
ir::Value* neutral_operand_input(const ir::Node* n) {
  if (n->num_inputs() != 2 || n->num_outputs() != 1) return nullptr;
  const bool mul = is_onnx_op(n, "Mul"), div = is_onnx_op(n, "Div"), add = is_onnx_op(n, "Add"),
             sub = is_onnx_op(n, "Sub");
  if (!mul && !div && !add && !sub) return nullptr;
  const float neutral = mul || div ? 1.0f : 0.0f;
  const bool commutes = mul || add;
  for (int c = 1; c >= (commutes ? 0 : 1); --c) {
    ir::Value* x = n->input(1 - c);
    const ir::Value* k = n->input(c);
    if (!is_float32(x) || !x->shape.has_rank() || !is_scalar(k, neutral)) continue;
    if (k->initializer().rank() <= x->shape.rank()) return x;
  }
  return nullptr;
}

bool merge_transposes(ir::Graph& graph, ir::Node* outer) {
  ir::Node* inner = onnx_producer(outer->input(0), "Transpose");
  if (!inner || !single_use_intermediate(graph, outer->input(0))) return false;
  ir::Value* x = inner->input(0);
  const int rank = x->shape.rank();
  std::vector<int64_t> p1 = perm_of(inner, rank), p2 = perm_of(outer, static_cast<int>(p1.size()));
  if (p1.empty() || p1.size() != p2.size()) return false;
  // outer(inner(x)) axis i is inner axis p2[i], which is x axis p1[p2[i]].
  std::vector<int64_t> composed;
  for (int64_t a : p2) {
    if (a < 0 || a >= static_cast<int64_t>(p1.size())) return false;
    composed.push_back(p1[static_cast<size_t>(a)]);
  }
  if (is_identity_perm(composed)) {
    if (!bypass_node(graph, outer, x)) return false;
    graph.remove_node(inner);
    return true;
  }
  outer->set_attr(ir::Attribute::make_ints("perm", composed));
  graph.set_node_input(outer, 0, x);
  graph.remove_node(inner);
  return true;
}

bool merge_reshapes(ir::Graph& graph, ir::Node* outer) {
  ir::Node* inner = onnx_producer(outer->input(0), "Reshape");
  if (!inner || !single_use_intermediate(graph, outer->input(0))) return false;
  // A 0 in the outer shape copies a dim of its input, which is about to change.
  const Tensor* shape = constant_of(outer->input(1));
  if (!shape || shape->dtype() != DataType::Int64) return false;
  if (outer->attr_int("allowzero", 0) == 0)
    for (int64_t d : shape->values<int64_t>())
      if (d == 0) return false;
  graph.set_node_input(outer, 0, inner->input(0));
  graph.remove_node(inner);
  return true;
}

bool try_remove(ir::Graph& graph, ir::Node* n) {
  if (n->num_inputs() < 1 || !n->input(0) || !n->output(0)) return false;
  ir::Value* x = n->input(0);
  if (is_onnx_op(n, "Identity") || (is_onnx_op(n, "Dropout") && dropout_is_identity(graph, n)) ||
      (is_onnx_op(n, "Cast") && cast_is_identity(n)) || (is_onnx_op(n, "Reshape") && reshape_is_identity(n)))
    return bypass_node(graph, n, x);
  if (is_onnx_op(n, "Transpose")) {
    std::vector<int64_t> perm = perm_of(n, x->shape.rank());
    if (!perm.empty() && is_identity_perm(perm)) return bypass_node(graph, n, x);
    return merge_transposes(graph, n);
  }
  if (is_onnx_op(n, "Reshape")) return merge_reshapes(graph, n);
  if (ir::Value* passed = neutral_operand_input(n)) return bypass_node(graph, n, passed);
  return false;
}

}  // namespace

size_t remove_identity_like(ir::Graph& graph) { return rewrite_until_done(graph, try_remove); }

}  // namespace qtune::passes
