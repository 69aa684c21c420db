// Conv, ConvTranspose and their com.qtune Fused* forms on oneDNN. The primitive is built
// per input shape (models with dynamic batch or width see a few) and lets oneDNN choose
// blocked layouts for activations and weights; weights are reordered once, activations
// are reordered in and out around the primitive. Bias, the residual Sum input and the
// fused activation run inside the primitive as bias and post-ops.
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "ops/nn_window.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

// Input index of the residual addend of FusedConv (X, W, B, Sum).
constexpr size_t kSumInput = 3;

struct ConvGeometry {
  memory::dims strides, dilates, pad_l, pad_r;
};

struct ConvPlan {
  dnnl::primitive prim;
  memory::desc src_user, dst_user;            // the tensors' own layouts (NCHW, or NHWC for NhwcConv)
  memory src_blocked, dst_blocked, weights;  // src/dst empty when the primitive reads the user layout
  dnnl::reorder src_in, dst_out, sum_in;
  std::vector<int64_t> out_dims;  // as the op's shape rule gives them (NHWC for NhwcConv)
  int64_t out_channels = 0;
  bool weights_ready = false;
};

// Weights as oneDNN sees them: [G, M/G, C/G, k...] when grouped, with the physical
// order of ONNX's layout (ConvTranspose stores input channels first).
memory::desc onnx_weights_desc(const Tensor& w, int64_t group, bool transposed, int64_t out_channels) {
  const int r = w.rank();
  memory::dims dims;
  if (group > 1) dims.push_back(group);
  if (transposed) {
    dims.push_back(out_channels / group);
    dims.push_back(w.dim(0) / group);
  } else {
    dims.push_back(w.dim(0) / group);
    dims.push_back(w.dim(1));
  }
  for (int i = 2; i < r; ++i) dims.push_back(w.dim(i));
  if (!transposed) return memory::desc(dims, memory::data_type::f32, plain_tag(static_cast<int>(dims.size())));
  // Physical order: (g,) in, out, spatial...; logical order: (g,) out, in, spatial...
  std::string letters = "abcdef";
  std::string order = group > 1 ? std::string("acb") : std::string("ba");
  order += letters.substr(order.size(), dims.size() - order.size());
  memory::dims strides(dims.size());
  int64_t stride = 1;
  for (size_t i = order.size(); i-- > 0;) {
    size_t logical = static_cast<size_t>(order[i] - 'a');
    strides[logical] = stride;
    stride *= dims[logical];
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

class DnnlConvKernel final : public ops::Kernel {
 public:
  DnnlConvKernel(const ir::Node& node, bool transposed)
      : node_(node),
        transposed_(transposed),
        nhwc_(node.op_type() == "NhwcConv"),
        group_(node.attr_int("group", 1)),
        fallback_(node) {
    if (node.domain() == "com.qtune") activation_ = ops::FusedActivation::of(node);
  }

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    const Tensor& x = in[0];
    const Tensor& w = in[1];
    if (x.dtype() != DataType::Float32 || w.dtype() != DataType::Float32 || (nhwc_ && x.rank() != 4))
      return fallback_.run(in, out, ctx);
    ConvPlan* plan = plan_for(in);
    if (!plan) return fallback_.run(in, out, ctx);
    const bool has_bias = in.size() > 2 && in[2].defined();
    const bool has_sum = in.size() > kSumInput && in[kSumInput].defined();
    out[0] = ctx.allocate(0, DataType::Float32, plan->out_dims);
    memory src(plan->src_user, cpu_engine(), const_cast<void*>(x.raw()));
    memory dst(plan->dst_user, cpu_engine(), out[0].raw());
    if (!plan->weights_ready) {
      memory plain(onnx_weights_desc(w, group_, transposed_, plan->out_channels), cpu_engine(),
                   const_cast<void*>(w.raw()));
      reorder(plain, plan->weights);
      // Constant weights are reordered once; computed ones on every run.
      plan->weights_ready = node_.input(1)->has_initializer();
    }
    dnnl::stream& stream = cpu_stream();
    memory conv_src = src;
    if (plan->src_blocked) {
      plan->src_in.execute(stream, src, plan->src_blocked);
      conv_src = plan->src_blocked;
    }
    memory conv_dst = plan->dst_blocked ? plan->dst_blocked : dst;
    if (has_sum) {
      // The sum post-op adds what the destination holds before the primitive runs.
      memory sum(plan->dst_user, cpu_engine(), const_cast<void*>(in[kSumInput].raw()));
      if (plan->dst_blocked) {
        plan->sum_in.execute(stream, sum, conv_dst);
      } else {
        std::memcpy(out[0].raw(), in[kSumInput].raw(), out[0].byte_size());
      }
    }
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, conv_src}, {DNNL_ARG_WEIGHTS, plan->weights}, {DNNL_ARG_DST, conv_dst}};
    if (has_bias) args[DNNL_ARG_BIAS] = wrap(in[2]);
    plan->prim.execute(stream, args);
    if (plan->dst_blocked) plan->dst_out.execute(stream, plan->dst_blocked, dst);
    stream.wait();
  }

 private:
  ConvPlan* plan_for(std::span<const Tensor> in) {
    auto it = plans_.find(in[0].dims());
    if (it != plans_.end()) return it->second.get();
    std::unique_ptr<ConvPlan> plan = build_plan(in);
    ConvPlan* raw = plan.get();
    plans_.emplace(in[0].dims(), std::move(plan));
    return raw;
  }

  // nullptr when oneDNN cannot express this case exactly; the reference kernel runs then.
  std::unique_ptr<ConvPlan> build_plan(std::span<const Tensor> in) {
    const Tensor& w = in[1];
    const bool has_bias = in.size() > 2 && in[2].defined();
    const bool has_sum = in.size() > kSumInput && in[kSumInput].defined();
    auto plan = std::make_unique<ConvPlan>();
    plan->out_dims = output_dims(node_, in);
    // oneDNN describes activations by their logical NCHW dims; NHWC is a layout tag.
    std::vector<int64_t> x_dims = in[0].dims(), y_dims = plan->out_dims;
    if (nhwc_) {
      x_dims = {x_dims[0], x_dims[3], x_dims[1], x_dims[2]};
      y_dims = {y_dims[0], y_dims[3], y_dims[1], y_dims[2]};
    }
    plan->out_channels = y_dims[1];
    auto geometry = transposed_ ? transposed_geometry(x_dims, w, y_dims) : direct_geometry(x_dims, w);
    if (!geometry) return nullptr;
    auto user_desc = [&](const std::vector<int64_t>& dims) {
      return nhwc_ ? memory::desc(to_dims(dims), memory::data_type::f32, tag::nhwc) : plain_desc(dims);
    };
    plan->src_user = user_desc(x_dims);
    plan->dst_user = user_desc(y_dims);
    memory::desc w_plain = onnx_weights_desc(w, group_, transposed_, plan->out_channels);
    memory::desc w_any(w_plain.dims(), memory::data_type::f32, tag::any);
    memory::desc bias_desc = has_bias ? plain_desc(in[2].dims()) : memory::desc();
    dnnl::post_ops post;
    if (has_sum) post.append_sum(1.0f);
    if (!append_activation(post, activation_)) return nullptr;
    dnnl::primitive_attr attr;
    attr.set_post_ops(post);
    // NHWC activations are read and written in place when a jit kernel takes them; plain
    // NCHW (and NHWC without a fast kernel) lets oneDNN pick its blocked layout instead.
    auto any = [](const std::vector<int64_t>& dims) {
      return memory::desc(to_dims(dims), memory::data_type::f32, tag::any);
    };
    std::vector<std::pair<memory::desc, memory::desc>> attempts;
    if (nhwc_) attempts.emplace_back(plan->src_user, plan->dst_user);
    attempts.emplace_back(any(x_dims), any(y_dims));
    memory::desc src_chosen, w_chosen, dst_chosen;
    const ConvGeometry& g = *geometry;
    for (const auto& [src_request, dst_request] : attempts) {
      try {
        std::string impl;
        if (transposed_) {
          dnnl::deconvolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                              src_request, w_any, bias_desc, dst_request, g.strides, g.dilates, g.pad_l,
                                              g.pad_r);
          dnnl::deconvolution_forward::primitive_desc pd(d, attr, cpu_engine());
          impl = pd.impl_info_str();
          plan->prim = dnnl::deconvolution_forward(pd);
          src_chosen = pd.src_desc(), w_chosen = pd.weights_desc(), dst_chosen = pd.dst_desc();
        } else {
          dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                            src_request, w_any, bias_desc, dst_request, g.strides, g.dilates, g.pad_l,
                                            g.pad_r);
          dnnl::convolution_forward::primitive_desc pd(d, attr, cpu_engine());
          impl = pd.impl_info_str();
          plan->prim = dnnl::convolution_forward(pd);
          src_chosen = pd.src_desc(), w_chosen = pd.weights_desc(), dst_chosen = pd.dst_desc();
        }
        // oneDNN's reference convolution is far slower than its blocked jit kernels plus reorders.
        if (impl.rfind("ref", 0) == 0 && &src_request != &attempts.back().first) continue;
        break;
      } catch (const dnnl::error&) {
        if (&src_request == &attempts.back().first) return nullptr;  // the reference kernel is exact
      }
    }
    plan->weights = memory(w_chosen, cpu_engine());
    if (src_chosen != plan->src_user) {
      plan->src_blocked = memory(src_chosen, cpu_engine());
      plan->src_in = dnnl::reorder(memory(plan->src_user, cpu_engine(), nullptr), plan->src_blocked);
    }
    if (dst_chosen != plan->dst_user) {
      plan->dst_blocked = memory(dst_chosen, cpu_engine());
      plan->dst_out = dnnl::reorder(plan->dst_blocked, memory(plan->dst_user, cpu_engine(), nullptr));
      if (has_sum) plan->sum_in = dnnl::reorder(memory(plan->dst_user, cpu_engine(), nullptr), plan->dst_blocked);
    }
    return plan;
  }

  std::optional<ConvGeometry> direct_geometry(const std::vector<int64_t>& x, const Tensor& w) const {
    const int spatial = static_cast<int>(x.size()) - 2;
    std::vector<int64_t> kernel(w.dims().begin() + 2, w.dims().end());
    ops::WindowAttrs attrs = ops::read_window_attrs(node_, spatial, kernel);
    ConvGeometry g;
    for (int i = 0; i < spatial; ++i) {
      ops::AxisWindow a = ops::window_axis(node_, attrs, i, x[static_cast<size_t>(2 + i)]);
      g.strides.push_back(attrs.strides[static_cast<size_t>(i)]);
      g.dilates.push_back(attrs.dilations[static_cast<size_t>(i)] - 1);
      g.pad_l.push_back(a.pad_begin);
      g.pad_r.push_back(a.pad_end);
    }
    return g;
  }

  // ConvTranspose: begin pads from the attributes, end pads from the output size the
  // shape rule computed (output_padding and output_shape enlarge it). oneDNN takes no
  // negative pads, so those cases stay on the reference kernel.
  std::optional<ConvGeometry> transposed_geometry(const std::vector<int64_t>& x, const Tensor& w,
                                                  const std::vector<int64_t>& out_dims) const {
    const int spatial = static_cast<int>(x.size()) - 2;
    std::vector<int64_t> kernel(w.dims().begin() + 2, w.dims().end());
    ops::WindowAttrs attrs = ops::read_window_attrs(node_, spatial, kernel);
    if (attrs.auto_pad != ops::AutoPad::NotSet || node_.has_attr("output_shape")) return std::nullopt;
    ConvGeometry g;
    for (size_t i = 0; i < static_cast<size_t>(spatial); ++i) {
      const int64_t eff = (kernel[i] - 1) * attrs.dilations[i] + 1;
      const int64_t pad_l = attrs.pads[i];
      const int64_t pad_r = (x[2 + i] - 1) * attrs.strides[i] + eff - pad_l - out_dims[2 + i];
      if (pad_r < 0) return std::nullopt;
      g.strides.push_back(attrs.strides[i]);
      g.dilates.push_back(attrs.dilations[i] - 1);
      g.pad_l.push_back(pad_l);
      g.pad_r.push_back(pad_r);
    }
    return g;
  }

  const ir::Node& node_;
  bool transposed_;
  bool nhwc_;
  int64_t group_;
  ops::FusedActivation activation_;
  RefFallback fallback_;
  std::map<std::vector<int64_t>, std::unique_ptr<ConvPlan>> plans_;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_conv(const ir::Node& node) {
  return std::make_unique<DnnlConvKernel>(node, false);
}

std::unique_ptr<ops::Kernel> make_dnnl_conv_transpose(const ir::Node& node) {
  return std::make_unique<DnnlConvKernel>(node, true);
}

}  // namespace qtune::backends::dnnl_backend
