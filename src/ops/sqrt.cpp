// ONNX Sqrt: elementwise square root (NaN for negative inputs, as IEEE says).
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct SqrtFn {
  explicit SqrtFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::sqrt(x);
  }
};

}  // namespace

const OpSpec& sqrt_op() {
  static const OpSpec spec{"", "Sqrt", infer_unary_float, make_unary_float_kernel<SqrtFn>};
  return spec;
}

}  // namespace qtune::ops
