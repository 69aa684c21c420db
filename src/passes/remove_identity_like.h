// Removes nodes that pass their input through unchanged, and merges transpose and
// reshape chains:
//   Identity; Dropout at inference; Cast to the input's own type; Reshape to the input's
//   own (static) shape; Transpose with the identity perm; x * 1, x / 1, x + 0, x - 0
//   with a one-element constant that cannot broadcast x to a larger shape;
//   Transpose(Transpose(x)) -> one Transpose, or x when the perms cancel;
//   Reshape(Reshape(x, s1), s2) -> Reshape(x, s2) (when s2 has no 0 "copy" entries).
// Graph outputs keep their names: when the removed node's output is one, x's producer is
// made to produce it instead, or the node stays.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many nodes it removed or merged away.
size_t remove_identity_like(ir::Graph& graph);

}  // namespace qtune::passes
