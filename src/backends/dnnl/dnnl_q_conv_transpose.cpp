// com.qtune QConvTranspose on oneDNN when its windows do not overlap (stride == kernel, no
// padding, dilation 1, one group) and activations are NHWC: the learned 2x upsampling of
// detection heads. Each input pixel then owns a kh x kw output patch, so for each kernel
// row i the op is one int8 matmul, X[N*H, W, C] x W_i[C, kw*M], whose [W, kw*M] result
// rows are exactly the output row h*kh + i in NHWC: the matmul writes the output in place
// through a strided destination (no column buffer, no scatter), with requantization, bias
// and activation as its attributes and post-ops. A float output with at most 16 taps per
// input pixel (kh * kw * M: the detection head's last layer) runs narrow_patch_deconv.h's
// loop instead, then the activation in place. Other cases run the reference kernel.
#include <cstring>
#include <map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_quant_util.h"
#include "backends/dnnl/narrow_patch_deconv.h"
#include "ops/q_linear.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

constexpr size_t kWeightScaleInput = 2;
constexpr size_t kBiasInput = 3;

struct RowPlan {
  dnnl::primitive prim;
  memory weights;
};

struct PatchPlan {
  std::vector<RowPlan> rows;  // one per kernel row
  memory bias, src_zp, dst_zp;
  memory::desc src, dst;
  std::vector<int64_t> out_dims;
  int64_t row_offset = 0;  // elements between output rows h*kh + i and h*kh + i + 1
  // The narrow path (rows stays empty): its taps and the activation run after it.
  std::unique_ptr<NarrowPatchDeconv> narrow;
  std::vector<dnnl::eltwise_forward> activation;
  memory::desc y_flat;
};

