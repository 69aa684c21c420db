#include "backends/dnnl/dnnl_matmul_plan.h"

namespace qtune::backends::dnnl_backend {

using dnnl::memory;

memory::desc matrix_desc(int64_t batch, int64_t rows, int64_t cols, bool transposed) {
  memory::dims row_col_strides = transposed ? memory::dims{1, rows} : memory::dims{cols, 1};
  if (batch == 0)
    return memory::desc({rows, cols}, memory::data_type::f32, row_col_strides);
  return memory::desc({batch, rows, cols}, memory::data_type::f32,
                      {rows * cols, row_col_strides[0], row_col_strides[1]});
}

std::unique_ptr<MatmulPlan> build_matmul_plan(const memory::desc& src, const memory::desc& weights,
                                              const memory::desc& bias, const memory::desc& dst,
                                              const dnnl::post_ops& post, bool constant_weights) {
  auto plan = std::make_unique<MatmulPlan>();
  plan->src = src;
  plan->weights_user = weights;
  plan->bias = bias;
  plan->dst = dst;
  dnnl::primitive_attr attr;
  attr.set_post_ops(post);
  memory::desc w_request = constant_weights ? memory::desc(weights.dims(), memory::data_type::f32, memory::format_tag::any)
                                            : weights;
  try {
    dnnl::matmul::desc d(src, w_request, bias, dst);
    dnnl::matmul::primitive_desc pd(d, attr, cpu_engine());
    plan->prim = dnnl::matmul(pd);
    if (constant_weights && pd.weights_desc() != weights) {
      plan->weights_packed = memory(pd.weights_desc(), cpu_engine());
      plan->pack = dnnl::reorder(memory(weights, cpu_engine(), nullptr), plan->weights_packed);
    }
  } catch (const dnnl::error&) {
    return nullptr;
  }
  return plan;
}

void run_matmul_plan(MatmulPlan& plan, const void* src, const void* weights, const void* bias, void* dst,
                     bool constant_weights) {
  dnnl::stream& stream = cpu_stream();
  auto mem = [](const memory::desc& d, const void* p) { return memory(d, cpu_engine(), const_cast<void*>(p)); };
  memory w = mem(plan.weights_user, weights);
  if (plan.weights_packed) {
    if (!plan.weights_ready) plan.pack.execute(stream, w, plan.weights_packed);
    plan.weights_ready = constant_weights;
    w = plan.weights_packed;
  }
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, mem(plan.src, src)}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, mem(plan.dst, dst)}};
  if (bias) args[DNNL_ARG_BIAS] = mem(plan.bias, bias);
  plan.prim.execute(stream, args);
  stream.wait();
}

}  // namespace qtune::backends::dnnl_backend
