// ONNX QuantizeLinear (opset 10 per-tensor, 13+ per-axis):
// y = saturate(round_half_to_even(x / y_scale) + y_zero_point), y of the zero point's
// type (uint8 when it is omitted). NaN inputs quantize to the zero point.
#include <cmath>
#include <limits>

#include "ops/nn_quant.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_quantize_linear(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64, DataType::Int32});
  expect_type(node, inputs, 1, {DataType::Float32});
  DataType out = DataType::UInt8;
  if (is_present(inputs, 2)) {
    expect_type(node, inputs, 2, {DataType::UInt8, DataType::Int8, DataType::UInt16, DataType::Int16});
    out = inputs[2].dtype == DataType::Undefined ? DataType::UInt8 : inputs[2].dtype;
  }
  quant_layout(node, inputs[0].shape, inputs[1].shape, is_present(inputs, 2) ? &inputs[2] : nullptr);
  return single_output(out, inputs[0].shape);
}

template <class X, class Q>
void quantize(const X* x, const float* scale, const Q* zp, Q* y, const QuantLayout& l) {
  using Work = std::conditional_t<std::is_same_v<X, double>, double, float>;
  constexpr Work lo = std::numeric_limits<Q>::lowest(), hi = std::numeric_limits<Q>::max();
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      const Work s = scale[c];
      const Work z = zp ? static_cast<Work>(zp[c]) : Work(0);
      const int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t i = 0; i < l.inner; ++i) {
        Work v = std::nearbyint(static_cast<Work>(x[base + i]) / s) + z;
        v = std::isnan(v) ? z : std::min(std::max(v, lo), hi);  // clamp before the cast: no UB
        y[base + i] = static_cast<Q>(v);
      }
    }
}

class QuantizeLinearKernel final : public Kernel {
 public:
  explicit QuantizeLinearKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const bool has_zp = in.size() > 2 && in[2].defined();
    std::vector<TensorInfo> infos = {TensorInfo::of(in[0]), TensorInfo::of(in[1])};
    if (has_zp) infos.push_back(TensorInfo::of(in[2]));
    const DataType qtype = infer_quantize_linear(node_, infos)[0].dtype;
    QuantLayout l = quant_layout(node_, infos[0].shape, infos[1].shape, has_zp ? &infos[2] : nullptr);
    if (!l.per_axis) l.inner = in[0].numel();
    out[0] = ctx.allocate(0, qtype, in[0].dims());
    Tensor& y = out[0];
    const float* scale = in[1].data<float>();
    auto with_x = [&]<class X>() {
      const X* x = in[0].data<X>();
      auto with_q = [&]<class Q>() { quantize<X, Q>(x, scale, has_zp ? in[2].data<Q>() : nullptr, y.data<Q>(), l); };
      switch (qtype) {
        case DataType::UInt8: with_q.template operator()<uint8_t>(); break;
        case DataType::Int8: with_q.template operator()<int8_t>(); break;
        case DataType::UInt16: with_q.template operator()<uint16_t>(); break;
        default: with_q.template operator()<int16_t>(); break;
      }
    };
    switch (in[0].dtype()) {
      case DataType::Float32: with_x.template operator()<float>(); break;
      case DataType::Float64: with_x.template operator()<double>(); break;
      default: with_x.template operator()<int32_t>(); break;
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_quantize_linear_kernel(const ir::Node& node) {
  return std::make_unique<QuantizeLinearKernel>(node);
}

}  // namespace

const OpSpec& quantize_linear_op() {
  static const OpSpec spec{"", "QuantizeLinear", infer_quantize_linear, make_quantize_linear_kernel};
  return spec;
}

}  // namespace qtune::ops
