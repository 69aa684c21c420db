// ReduceSum/ReduceMean/ReduceMax/ReduceMin share the axes rules and the loop: axes come
// from the `axes` attribute (ReduceSum before opset 13, the others before 18) or from
// input #1 (later opsets); no axes means all axes, unless noop_with_empty_axes=1 which
// makes the op an identity. keepdims (default 1) keeps reduced axes as size 1.
#pragma once

#include <optional>

#include "ops/op_helpers.h"

namespace qtune::ops {

enum class ReduceKind { Sum, Mean, Max, Min };

std::vector<TensorInfo> infer_reduce(const ir::Node& node, std::span<const TensorInfo> inputs);
std::unique_ptr<Kernel> make_reduce_kernel(const ir::Node& node, ReduceKind kind);

// The axes to reduce, normalized and sorted: nullopt for "identity" (empty axes with
// noop_with_empty_axes=1), every axis when none are given. `axes_input` is input #1
// when present. Throws naming the node on out-of-range or repeated axes.
std::optional<std::vector<int>> reduce_axes(const ir::Node& node, int rank, const Tensor* axes_input);

}  // namespace qtune::ops
