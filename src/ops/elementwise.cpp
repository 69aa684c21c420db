#include "ops/elementwise.h"

namespace qtune::ops {

BroadcastPlan plan_broadcast(std::span<const std::vector<int64_t>> input_dims, const std::vector<int64_t>& out_dims) {
  const size_t rank = out_dims.size();
  const size_t n_in = input_dims.size();
  // Per input: strides over the output's axes (0 where the input is broadcast).
  std::vector<std::vector<int64_t>> full(n_in);
  for (auto& strides : full) strides.assign(rank, 0);
  for (size_t k = 0; k < n_in; ++k) {
    const auto& d = input_dims[k];
    size_t offset = rank - d.size();
    int64_t stride = 1;
    for (size_t i = d.size(); i-- > 0;) {
      full[k][offset + i] = d[i] == 1 ? 0 : stride;
      stride *= d[i];
    }
  }
  BroadcastPlan plan;
  plan.numel = shape_numel(out_dims);
  plan.strides.assign(n_in, {});
  // Merge axis i into the previous kept axis when, for every input, the two axes are
  // either both broadcast or contiguous with each other: the loop nest gets shallower.
  for (size_t i = 0; i < rank; ++i) {
    if (out_dims[i] == 1 && rank > 1) continue;  // size-1 axes add nothing
    bool merge = !plan.dims.empty();
    for (size_t k = 0; merge && k < n_in; ++k) {
      int64_t prev = plan.strides[k].back();
      int64_t cur = full[k][i];
      merge = (prev == 0 && cur == 0) || (prev != 0 && cur != 0 && prev == cur * out_dims[i]);
    }
    if (merge) {
      plan.dims.back() *= out_dims[i];
      for (size_t k = 0; k < n_in; ++k) plan.strides[k].back() = full[k][i];
    } else {
      plan.dims.push_back(out_dims[i]);
      for (size_t k = 0; k < n_in; ++k) plan.strides[k].push_back(full[k][i]);
    }
  }
  if (plan.dims.empty()) {
    plan.dims.push_back(1);
    for (size_t k = 0; k < n_in; ++k) plan.strides[k].push_back(0);
  }
  // A broadcast innermost axis of size 1 in an input keeps stride 0; a contiguous one 1.
  for (size_t k = 0; k < n_in; ++k)
    if (plan.strides[k].back() != 0) plan.strides[k].back() = 1;
  return plan;
}

std::vector<TensorInfo> infer_binary(const ir::Node& node, std::span<const TensorInfo> inputs, DataType out_type) {
  expect_input_count(node, inputs, 2, 2);
  if (inputs[0].dtype != DataType::Undefined && inputs[1].dtype != DataType::Undefined &&
      inputs[0].dtype != inputs[1].dtype)
    fail(node, "inputs have different types " + std::string(dtype_name(inputs[0].dtype)) + " and " +
                   std::string(dtype_name(inputs[1].dtype)));
  ir::Shape shapes[2] = {inputs[0].shape, inputs[1].shape};
  DataType type = out_type != DataType::Undefined ? out_type : inputs[0].dtype;
  return single_output(type, broadcast_shapes(node, shapes));
}

std::vector<TensorInfo> infer_same_as_input(const ir::Node& node, std::span<const TensorInfo> inputs) {
  if (inputs.empty() || !inputs[0].present) fail(node, "input #0 is missing");
  return single_output(inputs[0].dtype, inputs[0].shape);
}

}  // namespace qtune::ops
