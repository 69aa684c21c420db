#include "ops/variadic.h"

namespace qtune::ops {

std::vector<TensorInfo> infer_variadic(const ir::Node& node, std::span<const TensorInfo> inputs,
                                       std::span<const DataType> allowed) {
  expect_input_count(node, inputs, 1, -1);
  std::vector<ir::Shape> shapes;
  for (size_t k = 0; k < inputs.size(); ++k) {
    int index = static_cast<int>(k);
    expect_type_in(node, inputs, index, allowed);
    if (inputs[k].dtype != DataType::Undefined && inputs[0].dtype != DataType::Undefined && inputs[k].dtype != inputs[0].dtype)
      fail(node, "input #" + std::to_string(k) + " is " + std::string(dtype_name(inputs[k].dtype)) + ", input #0 is " +
                     std::string(dtype_name(inputs[0].dtype)));
    shapes.push_back(inputs[k].shape);
  }
  return single_output(inputs[0].dtype, broadcast_shapes(node, shapes));
}

}  // namespace qtune::ops
