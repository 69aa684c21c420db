// ONNX DynamicQuantizeLinear (opset 11): x float32 -> y uint8, y_scale and y_zero_point
// (scalars) computed from x's own range (ops/dynamic_quant.h), then
// y = saturate(round_half_even(x / y_scale) + y_zero_point).
#include <algorithm>
#include <cmath>

#include "ops/dynamic_quant.h"
#include "ops/op_helpers.h"
#include "ops/q_loops.h"

namespace qtune::ops {

DynamicQuantParams dynamic_quant_params(const float* x, int64_t n) {
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);  // NaN compares false: ignored
    hi = std::max(hi, x[i]);
  }
  DynamicQuantParams p;
  p.scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
  const float zp = std::nearbyint(std::clamp(-lo / p.scale, 0.0f, 255.0f));
  p.zero_point = static_cast<uint8_t>(zp);
  return p;
}

namespace {

std::vector<TensorInfo> infer_dynamic_quantize_linear(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  expect_type(node, inputs, 0, {DataType::Float32});
  return {TensorInfo::typed(DataType::UInt8, inputs[0].shape), TensorInfo::typed(DataType::Float32, ir::Shape::of({})),
          TensorInfo::typed(DataType::UInt8, ir::Shape::of({}))};
}

class DynamicQuantizeLinearKernel final : public Kernel {
 public:
  explicit DynamicQuantizeLinearKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    infer_dynamic_quantize_linear(node_, std::vector<TensorInfo>{TensorInfo::of(in[0])});
    const float* x = in[0].data<float>();
    const DynamicQuantParams p = dynamic_quant_params(x, in[0].numel());
    out[0] = ctx.allocate(0, DataType::UInt8, in[0].dims());
    quantize_f32(x, out[0].data<uint8_t>(), in[0].numel(), p.scale, static_cast<float>(p.zero_point));
    if (out.size() > 1) {
      out[1] = ctx.allocate(1, DataType::Float32, {});
      out[1].data<float>()[0] = p.scale;
    }
    if (out.size() > 2) {
      out[2] = ctx.allocate(2, DataType::UInt8, {});
      out[2].data<uint8_t>()[0] = p.zero_point;
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_dynamic_quantize_linear_kernel(const ir::Node& node) {
  return std::make_unique<DynamicQuantizeLinearKernel>(node);
}

}  // namespace

const OpSpec& dynamic_quantize_linear_op() {
  static const OpSpec spec{"", "DynamicQuantizeLinear", infer_dynamic_quantize_linear,
                           make_dynamic_quantize_linear_kernel};
  return spec;
}

}  // namespace qtune::ops
