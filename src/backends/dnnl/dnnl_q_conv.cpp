// com.qtune QConv on oneDNN's int8 convolution: u8/s8 activations (NHWC, as the jit
// kernels read them), s8 weights reordered once, requantization by output scales, the
// residual as a sum post-op read in its own type and zero point, the activation as an
// eltwise post-op, and the destination zero point. oneDNN 2.x semantics, checked against
// the reference kernel in tests:
//   dst = post_ops(oscale[m] * (sum((x - zp_x) * w) + bias_acc[m])) + zp_y
// with the bias in accumulator units (x_scale * w_scale[m]) and padding read as zp_x (so
// padded inputs are real zeros, as in ONNX). When the activation commutes with a positive
// scale (none, Relu, LeakyRelu, Clip with scaled bounds), 1 / y_scale folds into the
// output scales; otherwise the post-op chain applies it (dnnl_quant_util.h).
#include <cstring>
#include <map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_quant_util.h"
#include "backends/dnnl/int8_depthwise_conv.h"
#include "backends/dnnl/int8_few_channel_conv.h"
#include "backends/dnnl/int8_pointwise_conv.h"
#include "ops/nn_window.h"
#include "ops/q_linear.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

constexpr size_t kWeightScaleInput = 2;
constexpr size_t kBiasInput = 3;
constexpr size_t kSumInput = 4;

struct QConvPlan {
  dnnl::primitive prim;
  memory weights, bias, src_zp, dst_zp;
  memory::desc src_user, dst_user, src_nhwc, dst_nhwc;
  memory src_tmp, dst_tmp;  // NHWC copies when the node's tensors are NCHW
  dnnl::reorder src_in, dst_out, sum_in;
  memory::desc sum_user, sum_nhwc;  // the sum's own type, NCHW and NHWC
  std::vector<int64_t> out_dims;
  // The NHWC case: memories and arguments built once, data handles set per run (creating
  // them per run cost a third of a small convolution's time).
  memory src_mem, dst_mem;
  std::unordered_map<int, memory> args;
  // Set instead of the primitive for NHWC depthwise convolutions (int8_depthwise_conv.h).
  std::unique_ptr<Int8DepthwiseConv> depthwise;
  // Set instead of the primitive for NHWC 1x1 convolutions (int8_pointwise_conv.h).
  std::unique_ptr<Int8PointwiseConv> pointwise;
  // Set instead of the primitive for NHWC convolutions of few input channels into 8
  // (int8_few_channel_conv.h).
  std::unique_ptr<Int8FewChannelConv> few_channel;
};

