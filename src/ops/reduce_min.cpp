// ONNX ReduceMin; axes rules and the shared loop are in nn_reduce.h.
#include "ops/nn_reduce.h"

namespace qtune::ops {
namespace {

std::unique_ptr<Kernel> make_reduce_min_kernel(const ir::Node& node) { return make_reduce_kernel(node, ReduceKind::Min); }

}  // namespace

const OpSpec& reduce_min_op() {
  static const OpSpec spec{"", "ReduceMin", infer_reduce, make_reduce_min_kernel};
  return spec;
}

}  // namespace qtune::ops
