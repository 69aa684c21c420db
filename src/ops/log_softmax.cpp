// ONNX LogSoftmax: x - max - log(sum(exp(x - max))); axis semantics in nn_softmax.h.
#include "ops/nn_softmax.h"

namespace qtune::ops {
namespace {

std::unique_ptr<Kernel> make_log_softmax_kernel(const ir::Node& node) { return make_softmax_family_kernel(node, true); }

}  // namespace

const OpSpec& log_softmax_op() {
  static const OpSpec spec{"", "LogSoftmax", infer_softmax_family, make_log_softmax_kernel};
  return spec;
}

}  // namespace qtune::ops
