#include "passes/optimize.h"

#include "passes/eliminate_dead_nodes.h"
#include "passes/fold_batch_norm.h"
#include "passes/fold_conv_mul.h"
#include "passes/fuse_activations.h"
#include "passes/fuse_bias_add.h"
#include "passes/fuse_hard_swish.h"
#include "passes/fuse_layer_norm.h"
#include "passes/fuse_output_affine.h"
#include "passes/fuse_residual_add.h"
#include "passes/infer_shapes.h"
#include "passes/remove_identity_like.h"

namespace qtune::passes {
namespace {

constexpr int kMaxRounds = 4;

}  // namespace

std::vector<std::pair<std::string, size_t>> OptimizeStats::by_pass() const {
  return {
      {"remove_identity_like", identities_removed},
      {"fold_batch_norm", batch_norms_folded},
      {"fold_conv_mul", muls_folded},
      {"fuse_bias_add", bias_adds_fused},
      {"fuse_residual_add", residual_adds_fused},
      {"fuse_activations", activations_fused},
      {"fuse_output_affine", affines_fused},
      {"fuse_hard_swish", hard_swishes_formed},
      {"fuse_layer_norm", layer_norms_formed},
      {"eliminate_dead_nodes", dead_nodes_removed},
  };
}

size_t OptimizeStats::total() const {
  size_t sum = 0;
  for (const auto& [name, count] : by_pass()) sum += count;
  return sum;
}

std::string OptimizeStats::summary() const {
  std::string s;
  for (const auto& [name, count] : by_pass())
    if (count) s += (s.empty() ? "" : ", ") + name + " " + std::to_string(count);
  return s.empty() ? "no rewrites" : s;
}

OptimizeStats optimize_graph(ir::Graph& graph) {
  // Patterns check shapes and types; make sure they describe the graph as it is now.
  ShapeInferenceOptions options;
  options.lenient = true;
  infer_shapes(graph, options);
  OptimizeStats stats;
  // Order matters within a round: folds first so convs are bare when the fusions look
  // at them; residual adds before activations, since act(conv + sum) fuses but
  // act(conv) + sum does not.
  for (size_t changed = 1; changed && stats.rounds < kMaxRounds; ++stats.rounds) {
    const size_t before = stats.total();
    stats.identities_removed += remove_identity_like(graph);
    stats.batch_norms_folded += fold_batch_norm(graph);
    stats.muls_folded += fold_conv_mul(graph);
    stats.bias_adds_fused += fuse_bias_add(graph);
    stats.residual_adds_fused += fuse_residual_add(graph);
    stats.activations_fused += fuse_activations(graph);
    stats.affines_fused += fuse_output_affine(graph);
    stats.hard_swishes_formed += fuse_hard_swish(graph);
    stats.layer_norms_formed += fuse_layer_norm(graph);
    stats.dead_nodes_removed += eliminate_dead_nodes(graph);
    changed = stats.total() - before;
  }
  return stats;
}

}  // namespace qtune::passes
