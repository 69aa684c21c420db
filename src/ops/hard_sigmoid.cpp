// ONNX HardSigmoid: max(0, min(1, alpha * x + beta)), alpha = 0.2 and beta = 0.5 by default.
#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct HardSigmoidFn {
  explicit HardSigmoidFn(const ir::Node& node) : alpha(node.attr_float("alpha", 0.2f)), beta(node.attr_float("beta", 0.5f)) {}
  template <class T>
  T operator()(T x) const {
    const T y = static_cast<T>(alpha) * x + static_cast<T>(beta);
    return y < T(0) ? T(0) : (y > T(1) ? T(1) : y);  // NaN passes through, as in ONNX's clip
  }
  float alpha, beta;
};

}  // namespace

const OpSpec& hard_sigmoid_op() {
  static const OpSpec spec{"", "HardSigmoid", infer_unary_float, make_unary_float_kernel<HardSigmoidFn>};
  return spec;
}

}  // namespace qtune::ops
