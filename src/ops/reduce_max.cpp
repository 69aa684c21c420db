// ONNX ReduceMax; axes rules and the shared loop are in nn_reduce.h.
#include "ops/nn_reduce.h"

namespace qtune::ops {
namespace {

std::unique_ptr<Kernel> make_reduce_max_kernel(const ir::Node& node) { return make_reduce_kernel(node, ReduceKind::Max); }

}  // namespace

const OpSpec& reduce_max_op() {
  static const OpSpec spec{"", "ReduceMax", infer_reduce, make_reduce_max_kernel};
  return spec;
}

}  // namespace qtune::ops
