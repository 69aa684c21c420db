// ONNX Conv (1-D/2-D/3-D, groups, dilations, strides, pads, auto_pad, optional bias).
// Grouped and dense convolutions run as one GEMM per (image, group) whose B operand is
// packed straight from the image (implicit im2col; a 1x1/stride-1 conv reads the image
// as is). Depthwise convolutions (one input channel per group) use a direct loop.
#include "ops/nn_conv.h"
#include "ops/nn_gemm.h"
#include "ops/nn_window.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

std::vector<int64_t> kernel_dims_of(const ir::Shape& w, int spatial) {
  std::vector<int64_t> k;
  if (!w.has_rank()) return std::vector<int64_t>(static_cast<size_t>(spatial), -1);
  for (size_t i = 2; i < w.dims->size(); ++i) k.push_back((*w.dims)[i].is_known() ? (*w.dims)[i].value : -1);
  return k;
}

}  // namespace

std::vector<TensorInfo> infer_conv(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64});
  expect_type(node, inputs, 1, {inputs[0].dtype});
  if (is_present(inputs, 2)) expect_type(node, inputs, 2, {inputs[0].dtype});
  const ir::Shape& x = inputs[0].shape;
  const ir::Shape& w = inputs[1].shape;
  int spatial = spatial_rank_of(node, x, "input X");
  int w_spatial = spatial_rank_of(node, w, "weight W");
  if (spatial >= 0 && w_spatial >= 0 && spatial != w_spatial)
    fail(node, "input X has rank " + std::to_string(x.rank()) + " but weight W has rank " + std::to_string(w.rank()));
  if (spatial < 0) spatial = w_spatial;
  if (spatial < 0) return single_output(inputs[0].dtype, ir::Shape::unknown());
  const int64_t group = node.attr_int("group", 1);
  if (group < 1) fail(node, "attribute 'group' is " + std::to_string(group) + ", expected >= 1");
  ir::Dim out_channels = w.has_rank() ? (*w.dims)[0] : ir::Dim{};
  if (x.has_rank() && w.has_rank() && (*x.dims)[1].is_known() && (*w.dims)[1].is_known() &&
      (*x.dims)[1].value != (*w.dims)[1].value * group)
    fail(node, "input X has " + std::to_string((*x.dims)[1].value) + " channels, expected weight W's " +
                   std::to_string((*w.dims)[1].value) + " x group " + std::to_string(group));
  if (out_channels.is_known() && out_channels.value % group != 0)
    fail(node, "weight W has " + std::to_string(out_channels.value) + " output channels, not divisible by group " +
                   std::to_string(group));
  if (is_present(inputs, 2) && inputs[2].shape.has_rank()) {
    const ir::Shape& b = inputs[2].shape;
    if (b.rank() != 1 || (out_channels.is_known() && (*b.dims)[0].is_known() && (*b.dims)[0].value != out_channels.value))
      fail(node, "bias B has shape " + b.to_string() + ", expected [" +
                     (out_channels.is_known() ? std::to_string(out_channels.value) : std::string("M")) + "]");
  }
  WindowAttrs attrs = read_window_attrs(node, spatial, kernel_dims_of(w, spatial));
  return single_output(inputs[0].dtype, window_output_shape(node, attrs, x, out_channels));
}

namespace {

// B operand of one (image, group) GEMM: row k = (channel, kd, kh, kw), column j = output
// pixel; element = input value under that tap, 0 in the padding.
template <class T>
struct Im2colSource {
  const T* x;                      // [Cg, D, H, W] of this image and group
  const Window3d* g;
  const int64_t* tap;              // per k: channel offset, kd*dil, kh*dil, kw*dil
  const int64_t* origin;           // per output pixel: window origin d, h, w (may be < 0)
  void load_row(int64_t k, int64_t j0, int64_t n, T* dst) const {
    const int64_t* t = tap + 4 * k;
    const T* xc = x + t[0];
    const int64_t D = g->in[0], H = g->in[1], W = g->in[2];
    for (int64_t j = 0; j < n; ++j) {
      const int64_t* o = origin + 3 * (j0 + j);
      const int64_t id = o[0] + t[1], ih = o[1] + t[2], iw = o[2] + t[3];
      const bool inside = static_cast<uint64_t>(id) < static_cast<uint64_t>(D) &&
                          static_cast<uint64_t>(ih) < static_cast<uint64_t>(H) &&
                          static_cast<uint64_t>(iw) < static_cast<uint64_t>(W);
      dst[j] = inside ? xc[(id * H + ih) * W + iw] : T(0);
    }
  }
};

// Depthwise: output channel m reads input channel m / multiplier only. Each kernel tap
// adds a scaled, strided input row segment to an output row, so the inner loop is a
// (vectorizable for stride 1) axpy over the output positions whose tap is inside.
template <class T>
void depthwise_plane(const T* x, const T* w, T* y, const Window3d& g) {
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      T* yrow = y + (od * g.out[1] + oh) * g.out[2];
      std::fill(yrow, yrow + g.out[2], T(0));
      for (int64_t a = 0; a < g.kernel[0]; ++a) {
        const int64_t id = od * g.stride[0] - g.pad_begin[0] + a * g.dilation[0];
        if (id < 0 || id >= g.in[0]) continue;
        for (int64_t b = 0; b < g.kernel[1]; ++b) {
          const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + b * g.dilation[1];
          if (ih < 0 || ih >= g.in[1]) continue;
          const T* xrow = x + (id * g.in[1] + ih) * g.in[2];
          for (int64_t e = 0; e < g.kernel[2]; ++e) {
            const T wv = w[(a * g.kernel[1] + b) * g.kernel[2] + e];
            const int64_t shift = e * g.dilation[2] - g.pad_begin[2];  // iw = ow * stride + shift
            const int64_t sw = g.stride[2];
            // Output positions with 0 <= ow * sw + shift < in.
            const int64_t lo = shift >= 0 ? 0 : (-shift + sw - 1) / sw;
            const int64_t hi = std::min(g.out[2], g.in[2] - shift <= 0 ? 0 : (g.in[2] - shift - 1) / sw + 1);
            if (sw == 1) {
              for (int64_t ow = lo; ow < hi; ++ow) yrow[ow] += wv * xrow[ow + shift];
            } else {
              for (int64_t ow = lo; ow < hi; ++ow) yrow[ow] += wv * xrow[ow * sw + shift];
            }
          }
        }
      }
    }
}

