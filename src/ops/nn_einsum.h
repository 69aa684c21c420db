// Einsum equation parsing: "bij,bjk->bik", implicit outputs ("ij,jk"), and "..." with
// numpy broadcasting of the ellipsis dimensions. Labels become integer ids: letters in
// ASCII order (A-Z = 0..25, a-z = 26..51), ellipsis dimensions 52, 53, ... right-aligned
// across operands, so sorting ids sorts labels the way the implicit output needs.
#pragma once

#include <string>
#include <vector>

#include "ops/op_helpers.h"

namespace qtune::ops {

constexpr int kEinsumEllipsisBase = 52;

struct EinsumSpec {
  std::vector<std::vector<int>> inputs;  // per operand: the label of each axis
  std::vector<int> output;               // the label of each output axis
};

// Parses the node's `equation` for operands of the given ranks. Throws naming the node on
// a malformed equation (bad characters, operand count or rank mismatch, output labels
// that no input has, repeated output labels).
EinsumSpec parse_einsum(const ir::Node& node, const std::vector<int>& ranks);

// "'j'" or "'...' dimension 2" for messages.
std::string einsum_label_name(int label);

}  // namespace qtune::ops
