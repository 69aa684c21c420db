#include "passes/eliminate_dead_nodes.h"

#include "passes/pass_util.h"

namespace qtune::passes {

size_t eliminate_dead_nodes(ir::Graph& graph) {
  const size_t removed = graph.eliminate_dead_nodes();
  drop_unused(graph);
  return removed;
}

}  // namespace qtune::passes
