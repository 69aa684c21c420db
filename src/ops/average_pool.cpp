// ONNX AveragePool (1-D/2-D/3-D; pads, auto_pad, strides, dilations, ceil_mode,
// count_include_pad). The divisor counts the taps inside the input, or with
// count_include_pad the taps inside the padded input (never the ceil_mode overhang).
#include <limits>

#include "ops/nn_window.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_average_pool(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_pool(node, inputs, {DataType::Float32, DataType::Float64}, false);
}

// Along one axis: the taps of the window starting at `start` that fall in [lo, hi).
inline int64_t taps_within(int64_t start, int64_t k, int64_t dilation, int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t t = 0; t < k; ++t) {
    const int64_t p = start + t * dilation;
    n += p >= lo && p < hi;
  }
  return n;
}

class AveragePoolKernel final : public Kernel {
 public:
  explicit AveragePoolKernel(const ir::Node& node)
      : node_(node), count_include_pad_(node.attr_int("count_include_pad", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    std::vector<int64_t> dims = infer_average_pool(node_, infos)[0].shape.sizes();
    WindowAttrs attrs = read_window_attrs(node_, x.rank() - 2, {});
    Window3d g = make_window3d(node_, attrs, std::span<const int64_t>(x.dims()).subspan(2));
    out[0] = ctx.allocate(0, x.dtype(), dims);
    dispatch_float(node_, x.dtype(), [&]<class T>() { pool<T>(x, out[0], g, ctx.threads); });
  }

 private:
  template <class T>
  void pool(const Tensor& x, Tensor& y, const Window3d& g, int threads) const {
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const int64_t planes = x.dim(0) * x.dim(1), in_size = g.in_size(), out_size = g.out_size();
    // The counted region per axis: the input, or the input plus its explicit/implicit pads.
    std::array<int64_t, 3> lo{0, 0, 0}, hi = g.in;
    if (count_include_pad_)
      for (size_t i = 0; i < 3; ++i) {
        lo[i] = -g.pad_begin[i];
        hi[i] = g.in[i] + g.pad_end[i];
      }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t plane = 0; plane < planes; ++plane) {
      const T* xp = px + plane * in_size;
      int64_t o = plane * out_size;
      for (int64_t od = 0; od < g.out[0]; ++od) {
        const int64_t sd = od * g.stride[0] - g.pad_begin[0];
        const int64_t nd = taps_within(sd, g.kernel[0], g.dilation[0], lo[0], hi[0]);
        for (int64_t oh = 0; oh < g.out[1]; ++oh) {
          const int64_t sh = oh * g.stride[1] - g.pad_begin[1];
          const int64_t nh = taps_within(sh, g.kernel[1], g.dilation[1], lo[1], hi[1]);
          for (int64_t ow = 0; ow < g.out[2]; ++ow, ++o) {
            const int64_t sw = ow * g.stride[2] - g.pad_begin[2];
            const int64_t count = nd * nh * taps_within(sw, g.kernel[2], g.dilation[2], lo[2], hi[2]);
            T sum = 0;
            for (int64_t a = 0; a < g.kernel[0]; ++a) {
              const int64_t id = sd + a * g.dilation[0];
              if (id < 0 || id >= g.in[0]) continue;
              for (int64_t b = 0; b < g.kernel[1]; ++b) {
                const int64_t ih = sh + b * g.dilation[1];
                if (ih < 0 || ih >= g.in[1]) continue;
                const T* row = xp + (id * g.in[1] + ih) * g.in[2];
                for (int64_t e = 0; e < g.kernel[2]; ++e) {
                  const int64_t iw = sw + e * g.dilation[2];
                  if (iw >= 0 && iw < g.in[2]) sum += row[iw];
                }
              }
            }
            // A window with no counted tap (entirely in padding) has no average.
            py[o] = count > 0 ? sum / static_cast<T>(count) : std::numeric_limits<T>::quiet_NaN();
          }
        }
      }
    }
  }

  const ir::Node& node_;
  bool count_include_pad_;
};

std::unique_ptr<Kernel> make_average_pool_kernel(const ir::Node& node) {
  return std::make_unique<AveragePoolKernel>(node);
}

}  // namespace

const OpSpec& average_pool_op() {
  static const OpSpec spec{"", "AveragePool", infer_average_pool, make_average_pool_kernel};
  return spec;
}

}  // namespace qtune::ops
