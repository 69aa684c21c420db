// ONNX Round: elementwise round to nearest, ties to even (2.5 -> 2, -1.5 -> -2).
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct RoundFn {
  explicit RoundFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::nearbyint(x);  // the default rounding mode is to-nearest-even
  }
};

}  // namespace

const OpSpec& round_op() {
  static const OpSpec spec{"", "Round", infer_unary_float, make_unary_float_kernel<RoundFn>};
  return spec;
}

}  // namespace qtune::ops
