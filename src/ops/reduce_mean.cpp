// ONNX ReduceMean; axes rules and the shared loop are in nn_reduce.h.
#include "ops/nn_reduce.h"

namespace qtune::ops {
namespace {

std::unique_ptr<Kernel> make_reduce_mean_kernel(const ir::Node& node) { return make_reduce_kernel(node, ReduceKind::Mean); }

}  // namespace

const OpSpec& reduce_mean_op() {
  static const OpSpec spec{"", "ReduceMean", infer_reduce, make_reduce_mean_kernel};
  return spec;
}

}  // namespace qtune::ops
