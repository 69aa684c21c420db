// ONNX Floor: elementwise round toward negative infinity.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct FloorFn {
  explicit FloorFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::floor(x);
  }
};

}  // namespace

const OpSpec& floor_op() {
  static const OpSpec spec{"", "Floor", infer_unary_float, make_unary_float_kernel<FloorFn>};
  return spec;
}

}  // namespace qtune::ops
