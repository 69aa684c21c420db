// ONNX Add: elementwise, numpy broadcasting, same-typed numeric inputs.
#include "ops/elementwise.h"

namespace qtune::ops {
namespace {

struct AddFn {
  template <class T>
  T operator()(T a, T b) const {
    return static_cast<T>(a + b);
  }
};

}  // namespace

const OpSpec& add_op() {
  static const OpSpec spec{"", "Add", infer_binary_same_type, make_binary_kernel<AddFn>};
  return spec;
}

}  // namespace qtune::ops
