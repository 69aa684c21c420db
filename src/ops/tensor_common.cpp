#include "ops/tensor_common.h"

#include <algorithm>

#include "ops/elementwise.h"

namespace qtune::ops {

void expect_type_in(const ir::Node& node, std::span<const TensorInfo> inputs, int index,
                    std::span<const DataType> allowed) {
  if (!is_present(inputs, index)) fail(node, "required input #" + std::to_string(index) + " is missing");
  DataType t = inputs[static_cast<size_t>(index)].dtype;
  if (t == DataType::Undefined || std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return;
  std::string names;
  for (DataType a : allowed) names += (names.empty() ? "" : ", ") + std::string(dtype_name(a));
  fail(node, "input #" + std::to_string(index) + " is " + std::string(dtype_name(t)) + ", expected one of: " + names);
}

std::vector<TensorInfo> infer_unary(const ir::Node& node, std::span<const TensorInfo> inputs,
                                    std::span<const DataType> allowed) {
  expect_input_count(node, inputs, 1, 1);
  expect_type_in(node, inputs, 0, allowed);
  return single_output(inputs[0].dtype, inputs[0].shape);
}

std::vector<TensorInfo> infer_compare(const ir::Node& node, std::span<const TensorInfo> inputs,
                                      std::span<const DataType> allowed) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 0, allowed);
  expect_type_in(node, inputs, 1, allowed);
  return infer_binary(node, inputs, DataType::Bool);
}

std::vector<TensorInfo> infer_logic(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_compare(node, inputs, kBoolType);
}

std::optional<std::vector<int64_t>> known_ints(const ir::Node& node, std::span<const TensorInfo> inputs, int index,
                                               const char* what) {
  if (!is_present(inputs, index)) return std::nullopt;
  const TensorInfo& in = inputs[static_cast<size_t>(index)];
  if (in.dtype != DataType::Undefined && in.dtype != DataType::Int64 && in.dtype != DataType::Int32)
    fail(node, std::string(what) + " (input #" + std::to_string(index) + ") must be int64 or int32, got " +
                   std::string(dtype_name(in.dtype)));
  if (!in.value) return std::nullopt;
  return to_int64s(node, *in.value, what);
}

AxesArg axes_arg(const ir::Node& node, std::span<const TensorInfo> inputs, int index, const char* attr) {
  AxesArg arg;
  if (is_present(inputs, index)) {
    arg.given = true;
    arg.values = known_ints(node, inputs, index, "axes");
    const ir::Shape& s = inputs[static_cast<size_t>(index)].shape;
    if (arg.values) arg.count = static_cast<int64_t>(arg.values->size());
    else if (s.is_fully_known() && s.rank() == 1) arg.count = s.sizes()[0];
  } else if (node.has_attr(attr)) {
    arg.given = true;
    arg.values = node.attr_ints(attr, {});
    arg.count = static_cast<int64_t>(arg.values->size());
  }
  return arg;
}

std::optional<std::vector<int64_t>> kernel_axes(const ir::Node& node, std::span<const Tensor> in, size_t index,
                                                const char* attr) {
  if (has_input(in, index)) return to_int64s(node, in[index], "axes");
  if (node.has_attr(attr)) return node.attr_ints(attr, {});
  return std::nullopt;
}

ir::Shape unknown_shape(int rank) {
  if (rank < 0) return ir::Shape::unknown();
  return ir::Shape{std::vector<ir::Dim>(static_cast<size_t>(rank), ir::Dim{})};
}

std::vector<int> normalize_axes(const ir::Node& node, std::span<const int64_t> axes, int rank) {
  std::vector<int> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    if (a < -rank || a >= rank)
      fail(node, "axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    int n = static_cast<int>(a < 0 ? a + rank : a);
    if (std::find(out.begin(), out.end(), n) != out.end())
      fail(node, "axis " + std::to_string(a) + " is listed more than once");
    out.push_back(n);
  }
  return out;
}

int64_t checked_add(const ir::Node& node, int64_t a, int64_t b, const char* what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) fail(node, std::string(what) + " overflows int64");
  return r;
}

int64_t checked_mul(const ir::Node& node, int64_t a, int64_t b, const char* what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) fail(node, std::string(what) + " overflows int64");
  return r;
}

int64_t scalar_int(const ir::Node& node, const Tensor& t, const char* what) {
  std::vector<int64_t> v = to_int64s(node, t, what);
  if (v.size() != 1)
    fail(node, std::string(what) + " must be a scalar, got a tensor of shape [" + format_dims(t.dims()) + "]");
  return v[0];
}

}  // namespace qtune::ops
