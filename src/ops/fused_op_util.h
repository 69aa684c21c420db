// What the com.qtune Fused* ops (FusedConv, FusedConvTranspose, FusedMatMul, FusedGemm)
// share: their domain, the checks every one of them makes, and the epilogue that runs on
// the base op's output (residual Sum, bias over the last axis, activation), in place.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace qtune::ops {

inline constexpr std::string_view kQtuneDomain = "com.qtune";

// The first n entries (fewer when there are fewer): the inputs the base op takes.
template <class T>
std::span<const T> leading(std::span<const T> s, size_t n) {
  return s.first(std::min(s.size(), n));
}

// Validates the activation attributes and that input 0 is float32: activations are
// computed in float. Throws qtune::Error naming the node.
void check_fused_node(const ir::Node& node, std::span<const TensorInfo> inputs);

// Throws unless `shape` can equal `expected` (same rank; dims known in both agree).
void check_same_shape(const ir::Node& node, const std::string& what, const ir::Shape& shape, const ir::Shape& expected);

// Y = act(Y + Sum + bias), element by element; Sum has Y's shape, bias runs along Y's
// last axis. Either may be null.
struct FusedEpilogue {
  const Tensor* sum = nullptr;
  const Tensor* bias = nullptr;
  FusedActivation activation;

  void apply(const ir::Node& node, Tensor& y, int threads) const;
};

}  // namespace qtune::ops
