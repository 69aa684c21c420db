// ONNX Neg: -x on floats and signed integers; the most negative integer wraps to itself
// (two's complement, as NumPy does) instead of overflowing.
#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct NegFn {
  explicit NegFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return wrapping_neg(x);
  }
};

}  // namespace

const OpSpec& neg_op() {
  static const OpSpec spec{"", "Neg", infer_unary_signed, make_unary_kernel<NegFn, UnaryTypes::Signed>};
  return spec;
}

}  // namespace qtune::ops
