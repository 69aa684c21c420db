#include "passes/activation_patterns.h"

#include <algorithm>
#include <functional>

#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

using Kind = ops::FusedActivation::Kind;
using Accept = std::function<bool(std::vector<ir::Node*> nodes, ir::Node* root, ops::FusedActivation act)>;

constexpr float kSqrt2 = 1.41421356237309505f;
constexpr float kConstantTolerance = 1e-6f;  // for constants written as decimals (1/6, 1/sqrt(2))

ops::FusedActivation activation(Kind kind, float alpha = 0.0f, float beta = 0.0f) {
  ops::FusedActivation a;
  a.kind = kind;
  a.alpha = alpha;
  a.beta = beta;
  return a;
}

// The activation of a single node whose data input is x.
std::optional<ops::FusedActivation> single_node_activation(const ir::Node* n, const ir::Value* x) {
  if (n->input(0) != x || n->num_outputs() != 1) return std::nullopt;
  for (int i = 1; i < n->num_inputs(); ++i)
    if (n->input(i) == x) return std::nullopt;
  if (is_onnx_op(n, "Relu")) return activation(Kind::Relu);
  if (is_onnx_op(n, "Sigmoid")) return activation(Kind::Sigmoid);
  if (is_onnx_op(n, "Tanh")) return activation(Kind::Tanh);
  if (is_onnx_op(n, "HardSwish")) return activation(Kind::HardSwish);
  if (is_onnx_op(n, "LeakyRelu")) return activation(Kind::LeakyRelu, n->attr_float("alpha", 0.01f));
  if (is_onnx_op(n, "HardSigmoid"))
    return activation(Kind::HardSigmoid, n->attr_float("alpha", 0.2f), n->attr_float("beta", 0.5f));
  if (is_onnx_op(n, "Clip")) {
    auto bounds = clip_bounds(n);
    if (!bounds) return std::nullopt;
    return activation(Kind::Clip, bounds->first, bounds->second);
  }
  if (is_onnx_op(n, "Gelu")) {
    const std::string mode = n->attr_string("approximate", "none");
    if (mode == "none") return activation(Kind::GeluErf);
    if (mode == "tanh") return activation(Kind::GeluTanh);
    return std::nullopt;
  }
  if (n->domain() == "com.microsoft" && n->op_type() == "Gelu") return activation(Kind::GeluErf);
  return std::nullopt;
}

// A two-input node whose operands are a and b, in either order.
bool reads_pair(const ir::Node* n, const ir::Value* a, const ir::Value* b) {
  if (n->num_inputs() != 2 || n->num_outputs() != 1) return false;
  return (n->input(0) == a && n->input(1) == b) || (n->input(0) == b && n->input(1) == a);
}

// v / k, or v * (1/k) with the constant in either position.
bool divides_by(const ir::Node* n, const ir::Value* v, float k) {
  if (n->num_outputs() != 1) return false;
  if (is_onnx_op(n, "Div") && n->num_inputs() == 2 && n->input(0) == v)
    return is_scalar(n->input(1), k, kConstantTolerance);
  if (is_onnx_op(n, "Mul") && n->input(0) != n->input(1))
    return is_scalar(other_input(n, v), 1.0f / k, kConstantTolerance);
  return false;
}

// v * k with the constant in either position.
bool multiplies_by(const ir::Node* n, const ir::Value* v, float k) {
  return is_onnx_op(n, "Mul") && n->num_outputs() == 1 && n->input(0) != n->input(1) && is_scalar(other_input(n, v), k);
}

// v + k with the constant in either position.
bool adds(const ir::Node* n, const ir::Value* v, float k) {
  return is_onnx_op(n, "Add") && n->num_outputs() == 1 && n->input(0) != n->input(1) && is_scalar(other_input(n, v), k);
}

std::vector<ir::Node*> readers(const ir::Graph& graph, const ir::Value* v) { return graph.consumers(v); }

// x * HardSigmoid(x) with HardSwish's own constants.
bool match_mul_hard_sigmoid(const ir::Graph& g, const ir::Value* x, const Accept& accept) {
  for (ir::Node* h : onnx_readers(g, x, "HardSigmoid")) {
    if (h->input(0) != x || h->attr_float("alpha", 0.2f) != 1.0f / 6.0f || h->attr_float("beta", 0.5f) != 0.5f)
      continue;
    for (ir::Node* m : onnx_readers(g, h->output(0), "Mul"))
      if (reads_pair(m, x, h->output(0)) && accept({h, m}, m, activation(Kind::HardSwish))) return true;
  }
  return false;
}

