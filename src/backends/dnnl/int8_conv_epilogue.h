// What the own int8 convolution kernels (int8_depthwise_conv.h, int8_pointwise_conv.h)
// share: the quantization of their input and output, the CPU check, and the vector epilogue
// that turns 16 int32 accumulators into 16 output bytes:
//   y = clamp(round(act(float(acc) * scale[c] + bias[c]) / y_scale + y_zero_point), qmin, qmax)
// where acc already holds the int32 bias and the zero-point corrections, scale[c] is
// x_scale * w_scale[c] and bias[c] a float bias in real units. The value is clamped in
// float to the type's range less the zero point (integral bounds, so clamping before
// rounding changes nothing), rounded half to even, and the zero point added after rounding
// as QuantizeLinear does (before it, an odd zero point flips ties: Clip(-1, 2) at
// y_scale 0.08 rounds -12.5 to -12, then adds the zero point); the conversion is then
// exact and a truncating byte store enough. When the activation is a clamp (none, Relu,
// Clip), 1 / y_scale folds into scale and bias and the activation into the clamp bounds
// (rounded like the values): 7 instructions per 16 outputs, the store included. HardSwish
// without an affine folds too, as y = u * clamp(g, 0, 1) with u = v / y_scale and the gate
// g = v / 6 + 1/2, written y = u/2 + u/2 * clamp(2 g - 1, -1, 1) so that one "range"
// instruction clamps (u/2 and 2 g - 1 are computed from the accumulator): 10 instructions.
// When the clamp bounds are the int8 type's own and no value can reach 2^30 (checked from
// a bound on the accumulators when the kernel is planned), the float clamp goes: the
// rounded value plus the zero point is exact in int32 and a saturating byte store clamps
// it (5 and 8 instructions, 4 and 7 without a zero point to add); a Relu's low bound then
// takes one float maximum.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <vector>

#include "ops/avx512_byte_vectors.h"
#include "ops/fused_activation.h"

namespace qtune::backends::dnnl_backend {

struct Int8ConvQuant {
  bool x_signed = false, y_signed = false;  // int8 (true) or uint8
  int32_t x_zero_point = 0, y_zero_point = 0;
  float x_scale = 1.0f, y_scale = 1.0f;
  std::vector<float> w_scale;  // one per output channel, or one for all
};

// The epilogue's constants: per output channel (padded to whole 16-lane blocks) scale and
// bias, folded with 1 / y_scale when `folded` or `hard_swish` (then halved: u/2; the gate,
// 2 g - 1, has its own scale and bias); the clamp bounds in output steps from the zero
// point (integers).
struct Int8EpilogueParams {
  std::vector<float> scale, bias, gate_scale, gate_bias;
  float inv_y_scale = 1.0f, low = 0.0f, high = 255.0f;
  int32_t zero_point = 0;
  // floor: with `saturating`, `low` is above the type's range (a Relu) and applied apart.
  bool folded = false, hard_swish = false, saturating = false, floor = false;
  int64_t channels = 0;
};

// How the epilogue maps a value to a byte: the activation then a float clamp (Activate);
// the activation folded into scale, bias and clamp (Folded); folded and clamped by the
// saturating store alone (Saturating), and without the zero point's addition when it is 0
// (SaturatingZeroPoint0: symmetric int8 activations, the default on VNNI CPUs; one
// instruction of 8 with HardSwish).
// The Floor variants apply a low bound above the type's (Relu) with one float maximum, the
// saturating store clamping above: 5 instructions instead of Folded's 7.
enum class Int8Store {
  Activate,
  Folded,
  Saturating,
  SaturatingZeroPoint0,
  SaturatingFloor,
  SaturatingFloorZeroPoint0
};

constexpr bool int8_store_saturates(Int8Store s) { return s != Int8Store::Activate && s != Int8Store::Folded; }
constexpr bool int8_store_floors(Int8Store s) {
  return s == Int8Store::SaturatingFloor || s == Int8Store::SaturatingFloorZeroPoint0;
}
constexpr bool int8_store_adds_zero_point(Int8Store s) {
  return s != Int8Store::SaturatingZeroPoint0 && s != Int8Store::SaturatingFloorZeroPoint0;
}

// scale[c] = x_scale * w_scale[c]; float_bias may be null. acc_bound[c] bounds |acc| of
// channel c (offsets included): the saturating store is used only when it shows that no
// value overflows.
Int8EpilogueParams make_int8_epilogue(const Int8ConvQuant& q, const ops::FusedActivation& act, int64_t channels,
                                      const float* float_bias, const std::vector<double>& acc_bound);

// AVX-512 F/BW/VL (as ops::avx512 allows it), DQ, VNNI and VBMI.
bool cpu_has_avx512_vnni_vbmi();

// The activations the epilogue applies.
bool int8_epilogue_supports(const ops::FusedActivation& act);

}  // namespace qtune::backends::dnnl_backend

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,fma")
// GCC 12 reports the deliberately undefined vectors inside its own intrinsic headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace qtune::backends::dnnl_backend {

