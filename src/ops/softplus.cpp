// ONNX Softplus: log(1 + exp(x)), rewritten so that large |x| neither overflows nor
// loses the small term: x + log1p(exp(-x)) for x > 0, log1p(exp(x)) otherwise.
#include <cmath>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct SoftplusFn {
  explicit SoftplusFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
};

}  // namespace

const OpSpec& softplus_op() {
  static const OpSpec spec{"", "Softplus", infer_unary_float, make_unary_float_kernel<SoftplusFn>};
  return spec;
}

}  // namespace qtune::ops
