// ONNX Abs: |x| on every numeric type; |INT_MIN| wraps to INT_MIN as in NumPy.
#include <cmath>
#include <type_traits>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct AbsFn {
  explicit AbsFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
    else if constexpr (std::is_signed_v<T>) return x < T(0) ? wrapping_neg(x) : x;
    else return x;
  }
};

}  // namespace

const OpSpec& abs_op() {
  static const OpSpec spec{"", "Abs", infer_unary_numeric, make_unary_kernel<AbsFn, UnaryTypes::Numeric>};
  return spec;
}

}  // namespace qtune::ops
