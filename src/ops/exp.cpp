// ONNX Exp: elementwise natural exponential.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct ExpFn {
  explicit ExpFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::exp(x);
  }
};

}  // namespace

const OpSpec& exp_op() {
  static const OpSpec spec{"", "Exp", infer_unary_float, make_unary_float_kernel<ExpFn>};
  return spec;
}

}  // namespace qtune::ops
