#include "passes/fuse_layer_norm.h"

#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

// True for a ReduceMean of `x` over its last axis only, keeping dims.
bool is_last_axis_mean(const ir::Node* n, const ir::Value* x) {
  if (!is_onnx_op(n, "ReduceMean") || n->input(0) != x || n->num_outputs() != 1) return false;
  if (n->attr_int("keepdims", 1) == 0) return false;
  std::vector<int64_t> axes = n->attr_ints("axes", {});
  if (n->input(1)) {
    const Tensor* t = constant_of(n->input(1));
    if (!t || t->dtype() != DataType::Int64) return false;
    axes.assign(t->values<int64_t>().begin(), t->values<int64_t>().end());
  }
  if (axes.size() != 1) return false;
  return axes[0] == -1 || (x->shape.has_rank() && axes[0] == x->shape.rank() - 1);
}

// The single reader of v (in the default domain, of this op type) when v may vanish.
ir::Node* only_reader(const ir::Graph& graph, const ir::Value* v, std::string_view op_type) {
  ir::Node* n = sole_reader(graph, v);
  return is_onnx_op(n, op_type) && n->num_outputs() == 1 ? n : nullptr;
}

// c as a 1-D vector along x's last axis, when multiplying/adding it broadcasts nothing
// else: its leading dims are 1, its rank is no larger than x's, and its length is 1 or
// that of x's last axis (which must be known: were it 1, the decomposed form would
// broadcast it and LayerNormalization would not).
std::optional<Tensor> last_axis_vector(const Tensor& c, const ir::Value* x) {
  if (c.dtype() != DataType::Float32 || c.rank() == 0 || c.numel() != c.dim(-1)) return std::nullopt;
  if (!x->shape.has_rank() || x->shape.rank() == 0 || c.rank() > x->shape.rank()) return std::nullopt;
  const ir::Dim& last = x->shape.dims->back();
  if (!last.is_known() || (c.numel() != 1 && c.numel() != last.value)) return std::nullopt;
  Tensor v(DataType::Float32, {last.value});
  for (int64_t i = 0; i < last.value; ++i) v.data<float>()[i] = c.data<float>()[c.numel() == 1 ? 0 : i];
  return v;
}

// A constant 1-D input for the new node: the original value when it already is one.
ir::Value* vector_input(ir::Graph& graph, ir::Value* original, Tensor v) {
  const Tensor& t = original->initializer();
  if (t.rank() == 1 && t.numel() == v.numel()) return original;
  return graph.add_initializer(graph.unique_name(original->name() + "_1d"), std::move(v));
}

bool try_form(ir::Graph& graph, ir::Node* mean) {
  if (!is_onnx_op(mean, "ReduceMean") || !mean->input(0) || !is_float32(mean->input(0))) return false;
  ir::Value* x = mean->input(0);
  if (!is_last_axis_mean(mean, x)) return false;
  ir::Node* sub = only_reader(graph, mean->output(0), "Sub");
  if (!sub || sub->input(0) != x || sub->input(1) != mean->output(0)) return false;
  const ir::Value* d = sub->output(0);
  if (is_pinned(graph, d) || graph.consumers(d).size() != 2) return false;
  ir::Node* square = nullptr;
  ir::Node* div = nullptr;
  for (ir::Node* n : graph.consumers(d)) {
    if ((is_onnx_op(n, "Pow") && n->input(0) == d && is_scalar(n->input(1), 2.0f)) ||
        (is_onnx_op(n, "Mul") && n->input(0) == d && n->input(1) == d))
      square = n;
    else if (is_onnx_op(n, "Div") && n->input(0) == d)
      div = n;
  }
  if (!square || !div || d->uses().size() != (square->input(1) == d ? 3u : 2u)) return false;
  ir::Node* var = only_reader(graph, square->output(0), "ReduceMean");
  if (!var || !is_last_axis_mean(var, square->output(0))) return false;
  ir::Node* add_eps = only_reader(graph, var->output(0), "Add");
  std::optional<float> eps = add_eps ? scalar_constant(other_input(add_eps, var->output(0))) : std::nullopt;
  if (!eps) return false;
  ir::Node* sqrt = only_reader(graph, add_eps->output(0), "Sqrt");
  if (!sqrt || sole_reader(graph, sqrt->output(0)) != div || div->input(1) != sqrt->output(0)) return false;
  ir::Node* mul_gamma = only_reader(graph, div->output(0), "Mul");
  ir::Value* gamma = mul_gamma ? other_input(mul_gamma, div->output(0)) : nullptr;
  std::optional<Tensor> gamma_vector = constant_of(gamma) ? last_axis_vector(gamma->initializer(), x) : std::nullopt;
  if (!gamma_vector) return false;
  std::vector<ir::Node*> nodes = {mean, sub, square, var, add_eps, sqrt, div, mul_gamma};
  ir::Node* root = mul_gamma;
  std::vector<ir::Value*> inputs = {x, vector_input(graph, gamma, std::move(*gamma_vector))};
  if (ir::Node* add_beta = only_reader(graph, mul_gamma->output(0), "Add")) {
    ir::Value* beta = other_input(add_beta, mul_gamma->output(0));
    std::optional<Tensor> beta_vector = constant_of(beta) ? last_axis_vector(beta->initializer(), x) : std::nullopt;
    if (beta_vector && beta_vector->numel() == inputs[1]->initializer().numel()) {
      inputs.push_back(vector_input(graph, beta, std::move(*beta_vector)));
      nodes.push_back(add_beta);
      root = add_beta;
    }
  }
  std::vector<ir::Attribute> attributes = {ir::Attribute::make_int("axis", -1),
                                           ir::Attribute::make_float("epsilon", *eps)};
  const std::string name =
      graph.unique_name(mean->name().empty() ? "LayerNormalization" : mean->name() + "_layer_norm");
  replace_with_node(graph, nodes, root, {"LayerNormalization", "", inputs, std::move(attributes), name});
  return true;
}

}  // namespace

size_t fuse_layer_norm(ir::Graph& graph) { return rewrite_until_done(graph, try_form); }

}  // namespace qtune::passes
