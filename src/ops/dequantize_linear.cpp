// ONNX DequantizeLinear (opset 10 per-tensor, 13+ per-axis):
// y = (x - x_zero_point) * x_scale as float32. x is uint8/int8 (or 16-bit), or int32
// (bias) whose zero point must be 0.
#include "ops/nn_quant.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_dequantize_linear(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  expect_type(node, inputs, 0, {DataType::UInt8, DataType::Int8, DataType::UInt16, DataType::Int16, DataType::Int32});
  expect_type(node, inputs, 1, {DataType::Float32});
  if (is_present(inputs, 2)) expect_type(node, inputs, 2, {inputs[0].dtype});
  quant_layout(node, inputs[0].shape, inputs[1].shape, is_present(inputs, 2) ? &inputs[2] : nullptr);
  return single_output(DataType::Float32, inputs[0].shape);
}

template <class Q>
void dequantize(const Q* x, const float* scale, const Q* zp, float* y, const QuantLayout& l) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      const float s = scale[c];
      const int64_t z = zp ? static_cast<int64_t>(zp[c]) : 0;
      const int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t i = 0; i < l.inner; ++i) y[base + i] = static_cast<float>(static_cast<int64_t>(x[base + i]) - z) * s;
    }
}

class DequantizeLinearKernel final : public Kernel {
 public:
  explicit DequantizeLinearKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const bool has_zp = in.size() > 2 && in[2].defined();
    std::vector<TensorInfo> infos = {TensorInfo::of(in[0]), TensorInfo::of(in[1])};
    if (has_zp) infos.push_back(TensorInfo::of(in[2]));
    infer_dequantize_linear(node_, infos);
    QuantLayout l = quant_layout(node_, infos[0].shape, infos[1].shape, has_zp ? &infos[2] : nullptr);
    if (!l.per_axis) l.inner = in[0].numel();
    out[0] = ctx.allocate(0, DataType::Float32, in[0].dims());
    float* y = out[0].data<float>();
    const float* scale = in[1].data<float>();
    auto go = [&]<class Q>() { dequantize<Q>(in[0].data<Q>(), scale, has_zp ? in[2].data<Q>() : nullptr, y, l); };
    switch (in[0].dtype()) {
      case DataType::UInt8: go.template operator()<uint8_t>(); break;
      case DataType::Int8: go.template operator()<int8_t>(); break;
      case DataType::UInt16: go.template operator()<uint16_t>(); break;
      case DataType::Int16: go.template operator()<int16_t>(); break;
      default:
        if (has_zp)
          for (int32_t z : in[2].values<int32_t>())
            if (z != 0) fail(node_, "int32 input needs a zero point of 0, got " + std::to_string(z));
        go.template operator()<int32_t>();
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_dequantize_linear_kernel(const ir::Node& node) {
  return std::make_unique<DequantizeLinearKernel>(node);
}

}  // namespace

const OpSpec& dequantize_linear_op() {
  static const OpSpec spec{"", "DequantizeLinear", infer_dequantize_linear, make_dequantize_linear_kernel};
  return spec;
}

}  // namespace qtune::ops
