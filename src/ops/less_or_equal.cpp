// ONNX LessOrEqual: elementwise a <= b with numpy broadcasting; same-typed numeric inputs, bool output.
// Comparisons with NaN are false, as IEEE says.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct LessOrEqualFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a <= b;
  }
};

std::vector<TensorInfo> infer_less_or_equal(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_compare(node, inputs, kNumericTypes);
}

}  // namespace

const OpSpec& less_or_equal_op() {
  static const OpSpec spec{"", "LessOrEqual", infer_less_or_equal, make_binary_kernel<LessOrEqualFn, TypeFamily::Numeric, true>};
  return spec;
}

}  // namespace qtune::ops
