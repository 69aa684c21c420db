// com.qtune QGlobalAveragePool: the mean over the spatial axes of a quantized [N, C, H, W]
// tensor (channels_last = 1: [N, H, W, C]), requantized to the output's parameters (y_*,
// absent: float32). Integer sums, one rounding: the squeeze-excitation pooling of
// MobileNetV3 / PP-LCNet without dequantizing the whole feature map.
#include <cmath>
#include <cstring>

#include "ops/op_helpers.h"
#include "ops/q_linear.h"
#include "ops/q_loops.h"
#include "util/parallel_for.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_q_global_average_pool(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  const ActivationQuant x = read_activation_quant(node, "x");
  if (!x.quantized()) fail(node, "x_scale is required (the input is quantized)");
  expect_type(node, inputs, 0, {x.type});
  const ir::Shape& s = inputs[0].shape;
  if (s.has_rank() && s.rank() != 4) fail(node, "X has shape " + s.to_string() + ", expected rank 4");
  ir::Shape out = s;
  if (out.has_rank()) {
    const bool nhwc = node.attr_int("channels_last", 0) != 0;
    for (size_t d : nhwc ? std::vector<size_t>{1, 2} : std::vector<size_t>{2, 3}) (*out.dims)[d] = ir::Dim::known(1);
  }
  return single_output(read_activation_quant(node, "y").type, out);
}

class QGlobalAveragePoolKernel final : public Kernel {
 public:
  explicit QGlobalAveragePoolKernel(const ir::Node& node)
      : node_(node),
        x_(read_activation_quant(node, "x")),
        y_(read_activation_quant(node, "y")),
        nhwc_(node.attr_int("channels_last", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    if (x.rank() != 4 || x.dtype() != x_.type) fail(node_, "X is " + x.describe() + ", expected rank 4 of x_type");
    const int64_t n = x.dim(0), c = nhwc_ ? x.dim(3) : x.dim(1), hw = nhwc_ ? x.dim(1) * x.dim(2) : x.dim(2) * x.dim(3);
    std::vector<int64_t> dims = nhwc_ ? std::vector<int64_t>{n, 1, 1, c} : std::vector<int64_t>{n, c, 1, 1};
    Tensor mean(DataType::Float32, dims);
    float* m = mean.data<float>();
    auto sum_all = [&]<class T>(const T* data) {
      for (int64_t b = 0; b < n; ++b) {
        const T* base = data + b * c * hw;
        std::vector<int64_t> sums(static_cast<size_t>(c), 0);
        if (nhwc_ && hw <= (int64_t{1} << 23)) {
          // int32 sums cannot overflow below 2^23 rows of 8-bit values.
          std::vector<int32_t> s32(static_cast<size_t>(c), 0);
          sum_rows_q(base, hw, c, s32.data());
          for (int64_t ch = 0; ch < c; ++ch) sums[static_cast<size_t>(ch)] = s32[static_cast<size_t>(ch)];
        } else if (nhwc_) {
          for (int64_t p = 0; p < hw; ++p)
            for (int64_t ch = 0; ch < c; ++ch) sums[static_cast<size_t>(ch)] += base[p * c + ch];
        } else {
          util::parallel_for(c, ctx.threads, c * hw > 65536, [&](int64_t ch) {
            int64_t s = 0;
            for (int64_t p = 0; p < hw; ++p) s += base[ch * hw + p];
            sums[static_cast<size_t>(ch)] = s;
          });
        }
        for (int64_t ch = 0; ch < c; ++ch)
          m[b * c + ch] = (static_cast<float>(sums[static_cast<size_t>(ch)]) / static_cast<float>(hw) -
                           static_cast<float>(x_.zero_point)) * x_.scale;
      }
    };
    if (x.dtype() == DataType::UInt8)
      sum_all(x.data<uint8_t>());
    else
      sum_all(x.data<int8_t>());
    const Tensor y = quantize_activation(mean, y_);
    out[0] = ctx.allocate(0, y.dtype(), dims);
    std::memcpy(out[0].raw(), y.raw(), y.byte_size());
  }

 private:
  const ir::Node& node_;
  ActivationQuant x_, y_;
  bool nhwc_;
};

std::unique_ptr<Kernel> make_kernel(const ir::Node& node) { return std::make_unique<QGlobalAveragePoolKernel>(node); }

}  // namespace

const OpSpec& q_global_average_pool_op() {
  static const OpSpec spec{"com.qtune", "QGlobalAveragePool", infer_q_global_average_pool, make_kernel};
  return spec;
}

}  // namespace qtune::ops
