// ONNX Dropout at inference: the output is the input (shared buffer) and the optional
// mask is all true. Opset 12+ has inputs ratio? and training_mode?; training_mode = true
// with a ratio above 0 would draw random numbers, which a deterministic inference kernel
// must not pretend to do, so it is an error (with ratio 0 it is still the identity).
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

double ratio_value(const ir::Node& node, const Tensor& t) {
  if (t.numel() != 1) fail(node, "ratio must be a scalar, got " + t.describe());
  const double r = t.value_as_double(0);
  if (!(r >= 0.0 && r < 1.0)) fail(node, "ratio " + std::to_string(r) + " is outside [0, 1)");
  return r;
}

bool training_value(const ir::Node& node, const Tensor& t) {
  if (t.dtype() != DataType::Bool || t.numel() != 1) fail(node, "training_mode must be a bool scalar, got " + t.describe());
  return t.data<bool>()[0];
}

void check_training(const ir::Node& node, bool training, double ratio) {
  if (training && ratio > 0)
    fail(node, "training_mode is true with ratio " + std::to_string(ratio) +
                   ": random dropout is not supported (qtune runs inference; set training_mode to false)");
}

std::vector<TensorInfo> infer_dropout(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 3);
  expect_type_in(node, inputs, 0, kFloatTypes);
  if (is_present(inputs, 2) && inputs[2].value) {
    double ratio = is_present(inputs, 1) && inputs[1].value ? ratio_value(node, *inputs[1].value) : 0.5;
    check_training(node, training_value(node, *inputs[2].value), ratio);
  }
  std::vector<TensorInfo> outs = single_output(inputs[0].dtype, inputs[0].shape);
  if (node.num_outputs() > 1) outs.push_back(TensorInfo::typed(DataType::Bool, inputs[0].shape));
  return outs;
}

class DropoutKernel final : public Kernel {
 public:
  explicit DropoutKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (has_input(in, 2)) {
      const double ratio = has_input(in, 1) ? ratio_value(node_, in[1]) : 0.5;  // ONNX's default ratio
      check_training(node_, training_value(node_, in[2]), ratio);
    }
    out[0] = in[0];
    if (out.size() > 1 && node_.output(1)) {
      out[1] = ctx.allocate(1, DataType::Bool, in[0].dims());
      std::fill_n(out[1].data<bool>(), out[1].numel(), true);
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_dropout_kernel(const ir::Node& node) { return std::make_unique<DropoutKernel>(node); }

}  // namespace

const OpSpec& dropout_op() {
  static const OpSpec spec{"", "Dropout", infer_dropout, make_dropout_kernel};
  return spec;
}

}  // namespace qtune::ops
