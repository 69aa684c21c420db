// ONNX Cast: converts the input to the type in attribute 'to' (rules in cast_common.h).
// A cast to the input's own type shares the input's buffer.
#include "ops/cast_common.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

DataType target_type(const ir::Node& node) {
  if (!node.has_attr("to")) fail(node, "attribute 'to' is required");
  const int64_t code = node.attr_int("to", 0);
  const auto type = static_cast<DataType>(code);
  if (code < 0 || code > 1000 || !castable_type(type))
    fail(node, "attribute 'to' is " + std::to_string(code) + ", which is not a type qtune can cast to (numeric, bool, string)");
  return type;
}

std::vector<TensorInfo> infer_cast(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  return single_output(target_type(node), inputs[0].shape);
}

class CastKernel final : public Kernel {
 public:
  explicit CastKernel(const ir::Node& node) : node_(node), to_(target_type(node)) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in[0].dtype() == to_) {
      out[0] = in[0];
      return;
    }
    out[0] = ctx.allocate(0, to_, in[0].dims());
    cast_into(node_, in[0], out[0], ctx.threads);
  }

 private:
  const ir::Node& node_;
  DataType to_;
};

std::unique_ptr<Kernel> make_cast_kernel(const ir::Node& node) { return std::make_unique<CastKernel>(node); }

}  // namespace

const OpSpec& cast_op() {
  static const OpSpec spec{"", "Cast", infer_cast, make_cast_kernel};
  return spec;
}

}  // namespace qtune::ops