// n bytes from src to dst, each xor `flip` (0x80 reads int8 as uint8 shifted by 128, as
// VNNI wants its unsigned operand; 0 copies).
inline void copy_flipped_bytes(const uint8_t* src, uint8_t* dst, int64_t n, uint8_t flip) {
  const __m512i f = _mm512_set1_epi8(static_cast<char>(flip));
  for (int64_t i = 0; i < n; i += 64) {
    const int64_t left = n - i;
    const __mmask64 m = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
    _mm512_mask_storeu_epi8(dst + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), f));
  }
}

// One 16-channel block's constants, loaded once per block.
struct Int8Epilogue {
  __m512 scale, bias, gate_scale, gate_bias, inv_y, low, high;
  __m512i zero_point;
  __mmask16 mask;  // the block's real channels
};

inline Int8Epilogue int8_epilogue_block(const Int8EpilogueParams& p, int64_t c0) {
  return {_mm512_loadu_ps(p.scale.data() + c0),
          _mm512_loadu_ps(p.bias.data() + c0),
          _mm512_loadu_ps(p.gate_scale.data() + c0),
          _mm512_loadu_ps(p.gate_bias.data() + c0),
          _mm512_set1_ps(p.inv_y_scale),
          _mm512_set1_ps(p.low),
          _mm512_set1_ps(p.high),
          _mm512_set1_epi32(p.zero_point),
          ops::avx512::lanes(p.channels - c0)};
}

// The activation of kind K (a template argument, so that loops over many vectors carry no
// branch on it).
template <ops::FusedActivation::Kind K>
inline __m512 int8_epilogue_activate(__m512 v, const ops::FusedActivation& act) {
  using Kind = ops::FusedActivation::Kind;
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  if constexpr (K == Kind::Relu) v = _mm512_max_ps(v, zero);
  if constexpr (K == Kind::LeakyRelu)
    v = _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, _mm512_set1_ps(act.alpha));
  if constexpr (K == Kind::Clip) v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(act.alpha)), _mm512_set1_ps(act.beta));
  if constexpr (K == Kind::HardSigmoid)
    v = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v, _mm512_set1_ps(act.alpha), _mm512_set1_ps(act.beta)), zero),
                      one);
  if constexpr (K == Kind::HardSwish) {
    const __m512 gate = _mm512_fmadd_ps(v, _mm512_set1_ps(1.0f / 6.0f), _mm512_set1_ps(0.5f));
    v = _mm512_mul_ps(v, _mm512_min_ps(_mm512_max_ps(gate, zero), one));
  }
  if (act.has_affine) v = _mm512_fmadd_ps(v, _mm512_set1_ps(act.scale), _mm512_set1_ps(act.shift));
  return v;
}

