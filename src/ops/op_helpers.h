// Shared helpers for op files: errors that name the node, axis handling, broadcasting,
// reading small integer tensors (shapes, axes, pads).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ops/op.h"

namespace qtune::ops {

[[noreturn]] void fail(const ir::Node& node, const std::string& message);

// Checks the count of present inputs against [min, max] (max < 0: unbounded).
void expect_input_count(const ir::Node& node, std::span<const TensorInfo> inputs, int min, int max);
// Throws unless the input is present and of one of `allowed` types (empty: any).
void expect_type(const ir::Node& node, std::span<const TensorInfo> inputs, int index,
                 std::initializer_list<DataType> allowed);
bool is_present(std::span<const TensorInfo> inputs, int index);

// Maps a possibly negative axis into [0, rank); throws naming the node when out of range.
int normalize_axis(const ir::Node& node, int64_t axis, int rank);

// Numpy-style multidirectional broadcast of known or symbolic shapes.
ir::Shape broadcast_shapes(const ir::Node& node, std::span<const ir::Shape> shapes);
// Concrete version for kernels.
std::vector<int64_t> broadcast_dims(const ir::Node& node, std::span<const std::vector<int64_t>> dims);

// Integer contents of an int32/int64 tensor (shape, axes, pads, starts, ...).
std::vector<int64_t> to_int64s(const ir::Node& node, const Tensor& t, const char* what);

// Row-major strides of `dims` (in elements).
std::vector<int64_t> strides_of(std::span<const int64_t> dims);

// The TensorInfo of a known tensor value.
inline std::vector<TensorInfo> single_output(DataType type, ir::Shape shape) {
  return {TensorInfo::typed(type, std::move(shape))};
}

// When every input of `node` has a known value, evaluates its reference kernel so that
// the output is a known value too (constant folding / shape propagation).
bool all_values_known(std::span<const TensorInfo> inputs);

}  // namespace qtune::ops
