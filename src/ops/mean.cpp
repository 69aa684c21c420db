// ONNX Mean: elementwise arithmetic mean of any number of same-typed float inputs, numpy broadcasting.
#include "ops/variadic.h"

namespace qtune::ops {
namespace {

struct AddValuesFn {
  template <class T>
  T operator()(T a, T b) const {
    return a + b;
  }
};

std::vector<TensorInfo> infer_mean(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_variadic(node, inputs, kFloatTypes);
}

std::unique_ptr<Kernel> make_mean_kernel(const ir::Node& node) {
  return std::make_unique<VariadicKernel<AddValuesFn, true, true>>(node);
}

}  // namespace

const OpSpec& mean_op() {
  static const OpSpec spec{"", "Mean", infer_mean, make_mean_kernel};
  return spec;
}

}  // namespace qtune::ops
