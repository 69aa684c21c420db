// ONNX Xor: elementwise logical xor of two bool tensors, numpy broadcasting.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

struct XorFn {
  template <class T>
  bool operator()(T a, T b) const {
    return a != b;
  }
};

}  // namespace

const OpSpec& xor_op() {
  static const OpSpec spec{"", "Xor", infer_logic, make_binary_kernel<XorFn, TypeFamily::Logic>};
  return spec;
}

}  // namespace qtune::ops