// The int32 output value (zero point added; clamped to the type unless S is Saturating).
// Folded (or Saturating) with K None: the activation is in the clamp bounds and 1 / y_scale
// in scale and bias. With K HardSwish: the gated form above.
template <ops::FusedActivation::Kind K, Int8Store S>
inline __m512i int8_epilogue_value(const Int8Epilogue& e, const ops::FusedActivation& act, __m512i acc) {
  const __m512 a = _mm512_cvtepi32_ps(acc);
  __m512 v = _mm512_fmadd_ps(a, e.scale, e.bias);
  if constexpr (S != Int8Store::Activate && K == ops::FusedActivation::Kind::HardSwish) {
    // v is half the value u, h = 2 g - 1; range's "smaller magnitude, first operand's sign"
    // clamps h to [-1, 1] in one instruction, and u * clamp(g, 0, 1) = v + v * clamp(h).
    const __m512 h = _mm512_fmadd_ps(a, e.gate_scale, e.gate_bias);
    v = _mm512_fmadd_ps(v, _mm512_range_ps(h, _mm512_set1_ps(1.0f), 0x02), v);
  }
  if constexpr (S == Int8Store::Activate) v = _mm512_mul_ps(int8_epilogue_activate<K>(v, act), e.inv_y);
  if constexpr (!int8_store_saturates(S)) v = _mm512_min_ps(_mm512_max_ps(v, e.low), e.high);
  if constexpr (int8_store_floors(S)) v = _mm512_max_ps(v, e.low);
  if constexpr (!int8_store_adds_zero_point(S)) return _mm512_cvtps_epi32(v);
  return _mm512_add_epi32(_mm512_cvtps_epi32(v), e.zero_point);
}

template <ops::FusedActivation::Kind K, Int8Store S>
inline void int8_epilogue_store(const Int8Epilogue& e, const ops::FusedActivation& act, __m512i acc, uint8_t* out) {
  const __m512i q = int8_epilogue_value<K, S>(e, act, acc);
  if constexpr (int8_store_saturates(S))
    _mm512_mask_cvtsepi32_storeu_epi8(out, e.mask, q);
  else
    _mm512_mask_cvtepi32_storeu_epi8(out, e.mask, q);
}

// The 16 output bytes in a register (all lanes).
template <ops::FusedActivation::Kind K, Int8Store S>
inline __m128i int8_epilogue_bytes(const Int8Epilogue& e, const ops::FusedActivation& act, __m512i acc) {
  const __m512i q = int8_epilogue_value<K, S>(e, act, acc);
  if constexpr (int8_store_saturates(S)) return _mm512_cvtsepi32_epi8(q);
  return _mm512_cvtepi32_epi8(q);
}

// Calls f.template operator()<K, S>() with the epilogue's kind and store as constants.
template <class F>
inline void with_int8_epilogue_kind(const Int8EpilogueParams& p, const ops::FusedActivation& act, F&& f) {
  using Kind = ops::FusedActivation::Kind;
  const bool no_zero_point = p.zero_point == 0;
  if (p.folded) {
    if (!p.saturating) return f.template operator()<Kind::None, Int8Store::Folded>();
    if (p.floor)
      return no_zero_point ? f.template operator()<Kind::None, Int8Store::SaturatingFloorZeroPoint0>()
                           : f.template operator()<Kind::None, Int8Store::SaturatingFloor>();
    return no_zero_point ? f.template operator()<Kind::None, Int8Store::SaturatingZeroPoint0>()
                         : f.template operator()<Kind::None, Int8Store::Saturating>();
  }
  if (p.hard_swish) {
    if (!p.saturating) return f.template operator()<Kind::HardSwish, Int8Store::Folded>();
    return no_zero_point ? f.template operator()<Kind::HardSwish, Int8Store::SaturatingZeroPoint0>()
                         : f.template operator()<Kind::HardSwish, Int8Store::Saturating>();
  }
  switch (act.kind) {
    case Kind::Relu: return f.template operator()<Kind::Relu, Int8Store::Activate>();
    case Kind::LeakyRelu: return f.template operator()<Kind::LeakyRelu, Int8Store::Activate>();
    case Kind::Clip: return f.template operator()<Kind::Clip, Int8Store::Activate>();
    case Kind::HardSigmoid: return f.template operator()<Kind::HardSigmoid, Int8Store::Activate>();
    case Kind::HardSwish: return f.template operator()<Kind::HardSwish, Int8Store::Activate>();
    default: return f.template operator()<Kind::None, Int8Store::Activate>();
  }
}

}  // namespace qtune::backends::dnnl_backend

#pragma GCC diagnostic pop
#pragma GCC pop_options
