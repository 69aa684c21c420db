// ONNX ConvTranspose (1-D/2-D/3-D, groups, dilations, strides, pads, output_padding,
// output_shape, auto_pad). Per (image, group): cols = W_g^T * X_g by GEMM, then each
// column is scattered into the output (col2im), in pixel chunks to bound memory.
#include "ops/nn_conv.h"
#include "ops/nn_gemm.h"
#include "ops/nn_window.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

// Output size and begin pad of each spatial axis (-1 where the input size is unknown).
std::vector<AxisWindow> transpose_axes(const ir::Node& node, const WindowAttrs& a, std::span<const int64_t> in) {
  const size_t n = static_cast<size_t>(a.spatial);
  std::vector<int64_t> out_pad = node.attr_ints("output_padding", std::vector<int64_t>(n, 0));
  std::vector<int64_t> out_shape = node.attr_ints("output_shape", {});
  if (out_pad.size() != n)
    fail(node, "attribute 'output_padding' has " + std::to_string(out_pad.size()) + " values, expected " + std::to_string(n));
  if (!out_shape.empty() && out_shape.size() != n && out_shape.size() != n + 2)
    fail(node, "attribute 'output_shape' has " + std::to_string(out_shape.size()) + " values, expected " + std::to_string(n));
  if (out_shape.size() == n + 2) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
  std::vector<AxisWindow> axes(n);
  for (size_t i = 0; i < n; ++i) {
    if (out_pad[i] < 0) fail(node, "attribute 'output_padding' has a negative value");
    if (in[i] < 0 || a.kernel[i] < 0) continue;
    const int64_t eff = (a.kernel[i] - 1) * a.dilations[i] + 1;
    const int64_t full = a.strides[i] * (in[i] - 1) + out_pad[i] + eff;  // output size with no padding
    AxisWindow& w = axes[i];
    if (!out_shape.empty() || a.auto_pad == AutoPad::SameUpper || a.auto_pad == AutoPad::SameLower) {
      w.out = out_shape.empty() ? in[i] * a.strides[i] : out_shape[i];
      // ONNX splits the total padding with floor division (a negative total, from an
      // output_shape larger than the full result, extends the end).
      const int64_t total = full - w.out;
      const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      w.pad_begin = a.auto_pad == AutoPad::SameUpper ? half : total - half;
      w.pad_end = total - w.pad_begin;
    } else {
      if (a.auto_pad == AutoPad::NotSet) {
        w.pad_begin = a.pads[i];
        w.pad_end = a.pads[i + n];
      }
      w.out = full - w.pad_begin - w.pad_end;
    }
    if (w.out <= 0)
      fail(node, "spatial axis " + std::to_string(i) + " would have output size " + std::to_string(w.out) +
                     " (input " + std::to_string(in[i]) + ")");
  }
  return axes;
}

}  // namespace

std::vector<TensorInfo> infer_conv_transpose(const ir::Node& node, std::span<const TensorInfo> inputs) {
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
  auto known = [](const ir::Shape& s, size_t i) { return s.has_rank() && (*s.dims)[i].is_known() ? (*s.dims)[i].value : -1; };
  const int64_t c = known(x, 1), w0 = known(w, 0), w1 = known(w, 1);
  if (c >= 0 && w0 >= 0 && c != w0)
    fail(node, "input X has " + std::to_string(c) + " channels but weight W has " + std::to_string(w0));
  if (w0 >= 0 && w0 % group != 0)
    fail(node, "weight W has " + std::to_string(w0) + " input channels, not divisible by group " + std::to_string(group));
  ir::Dim channels = w1 >= 0 ? ir::Dim::known(w1 * group) : (group == 1 && w.has_rank() ? (*w.dims)[1] : ir::Dim{});
  if (is_present(inputs, 2) && inputs[2].shape.has_rank()) {
    const ir::Shape& b = inputs[2].shape;
    if (b.rank() != 1 || (channels.is_known() && (*b.dims)[0].is_known() && (*b.dims)[0].value != channels.value))
      fail(node, "bias B has shape " + b.to_string() + ", expected [" +
                     (channels.is_known() ? std::to_string(channels.value) : std::string("M")) + "]");
  }
  std::vector<int64_t> kernel, in;
  for (int i = 0; i < spatial; ++i) {
    kernel.push_back(known(w, static_cast<size_t>(i + 2)));
    in.push_back(known(x, static_cast<size_t>(i + 2)));
  }
  WindowAttrs attrs = read_window_attrs(node, spatial, kernel);
  std::vector<AxisWindow> axes = transpose_axes(node, attrs, in);
  ir::Shape out;
  out.dims.emplace();
  out.dims->push_back(x.has_rank() ? (*x.dims)[0] : ir::Dim{});
  out.dims->push_back(channels);
  for (const AxisWindow& a : axes) out.dims->push_back(a.out >= 0 ? ir::Dim::known(a.out) : ir::Dim{});
  return single_output(inputs[0].dtype, out);
}

namespace {

class ConvTransposeKernel final : public Kernel {
 public:
  explicit ConvTransposeKernel(const ir::Node& node) : node_(node), group_(node.attr_int("group", 1)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    const bool has_bias = in.size() > 2 && in[2].defined();
    std::vector<TensorInfo> infos = {TensorInfo::of(x), TensorInfo::of(w)};
    if (has_bias) infos.push_back(TensorInfo::of(in[2]));
    std::vector<int64_t> out_dims = infer_conv_transpose(node_, infos)[0].shape.sizes();
    out[0] = ctx.allocate(0, x.dtype(), out_dims);
    dispatch_float(node_, x.dtype(), [&]<class T>() { compute<T>(x, w, has_bias ? in[2].data<T>() : nullptr, out[0], ctx); });
  }

