// ONNX Erf: elementwise Gauss error function.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct ErfFn {
  explicit ErfFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::erf(x);
  }
};

}  // namespace

const OpSpec& erf_op() {
  static const OpSpec spec{"", "Erf", infer_unary_float, make_unary_float_kernel<ErfFn>};
  return spec;
}

}  // namespace qtune::ops
