// ONNX GreaterOrEqual: elementwise a >= b with numpy broadcasting; same-typed numeric inputs, bool output.
// Comparisons with NaN are false, as IEEE says.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct GreaterOrEqualFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a >= b;
  }
};

std::vector<TensorInfo> infer_greater_or_equal(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_compare(node, inputs, kNumericTypes);
}

}  // namespace

const OpSpec& greater_or_equal_op() {
  static const OpSpec spec{"", "GreaterOrEqual", infer_greater_or_equal, make_binary_kernel<GreaterOrEqualFn, TypeFamily::Numeric, true>};
  return spec;
}

}  // namespace qtune::ops
