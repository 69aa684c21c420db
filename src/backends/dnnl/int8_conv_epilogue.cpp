#include "backends/dnnl/int8_conv_epilogue.h"

#include <algorithm>
#include <cmath>

namespace qtune::backends::dnnl_backend {

bool cpu_has_avx512_vnni_vbmi() {
  __builtin_cpu_init();
  return ops::avx512::avx512_loops_usable() && __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512dq");
}

bool int8_epilogue_supports(const ops::FusedActivation& act) {
  using Kind = ops::FusedActivation::Kind;
  switch (act.kind) {
    case Kind::None:
    case Kind::Relu:
    case Kind::LeakyRelu:
    case Kind::Clip:
    case Kind::HardSigmoid:
    case Kind::HardSwish: return true;
    default: return false;
  }
}

namespace {

// The saturating store clamps to the int8 range only (a higher low bound, Relu's, is
// applied apart), and the float -> int32 conversion is exact only below 2^31: both must
// hold for every value (HardSwish's gate is in [0, 1], so |u| bounds it).
bool saturation_is_exact(const Int8EpilogueParams& p, const Int8ConvQuant& q, const std::vector<double>& acc_bound) {
  const auto zero_point = static_cast<float>(q.y_zero_point);
  if (!q.y_signed || p.low < -128.0f - zero_point || p.high != 127.0f - zero_point) return false;
  if (static_cast<int64_t>(acc_bound.size()) < p.channels) return false;
  for (int64_t c = 0; c < p.channels; ++c) {
    const auto cu = static_cast<size_t>(c);
    const double v = acc_bound[cu] * std::fabs(static_cast<double>(p.scale[cu])) + std::fabs(static_cast<double>(p.bias[cu]));
    if (!(v < 0x1p30)) return false;
  }
  return true;
}

}  // namespace

Int8EpilogueParams make_int8_epilogue(const Int8ConvQuant& q, const ops::FusedActivation& act, int64_t channels,
                                      const float* float_bias, const std::vector<double>& acc_bound) {
  using Kind = ops::FusedActivation::Kind;
  Int8EpilogueParams p;
  p.channels = channels;
  const int64_t padded = (channels + ops::avx512::kLanes - 1) / ops::avx512::kLanes * ops::avx512::kLanes;
  p.scale.assign(static_cast<size_t>(padded), 0.0f);
  p.bias.assign(static_cast<size_t>(padded), 0.0f);
  p.gate_scale.assign(static_cast<size_t>(padded), 0.0f);
  p.gate_bias.assign(static_cast<size_t>(padded), 0.0f);
  p.inv_y_scale = 1.0f / q.y_scale;
  p.zero_point = q.y_zero_point;
  const auto zero_point = static_cast<float>(q.y_zero_point);
  p.low = (q.y_signed ? -128.0f : 0.0f) - zero_point;
  p.high = (q.y_signed ? 127.0f : 255.0f) - zero_point;
  p.folded = !act.has_affine && (act.kind == Kind::None || act.kind == Kind::Relu || act.kind == Kind::Clip);
  p.hard_swish = !act.has_affine && act.kind == Kind::HardSwish;
  for (int64_t c = 0; c < channels; ++c) {
    const auto cu = static_cast<size_t>(c);
    p.scale[cu] = q.x_scale * q.w_scale[q.w_scale.size() == 1 ? 0 : cu];
    p.bias[cu] = float_bias ? float_bias[c] : 0.0f;
    if (p.folded) {
      p.scale[cu] *= p.inv_y_scale;
      p.bias[cu] *= p.inv_y_scale;
    }
    if (p.hard_swish) {
      p.gate_scale[cu] = p.scale[cu] / 3.0f;  // 2 * gate - 1 = value / 3 in real units
      p.gate_bias[cu] = p.bias[cu] / 3.0f;
      p.scale[cu] *= p.inv_y_scale;
      p.bias[cu] *= p.inv_y_scale;
    }
  }
  if (p.hard_swish) {
    p.saturating = saturation_is_exact(p, q, acc_bound);
    // Half the output value: the epilogue multiplies it by (1 + clamp(2 * gate - 1, -1, 1)).
    for (float& v : p.scale) v *= 0.5f;
    for (float& v : p.bias) v *= 0.5f;
  }
  if (!p.folded) return p;
  // The activation's bounds in output steps, rounded as the values are (rounding is
  // monotone, so clamping to a rounded bound gives the rounded clamp).
  if (act.kind == Kind::Relu) p.low = std::max(p.low, 0.0f);
  if (act.kind == Kind::Clip) {
    p.low = std::max(p.low, std::nearbyint(act.alpha * p.inv_y_scale));
    p.high = std::min(p.high, std::nearbyint(act.beta * p.inv_y_scale));
  }
  p.saturating = saturation_is_exact(p, q, acc_bound);
  p.floor = p.saturating && p.low > -128.0f - zero_point;
  return p;
}

}  // namespace qtune::backends::dnnl_backend
