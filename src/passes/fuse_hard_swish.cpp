#include "passes/fuse_hard_swish.h"

#include "passes/activation_patterns.h"
#include "passes/pass_util.h"

namespace qtune::passes {
namespace {

bool try_form(ir::Graph& graph, ir::Value* x) {
  if (!is_float32(x) || graph.consumers(x).size() < 2) return false;
  std::optional<ActivationMatch> match = match_decomposed_hard_swish(graph, x);
  if (!match) return false;
  const std::string name =
      graph.unique_name(match->root->name().empty() ? "HardSwish" : match->root->name() + "_hard_swish");
  replace_with_node(graph, match->nodes, match->root, {"HardSwish", "", {x}, {}, name});
  return true;
}

}  // namespace

size_t fuse_hard_swish(ir::Graph& graph) {
  size_t formed = 0;
  for (bool again = true; again;) {
    again = false;
    for (ir::Value* x : std::vector<ir::Value*>(graph.values())) {
      if (!try_form(graph, x)) continue;
      ++formed;
      again = true;
      break;
    }
  }
  if (formed) drop_unused(graph);
  return formed;
}

}  // namespace qtune::passes