// x * Clip(x + 3, 0, 6) / 6, grouped as (x * clip) / 6 or x * (clip / 6).
bool match_hard_swish_clip(const ir::Graph& g, const ir::Value* x, const Accept& accept) {
  for (ir::Node* a : onnx_readers(g, x, "Add")) {
    if (!adds(a, x, 3.0f)) continue;
    for (ir::Node* c : onnx_readers(g, a->output(0), "Clip")) {
      auto bounds = clip_bounds(c);
      if (c->input(0) != a->output(0) || !bounds || bounds->first != 0.0f || bounds->second != 6.0f) continue;
      const ir::Value* clipped = c->output(0);
      for (ir::Node* m : onnx_readers(g, clipped, "Mul")) {
        if (!reads_pair(m, x, clipped)) continue;
        for (ir::Node* d : readers(g, m->output(0)))
          if (divides_by(d, m->output(0), 6.0f) && accept({a, c, m, d}, d, activation(Kind::HardSwish))) return true;
      }
      for (ir::Node* q : readers(g, clipped)) {
        if (!divides_by(q, clipped, 6.0f)) continue;
        for (ir::Node* m : onnx_readers(g, q->output(0), "Mul"))
          if (reads_pair(m, x, q->output(0)) && accept({a, c, q, m}, m, activation(Kind::HardSwish))) return true;
      }
    }
  }
  return false;
}

// x * Sigmoid(x).
bool match_swish(const ir::Graph& g, const ir::Value* x, const Accept& accept) {
  for (ir::Node* s : onnx_readers(g, x, "Sigmoid"))
    for (ir::Node* m : onnx_readers(g, s->output(0), "Mul"))
      if (s->input(0) == x && reads_pair(m, x, s->output(0)) && accept({s, m}, m, activation(Kind::Swish))) return true;
  return false;
}

// 0.5 * x * (1 + Erf(x / sqrt(2))): the halving applied to x, to (1 + erf) or to the product.
bool match_gelu_erf(const ir::Graph& g, const ir::Value* x, const Accept& accept) {
  const ops::FusedActivation gelu = activation(Kind::GeluErf);
  for (ir::Node* scale : readers(g, x)) {
    if (!divides_by(scale, x, kSqrt2)) continue;
    for (ir::Node* erf : onnx_readers(g, scale->output(0), "Erf")) {
      for (ir::Node* plus1 : onnx_readers(g, erf->output(0), "Add")) {
        if (!adds(plus1, erf->output(0), 1.0f)) continue;
        const ir::Value* cdf2 = plus1->output(0);  // 1 + erf(x / sqrt 2)
        for (ir::Node* m : onnx_readers(g, cdf2, "Mul")) {
          if (reads_pair(m, x, cdf2)) {  // (x * cdf2) * 0.5
            for (ir::Node* half : onnx_readers(g, m->output(0), "Mul"))
              if (multiplies_by(half, m->output(0), 0.5f) && accept({scale, erf, plus1, m, half}, half, gelu))
                return true;
          } else if (multiplies_by(m, cdf2, 0.5f)) {  // x * (cdf2 * 0.5)
            for (ir::Node* prod : onnx_readers(g, m->output(0), "Mul"))
              if (reads_pair(prod, x, m->output(0)) && accept({scale, erf, plus1, m, prod}, prod, gelu)) return true;
          }
        }
        for (ir::Node* half : onnx_readers(g, x, "Mul")) {  // (x * 0.5) * cdf2
          if (half == scale || !multiplies_by(half, x, 0.5f)) continue;
          for (ir::Node* prod : onnx_readers(g, half->output(0), "Mul"))
            if (reads_pair(prod, half->output(0), cdf2) && accept({scale, erf, plus1, half, prod}, prod, gelu))
              return true;
        }
      }
    }
  }
  return false;
}

// Builds the Accept callback that validates a candidate and stores it in `found`.
Accept acceptor(const ir::Graph& graph, const ir::Value* x, bool exclusive, std::optional<ActivationMatch>& found) {
  return [&graph, x, exclusive, &found](std::vector<ir::Node*> nodes, ir::Node* root, ops::FusedActivation act) {
    for (const ir::Node* n : nodes)
      if (n->num_outputs() != 1) return false;
    for (const ir::Node* n : nodes)
      if (n != root && !used_only_by(graph, n->output(0), nodes)) return false;
    if (exclusive && !used_only_by(graph, x, nodes)) return false;
    found = ActivationMatch{act, std::move(nodes), root};
    return true;
  };
}

}  // namespace

std::optional<ActivationMatch> match_activation(const ir::Graph& graph, const ir::Value* x, bool exclusive) {
  std::optional<ActivationMatch> found;
  const Accept accept = acceptor(graph, x, exclusive, found);
  if (match_mul_hard_sigmoid(graph, x, accept) || match_hard_swish_clip(graph, x, accept) ||
      match_swish(graph, x, accept) || match_gelu_erf(graph, x, accept))
    return found;
  for (ir::Node* n : graph.consumers(x)) {
    std::optional<ops::FusedActivation> act = single_node_activation(n, x);
    if (act && accept({n}, n, *act)) return found;
  }
  return std::nullopt;
}

std::optional<ActivationMatch> match_decomposed_hard_swish(const ir::Graph& graph, const ir::Value* x) {
  std::optional<ActivationMatch> found;
  const Accept accept = acceptor(graph, x, /*exclusive=*/false, found);
  if (match_mul_hard_sigmoid(graph, x, accept) || match_hard_swish_clip(graph, x, accept)) return found;
  return std::nullopt;
}

}  // namespace qtune::passes
