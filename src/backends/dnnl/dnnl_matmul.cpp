// MatMul and com.qtune FusedMatMul (+ Bias over the last axis, + activation) on oneDNN.
// Two shapes run on the primitive: any A with a 2-D B (A's leading axes fold into rows,
// the transformer "linear layer" case) and equal-rank operands with identical batch axes
// (attention scores). Broadcast batches and 1-D operands use the reference kernel.
#include <map>
#include <numeric>
#include <utility>

#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_matmul_plan.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;

int64_t product(std::span<const int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<>());
}

class DnnlMatMulKernel final : public ops::Kernel {
 public:
  explicit DnnlMatMulKernel(const ir::Node& node) : node_(node), fallback_(node) {
    if (node.domain() == "com.qtune") activation_ = ops::FusedActivation::of(node);
  }

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const bool has_bias = in.size() > 2 && in[2].defined();
    if (a.dtype() != DataType::Float32 || b.dtype() != DataType::Float32) return fallback_.run(in, out, ctx);
    MatmulPlan* plan = plan_for(in);
    if (!plan) return fallback_.run(in, out, ctx);
    out[0] = ctx.allocate(0, DataType::Float32, plan->out_dims);
    run_matmul_plan(*plan, a.raw(), b.raw(), has_bias ? in[2].raw() : nullptr, out[0].raw(), constant_b());
  }

 private:
  bool constant_b() const { return node_.input(1)->has_initializer(); }

  MatmulPlan* plan_for(std::span<const Tensor> in) {
    auto key = std::make_pair(in[0].dims(), in[1].dims());
    auto it = plans_.find(key);
    if (it == plans_.end()) it = plans_.emplace(key, build(in)).first;
    return it->second.get();
  }

  std::unique_ptr<MatmulPlan> build(std::span<const Tensor> in) {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const bool has_bias = in.size() > 2 && in[2].defined();
    if (a.rank() < 2 || b.rank() < 2) return nullptr;
    const int64_t k = a.dim(-1), n = b.dim(-1);
    if (b.dim(-2) != k) return nullptr;  // the reference kernel reports the mismatch
    if (has_bias && in[2].numel() != n) return nullptr;
    std::vector<int64_t> out_dims = output_dims(node_, in);
    dnnl::post_ops post;
    if (!append_activation(post, activation_)) return nullptr;
    std::unique_ptr<MatmulPlan> plan;
    if (b.rank() == 2) {
      const int64_t m = product(std::span(a.dims()).first(a.dims().size() - 1));
      memory::desc bias = has_bias ? memory::desc({1, n}, memory::data_type::f32, memory::format_tag::ab) : memory::desc();
      plan = build_matmul_plan(matrix_desc(0, m, k, false), matrix_desc(0, k, n, false), bias,
                               matrix_desc(0, m, n, false), post, constant_b());
    } else if (a.rank() == b.rank() &&
               std::equal(a.dims().begin(), a.dims().end() - 2, b.dims().begin(), b.dims().end() - 2)) {
      const int64_t batch = product(std::span(a.dims()).first(a.dims().size() - 2));
      const int64_t m = a.dim(-2);
      memory::desc bias =
          has_bias ? memory::desc({1, 1, n}, memory::data_type::f32, memory::format_tag::abc) : memory::desc();
      plan = build_matmul_plan(matrix_desc(batch, m, k, false), matrix_desc(batch, k, n, false), bias,
                               matrix_desc(batch, m, n, false), post, constant_b());
    }
    if (plan) plan->out_dims = out_dims;
    return plan;
  }

  const ir::Node& node_;
  ops::FusedActivation activation_;
  RefFallback fallback_;
  std::map<std::pair<std::vector<int64_t>, std::vector<int64_t>>, std::unique_ptr<MatmulPlan>> plans_;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_matmul(const ir::Node& node) { return std::make_unique<DnnlMatMulKernel>(node); }

}  // namespace qtune::backends::dnnl_backend
