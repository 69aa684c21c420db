// ONNX Mul: elementwise, numpy broadcasting, same-typed numeric inputs.
#include "ops/elementwise.h"

namespace qtune::ops {
namespace {

struct MulFn {
  template <class T>
  T operator()(T a, T b) const {
    return static_cast<T>(a * b);
  }
};

}  // namespace

const OpSpec& mul_op() {
  static const OpSpec spec{"", "Mul", infer_binary_same_type, make_binary_kernel<MulFn>};
  return spec;
}

}  // namespace qtune::ops
