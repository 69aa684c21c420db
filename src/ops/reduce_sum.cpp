// ONNX ReduceSum; axes rules and the shared loop are in nn_reduce.h.
#include "ops/nn_reduce.h"

namespace qtune::ops {
namespace {

std::unique_ptr<Kernel> make_reduce_sum_kernel(const ir::Node& node) { return make_reduce_kernel(node, ReduceKind::Sum); }

}  // namespace

const OpSpec& reduce_sum_op() {
  static const OpSpec spec{"", "ReduceSum", infer_reduce, make_reduce_sum_kernel};
  return spec;
}

}  // namespace qtune::ops
