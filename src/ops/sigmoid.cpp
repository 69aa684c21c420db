// ONNX Sigmoid: 1 / (1 + exp(-x)), evaluated so that exp never overflows.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct SigmoidFn {
  explicit SigmoidFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    if (x >= 0) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);  // x < 0 or NaN: e in [0, 1) or NaN
    return e / (T(1) + e);
  }
};

}  // namespace

const OpSpec& sigmoid_op() {
  static const OpSpec spec{"", "Sigmoid", infer_unary_float, make_unary_float_kernel<SigmoidFn>};
  return spec;
}

}  // namespace qtune::ops