class DnnlQConvKernel final : public ops::Kernel {
 public:
  explicit DnnlQConvKernel(const ir::Node& node)
      : node_(node),
        activation_(ops::FusedActivation::of(node)),
        x_(ops::read_activation_quant(node, "x")),
        y_(ops::read_activation_quant(node, "y")),
        sum_(ops::read_activation_quant(node, "sum")),
        channels_last_(node.attr_int("channels_last", 0) != 0),
        group_(node.attr_int("group", 1)),
        constant_weights_(node.input(1) && node.input(1)->has_initializer()),
        fallback_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    if (in[0].rank() != 4 || !x_.quantized() || !constant_weights_) return fallback_.run(in, out, ctx);
    QConvPlan* plan = plan_for(in);
    if (!plan) return fallback_.run(in, out, ctx);
    out[0] = ctx.allocate(0, y_.type, plan->out_dims);
    if (plan->depthwise) {
      const std::vector<int64_t>& d = in[0].dims();
      plan->depthwise->run(in[0].raw(), d[0], d[1], d[2], out[0].raw(), plan->out_dims[1], plan->out_dims[2],
                           ctx.threads);
      return;
    }
    if (plan->pointwise) {
      plan->pointwise->run(in[0].raw(), in[0].numel() / in[0].dim(3), out[0].raw(), ctx.threads);
      return;
    }
    if (plan->few_channel) {
      const std::vector<int64_t>& d = in[0].dims();
      plan->few_channel->run(in[0].raw(), d[0], d[1], d[2], out[0].raw(), plan->out_dims[1], plan->out_dims[2],
                             ctx.threads);
      return;
    }
    dnnl::stream& stream = cpu_stream();
    const bool has_sum = in.size() > kSumInput && in[kSumInput].defined();
    if (channels_last_) {
      if (has_sum) std::memcpy(out[0].raw(), in[kSumInput].raw(), in[kSumInput].byte_size());
      plan->src_mem.set_data_handle(const_cast<void*>(in[0].raw()));
      plan->dst_mem.set_data_handle(out[0].raw());
      plan->prim.execute(stream, plan->args);
      stream.wait();
      return;
    }
    memory src(plan->src_user, cpu_engine(), const_cast<void*>(in[0].raw()));
    memory dst(plan->dst_user, cpu_engine(), out[0].raw());
    memory conv_src = src, conv_dst = dst;
    if (plan->src_tmp) {
      plan->src_in.execute(stream, src, plan->src_tmp);
      conv_src = plan->src_tmp;
    }
    if (plan->dst_tmp) conv_dst = plan->dst_tmp;
    if (has_sum) {
      // The sum post-op adds what the destination holds before the primitive runs.
      if (plan->dst_tmp) {
        memory sum(plan->sum_user, cpu_engine(), const_cast<void*>(in[kSumInput].raw()));
        memory into(plan->sum_nhwc, cpu_engine(), plan->dst_tmp.get_data_handle());
        plan->sum_in.execute(stream, sum, into);
      } else {
        std::memcpy(out[0].raw(), in[kSumInput].raw(), in[kSumInput].byte_size());
      }
    }
    plan->prim.execute(stream,
                       int8_primitive_args(conv_src, plan->weights, conv_dst, plan->bias, plan->src_zp, plan->dst_zp));
    if (plan->dst_tmp) plan->dst_out.execute(stream, plan->dst_tmp, dst);
    stream.wait();
  }

 private:
  // The last shape's plan first: a model runs one shape many times, and the map's key
  // comparisons showed in the per-call cost of small convolutions.
  QConvPlan* plan_for(std::span<const Tensor> in) {
    if (last_plan_ && in[0].dims() == *last_dims_) return last_plan_;
    auto it = plans_.find(in[0].dims());
    if (it == plans_.end()) it = plans_.emplace(in[0].dims(), build_plan(in)).first;
    last_dims_ = &it->first;
    last_plan_ = it->second.get();
    return last_plan_;
  }

  // nullptr when oneDNN cannot run this case (the reference kernel runs then).
  std::unique_ptr<QConvPlan> build_plan(std::span<const Tensor> in) {
    const Tensor& w = in[1];
    const Tensor& w_scale = in[kWeightScaleInput];
    const bool has_sum = in.size() > kSumInput && in[kSumInput].defined();
    if (w.rank() != 4) return nullptr;
    // The sum is read in the destination buffer: same element size, or nothing to copy into.
    if (has_sum && dtype_size(in[kSumInput].dtype()) != dtype_size(y_.type)) return nullptr;
    auto plan = std::make_unique<QConvPlan>();
    plan->out_dims = output_dims(node_, in);
    std::vector<int64_t> x_dims = in[0].dims(), y_dims = plan->out_dims;
    if (channels_last_) {
      x_dims = {x_dims[0], x_dims[3], x_dims[1], x_dims[2]};
      y_dims = {y_dims[0], y_dims[3], y_dims[1], y_dims[2]};
    }
    const int64_t out_channels = y_dims[1];
    const tag user_tag = channels_last_ ? tag::nhwc : tag::nchw;
    plan->src_user = memory::desc(to_dims(x_dims), dnnl_type(x_.type), user_tag);
    plan->dst_user = memory::desc(to_dims(y_dims), dnnl_type(y_.type), user_tag);
    plan->src_nhwc = memory::desc(to_dims(x_dims), dnnl_type(x_.type), tag::nhwc);
    plan->dst_nhwc = memory::desc(to_dims(y_dims), dnnl_type(y_.type), tag::nhwc);

    // Output scales (per channel), folding 1 / y_scale when the activation allows it.
    const bool fold = y_.quantized() && commutes_with_scale(activation_);
    const float y_div = y_.quantized() && fold ? y_.scale : 1.0f;
    std::vector<float> scales(static_cast<size_t>(out_channels));
    for (int64_t m = 0; m < out_channels; ++m)
      scales[static_cast<size_t>(m)] = x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : m] / y_div;
    dnnl::primitive_attr attr;
    attr.set_output_scales(w_scale.numel() == 1 ? 0 : 2, scales);
    if (x_.zero_point != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    if (y_.quantized() && y_.zero_point != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
    dnnl::post_ops post;
    if (has_sum) {
      const ops::ActivationQuant s = sum_.quantized() ? sum_ : ops::ActivationQuant{};
      post.append_sum(s.scale / y_div, s.zero_point, dnnl_type(in[kSumInput].dtype()));
    }
    ops::FusedActivation act = activation_;
    if (fold && act.kind == ops::FusedActivation::Kind::Clip) {
      act.alpha /= y_div;
      act.beta /= y_div;
    }
    if (!append_quantized_epilogue(post, act, y_.quantized() && !fold ? 1.0f / y_.scale : 1.0f)) return nullptr;
    attr.set_post_ops(post);

    memory::dims w_dims = {w.dim(0), w.dim(1), w.dim(2), w.dim(3)};
    tag w_tag = tag::oihw;
    if (group_ > 1) {
      w_dims = {group_, w.dim(0) / group_, w.dim(1), w.dim(2), w.dim(3)};
      w_tag = tag::goihw;
    }
    memory::desc w_any(w_dims, memory::data_type::s8, tag::any);
    const bool has_bias = in.size() > kBiasInput && in[kBiasInput].defined();
    if (has_bias && in[kBiasInput].numel() != out_channels) return nullptr;
    memory::desc bias_desc;
    if (has_bias) bias_desc = memory::desc({out_channels}, has_int_bias(in) ? memory::data_type::s32 : memory::data_type::f32, tag::a);

    std::vector<int64_t> kernel = {w.dim(2), w.dim(3)};
    ops::WindowAttrs window = ops::read_window_attrs(node_, 2, kernel);
    memory::dims strides, dilates, pad_l, pad_r;
    for (int i = 0; i < 2; ++i) {
      ops::AxisWindow a = ops::window_axis(node_, window, i, x_dims[static_cast<size_t>(2 + i)]);
      strides.push_back(window.strides[static_cast<size_t>(i)]);
      dilates.push_back(window.dilations[static_cast<size_t>(i)] - 1);
      pad_l.push_back(a.pad_begin);
      pad_r.push_back(a.pad_end);
    }
    if (channels_last_ && !has_sum) {
      plan->depthwise = plan_depthwise(in, x_dims[1], y_dims[2] * y_dims[3], strides, dilates, pad_l);
      if (plan->depthwise) return plan;
      plan->pointwise = plan_pointwise(in, x_dims[1], out_channels, y_dims[2] * y_dims[3], strides, pad_l, pad_r);
      if (plan->pointwise) return plan;
      plan->few_channel = plan_few_channel(in, x_dims[1], out_channels, strides, dilates, pad_l, pad_r);
      if (plan->few_channel) return plan;
    }
    dnnl::convolution_forward::primitive_desc pd;
    try {
      dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                        plan->src_nhwc, w_any, bias_desc, plan->dst_nhwc, strides, dilates, pad_l,
                                        pad_r);
      pd = dnnl::convolution_forward::primitive_desc(d, attr, cpu_engine());
    } catch (const dnnl::error&) {
      return nullptr;
    }
    plan->prim = dnnl::convolution_forward(pd);
    plan->weights = memory(pd.weights_desc(), cpu_engine());
    memory plain(memory::desc(w_dims, memory::data_type::s8, w_tag), cpu_engine(), const_cast<void*>(w.raw()));
    reorder(plain, plan->weights);
    if (has_bias) plan->bias = accumulator_bias(in, bias_desc, out_channels);
    if (x_.zero_point != 0) plan->src_zp = zero_point_memory(x_.zero_point);
    if (y_.quantized() && y_.zero_point != 0) plan->dst_zp = zero_point_memory(y_.zero_point);
    if (channels_last_) {
      plan->src_mem = memory(plan->src_nhwc, cpu_engine(), nullptr);
      plan->dst_mem = memory(plan->dst_nhwc, cpu_engine(), nullptr);
      plan->args =
          int8_primitive_args(plan->src_mem, plan->weights, plan->dst_mem, plan->bias, plan->src_zp, plan->dst_zp);
    } else {
      plan->src_tmp = memory(plan->src_nhwc, cpu_engine());
      plan->dst_tmp = memory(plan->dst_nhwc, cpu_engine());
      plan->src_in = dnnl::reorder(memory(plan->src_user, cpu_engine(), nullptr), plan->src_tmp);
      plan->dst_out = dnnl::reorder(plan->dst_tmp, memory(plan->dst_user, cpu_engine(), nullptr));
      if (has_sum) {
        // Written into the destination buffer as the sum's own type (the post-op reads it so).
        plan->sum_user = memory::desc(to_dims(y_dims), dnnl_type(in[kSumInput].dtype()), tag::nchw);
        plan->sum_nhwc = memory::desc(to_dims(y_dims), dnnl_type(in[kSumInput].dtype()), tag::nhwc);
        plan->sum_in = dnnl::reorder(memory(plan->sum_user, cpu_engine(), nullptr),
                                     memory(plan->sum_nhwc, cpu_engine(), nullptr));
      }
    }
    return plan;
  }

  // The own depthwise kernel for NHWC int8 in and out, one channel per group, or null.
  std::unique_ptr<Int8DepthwiseConv> plan_depthwise(std::span<const Tensor> in, int64_t channels,
                                                    int64_t out_pixels, const memory::dims& strides,
                                                    const memory::dims& dilates, const memory::dims& pad_l) const {
    const Tensor& w = in[1];
    if (!Int8DepthwiseConv::worth_it(channels, out_pixels) || group_ != channels || w.dim(0) != channels ||
        w.dim(1) != 1 || dilates[0] != 0 || dilates[1] != 0)
      return nullptr;
    DepthwiseGeometry g{channels, w.dim(2), w.dim(3), strides[0], strides[1], pad_l[0], pad_l[1]};
    OwnKernelInputs k;
    if (!own_kernel_inputs(in, channels, k)) return nullptr;
    return Int8DepthwiseConv::plan(g, k.quant, activation_, w.data<int8_t>(), k.int_bias, k.float_bias);
  }

  // The own 1x1 kernel for NHWC int8 in and out, stride 1 and no padding, or null.
  std::unique_ptr<Int8PointwiseConv> plan_pointwise(std::span<const Tensor> in, int64_t in_channels,
                                                    int64_t out_channels, int64_t out_pixels,
                                                    const memory::dims& strides,
                                                    const memory::dims& pad_l, const memory::dims& pad_r) const {
    const Tensor& w = in[1];
    const bool one_by_one = w.dim(2) == 1 && w.dim(3) == 1 && strides[0] == 1 && strides[1] == 1 && pad_l[0] == 0 &&
                            pad_l[1] == 0 && pad_r[0] == 0 && pad_r[1] == 0;
    if (!one_by_one || group_ != 1 || w.dim(1) != in_channels || !Int8PointwiseConv::worth_it(out_pixels))
      return nullptr;
    OwnKernelInputs k;
    if (!own_kernel_inputs(in, out_channels, k)) return nullptr;
    return Int8PointwiseConv::plan(in_channels, out_channels, k.quant, activation_, w.data<int8_t>(), k.int_bias,
                                   k.float_bias);
  }

  // The own kernel for NHWC convolutions of few input channels into 8, or null.
  std::unique_ptr<Int8FewChannelConv> plan_few_channel(std::span<const Tensor> in, int64_t in_channels,
                                                       int64_t out_channels, const memory::dims& strides,
                                                       const memory::dims& dilates, const memory::dims& pad_l,
                                                       const memory::dims& pad_r) const {
    const Tensor& w = in[1];
    if (group_ != 1 || w.dim(1) != in_channels || dilates[0] != 0 || dilates[1] != 0) return nullptr;
    const FewChannelGeometry g{in_channels, out_channels, w.dim(2),  w.dim(3), strides[0],
                               strides[1],  pad_l[0],     pad_l[1], pad_r[0], pad_r[1]};
    OwnKernelInputs k;
    if (!own_kernel_inputs(in, out_channels, k)) return nullptr;
    return Int8FewChannelConv::plan(g, k.quant, activation_, w.data<int8_t>(), k.int_bias, k.float_bias);
  }

  struct OwnKernelInputs {
    Int8ConvQuant quant;
    const int32_t* int_bias = nullptr;
    const float* float_bias = nullptr;
  };

  // What the own kernels take: int8 weights, float weight scales, int8/uint8 input and
  // quantized int8/uint8 output, an int32 or float bias of one value per output channel.
  bool own_kernel_inputs(std::span<const Tensor> in, int64_t out_channels, OwnKernelInputs& k) const {
    const Tensor& w = in[1];
    const Tensor& w_scale = in[kWeightScaleInput];
    auto is_byte = [](DataType t) { return t == DataType::UInt8 || t == DataType::Int8; };
    if (w.dtype() != DataType::Int8 || !is_byte(x_.type) || !y_.quantized() || !is_byte(y_.type) ||
        w_scale.dtype() != DataType::Float32)
      return false;
    k.quant.x_signed = x_.type == DataType::Int8;
    k.quant.y_signed = y_.type == DataType::Int8;
    k.quant.x_zero_point = x_.zero_point;
    k.quant.y_zero_point = y_.zero_point;
    k.quant.x_scale = x_.scale;
    k.quant.y_scale = y_.scale;
    k.quant.w_scale.assign(w_scale.data<float>(), w_scale.data<float>() + w_scale.numel());
    const bool has_bias = in.size() > kBiasInput && in[kBiasInput].defined();
    if (!has_bias) return true;
    if (in[kBiasInput].numel() != out_channels) return false;
    if (has_int_bias(in)) k.int_bias = in[kBiasInput].data<int32_t>();
    if (in[kBiasInput].dtype() == DataType::Float32) k.float_bias = in[kBiasInput].data<float>();
    return k.int_bias || k.float_bias;
  }

  bool has_int_bias(std::span<const Tensor> in) const { return in[kBiasInput].dtype() == DataType::Int32; }

  // The bias in accumulator units (x_scale * w_scale[m]), as oneDNN 2.x adds it before the
  // output scales: int32 QDQ biases already are; float biases are divided.
  memory accumulator_bias(std::span<const Tensor> in, const memory::desc& desc, int64_t channels) {
    memory m(desc, cpu_engine());
    const Tensor& b = in[kBiasInput];
    if (has_int_bias(in)) {
      std::memcpy(m.get_data_handle(), b.raw(), static_cast<size_t>(channels) * sizeof(int32_t));
      return m;
    }
    const Tensor& w_scale = in[kWeightScaleInput];
    auto* dst = static_cast<float*>(m.get_data_handle());
    for (int64_t c = 0; c < channels; ++c)
      dst[c] = b.data<float>()[c] / (x_.scale * w_scale.data<float>()[w_scale.numel() == 1 ? 0 : c]);
    return m;
  }

  const ir::Node& node_;
  ops::FusedActivation activation_;
  ops::ActivationQuant x_, y_, sum_;
  bool channels_last_;
  int64_t group_;
  bool constant_weights_;  // the plans reorder the weights once
  RefFallback fallback_;
  std::map<std::vector<int64_t>, std::unique_ptr<QConvPlan>> plans_;  // null: oneDNN cannot run that shape
  const std::vector<int64_t>* last_dims_ = nullptr;
  QConvPlan* last_plan_ = nullptr;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_q_conv(const ir::Node& node) { return std::make_unique<DnnlQConvKernel>(node); }

}  // namespace qtune::backends::dnnl_backend
