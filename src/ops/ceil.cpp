// ONNX Ceil: elementwise round toward positive infinity.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct CeilFn {
  explicit CeilFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::ceil(x);
  }
};

}  // namespace

const OpSpec& ceil_op() {
  static const OpSpec spec{"", "Ceil", infer_unary_float, make_unary_float_kernel<CeilFn>};
  return spec;
}

}  // namespace qtune::ops
