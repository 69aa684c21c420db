// ONNX And: elementwise logical and of two bool tensors, numpy broadcasting.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct AndFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a && b;
  }
};

}  // namespace

const OpSpec& and_op() {
  static const OpSpec spec{"", "And", infer_logic, make_binary_kernel<AndFn, TypeFamily::Logic>};
  return spec;
}

}  // namespace qtune::ops
