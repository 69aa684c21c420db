// ONNX Reciprocal: elementwise 1/x (inf at 0, as IEEE says).
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct ReciprocalFn {
  explicit ReciprocalFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return T(1) / x;
  }
};

}  // namespace

const OpSpec& reciprocal_op() {
  static const OpSpec spec{"", "Reciprocal", infer_unary_float, make_unary_float_kernel<ReciprocalFn>};
  return spec;
}

}  // namespace qtune::ops
