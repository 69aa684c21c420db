// ONNX Log: elementwise natural logarithm (-inf at 0, NaN below).
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct LogFn {
  explicit LogFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return std::log(x);
  }
};

}  // namespace

const OpSpec& log_op() {
  static const OpSpec spec{"", "Log", infer_unary_float, make_unary_float_kernel<LogFn>};
  return spec;
}

}  // namespace qtune::ops