 private:
  template <class T>
  void compute(const Tensor& x, const Tensor& w, const T* bias, Tensor& y, KernelContext& ctx) const {
    const int spatial = x.rank() - 2;
    std::vector<int64_t> kernel(w.dims().begin() + 2, w.dims().end());
    std::span<const int64_t> in_spatial = std::span<const int64_t>(x.dims()).subspan(2);
    WindowAttrs attrs = read_window_attrs(node_, spatial, kernel);
    std::vector<AxisWindow> axes = transpose_axes(node_, attrs, in_spatial);
    if (spatial > 3) fail(node_, "has " + std::to_string(spatial) + " spatial axes, expected 1 to 3");
    Window3d g;
    const size_t offset = static_cast<size_t>(3 - spatial);
    for (size_t i = 0; i < static_cast<size_t>(spatial); ++i) {
      g.in[offset + i] = in_spatial[i];
      g.out[offset + i] = axes[i].out;
      g.kernel[offset + i] = kernel[i];
      g.stride[offset + i] = attrs.strides[i];
      g.dilation[offset + i] = attrs.dilations[i];
      g.pad_begin[offset + i] = axes[i].pad_begin;
    }
    const int64_t N = x.dim(0), C = x.dim(1), Cg = C / group_, Mg = w.dim(1), M = Mg * group_;
    const int64_t kvol = g.kernel_size(), rows = Mg * kvol, P_in = g.in_size(), P_out = g.out_size();
    // Per input pixel: where its kernel tap (0,0,0) lands in the output.
    std::vector<int64_t> base;
    base.reserve(static_cast<size_t>(3 * P_in));
    for (int64_t id = 0; id < g.in[0]; ++id)
      for (int64_t ih = 0; ih < g.in[1]; ++ih)
        for (int64_t iw = 0; iw < g.in[2]; ++iw)
          base.insert(base.end(), {id * g.stride[0] - g.pad_begin[0], ih * g.stride[1] - g.pad_begin[1],
                                   iw * g.stride[2] - g.pad_begin[2]});
    const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(P_in, (int64_t{1} << 22) / std::max<int64_t>(rows, 1)));
    std::vector<T> cols(static_cast<size_t>(rows * chunk));
    const T* px = x.data<T>();
    const T* pw = w.data<T>();
    T* py = y.data<T>();
    std::fill(py, py + y.numel(), T(0));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t grp = 0; grp < group_; ++grp) {
        const T* xg = px + (n * C + grp * Cg) * P_in;
        MatrixView<T> a = matrix_view(pw + grp * Cg * rows, rows, true);
        T* yg = py + (n * M + grp * Mg) * P_out;
        for (int64_t j0 = 0; j0 < P_in; j0 += chunk) {
          const int64_t nch = std::min(chunk, P_in - j0);
          gemm<T>(rows, nch, Cg, T(1), a, matrix_view(xg + j0, P_in, false), T(0), cols.data(), nch, ctx.threads);
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
          for (int64_t m = 0; m < Mg; ++m) scatter_channel(g, cols.data() + m * kvol * nch, nch, base.data() + 3 * j0, yg + m * P_out);
        }
      }
    if (bias) {
#pragma omp parallel for num_threads(ctx.threads) schedule(static)
      for (int64_t nm = 0; nm < N * M; ++nm)
        for (int64_t j = 0; j < P_out; ++j) py[nm * P_out + j] += bias[nm % M];
    }
  }

  // Adds one output channel's columns (kvol rows of nch pixels) into its output plane.
  template <class T>
  static void scatter_channel(const Window3d& g, const T* cols, int64_t nch, const int64_t* base, T* plane) {
    int64_t r = 0;
    for (int64_t a = 0; a < g.kernel[0]; ++a)
      for (int64_t b = 0; b < g.kernel[1]; ++b)
        for (int64_t e = 0; e < g.kernel[2]; ++e, ++r) {
          const T* row = cols + r * nch;
          for (int64_t j = 0; j < nch; ++j) {
            const int64_t od = base[3 * j] + a * g.dilation[0], oh = base[3 * j + 1] + b * g.dilation[1],
                          ow = base[3 * j + 2] + e * g.dilation[2];
            if (static_cast<uint64_t>(od) < static_cast<uint64_t>(g.out[0]) &&
                static_cast<uint64_t>(oh) < static_cast<uint64_t>(g.out[1]) &&
                static_cast<uint64_t>(ow) < static_cast<uint64_t>(g.out[2]))
              plane[(od * g.out[1] + oh) * g.out[2] + ow] += row[j];
          }
        }
  }

  const ir::Node& node_;
  int64_t group_;
};

}  // namespace

std::unique_ptr<Kernel> make_conv_transpose_kernel(const ir::Node& node) {
  return std::make_unique<ConvTransposeKernel>(node);
}

const OpSpec& conv_transpose_op() {
  static const OpSpec spec{"", "ConvTranspose", infer_conv_transpose, make_conv_transpose_kernel};
  return spec;
}

}  // namespace qtune::ops
