// ONNX Identity: the output is the input (shared buffer, no copy).
#include "ops/elementwise.h"

namespace qtune::ops {
namespace {

class IdentityKernel final : public Kernel {
 public:
  explicit IdentityKernel(const ir::Node&) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext&) override { out[0] = in[0]; }
};

std::unique_ptr<Kernel> make_identity_kernel(const ir::Node& node) { return std::make_unique<IdentityKernel>(node); }

}  // namespace

const OpSpec& identity_op() {
  static const OpSpec spec{"", "Identity", infer_same_as_input, make_identity_kernel};
  return spec;
}

}  // namespace qtune::ops
