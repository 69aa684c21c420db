// com.qtune QGlobalAveragePool: the mean over the spatial axes of a quantized [N, C, H, W]
// tensor (channels_last = 1: [N, H, W, C]), requantized to the output's parameters (y_*,
// absent: float32). Integer sums, one rounding: the squeeze-excitation pooling of
// MobileNetV3 / PP-LCNet without dequantizing the whole feature map.
#include <algorithm>
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
    if (nhwc_)
      dims_.assign({n, 1, 1, c});
    else
      dims_.assign({n, c, 1, 1});
    // Buffers kept between runs and the result written in place: this op runs on small
    // maps (PP-OCR cls: 10 per image, 1-3 us each), where allocating costs as much as summing.
    mean_.resize(static_cast<size_t>(n * c));
    sums_.resize(static_cast<size_t>(c));
    sums32_.resize(static_cast<size_t>(c));
    float* m = mean_.data();
    const auto count = static_cast<float>(hw), zero_point = static_cast<float>(x_.zero_point);
    auto sum_all = [&]<class T>(const T* data) {
      for (int64_t b = 0; b < n; ++b) {
        const T* base = data + b * c * hw;
        float* mb = m + b * c;
        if (nhwc_ && hw <= (int64_t{1} << 23)) {
          // int32 sums cannot overflow below 2^23 rows of 8-bit values; the means from them
          // in one loop the compiler vectorizes (int64 sums convert one at a time).
          std::fill(sums32_.begin(), sums32_.end(), 0);
          sum_rows_q(base, hw, c, sums32_.data());
          const int32_t* s32 = sums32_.data();
          for (int64_t ch = 0; ch < c; ++ch) mb[ch] = (static_cast<float>(s32[ch]) / count - zero_point) * x_.scale;
          continue;
        }
        std::fill(sums_.begin(), sums_.end(), 0);
        if (nhwc_) {
          for (int64_t p = 0; p < hw; ++p)
            for (int64_t ch = 0; ch < c; ++ch) sums_[static_cast<size_t>(ch)] += base[p * c + ch];
        } else {
          util::parallel_for(c, ctx.threads, c * hw > 65536, [&](int64_t ch) {
            int64_t s = 0;
            for (int64_t p = 0; p < hw; ++p) s += base[ch * hw + p];
            sums_[static_cast<size_t>(ch)] = s;
          });
        }
        for (int64_t ch = 0; ch < c; ++ch)
          mb[ch] = (static_cast<float>(sums_[static_cast<size_t>(ch)]) / count - zero_point) * x_.scale;
      }
    };
    if (x.dtype() == DataType::UInt8)
      sum_all(x.data<uint8_t>());
    else
      sum_all(x.data<int8_t>());
    out[0] = ctx.allocate(0, y_.quantized() ? y_.type : DataType::Float32, dims_);
    const auto y_zero_point = static_cast<float>(y_.zero_point);
    if (!y_.quantized())
      std::memcpy(out[0].raw(), m, mean_.size() * sizeof(float));
    else if (y_.type == DataType::UInt8)
      quantize_f32(m, out[0].data<uint8_t>(), n * c, y_.scale, y_zero_point);
    else
      quantize_f32(m, out[0].data<int8_t>(), n * c, y_.scale, y_zero_point);
  }

 private:
  const ir::Node& node_;
  ActivationQuant x_, y_;
  bool nhwc_;
  std::vector<int64_t> dims_;
  std::vector<float> mean_;
  std::vector<int64_t> sums_;
  std::vector<int32_t> sums32_;
};

std::unique_ptr<Kernel> make_kernel(const ir::Node& node) { return std::make_unique<QGlobalAveragePoolKernel>(node); }

}  // namespace

const OpSpec& q_global_average_pool_op() {
  static const OpSpec spec{"com.qtune", "QGlobalAveragePool", infer_q_global_average_pool, make_kernel};
  return spec;
}

}  // namespace qtune::ops
