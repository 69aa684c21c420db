// ONNX Less: elementwise a < b with numpy broadcasting; same-typed numeric inputs, bool output.
// Comparisons with NaN are false, as IEEE says.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct LessFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a < b;
  }
};

std::vector<TensorInfo> infer_less(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_compare(node, inputs, kNumericTypes);
}

}  // namespace

const OpSpec& less_op() {
  static const OpSpec spec{"", "Less", infer_less, make_binary_kernel<LessFn, TypeFamily::Numeric, true>};
  return spec;
}

}  // namespace qtune::ops
