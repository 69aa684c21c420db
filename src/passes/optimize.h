// The graph optimizations exec::Session applies after constant folding: identity removal,
// BatchNorm / Mul / bias folding into convolutions, residual-add and activation fusion
// into com.qtune Fused* ops, standalone HardSwish and LayerNormalization formation, and
// dead-node elimination, repeated until nothing changes (a few rounds at most).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"

namespace qtune::passes {

struct OptimizeStats {
  size_t identities_removed = 0;   // remove_identity_like
  size_t batch_norms_folded = 0;   // fold_batch_norm
  size_t muls_folded = 0;          // fold_conv_mul
  size_t bias_adds_fused = 0;      // fuse_bias_add
  size_t residual_adds_fused = 0;  // fuse_residual_add
  size_t activations_fused = 0;    // fuse_activations
  size_t affines_fused = 0;        // fuse_output_affine
  size_t hard_swishes_formed = 0;  // fuse_hard_swish
  size_t layer_norms_formed = 0;   // fuse_layer_norm
  size_t dead_nodes_removed = 0;   // eliminate_dead_nodes
  int rounds = 0;

  // (pass name, rewrites) in the order the passes run, for --verbose.
  std::vector<std::pair<std::string, size_t>> by_pass() const;
  size_t total() const;
  // "fold_batch_norm 35, fuse_activations 50, ..." (passes that did something).
  std::string summary() const;
};

// Refreshes shapes (passes::infer_shapes, lenient), then runs the passes in order until a
// round rewrites nothing. Adds the com.qtune opset import when it creates fused nodes.
OptimizeStats optimize_graph(ir::Graph& graph);

}  // namespace qtune::passes
