// ONNX Constant: its value comes from exactly one of the value* attributes.
#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

Tensor constant_value(const ir::Node& node) {
  const ir::Attribute* found = nullptr;
  for (const auto& a : node.attributes()) {
    if (a.name.rfind("value", 0) != 0 && a.name != "sparse_value") continue;
    if (found) fail(node, "has both '" + found->name + "' and '" + a.name + "'; exactly one value attribute is allowed");
    found = &a;
  }
  if (!found) fail(node, "has no value attribute");
  const ir::Attribute& a = *found;
  if (a.name == "value" && a.kind == ir::AttrKind::Tensor) return a.t;
  if (a.name == "value_float" && a.kind == ir::AttrKind::Float) return Tensor::from_vector<float>({}, {a.f});
  if (a.name == "value_floats" && a.kind == ir::AttrKind::Floats)
    return Tensor::from_vector<float>({static_cast<int64_t>(a.floats.size())}, a.floats);
  if (a.name == "value_int" && a.kind == ir::AttrKind::Int) return Tensor::from_vector<int64_t>({}, {a.i});
  if (a.name == "value_ints" && a.kind == ir::AttrKind::Ints)
    return Tensor::from_vector<int64_t>({static_cast<int64_t>(a.ints.size())}, a.ints);
  if (a.name == "value_string" && a.kind == ir::AttrKind::String) return Tensor::strings({}, {a.s});
  if (a.name == "value_strings" && a.kind == ir::AttrKind::Strings)
    return Tensor::strings({static_cast<int64_t>(a.strings.size())}, a.strings);
  fail(node, "attribute '" + a.name + "' (" + ir::attr_kind_name(a.kind) + ") is not supported");
}

std::vector<TensorInfo> infer_constant(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 0, 0);
  return {TensorInfo::of(constant_value(node))};
}

class ConstantKernel final : public Kernel {
 public:
  explicit ConstantKernel(const ir::Node& node) : value_(constant_value(node)) {}
  void run(std::span<const Tensor>, std::span<Tensor> out, KernelContext&) override { out[0] = value_; }

 private:
  Tensor value_;
};

std::unique_ptr<Kernel> make_constant_kernel(const ir::Node& node) { return std::make_unique<ConstantKernel>(node); }

}  // namespace

const OpSpec& constant_op() {
  static const OpSpec spec{"", "Constant", infer_constant, make_constant_kernel};
  return spec;
}

}  // namespace qtune::ops
