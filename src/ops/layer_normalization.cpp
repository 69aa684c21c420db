// ONNX LayerNormalization (opset 17): each row X[i, axis:] is normalized to zero mean
// and unit variance, then scaled and shifted (Scale and B broadcast to X.shape[axis:]).
// Optional outputs Mean and InvStdDev have shape X.shape[:axis] + [1, ...] and the
// stash type (float32 by default, float64 with stash_type=11).
#include <cmath>

#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

DataType stash_type(const ir::Node& node) {
  const int64_t s = node.attr_int("stash_type", 1);
  if (s == static_cast<int64_t>(DataType::Float32)) return DataType::Float32;
  if (s == static_cast<int64_t>(DataType::Float64)) return DataType::Float64;
  fail(node, "attribute 'stash_type' is " + std::to_string(s) + ", expected 1 (float32) or 11 (float64)");
}

std::vector<TensorInfo> infer_layer_normalization(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 3);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64});
  expect_type(node, inputs, 1, {inputs[0].dtype});
  if (is_present(inputs, 2)) expect_type(node, inputs, 2, {inputs[0].dtype});
  const DataType stats = stash_type(node);
  const ir::Shape& x = inputs[0].shape;
  ir::Shape stat_shape = ir::Shape::unknown();
  if (x.has_rank()) {
    const int axis = normalize_axis(node, node.attr_int("axis", -1), x.rank());
    for (int k = 1; k < 3; ++k) {
      const ir::Shape& p = inputs[static_cast<size_t>(k)].shape;
      if (is_present(inputs, k) && p.has_rank() && p.rank() > x.rank() - axis)
        fail(node, std::string(k == 1 ? "Scale" : "B") + " has shape " + p.to_string() +
                       ", which does not broadcast to the normalized shape of X " + x.to_string());
    }
    stat_shape = x;
    for (size_t i = static_cast<size_t>(axis); i < stat_shape.dims->size(); ++i) (*stat_shape.dims)[i] = ir::Dim::known(1);
  }
  std::vector<TensorInfo> out = single_output(inputs[0].dtype, x);
  for (int i = 1; i < node.num_outputs(); ++i) out.push_back(TensorInfo::typed(stats, stat_shape));
  return out;
}

class LayerNormalizationKernel final : public Kernel {
 public:
  explicit LayerNormalizationKernel(const ir::Node& node)
      : node_(node), epsilon_(node.attr_float("epsilon", 1e-5f)), stats_(stash_type(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const bool has_bias = in.size() > 2 && in[2].defined();
    std::vector<TensorInfo> infos = {TensorInfo::of(x), TensorInfo::of(in[1])};
    if (has_bias) infos.push_back(TensorInfo::of(in[2]));
    std::vector<TensorInfo> shapes = infer_layer_normalization(node_, infos);
    const int axis = normalize_axis(node_, node_.attr_int("axis", -1), x.rank());
    std::vector<int64_t> norm_dims(x.dims().begin() + axis, x.dims().end());
    const int64_t D = shape_numel(norm_dims);
    const int64_t rows = shape_numel(std::span<const int64_t>(x.dims()).first(static_cast<size_t>(axis)));
    std::vector<double> scale = expand(in[1], norm_dims, "Scale");
    std::vector<double> bias = has_bias ? expand(in[2], norm_dims, "B") : std::vector<double>(static_cast<size_t>(D), 0.0);
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    Tensor* mean_out = out.size() > 1 && node_.output(1) ? &out[1] : nullptr;
    Tensor* inv_out = out.size() > 2 && node_.output(2) ? &out[2] : nullptr;
    if (mean_out) *mean_out = ctx.allocate(1, stats_, shapes[1].shape.sizes());
    if (inv_out) *inv_out = ctx.allocate(2, stats_, shapes[2].shape.sizes());
    std::vector<double> means(static_cast<size_t>(rows)), invs(static_cast<size_t>(rows));
    dispatch_float(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* py = out[0].data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (x.numel() > 16384)
      for (int64_t r = 0; r < rows; ++r) {
        const T* xr = px + r * D;
        double mean = 0, var = 0;
        for (int64_t i = 0; i < D; ++i) mean += xr[i];
        mean /= static_cast<double>(D);
        for (int64_t i = 0; i < D; ++i) var += (xr[i] - mean) * (xr[i] - mean);
        const double inv = 1.0 / std::sqrt(var / static_cast<double>(D) + static_cast<double>(epsilon_));
        for (int64_t i = 0; i < D; ++i)
          py[r * D + i] = static_cast<T>((xr[i] - mean) * inv * scale[static_cast<size_t>(i)] + bias[static_cast<size_t>(i)]);
        means[static_cast<size_t>(r)] = mean;
        invs[static_cast<size_t>(r)] = inv;
      }
    });
    for (auto [t, v] : {std::pair{mean_out, &means}, std::pair{inv_out, &invs}}) {
      if (!t) continue;
      if (stats_ == DataType::Float32) std::copy(v->begin(), v->end(), t->data<float>());
      else std::copy(v->begin(), v->end(), t->data<double>());
    }
  }

 private:
  // Scale or B broadcast (numpy rules, right-aligned) to the normalized shape, as doubles.
  std::vector<double> expand(const Tensor& p, const std::vector<int64_t>& norm_dims, const char* what) const {
    const size_t r = norm_dims.size(), pr = p.dims().size();
    std::vector<int64_t> pd(r, 1);
    for (size_t i = 0; i < pr; ++i) pd[r - pr + i] = p.dims()[i];
    for (size_t i = 0; i < r; ++i)
      if (pd[i] != 1 && pd[i] != norm_dims[i])
        fail(node_, std::string(what) + " has shape [" + format_dims(p.dims()) + "], which does not broadcast to [" +
                        format_dims(norm_dims) + "]");
    std::vector<int64_t> ps = strides_of(pd);
    const int64_t D = shape_numel(norm_dims);
    std::vector<double> full(static_cast<size_t>(D));
    for (int64_t flat = 0; flat < D; ++flat) {
      int64_t rem = flat, src = 0;
      for (size_t i = r; i-- > 0;) {
        const int64_t c = rem % norm_dims[i];
        rem /= norm_dims[i];
        if (pd[i] != 1) src += c * ps[i];
      }
      full[static_cast<size_t>(flat)] = p.value_as_double(src);
    }
    return full;
  }

  const ir::Node& node_;
  float epsilon_;
  DataType stats_;
};

std::unique_ptr<Kernel> make_layer_normalization_kernel(const ir::Node& node) {
  return std::make_unique<LayerNormalizationKernel>(node);
}

}  // namespace

const OpSpec& layer_normalization_op() {
  static const OpSpec spec{"", "LayerNormalization", infer_layer_normalization, make_layer_normalization_kernel};
  return spec;
}

}  // namespace qtune::ops
