// ONNX Or: elementwise logical or of two bool tensors, numpy broadcasting.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct OrFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a || b;
  }
};

}  // namespace

const OpSpec& or_op() {
  static const OpSpec spec{"", "Or", infer_logic, make_binary_kernel<OrFn, TypeFamily::Logic>};
  return spec;
}

}  // namespace qtune::ops