class DnnlQPatchDeconvKernel final : public ops::Kernel {
 public:
  explicit DnnlQPatchDeconvKernel(const ir::Node& node)
      : node_(node),
        activation_(ops::FusedActivation::of(node)),
        x_(ops::read_activation_quant(node, "x")),
        y_(ops::read_activation_quant(node, "y")),
        fallback_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    if (in[0].rank() != 4 || in[0].dtype() != x_.type) return fallback_.run(in, out, ctx);
    auto it = plans_.find(in[0].dims());
    if (it == plans_.end()) it = plans_.emplace(in[0].dims(), build_plan(in)).first;
    PatchPlan* plan = it->second.get();
    if (!plan) return fallback_.run(in, out, ctx);
    out[0] = ctx.allocate(0, y_.type, plan->out_dims);
    if (plan->narrow) return run_narrow(*plan, in[0], out[0], ctx.threads);
    dnnl::stream& stream = cpu_stream();
    memory src(plan->src, cpu_engine(), const_cast<void*>(in[0].raw()));
    const size_t elem = dtype_size(y_.type);
    for (size_t i = 0; i < plan->rows.size(); ++i) {
      memory dst(plan->dst, cpu_engine(), static_cast<char*>(out[0].raw()) + i * plan->row_offset * elem);
      plan->rows[i].prim.execute(
          stream, int8_primitive_args(src, plan->rows[i].weights, dst, plan->bias, plan->src_zp, plan->dst_zp));
    }
    stream.wait();
  }

 private:
  void run_narrow(const PatchPlan& plan, const Tensor& x, Tensor& y, int threads) const {
    const NarrowPatchDeconv& k = *plan.narrow;
    const int64_t rows = x.dim(0) * x.dim(1), width = x.dim(2);
    const auto* src = static_cast<const char*>(x.raw());
    auto* dst = y.data<float>();
#pragma omp parallel num_threads(threads) if (rows > 1 && threads > 1)
    {
      std::vector<float> scratch(static_cast<size_t>(width * k.channels));
      std::vector<float*> out_rows(static_cast<size_t>(k.kh));
#pragma omp for schedule(static)
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < k.kh; ++i) out_rows[static_cast<size_t>(i)] = dst + (r * k.kh + i) * plan.row_offset;
        k.run_row(src + r * width * k.channels, x_.type == DataType::Int8, width, out_rows.data(), scratch.data());
      }
    }
    if (plan.activation.empty()) return;
    dnnl::stream& stream = cpu_stream();
    memory data(plan.y_flat, cpu_engine(), y.raw());
    for (const dnnl::eltwise_forward& step : plan.activation)
      step.execute(stream, {{DNNL_ARG_SRC, data}, {DNNL_ARG_DST, data}});
    stream.wait();
  }

  // The narrow plan of a float output with few taps per pixel, or null.
  std::unique_ptr<PatchPlan> build_narrow_plan(std::span<const Tensor> in) const {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    const Tensor& w_scale = in[kWeightScaleInput];
    const int64_t c = x.dim(3), m = w.dim(1), kh = w.dim(2), kw = w.dim(3);
    if (y_.quantized() || !NarrowPatchDeconv::fits(c, kh * kw * m)) return nullptr;
    auto plan = std::make_unique<PatchPlan>();
    plan->out_dims = {x.dim(0), x.dim(1) * kh, x.dim(2) * kw, m};
    plan->row_offset = x.dim(2) * kw * m;
    plan->y_flat = memory::desc({plan->out_dims[0] * plan->out_dims[1] * plan->out_dims[2] * m},
                                memory::data_type::f32, tag::a);
    if (!activation_primitives(activation_, plan->y_flat, plan->activation)) return nullptr;
    auto k = std::make_unique<NarrowPatchDeconv>();
    k->channels = c;
    k->kh = kh;
    k->kw = kw;
    k->m = m;
    const int64_t taps = k->taps();
    k->weights.assign(static_cast<size_t>(c * NarrowPatchDeconv::kMaxTaps), 0.0f);
    k->offset.assign(static_cast<size_t>(taps), 0);
    k->scale.assign(static_cast<size_t>(taps), 0.0f);
    k->shift.assign(static_cast<size_t>(taps), 0.0f);
    const bool has_bias = in.size() > kBiasInput && in[kBiasInput].defined();
    if (has_bias && in[kBiasInput].numel() != m) return nullptr;
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j)
        for (int64_t oc = 0; oc < m; ++oc) {
          const int64_t t = (i * kw + j) * m, tap = t + oc;
          const auto ut = static_cast<size_t>(tap);
          int32_t sum = 0;
          for (int64_t ci = 0; ci < c; ++ci) {
            const int8_t v = w.data<int8_t>()[((ci * m + oc) * kh + i) * kw + j];
            k->weights[static_cast<size_t>(ci * NarrowPatchDeconv::kMaxTaps + tap)] = v;
            sum += v;
          }
          k->offset[ut] = -x_.zero_point * sum;
          k->scale[ut] = x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : oc];
          if (!has_bias) continue;
          const Tensor& bias = in[kBiasInput];
          if (bias.dtype() == DataType::Int32)
            k->offset[ut] += bias.data<int32_t>()[oc];
          else
            k->shift[ut] = bias.data<float>()[oc];
        }
    plan->narrow = std::move(k);
    return plan;
  }

  std::unique_ptr<PatchPlan> build_plan(std::span<const Tensor> in) {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    const Tensor& w_scale = in[kWeightScaleInput];
    const int64_t n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
    if (w.rank() != 4 || w.dim(0) != c) return nullptr;
    if (auto narrow = build_narrow_plan(in)) return narrow;
    const int64_t m = w.dim(1), kh = w.dim(2), kw = w.dim(3);
    const int64_t cols = kw * m;
    auto plan = std::make_unique<PatchPlan>();
    plan->out_dims = {n, h * kh, wd * kw, m};
    plan->row_offset = wd * kw * m;
    plan->src = memory::desc({n * h, wd, c}, dnnl_type(x_.type), tag::abc);
    plan->dst = memory::desc({n * h, wd, cols}, dnnl_type(y_.type), memory::dims{kh * wd * cols, cols, 1});

    const bool fold = y_.quantized() && commutes_with_scale(activation_);
    const float y_div = fold ? y_.scale : 1.0f;
    std::vector<float> scales(static_cast<size_t>(cols));
    for (int64_t col = 0; col < cols; ++col)
      scales[static_cast<size_t>(col)] = x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : col % m] / y_div;
    dnnl::primitive_attr attr;
    attr.set_output_scales(w_scale.numel() == 1 ? 0 : 1 << 2, scales);
    if (x_.zero_point != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    if (y_.quantized() && y_.zero_point != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
    dnnl::post_ops post;
    ops::FusedActivation act = activation_;
    if (fold && act.kind == ops::FusedActivation::Kind::Clip) {
      act.alpha /= y_div;
      act.beta /= y_div;
    }
    if (!append_quantized_epilogue(post, act, y_.quantized() && !fold ? 1.0f / y_.scale : 1.0f)) return nullptr;
    attr.set_post_ops(post);

    const bool has_bias = in.size() > kBiasInput && in[kBiasInput].defined();
    memory::desc bias_desc;
    if (has_bias) {
      if (in[kBiasInput].numel() != m) return nullptr;
      bias_desc = memory::desc({1, 1, cols}, memory::data_type::f32, tag::abc);
      plan->bias = memory(bias_desc, cpu_engine());
      auto* b = static_cast<float*>(plan->bias.get_data_handle());
      const Tensor& bias = in[kBiasInput];
      for (int64_t col = 0; col < cols; ++col) {
        const int64_t oc = col % m;
        const float acc_unit = x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : oc];
        b[col] = bias.dtype() == DataType::Int32 ? static_cast<float>(bias.data<int32_t>()[oc])
                                                 : bias.data<float>()[oc] / acc_unit;
      }
    }
    const memory::desc w_any({1, c, cols}, memory::data_type::s8, tag::any);
    for (int64_t i = 0; i < kh; ++i) {
      // W_i[c, j * M + oc] = W[c, oc, i, j]
      std::vector<int8_t> wi(static_cast<size_t>(c * cols));
      for (int64_t ci = 0; ci < c; ++ci)
        for (int64_t oc = 0; oc < m; ++oc)
          for (int64_t j = 0; j < kw; ++j)
            wi[static_cast<size_t>(ci * cols + j * m + oc)] = w.data<int8_t>()[((ci * m + oc) * kh + i) * kw + j];
      RowPlan row;
      try {
        dnnl::matmul::desc d(plan->src, w_any, bias_desc, plan->dst);
        dnnl::matmul::primitive_desc pd(d, attr, cpu_engine());
        row.prim = dnnl::matmul(pd);
        row.weights = memory(pd.weights_desc(), cpu_engine());
      } catch (const dnnl::error&) {
        return nullptr;
      }
      reorder(memory(memory::desc({1, c, cols}, memory::data_type::s8, tag::abc), cpu_engine(), wi.data()),
              row.weights);
      plan->rows.push_back(std::move(row));
    }
    if (x_.zero_point != 0) plan->src_zp = zero_point_memory(x_.zero_point);
    if (y_.quantized() && y_.zero_point != 0) plan->dst_zp = zero_point_memory(y_.zero_point);
    return plan;
  }

  const ir::Node& node_;
  ops::FusedActivation activation_;
  ops::ActivationQuant x_, y_;
  RefFallback fallback_;
  std::map<std::vector<int64_t>, std::unique_ptr<PatchPlan>> plans_;
};

// The node's windows tile the output without overlap, in NHWC.
bool is_patch_case(const ir::Node& node) {
  const ir::Value* weights = node.input(1);
  if (!weights || !weights->has_initializer() || node.attr_int("channels_last", 0) == 0) return false;
  const Tensor& w = weights->initializer();
  if (w.rank() != 4 || node.attr_int("group", 1) != 1) return false;
  if (node.attr_string("auto_pad", "NOTSET") != "NOTSET" || node.has_attr("output_shape")) return false;
  const std::vector<int64_t> kernel = {w.dim(2), w.dim(3)};
  if (node.attr_ints("strides", {1, 1}) != kernel || node.attr_ints("kernel_shape", kernel) != kernel) return false;
  for (int64_t v : node.attr_ints("pads", {}))
    if (v != 0) return false;
  for (int64_t v : node.attr_ints("dilations", {}))
    if (v != 1) return false;
  for (int64_t v : node.attr_ints("output_padding", {}))
    if (v != 0) return false;
  return true;
}

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_q_conv_transpose(const ir::Node& node) {
  if (!is_patch_case(node)) return nullptr;
  return std::make_unique<DnnlQPatchDeconvKernel>(node);
}

}  // namespace qtune::backends::dnnl_backend
