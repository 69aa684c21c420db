// ONNX Div: elementwise, numpy broadcasting, same-typed numeric inputs.
#include <type_traits>

#include "ops/elementwise.h"

namespace qtune::ops {
namespace {

struct DivFn {
  template <class T>
  T operator()(T a, T b) const {
    // Integer division by zero is undefined in ONNX; yield 0 instead of trapping.
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) return T{0};
    }
    return static_cast<T>(a / b);
  }
};

}  // namespace

const OpSpec& div_op() {
  static const OpSpec spec{"", "Div", infer_binary_same_type, make_binary_kernel<DivFn>};
  return spec;
}

}  // namespace qtune::ops
