// float16 and bfloat16: bit-exact encode (round to nearest even, overflow to infinity,
// subnormals kept) and decode, plus whole-tensor conversions so float kernels can run
// 16-bit inputs through their float32 code path.
#pragma once

#include <cmath>
#include <cstdint>

#include "ops/op.h"
#include "qtune/tensor.h"

namespace qtune::ops {

// A binary float with `MantBits` stored mantissa bits and exponent bias `Bias` in 16 bits
// (float16: 10/15, bfloat16: 7/127). Works on double, so float and double inputs both
// round exactly once.
template <int MantBits, int Bias>
uint16_t encode_minifloat(double v) {
  constexpr int kExpBits = 15 - MantBits;
  constexpr uint32_t kExpMask = ((1u << kExpBits) - 1) << MantBits;
  constexpr int kMinExp = 1 - Bias;                          // smallest normal exponent
  constexpr int kMaxExp = (1 << kExpBits) - 2 - Bias;        // largest finite exponent
  const uint32_t sign = std::signbit(v) ? 0x8000u : 0u;
  if (std::isnan(v)) return static_cast<uint16_t>(sign | kExpMask | (1u << (MantBits - 1)));
  double a = std::fabs(v);
  if (std::isinf(a)) return static_cast<uint16_t>(sign | kExpMask);
  if (a == 0) return static_cast<uint16_t>(sign);
  int e = 0;
  std::frexp(a, &e);  // a in [2^(e-1), 2^e)
  int exp = e - 1;
  if (exp < kMinExp) {
    // Subnormal: an integer count of the smallest step; 2^MantBits rolls over into the
    // smallest normal, whose encoding is exactly that integer.
    auto r = static_cast<uint32_t>(std::nearbyint(std::ldexp(a, MantBits - kMinExp)));
    return static_cast<uint16_t>(sign | r);
  }
  auto r = static_cast<uint32_t>(std::nearbyint(std::ldexp(a, MantBits - exp)));  // [2^M, 2^(M+1)]
  if (r == (2u << MantBits)) {
    r = 1u << MantBits;
    ++exp;
  }
  if (exp > kMaxExp) return static_cast<uint16_t>(sign | kExpMask);
  return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exp + Bias) << MantBits) | (r - (1u << MantBits)));
}

template <int MantBits, int Bias>
float decode_minifloat(uint16_t bits) {
  constexpr int kExpBits = 15 - MantBits;
  constexpr uint32_t kExpAll = (1u << kExpBits) - 1;
  const uint32_t exp = (bits >> MantBits) & kExpAll;
  const uint32_t mant = bits & ((1u << MantBits) - 1);
  float mag;
  if (exp == 0) mag = std::ldexp(static_cast<float>(mant), 1 - Bias - MantBits);
  else if (exp == kExpAll) mag = mant ? NAN : INFINITY;
  else mag = std::ldexp(static_cast<float>(mant | (1u << MantBits)), static_cast<int>(exp) - Bias - MantBits);
  return (bits & 0x8000u) ? -mag : mag;
}

inline uint16_t float16_from(double v) { return encode_minifloat<10, 15>(v); }
inline float float16_to_float(uint16_t bits) { return decode_minifloat<10, 15>(bits); }
inline uint16_t bfloat16_from(double v) { return encode_minifloat<7, 127>(v); }
inline float bfloat16_to_float(uint16_t bits) { return decode_minifloat<7, 127>(bits); }

inline bool is_half_type(DataType t) { return t == DataType::Float16 || t == DataType::BFloat16; }

// float16/bfloat16 tensor -> float32 tensor (exact). Other types are returned unchanged.
Tensor widen_half(const Tensor& t);
// Writes a float32 tensor into `dst` (an allocated float16 or bfloat16 tensor with the
// same element count), rounding to nearest even.
void narrow_half_into(const Tensor& src, Tensor& dst);

// True when any present input is float16 or bfloat16.
bool any_half_input(std::span<const Tensor> inputs);

// Runs `kernel` on float32 copies of the 16-bit float inputs, then rounds its float32
// outputs back to input 0's 16-bit type (other outputs, e.g. bool, are copied
// as they are). Exact for ops whose float32 result rounds to the same 16-bit value as an
// exact computation would (comparisons, min/max, abs, fmod, ...), and within one 16-bit
// rounding step otherwise.
void run_half_via_float(Kernel& kernel, std::span<const Tensor> inputs, std::span<Tensor> outputs,
                        KernelContext& ctx);

}  // namespace qtune::ops
