// ONNX Sign: -1, 0 or 1 by the sign of x on every numeric type; NaN stays NaN.
#include <type_traits>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct SignFn {
  explicit SignFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x);
    else if constexpr (std::is_signed_v<T>) return static_cast<T>((x > T(0)) - (x < T(0)));
    else return static_cast<T>(x > T(0));
  }
};

}  // namespace

const OpSpec& sign_op() {
  static const OpSpec spec{"", "Sign", infer_unary_numeric, make_unary_kernel<SignFn, UnaryTypes::Numeric>};
  return spec;
}

}  // namespace qtune::ops
