// com.qtune QDynamicMatMul on oneDNN: A's range and uint8 quantization in one pass of our
// own (the same arithmetic as DynamicQuantizeLinear), then oneDNN's u8 x s8 matmul with the
// scales (x_scale * B_scale[n]) and A's zero point given at run time, and the float bias
// as a post-op add after the scaling, the order of the ONNX pattern the node stands for.
#include <cstring>
#include <map>

#include "backends/dnnl/dnnl_common.h"
#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_quant_util.h"
#include "ops/dynamic_quant.h"
#include "ops/q_loops.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

constexpr size_t kWeightScaleInput = 2;
constexpr size_t kBiasInput = 3;

struct DynamicPlan {
  dnnl::primitive prim;
  memory weights, bias;
  memory::desc src, dst;
  std::vector<int64_t> out_dims;
};

class DnnlQDynamicMatMulKernel final : public ops::Kernel {
 public:
  explicit DnnlQDynamicMatMulKernel(const ir::Node& node) : node_(node), fallback_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    if (in[0].rank() < 2 || !node_.input(1)->has_initializer() || !node_.input(kWeightScaleInput)->has_initializer())
      return fallback_.run(in, out, ctx);
    auto it = plans_.find(in[0].dims());
    if (it == plans_.end()) it = plans_.emplace(in[0].dims(), build_plan(in)).first;
    DynamicPlan* plan = it->second.get();
    if (!plan) return fallback_.run(in, out, ctx);
    const Tensor& a = in[0];
    const ops::DynamicQuantParams p = ops::dynamic_quant_params(a.data<float>(), a.numel());
    quantized_.resize(static_cast<size_t>(a.numel()));
    ops::quantize_f32(a.data<float>(), quantized_.data(), a.numel(), p.scale, static_cast<float>(p.zero_point));
    const Tensor& b_scale = in[kWeightScaleInput];
    scales_.resize(static_cast<size_t>(b_scale.numel()));
    for (size_t j = 0; j < scales_.size(); ++j) scales_[j] = p.scale * b_scale.data<float>()[j];
    memory scales(memory::desc({static_cast<int64_t>(scales_.size())}, memory::data_type::f32, tag::a), cpu_engine(),
                  scales_.data());
    int32_t zp = p.zero_point;
    memory zero_point(memory::desc({1}, memory::data_type::s32, tag::a), cpu_engine(), &zp);

    out[0] = ctx.allocate(0, DataType::Float32, plan->out_dims);
    std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, memory(plan->src, cpu_engine(), quantized_.data())},
                                            {DNNL_ARG_WEIGHTS, plan->weights},
                                            {DNNL_ARG_DST, memory(plan->dst, cpu_engine(), out[0].raw())},
                                            {DNNL_ARG_ATTR_OUTPUT_SCALES, scales},
                                            {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, zero_point}};
    if (plan->bias) args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1] = plan->bias;
    dnnl::stream& stream = cpu_stream();
    plan->prim.execute(stream, args);
    stream.wait();
  }

 private:
  std::unique_ptr<DynamicPlan> build_plan(std::span<const Tensor> in) {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const Tensor& b_scale = in[kWeightScaleInput];
    if (b.rank() != 2 || a.dim(-1) != b.dim(0)) return nullptr;
    const int64_t k = b.dim(0), n = b.dim(1), rows = a.numel() / k;
    if (b_scale.numel() != 1 && b_scale.numel() != n) return nullptr;
    const bool has_bias = in.size() > kBiasInput && in[kBiasInput].defined();
    if (has_bias && in[kBiasInput].numel() != n) return nullptr;
    auto plan = std::make_unique<DynamicPlan>();
    plan->out_dims = a.dims();
    plan->out_dims.back() = n;
    plan->src = memory::desc({rows, k}, memory::data_type::u8, tag::ab);
    plan->dst = memory::desc({rows, n}, memory::data_type::f32, tag::ab);
    dnnl::primitive_attr attr;
    attr.set_output_scales(b_scale.numel() == 1 ? 0 : 2, {DNNL_RUNTIME_F32_VAL});
    attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    memory::desc bias_desc({1, n}, memory::data_type::f32, tag::ab);
    if (has_bias) {
      dnnl::post_ops post;
      post.append_binary(dnnl::algorithm::binary_add, bias_desc);
      attr.set_post_ops(post);
    }
    memory::desc w_any({k, n}, memory::data_type::s8, tag::any);
    dnnl::matmul::primitive_desc pd;
    try {
      dnnl::matmul::desc d(plan->src, w_any, plan->dst);
      pd = dnnl::matmul::primitive_desc(d, attr, cpu_engine());
    } catch (const dnnl::error&) {
      return nullptr;
    }
    plan->prim = dnnl::matmul(pd);
    plan->weights = memory(pd.weights_desc(), cpu_engine());
    reorder(memory(memory::desc({k, n}, memory::data_type::s8, tag::ab), cpu_engine(), const_cast<void*>(b.raw())),
            plan->weights);
    if (has_bias) {
      plan->bias = memory(bias_desc, cpu_engine());
      std::memcpy(plan->bias.get_data_handle(), in[kBiasInput].raw(), static_cast<size_t>(n) * sizeof(float));
    }
    return plan;
  }

  const ir::Node& node_;
  RefFallback fallback_;
  std::map<std::vector<int64_t>, std::unique_ptr<DynamicPlan>> plans_;
  std::vector<uint8_t> quantized_;
  std::vector<float> scales_;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_q_dynamic_mat_mul(const ir::Node& node) {
  return std::make_unique<DnnlQDynamicMatMulKernel>(node);
}

}  // namespace qtune::backends::dnnl_backend
