// ONNX Sum: elementwise sum of any number of same-typed float inputs, numpy broadcasting.
#include "ops/variadic.h"

namespace qtune::ops {
namespace {

struct AddValuesFn {
  template <class T>
  T operator()(T a, T b) const {
    return a + b;
  }
};

std::vector<TensorInfo> infer_sum(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_variadic(node, inputs, kFloatTypes);
}

std::unique_ptr<Kernel> make_sum_kernel(const ir::Node& node) {
  return std::make_unique<VariadicKernel<AddValuesFn, true, false>>(node);
}

}  // namespace

const OpSpec& sum_op() {
  static const OpSpec spec{"", "Sum", infer_sum, make_sum_kernel};
  return spec;
}

}  // namespace qtune::ops
