#include "backends/dnnl/dnnl_common.h"

#include <atomic>

#include "qtune/error.h"

namespace qtune::backends::dnnl_backend {

using tag = dnnl::memory::format_tag;

bool int8_kernels_have_vnni() {
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  auto has = [isa](dnnl::cpu_isa feature) {
    const auto bits = static_cast<unsigned>(feature);
    return (isa & bits) == bits;
  };
  return has(dnnl::cpu_isa::avx512_core_vnni) || has(dnnl::cpu_isa::avx2_vnni);
}

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpu_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

dnnl::memory::dims to_dims(std::span<const int64_t> dims) { return dnnl::memory::dims(dims.begin(), dims.end()); }

dnnl::memory::format_tag plain_tag(int rank) {
  switch (rank) {
    case 1: return tag::a;
    case 2: return tag::ab;
    case 3: return tag::abc;
    case 4: return tag::abcd;
    case 5: return tag::abcde;
    case 6: return tag::abcdef;
    default: throw Error("oneDNN backend: tensors of rank " + std::to_string(rank) + " are not supported");
  }
}

dnnl::memory::desc plain_desc(std::span<const int64_t> dims) {
  return dnnl::memory::desc(to_dims(dims), dnnl::memory::data_type::f32, plain_tag(static_cast<int>(dims.size())));
}

bool append_activation_kind(dnnl::post_ops& ops, const ops::FusedActivation& act);

dnnl::memory wrap(const Tensor& t) {
  return dnnl::memory(plain_desc(t.dims()), cpu_engine(), const_cast<void*>(t.raw()));
}

bool append_activation(dnnl::post_ops& ops, const ops::FusedActivation& act) {
  if (!append_activation_kind(ops, act)) return false;
  if (act.has_affine) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, act.scale, act.shift);
  return true;
}

bool append_activation_kind(dnnl::post_ops& ops, const ops::FusedActivation& act) {
  using Kind = ops::FusedActivation::Kind;
  using alg = dnnl::algorithm;
  switch (act.kind) {
    case Kind::None: return true;
    case Kind::Relu: ops.append_eltwise(1.0f, alg::eltwise_relu, 0.0f, 0.0f); return true;
    case Kind::LeakyRelu: ops.append_eltwise(1.0f, alg::eltwise_relu, act.alpha, 0.0f); return true;
    case Kind::Clip: ops.append_eltwise(1.0f, alg::eltwise_clip_v2, act.alpha, act.beta); return true;
    case Kind::Sigmoid: ops.append_eltwise(1.0f, alg::eltwise_logistic, 0.0f, 0.0f); return true;
    case Kind::HardSigmoid:
      // alpha * x + beta, clipped to [0, 1]: two post-ops (oneDNN 2.x has no hardsigmoid).
      ops.append_eltwise(1.0f, alg::eltwise_linear, act.alpha, act.beta);
      ops.append_eltwise(1.0f, alg::eltwise_clip_v2, 0.0f, 1.0f);
      return true;
    case Kind::HardSwish: ops.append_eltwise(1.0f, alg::eltwise_hardswish, 0.0f, 0.0f); return true;
    case Kind::Tanh: ops.append_eltwise(1.0f, alg::eltwise_tanh, 0.0f, 0.0f); return true;
    case Kind::GeluErf: ops.append_eltwise(1.0f, alg::eltwise_gelu_erf, 0.0f, 0.0f); return true;
    case Kind::GeluTanh: ops.append_eltwise(1.0f, alg::eltwise_gelu_tanh, 0.0f, 0.0f); return true;
    case Kind::Swish: ops.append_eltwise(1.0f, alg::eltwise_swish, 1.0f, 0.0f); return true;
  }
  return false;
}

bool inputs_are_float32(const ir::Node& node) {
  for (const ir::Value* v : node.inputs())
    if (v && v->dtype != DataType::Float32 && v->dtype != DataType::Undefined) return false;
  return true;
}

namespace {
std::atomic<int64_t> g_fallback_runs{0};
}  // namespace

int64_t fallback_runs() { return g_fallback_runs.load(); }

void RefFallback::run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx) {
  ++g_fallback_runs;
  if (!kernel_) kernel_ = ops::find_op(node_.domain(), node_.op_type())->make_ref_kernel(node_);
  kernel_->run(in, out, ctx);
}

std::vector<int64_t> output_dims(const ir::Node& node, std::span<const Tensor> in) {
  std::vector<ops::TensorInfo> infos;
  for (const Tensor& t : in) {
    if (!t.defined()) {
      infos.push_back(ops::TensorInfo::absent());
    } else {
      infos.push_back(ops::TensorInfo::typed(t.dtype(), ir::Shape::of(t.dims())));
    }
  }
  return ops::find_op(node.domain(), node.op_type())->infer(node, infos)[0].shape.sizes();
}

void reorder(const dnnl::memory& src, const dnnl::memory& dst) {
  dnnl::reorder(src, dst).execute(cpu_stream(), const_cast<dnnl::memory&>(src), const_cast<dnnl::memory&>(dst));
}

}  // namespace qtune::backends::dnnl_backend
