// ONNX Greater: elementwise a > b with numpy broadcasting; same-typed numeric inputs, bool output.
// Comparisons with NaN are false, as IEEE says.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct GreaterFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a > b;
  }
};

std::vector<TensorInfo> infer_greater(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_compare(node, inputs, kNumericTypes);
}

}  // namespace

const OpSpec& greater_op() {
  static const OpSpec spec{"", "Greater", infer_greater, make_binary_kernel<GreaterFn, TypeFamily::Numeric, true>};
  return spec;
}

}  // namespace qtune::ops
