// Softmax and LogSoftmax share everything but the final formula. The semantics follow the
// opset the model imports (Node::opset_version(); a graph without an import is modern):
//   opset >= 13: normalize along the single axis `axis` (default -1);
//   opset <  13: flatten to 2-D at `axis` (default 1) and normalize each row.
// Both agree whenever the axis is the last one, which is the common case.
#pragma once

#include "ops/op_helpers.h"

namespace qtune::ops {

std::vector<TensorInfo> infer_softmax_family(const ir::Node& node, std::span<const TensorInfo> inputs);
std::unique_ptr<Kernel> make_softmax_family_kernel(const ir::Node& node, bool log);

}  // namespace qtune::ops
