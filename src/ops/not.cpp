// ONNX Not: logical negation of a bool tensor.
#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

struct NotFn {
  explicit NotFn(const ir::Node&) {}
  template <class T>
  T operator()(T x) const {
    return !x;
  }
};

}  // namespace

const OpSpec& not_op() {
  static const OpSpec spec{"", "Not", infer_unary_bool, make_unary_kernel<NotFn, UnaryTypes::Bool>};
  return spec;
}

}  // namespace qtune::ops
