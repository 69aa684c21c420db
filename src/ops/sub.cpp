// ONNX Sub: elementwise, numpy broadcasting, same-typed numeric inputs.
#include "ops/elementwise.h"

namespace qtune::ops {
namespace {

struct SubFn {
  template <class T>
  T operator()(T a, T b) const {
    return static_cast<T>(a - b);
  }
};

}  // namespace

const OpSpec& sub_op() {
  static const OpSpec spec{"", "Sub", infer_binary_same_type, make_binary_kernel<SubFn>};
  return spec;
}

}  // namespace qtune::ops
