// ONNX Relu: max(x, 0) on floats and signed integers (opset 14); NaN stays NaN.
#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct ReluFn {
  explicit ReluFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return x < T(0) ? T(0) : x;
  }
};

}  // namespace

const OpSpec& relu_op() {
  static const OpSpec spec{"", "Relu", infer_unary_signed, make_unary_kernel<ReluFn, UnaryTypes::Signed>};
  return spec;
}

}  // namespace qtune::ops
