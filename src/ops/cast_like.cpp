// ONNX CastLike (opset 15): casts input 0 to the type of input 1 (whose values are unused),
// with Cast's rules (cast_common.h).
#include "ops/cast_common.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_cast_like(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const DataType to = inputs[1].dtype;
  if (to != DataType::Undefined && !castable_type(to))
    fail(node, "target type " + std::string(dtype_name(to)) + " is not a type qtune can cast to (numeric, bool, string)");
  return single_output(to, inputs[0].shape);
}

class CastLikeKernel final : public Kernel {
 public:
  explicit CastLikeKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const DataType to = in[1].dtype();
    if (in[0].dtype() == to) {
      out[0] = in[0];
      return;
    }
    out[0] = ctx.allocate(0, to, in[0].dims());
    cast_into(node_, in[0], out[0], ctx.threads);
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_cast_like_kernel(const ir::Node& node) { return std::make_unique<CastLikeKernel>(node); }

}  // namespace

const OpSpec& cast_like_op() {
  static const OpSpec spec{"", "CastLike", infer_cast_like, make_cast_like_kernel};
  return spec;
}

}  // namespace qtune::ops
