// ONNX HardSwish: x * max(0, min(1, x / 6 + 1/2)) (HardSigmoid with alpha 1/6, beta 1/2).
#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct HardSwishFn {
  explicit HardSwishFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    const T gate = x / T(6) + T(0.5);
    return x * (gate < T(0) ? T(0) : (gate > T(1) ? T(1) : gate));
  }
};

}  // namespace

const OpSpec& hard_swish_op() {
  static const OpSpec spec{"", "HardSwish", infer_unary_float, make_unary_float_kernel<HardSwishFn>};
  return spec;
}

}  // namespace qtune::ops
