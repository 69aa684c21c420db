// Gemm and com.qtune FusedGemm on oneDNN: Y = act(A' * B' + C) with A' / B' optionally
// transposed (as strides). C runs as a bias when it is a row vector [N] / [1, N], as a
// sum post-op when it is a full [M, N]; alpha or beta other than 1 and other C shapes use
// the reference kernel.
#include <cstring>
#include <map>
#include <utility>

#include "backends/dnnl/dnnl_kernels.h"
#include "backends/dnnl/dnnl_matmul_plan.h"

namespace qtune::backends::dnnl_backend {
namespace {

using dnnl::memory;

class DnnlGemmKernel final : public ops::Kernel {
 public:
  explicit DnnlGemmKernel(const ir::Node& node)
      : node_(node),
        trans_a_(node.attr_int("transA", 0) != 0),
        trans_b_(node.attr_int("transB", 0) != 0),
        unit_scales_(node.attr_float("alpha", 1.0f) == 1.0f && node.attr_float("beta", 1.0f) == 1.0f),
        fallback_(node) {
    if (node.domain() == "com.qtune") activation_ = ops::FusedActivation::of(node);
  }

  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) override {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const bool has_c = in.size() > 2 && in[2].defined();
    if (!unit_scales_ || a.dtype() != DataType::Float32 || b.dtype() != DataType::Float32 || a.rank() != 2 ||
        b.rank() != 2)
      return fallback_.run(in, out, ctx);
    std::vector<std::vector<int64_t>> key = {a.dims(), b.dims(), has_c ? in[2].dims() : std::vector<int64_t>{-1}};
    auto it = plans_.find(key);
    if (it == plans_.end()) it = plans_.emplace(key, build(in)).first;
    MatmulPlan* plan = it->second.get();
    if (!plan) return fallback_.run(in, out, ctx);
    out[0] = ctx.allocate(0, DataType::Float32, plan->out_dims);
    // The same rule as build(): a full [M, N] C is the sum post-op's addend, anything else the
    // plan accepted is a row bias (at M == 1 the two have the same size, not the same role).
    const bool c_is_full = has_c && in[2].rank() == 2 && in[2].dims() == plan->out_dims;
    const bool c_is_bias = has_c && !c_is_full;
    if (c_is_full) std::memcpy(out[0].raw(), in[2].raw(), out[0].byte_size());
    run_matmul_plan(*plan, a.raw(), b.raw(), c_is_bias ? in[2].raw() : nullptr, out[0].raw(),
                    node_.input(1)->has_initializer());
  }

 private:
  std::unique_ptr<MatmulPlan> build(std::span<const Tensor> in) {
    std::vector<int64_t> out_dims = output_dims(node_, in);
    const int64_t m = out_dims[0], n = out_dims[1];
    const int64_t k = trans_a_ ? in[0].dim(0) : in[0].dim(1);
    const bool has_c = in.size() > 2 && in[2].defined();
    dnnl::post_ops post;
    memory::desc bias;
    if (has_c) {
      const Tensor& c = in[2];
      const bool row = (c.rank() == 1 && c.dim(0) == n) || (c.rank() == 2 && c.dim(0) == 1 && c.dim(1) == n);
      const bool full = c.rank() == 2 && c.dim(0) == m && c.dim(1) == n;
      if (row && !full) {
        bias = memory::desc({1, n}, memory::data_type::f32, memory::format_tag::ab);
      } else if (full) {
        post.append_sum(1.0f);
      } else {
        return nullptr;
      }
    }
    if (!append_activation(post, activation_)) return nullptr;
    // A' is [m, k]: stored [k, m] when transposed. B' is [k, n]: stored [n, k] when transposed.
    auto plan = build_matmul_plan(matrix_desc(0, m, k, trans_a_), matrix_desc(0, k, n, trans_b_), bias,
                                  matrix_desc(0, m, n, false), post, node_.input(1)->has_initializer());
    if (plan) plan->out_dims = out_dims;
    return plan;
  }

  const ir::Node& node_;
  bool trans_a_, trans_b_, unit_scales_;
  ops::FusedActivation activation_;
  RefFallback fallback_;
  std::map<std::vector<std::vector<int64_t>>, std::unique_ptr<MatmulPlan>> plans_;
};

}  // namespace

std::unique_ptr<ops::Kernel> make_dnnl_gemm(const ir::Node& node) { return std::make_unique<DnnlGemmKernel>(node); }

}  // namespace qtune::backends::dnnl_backend
