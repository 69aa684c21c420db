// ONNX Gelu (opset 20): x * Phi(x) with the exact normal CDF (approximate = "none") or the
// tanh approximation (approximate = "tanh"). Microsoft's com.microsoft Gelu, which ONNX
// Runtime's exporters emitted before opset 20, is the exact form with no attribute.
#include <cmath>
#include <numbers>

#include "ops/unary_kernels.h"

namespace qtune::ops {
namespace {

bool uses_tanh(const ir::Node& node) {
  std::string mode = node.attr_string("approximate", "none");
  if (mode != "none" && mode != "tanh")
    fail(node, "attribute 'approximate' is '" + mode + "', expected 'none' or 'tanh'");
  return mode == "tanh";
}

struct GeluFn {
  explicit GeluFn(const ir::Node& node) : tanh_form(uses_tanh(node)) {}
  template <class T>
  T operator()(T x) const {
    if (tanh_form) {
      const T k = static_cast<T>(std::sqrt(2.0 / std::numbers::pi));
      return T(0.5) * x * (T(1) + std::tanh(k * (x + T(0.044715) * x * x * x)));
    }
    return T(0.5) * x * (T(1) + std::erf(x * static_cast<T>(std::numbers::sqrt2 / 2)));
  }
  bool tanh_form;
};

std::vector<TensorInfo> infer_gelu(const ir::Node& node, std::span<const TensorInfo> inputs) {
  uses_tanh(node);
  return infer_unary_float(node, inputs);
}

}  // namespace

const OpSpec& gelu_op() {
  static const OpSpec spec{"", "Gelu", infer_gelu, make_unary_float_kernel<GeluFn>};
  return spec;
}

const OpSpec& ms_gelu_op() {
  static const OpSpec spec{"com.microsoft", "Gelu", infer_gelu, make_unary_float_kernel<GeluFn>};
  return spec;
}

}  // namespace qtune::ops
