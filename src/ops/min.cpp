// ONNX Min: elementwise smallest of any number of same-typed numeric inputs, numpy
// broadcasting. A NaN in any input gives NaN there, as NumPy's minimum does.
#include <cmath>
#include <type_traits>

#include "ops/variadic.h"

namespace qtune::ops {
namespace {

struct MinFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(a)) return a;
    }
    return a < b ? a : b;  // b NaN: the comparison is false and b is returned
  }
};

std::vector<TensorInfo> infer_min(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_variadic(node, inputs, kNumericTypes);
}

std::unique_ptr<Kernel> make_min_kernel(const ir::Node& node) {
  return std::make_unique<VariadicKernel<MinFn, false>>(node);
}

}  // namespace

const OpSpec& min_op() {
  static const OpSpec spec{"", "Min", infer_min, make_min_kernel};
  return spec;
}

}  // namespace qtune::ops
