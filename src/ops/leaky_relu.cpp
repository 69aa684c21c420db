// ONNX LeakyRelu: x for x >= 0, alpha * x below (alpha = 0.01 by default).
#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct LeakyReluFn {
  explicit LeakyReluFn(const ir::Node& node) : alpha(node.attr_float("alpha", 0.01f)) {}
  template <class T>
  T operator()(T x) const {
    return x < T(0) ? static_cast<T>(alpha) * x : x;
  }
  float alpha;
};

}  // namespace

const OpSpec& leaky_relu_op() {
  static const OpSpec spec{"", "LeakyRelu", infer_unary_float, make_unary_float_kernel<LeakyReluFn>};
  return spec;
}

}  // namespace qtune::ops
