#include "ops/op_helpers.h"

#include <algorithm>
#include <cstring>

namespace qtune::ops {

Tensor KernelContext::allocate(int /*output_index*/, DataType type, const std::vector<int64_t>& dims) {
  // Poison fresh outputs (NaN for floats, -1 for integers) so a kernel that forgets to
  // write an element fails its tests instead of passing on zero-filled memory.
  Tensor t = Tensor::uninitialized(type, dims);
  if (type != DataType::String && t.byte_size()) std::memset(t.raw(), 0xFF, t.byte_size());
  return t;
}

void fail(const ir::Node& node, const std::string& message) { throw Error(node.describe() + ": " + message); }

bool is_present(std::span<const TensorInfo> inputs, int index) {
  return index >= 0 && index < static_cast<int>(inputs.size()) && inputs[static_cast<size_t>(index)].present;
}

void expect_input_count(const ir::Node& node, std::span<const TensorInfo> inputs, int min, int max) {
  int n = static_cast<int>(inputs.size());
  if (n < min || (max >= 0 && n > max))
    fail(node, "has " + std::to_string(n) + " inputs, expected " +
                   (max == min ? std::to_string(min)
                               : std::to_string(min) + " to " + (max < 0 ? std::string("any") : std::to_string(max))));
  for (int i = 0; i < min; ++i)
    if (!inputs[static_cast<size_t>(i)].present) fail(node, "required input #" + std::to_string(i) + " is missing");
}

void expect_type(const ir::Node& node, std::span<const TensorInfo> inputs, int index,
                 std::initializer_list<DataType> allowed) {
  if (!is_present(inputs, index)) fail(node, "required input #" + std::to_string(index) + " is missing");
  DataType t = inputs[static_cast<size_t>(index)].dtype;
  if (t == DataType::Undefined || allowed.size() == 0) return;
  if (std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return;
  std::string names;
  for (DataType a : allowed) names += (names.empty() ? "" : ", ") + std::string(dtype_name(a));
  fail(node, "input #" + std::to_string(index) + " is " + std::string(dtype_name(t)) + ", expected one of: " + names);
}

int normalize_axis(const ir::Node& node, int64_t axis, int rank) {
  if (axis < -rank || axis >= std::max(rank, 1))
    fail(node, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

ir::Shape broadcast_shapes(const ir::Node& node, std::span<const ir::Shape> shapes) {
  size_t rank = 0;
  for (const auto& s : shapes) {
    if (!s.has_rank()) return ir::Shape::unknown();
    rank = std::max(rank, s.dims->size());
  }
  ir::Shape out;
  out.dims.emplace(rank, ir::Dim::known(1));
  for (const auto& s : shapes) {
    size_t offset = rank - s.dims->size();
    for (size_t i = 0; i < s.dims->size(); ++i) {
      const ir::Dim& d = (*s.dims)[i];
      ir::Dim& o = (*out.dims)[offset + i];
      if (d.is_known() && d.value == 1) continue;
      if (o.is_known() && o.value == 1) {
        o = d;
      } else if (d.is_known() && o.is_known()) {
        if (d.value != o.value)
          fail(node, "cannot broadcast dimension " + std::to_string(d.value) + " with " + std::to_string(o.value));
      } else if (!(d == o)) {
        // Unknown or differently named dims: the result is the known one if any, else unknown.
        if (d.is_known()) o = d;
        else if (!o.is_known()) o = ir::Dim{};
      }
    }
  }
  return out;
}

std::vector<int64_t> broadcast_dims(const ir::Node& node, std::span<const std::vector<int64_t>> dims) {
  std::vector<ir::Shape> shapes;
  shapes.reserve(dims.size());
  for (const auto& d : dims) shapes.push_back(ir::Shape::of(d));
  return broadcast_shapes(node, shapes).sizes();
}

std::vector<int64_t> to_int64s(const ir::Node& node, const Tensor& t, const char* what) {
  std::vector<int64_t> out(static_cast<size_t>(t.numel()));
  if (t.dtype() == DataType::Int64) {
    std::copy_n(t.data<int64_t>(), out.size(), out.begin());
  } else if (t.dtype() == DataType::Int32) {
    std::copy_n(t.data<int32_t>(), out.size(), out.begin());
  } else {
    fail(node, std::string(what) + " must be int64 or int32, got " + std::string(dtype_name(t.dtype())));
  }
  return out;
}

std::vector<int64_t> strides_of(std::span<const int64_t> dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

bool all_values_known(std::span<const TensorInfo> inputs) {
  for (const auto& in : inputs)
    if (in.present && !in.value) return false;
  return true;
}

}  // namespace qtune::ops
