// Recognizes the activation applied to a value x: one activation node (Relu, LeakyRelu,
// Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Gelu) or a decomposed form exporters emit:
//   x * HardSigmoid(x) with alpha 1/6, beta 0.5        -> HardSwish
//   x * Clip(x + 3, 0, 6) / 6  (or * 1/6, any grouping) -> HardSwish
//   x * Sigmoid(x)                                      -> Swish
//   0.5 * x * (1 + Erf(x / sqrt(2)))  (or x * 0.7071...) -> GeluErf
// Used by fuse_activations (into a compute node) and fuse_hard_swish (standalone).
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.h"
#include "ops/fused_activation.h"

namespace qtune::passes {

struct ActivationMatch {
  ops::FusedActivation activation;
  std::vector<ir::Node*> nodes;  // the nodes computing act(x) from x
  ir::Node* root = nullptr;      // the one whose output is act(x)
};

// The activation computed from x. The values between x and root must have no reader
// outside the match and must not be pinned; with `exclusive`, x itself must have no
// reader outside the match either (it is about to disappear into a fused node).
std::optional<ActivationMatch> match_activation(const ir::Graph& graph, const ir::Value* x, bool exclusive);

// Only the two decomposed HardSwish forms; x may have other readers (it stays).
std::optional<ActivationMatch> match_decomposed_hard_swish(const ir::Graph& graph, const ir::Value* x);

}  // namespace qtune::passes
