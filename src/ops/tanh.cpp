// ONNX Tanh: elementwise hyperbolic tangent.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct TanhFn {
  explicit TanhFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::tanh(x);
  }
};

}  // namespace

const OpSpec& tanh_op() {
  static const OpSpec spec{"", "Tanh", infer_unary_float, make_unary_float_kernel<TanhFn>};
  return spec;
}

}  // namespace qtune::ops
