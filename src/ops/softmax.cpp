// ONNX Softmax: exp(x - max) / sum(exp(x - max)); axis semantics in nn_softmax.h.
#include "ops/nn_softmax.h"

namespace qtune::ops {
namespace {

std::unique_ptr<Kernel> make_softmax_kernel(const ir::Node& node) { return make_softmax_family_kernel(node, false); }

}  // namespace

const OpSpec& softmax_op() {
  static const OpSpec spec{"", "Softmax", infer_softmax_family, make_softmax_kernel};
  return spec;
}

}  // namespace qtune::ops
