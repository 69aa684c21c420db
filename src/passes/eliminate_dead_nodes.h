// Removes nodes none of whose outputs reaches a graph output (directly or through other
// nodes, including reads from subgraphs), then the initializers and values left unused.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many nodes it removed.
size_t eliminate_dead_nodes(ir::Graph& graph);

}  // namespace qtune::passes
