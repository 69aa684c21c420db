// ONNX MaxPool (1-D/2-D/3-D; pads, auto_pad, strides, dilations, ceil_mode,
// storage_order, optional Indices output). Indices address the flattened input
// (including batch and channel), row-major or column-major per storage_order.
#include <limits>

#include "ops/nn_window.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

constexpr std::initializer_list<DataType> kMaxPoolTypes = {DataType::Float32, DataType::Float64, DataType::Int8,
                                                           DataType::UInt8};

std::vector<TensorInfo> infer_max_pool(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_pool(node, inputs, kMaxPoolTypes, true);
}

class MaxPoolKernel final : public Kernel {
 public:
  explicit MaxPoolKernel(const ir::Node& node) : node_(node), column_major_(node.attr_int("storage_order", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    std::vector<int64_t> dims = infer_max_pool(node_, infos)[0].shape.sizes();
    const int spatial = x.rank() - 2;
    WindowAttrs attrs = read_window_attrs(node_, spatial, {});
    Window3d g = make_window3d(node_, attrs, std::span<const int64_t>(x.dims()).subspan(2));
    out[0] = ctx.allocate(0, x.dtype(), dims);
    const bool want_indices = out.size() > 1 && node_.output(1) != nullptr;
    if (want_indices) out[1] = ctx.allocate(1, DataType::Int64, dims);
    int64_t* indices = want_indices ? out[1].data<int64_t>() : nullptr;
    const int64_t planes = x.dim(0) * x.dim(1);
    switch (x.dtype()) {
      case DataType::Float32: pool<float>(x, out[0], indices, g, planes, ctx.threads); break;
      case DataType::Float64: pool<double>(x, out[0], indices, g, planes, ctx.threads); break;
      case DataType::Int8: pool<int8_t>(x, out[0], indices, g, planes, ctx.threads); break;
      case DataType::UInt8: pool<uint8_t>(x, out[0], indices, g, planes, ctx.threads); break;
      default: fail(node_, "unsupported element type " + std::string(dtype_name(x.dtype())));
    }
  }

 private:
  template <class T>
  void pool(const Tensor& x, Tensor& y, int64_t* indices, const Window3d& g, int64_t planes, int threads) const {
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const int64_t in_size = g.in_size(), out_size = g.out_size();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t plane = 0; plane < planes; ++plane) {
      const T* xp = px + plane * in_size;
      int64_t o = plane * out_size;
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow, ++o) {
            T best = std::numeric_limits<T>::lowest();
            int64_t best_d = -1, best_h = -1, best_w = -1;
            for (int64_t a = 0; a < g.kernel[0]; ++a) {
              const int64_t id = od * g.stride[0] - g.pad_begin[0] + a * g.dilation[0];
              if (id < 0 || id >= g.in[0]) continue;
              for (int64_t b = 0; b < g.kernel[1]; ++b) {
                const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + b * g.dilation[1];
                if (ih < 0 || ih >= g.in[1]) continue;
                for (int64_t e = 0; e < g.kernel[2]; ++e) {
                  const int64_t iw = ow * g.stride[2] - g.pad_begin[2] + e * g.dilation[2];
                  if (iw < 0 || iw >= g.in[2]) continue;
                  const T v = xp[(id * g.in[1] + ih) * g.in[2] + iw];
                  if (best_d < 0 || v > best) {
                    best = v;
                    best_d = id;
                    best_h = ih;
                    best_w = iw;
                  }
                }
              }
            }
            py[o] = best;
            if (indices) {
              // A window entirely in the padding has no element: index -1.
              if (best_d < 0) indices[o] = -1;
              else if (column_major_) indices[o] = plane * in_size + best_d + g.in[0] * (best_h + g.in[1] * best_w);
              else indices[o] = plane * in_size + (best_d * g.in[1] + best_h) * g.in[2] + best_w;
            }
          }
    }
  }

  const ir::Node& node_;
  bool column_major_;
};

std::unique_ptr<Kernel> make_max_pool_kernel(const ir::Node& node) { return std::make_unique<MaxPoolKernel>(node); }

}  // namespace

const OpSpec& max_pool_op() {
  static const OpSpec spec{"", "MaxPool", infer_max_pool, make_max_pool_kernel};
  return spec;
}

}  // namespace qtune::ops
