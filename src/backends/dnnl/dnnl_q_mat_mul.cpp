// com.qtune QMatMul on oneDNN's int8 matmul: A (u8/s8, [..., M, K], viewed as [rows, K]),
// B (s8 [K, N], reordered once), per-column output scales, A's zero point, the bias, the
// activation post-ops and the output zero point. Like the convolution, oneDNN 2.x adds the
// bias in accumulator units (x_scale * b_scale[n]) before the output scales; the tests
// compare against the reference kernel.
#include <cstring>
#include <map>
#include <unordered_map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_quant_util.h"
#include "ops/q_linear.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

constexpr size_t kWeightScaleInput = 2;
constexpr size_t kBiasInput = 3;

struct QMatMulPlan {
  dnnl::primitive prim;
  memory weights, bias, src_zp, dst_zp;
  memory::desc src, dst;
  std::vector<int64_t> out_dims;
  // Made once; each call only points them at its buffers. Creating the memory objects and
  // the argument map per call took most of a small product's time (PP-OCR cls's
  // classifier head, [1, 200] x [200, 2]: 1.8 us).
  memory src_mem, dst_mem;
  std::unordered_map<int, memory> args;
};

class DnnlQMatMulKernel final : public ops::Kernel {
 public:
  explicit DnnlQMatMulKernel(const ir::Node& node)
      : node_(node),
        activation_(ops::FusedActivation::of(node)),
        x_(ops::read_activation_quant(node, "x")),
        y_(ops::read_activation_quant(node, "y")),
        fallback_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    if (in[0].rank() < 2 || !x_.quantized() || !node_.input(1)->has_initializer()) return fallback_.run(in, out, ctx);
    QMatMulPlan* plan = plan_for(in);
    if (!plan) return fallback_.run(in, out, ctx);
    out[0] = ctx.allocate(0, y_.type, plan->out_dims);
    plan->src_mem.set_data_handle(const_cast<void*>(in[0].raw()));
    plan->dst_mem.set_data_handle(out[0].raw());
    dnnl::stream& stream = cpu_stream();
    plan->prim.execute(stream, plan->args);
    stream.wait();
  }

 private:
  // The last shape's plan first: a model runs one shape many times.
  QMatMulPlan* plan_for(std::span<const Tensor> in) {
    if (last_plan_ && in[0].dims() == *last_dims_) return last_plan_;
    auto it = plans_.find(in[0].dims());
    if (it == plans_.end()) it = plans_.emplace(in[0].dims(), build_plan(in)).first;
    last_dims_ = &it->first;
    last_plan_ = it->second.get();
    return last_plan_;
  }

  std::unique_ptr<QMatMulPlan> build_plan(std::span<const Tensor> in) {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const Tensor& b_scale = in[kWeightScaleInput];
    if (b.rank() != 2 || a.dim(-1) != b.dim(0)) return nullptr;
    const int64_t k = b.dim(0), n = b.dim(1), rows = a.numel() / k;
    auto plan = std::make_unique<QMatMulPlan>();
    plan->out_dims = a.dims();
    plan->out_dims.back() = n;
    plan->src = memory::desc({rows, k}, dnnl_type(x_.type), tag::ab);
    plan->dst = memory::desc({rows, n}, dnnl_type(y_.type), tag::ab);

    const bool fold = y_.quantized() && commutes_with_scale(activation_);
    const float y_div = fold ? y_.scale : 1.0f;
    std::vector<float> scales(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j)
      scales[static_cast<size_t>(j)] = x_.scale * b_scale.data<float>()[b_scale.numel() == 1 ? 0 : j] / y_div;
    dnnl::primitive_attr attr;
    attr.set_output_scales(b_scale.numel() == 1 ? 0 : 2, scales);
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
    if (has_bias && in[kBiasInput].numel() != n) return nullptr;
    memory::desc bias_desc;
    if (has_bias) bias_desc = memory::desc({1, n}, memory::data_type::f32, tag::ab);
    memory::desc w_any({k, n}, memory::data_type::s8, tag::any);
    dnnl::matmul::primitive_desc pd;
    try {
      dnnl::matmul::desc d(plan->src, w_any, bias_desc, plan->dst);
      pd = dnnl::matmul::primitive_desc(d, attr, cpu_engine());
    } catch (const dnnl::error&) {
      return nullptr;
    }
    plan->prim = dnnl::matmul(pd);
    plan->weights = memory(pd.weights_desc(), cpu_engine());
    reorder(memory(memory::desc({k, n}, memory::data_type::s8, tag::ab), cpu_engine(), const_cast<void*>(b.raw())),
            plan->weights);
    if (has_bias) {
      // Accumulator units: int32 QDQ biases already are; float biases are divided.
      plan->bias = memory(bias_desc, cpu_engine());
      auto* dst = static_cast<float*>(plan->bias.get_data_handle());
      const Tensor& bias = in[kBiasInput];
      for (int64_t j = 0; j < n; ++j) {
        const float acc_unit = x_.scale * b_scale.data<float>()[b_scale.numel() == 1 ? 0 : j];
        dst[j] = bias.dtype() == DataType::Int32 ? static_cast<float>(bias.data<int32_t>()[j])
                                                 : bias.data<float>()[j] / acc_unit;
      }
    }
    if (x_.zero_point != 0) plan->src_zp = zero_point_memory(x_.zero_point);
    if (y_.quantized() && y_.zero_point != 0) plan->dst_zp = zero_point_memory(y_.zero_point);
    plan->src_mem = memory(plan->src, cpu_engine(), nullptr);
    plan->dst_mem = memory(plan->dst, cpu_engine(), nullptr);
    plan->args = int8_primitive_args(plan->src_mem, plan->weights, plan->dst_mem, plan->bias, plan->src_zp, plan->dst_zp);
    return plan;
  }

  const ir::Node& node_;
  ops::FusedActivation activation_;
  ops::ActivationQuant x_, y_;
  RefFallback fallback_;
  std::map<std::vector<int64_t>, std::unique_ptr<QMatMulPlan>> plans_;
  const std::vector<int64_t>* last_dims_ = nullptr;
  QMatMulPlan* last_plan_ = nullptr;  // null also when the last shape had no plan
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_q_mat_mul(const ir::Node& node) {
  return std::make_unique<DnnlQMatMulKernel>(node);
}

}  // namespace qtune::backends::dnnl_backend