class ConvKernel final : public Kernel {
 public:
  explicit ConvKernel(const ir::Node& node) : node_(node), group_(node.attr_int("group", 1)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    const bool has_bias = in.size() > 2 && in[2].defined();
    std::vector<TensorInfo> infos = {TensorInfo::of(x), TensorInfo::of(w)};
    if (has_bias) infos.push_back(TensorInfo::of(in[2]));
    // The shape rule validates everything (ranks, channels, group, bias, window fit).
    std::vector<int64_t> out_dims = infer_conv(node_, infos)[0].shape.sizes();
    out[0] = ctx.allocate(0, x.dtype(), out_dims);
    dispatch_float(node_, x.dtype(), [&]<class T>() { compute<T>(x, w, has_bias ? in[2].data<T>() : nullptr, out[0], ctx); });
  }

 private:
  template <class T>
  void compute(const Tensor& x, const Tensor& w, const T* bias, Tensor& y, KernelContext& ctx) const {
    const int spatial = x.rank() - 2;
    std::vector<int64_t> kernel(w.dims().begin() + 2, w.dims().end());
    WindowAttrs attrs = read_window_attrs(node_, spatial, kernel);
    Window3d g = make_window3d(node_, attrs, std::span<const int64_t>(x.dims()).subspan(2));
    const int64_t N = x.dim(0), C = x.dim(1), M = w.dim(0);
    const int64_t Cg = C / group_, Mg = M / group_, K = Cg * g.kernel_size(), P = g.out_size();
    const T* px = x.data<T>();
    const T* pw = w.data<T>();
    T* py = y.data<T>();
    if (Cg == 1) {
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t nm = 0; nm < N * M; ++nm) {
        const int64_t n = nm / M, m = nm % M;
        depthwise_plane(px + (n * C + m / Mg) * g.in_size(), pw + m * g.kernel_size(), py + nm * P, g);
      }
    } else {
      const bool pointwise = g.kernel_size() == 1 && g.out == g.in &&
                             g.stride == std::array<int64_t, 3>{1, 1, 1} && g.pad_begin == std::array<int64_t, 3>{0, 0, 0};
      std::vector<int64_t> taps, origins;
      if (!pointwise) build_tables(g, Cg, taps, origins);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t grp = 0; grp < group_; ++grp) {
          const T* xg = px + (n * C + grp * Cg) * g.in_size();
          MatrixView<T> a = matrix_view(pw + grp * Mg * K, K, false);
          T* yg = py + (n * M + grp * Mg) * P;
          if (pointwise) {
            gemm<T>(Mg, P, K, T(1), a, matrix_view(xg, P, false), T(0), yg, P, ctx.threads);
          } else {
            Im2colSource<T> b{xg, &g, taps.data(), origins.data()};
            gemm<T>(Mg, P, K, T(1), a, b, T(0), yg, P, ctx.threads);
          }
        }
    }
    if (bias) {
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t nm = 0; nm < N * M; ++nm) {
        const T b = bias[nm % M];
        T* plane = py + nm * P;
        for (int64_t j = 0; j < P; ++j) plane[j] += b;
      }
    }
  }

  static void build_tables(const Window3d& g, int64_t Cg, std::vector<int64_t>& taps, std::vector<int64_t>& origins) {
    taps.reserve(static_cast<size_t>(4 * Cg * g.kernel_size()));
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t a = 0; a < g.kernel[0]; ++a)
        for (int64_t b = 0; b < g.kernel[1]; ++b)
          for (int64_t e = 0; e < g.kernel[2]; ++e)
            taps.insert(taps.end(), {c * g.in_size(), a * g.dilation[0], b * g.dilation[1], e * g.dilation[2]});
    origins.reserve(static_cast<size_t>(3 * g.out_size()));
    for (int64_t od = 0; od < g.out[0]; ++od)
      for (int64_t oh = 0; oh < g.out[1]; ++oh)
        for (int64_t ow = 0; ow < g.out[2]; ++ow)
          origins.insert(origins.end(), {od * g.stride[0] - g.pad_begin[0], oh * g.stride[1] - g.pad_begin[1],
                                         ow * g.stride[2] - g.pad_begin[2]});
  }

  const ir::Node& node_;
  int64_t group_;
};

}  // namespace

std::unique_ptr<Kernel> make_conv_kernel(const ir::Node& node) { return std::make_unique<ConvKernel>(node); }

const OpSpec& conv_op() {
  static const OpSpec spec{"", "Conv", infer_conv, make_conv_kernel};
  return spec;
}

}  // namespace qtune::ops
