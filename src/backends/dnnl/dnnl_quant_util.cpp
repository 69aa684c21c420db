#include "backends/dnnl/dnnl_quant_util.h"

#include "backends/dnnl/dnnl_common.h"

#include <vector>

namespace qtune::backends::dnnl_backend {
namespace {

using alg = dnnl::algorithm;

struct Eltwise {
  alg kind;
  float alpha = 0, beta = 0;
};

// The activation as eltwise steps; empty optional when oneDNN has no exact form.
bool activation_steps(const ops::FusedActivation& act, std::vector<Eltwise>& steps) {
  using Kind = ops::FusedActivation::Kind;
  switch (act.kind) {
    case Kind::None: break;
    case Kind::Relu: steps.push_back({alg::eltwise_relu, 0, 0}); break;
    case Kind::LeakyRelu: steps.push_back({alg::eltwise_relu, act.alpha, 0}); break;
    case Kind::Clip: steps.push_back({alg::eltwise_clip_v2, act.alpha, act.beta}); break;
    case Kind::Sigmoid: steps.push_back({alg::eltwise_logistic, 0, 0}); break;
    case Kind::HardSigmoid:
      steps.push_back({alg::eltwise_linear, act.alpha, act.beta});
      steps.push_back({alg::eltwise_clip_v2, 0, 1});
      break;
    case Kind::HardSwish: steps.push_back({alg::eltwise_hardswish, 0, 0}); break;
    case Kind::Tanh: steps.push_back({alg::eltwise_tanh, 0, 0}); break;
    case Kind::GeluErf: steps.push_back({alg::eltwise_gelu_erf, 0, 0}); break;
    case Kind::GeluTanh: steps.push_back({alg::eltwise_gelu_tanh, 0, 0}); break;
    case Kind::Swish: steps.push_back({alg::eltwise_swish, 1, 0}); break;
    default: return false;
  }
  if (act.has_affine) steps.push_back({alg::eltwise_linear, act.scale, act.shift});
  return true;
}

void merge_linears(std::vector<Eltwise>& steps) {
  for (size_t i = 1; i < steps.size();) {
    Eltwise& a = steps[i - 1];
    const Eltwise& b = steps[i];
    if (a.kind == alg::eltwise_linear && b.kind == alg::eltwise_linear) {
      a = {alg::eltwise_linear, a.alpha * b.alpha, b.alpha * a.beta + b.beta};
      steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

}  // namespace

dnnl::memory::data_type dnnl_type(DataType t) {
  switch (t) {
    case DataType::UInt8: return dnnl::memory::data_type::u8;
    case DataType::Int8: return dnnl::memory::data_type::s8;
    case DataType::Int32: return dnnl::memory::data_type::s32;
    default: return dnnl::memory::data_type::f32;
  }
}

dnnl::memory zero_point_memory(int32_t zp) {
  dnnl::memory m(dnnl::memory::desc({1}, dnnl::memory::data_type::s32, dnnl::memory::format_tag::x), cpu_engine());
  *static_cast<int32_t*>(m.get_data_handle()) = zp;
  return m;
}

std::unordered_map<int, dnnl::memory> int8_primitive_args(const dnnl::memory& src, const dnnl::memory& weights,
                                                          const dnnl::memory& dst, const dnnl::memory& bias,
                                                          const dnnl::memory& src_zp, const dnnl::memory& dst_zp) {
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
  if (bias) args[DNNL_ARG_BIAS] = bias;
  if (src_zp) args[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] = src_zp;
  if (dst_zp) args[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST] = dst_zp;
  return args;
}

bool commutes_with_scale(const ops::FusedActivation& a) {
  using K = ops::FusedActivation::Kind;
  return !a.has_affine && (a.kind == K::None || a.kind == K::Relu || a.kind == K::LeakyRelu || a.kind == K::Clip);
}

bool append_quantized_epilogue(dnnl::post_ops& ops, const ops::FusedActivation& act, float final_scale) {
  std::vector<Eltwise> steps;
  if (!activation_steps(act, steps)) return false;
  if (final_scale != 1.0f) steps.push_back({alg::eltwise_linear, final_scale, 0});
  merge_linears(steps);
  // A trailing pure scale moves in front of a clip before it.
  const size_t n = steps.size();
  if (n >= 2 && steps[n - 1].kind == alg::eltwise_linear && steps[n - 1].beta == 0 && steps[n - 1].alpha > 0 &&
      steps[n - 2].kind == alg::eltwise_clip_v2) {
    const float k = steps[n - 1].alpha;
    Eltwise clip = steps[n - 2];
    clip.alpha *= k;
    clip.beta *= k;
    steps[n - 2] = {alg::eltwise_linear, k, 0};
    steps[n - 1] = clip;
    merge_linears(steps);
  }
  int linears = 0;
  for (const Eltwise& e : steps) linears += e.kind == alg::eltwise_linear;
  if (linears > 1) return false;
  for (const Eltwise& e : steps) ops.append_eltwise(1.0f, e.kind, e.alpha, e.beta);
  return true;
}

bool activation_primitives(const ops::FusedActivation& act, const dnnl::memory::desc& desc,
                           std::vector<dnnl::eltwise_forward>& out) {
  std::vector<Eltwise> steps;
  if (!activation_steps(act, steps)) return false;
  merge_linears(steps);
  for (const Eltwise& e : steps) {
    dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, e.kind, desc, e.alpha, e.beta);
    out.emplace_back(dnnl::eltwise_forward::primitive_desc(d, cpu_engine()));
  }
  return true;
}

}  // namespace qtune::backends::dnnl_backend
