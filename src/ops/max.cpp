// ONNX Max: elementwise greatest of any number of same-typed numeric inputs, numpy
// broadcasting. A NaN in any input gives NaN there, as NumPy's maximum does.
#include <cmath>
#include <type_traits>

#include "ops/variadic.h"

namespace qtune::ops {
namespace {

struct MaxFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(a)) return a;
    }
    return a > b ? a : b;  // b NaN: the comparison is false and b is returned
  }
};

std::vector<TensorInfo> infer_max(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_variadic(node, inputs, kNumericTypes);
}

std::unique_ptr<Kernel> make_max_kernel(const ir::Node& node) {
  return std::make_unique<VariadicKernel<MaxFn, false>>(node);
}

}  // namespace

const OpSpec& max_op() {
  static const OpSpec spec{"", "Max", infer_max, make_max_kernel};
  return spec;
}

}  // namespace qtune::ops
