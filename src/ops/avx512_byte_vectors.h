// Vector pieces shared by the AVX-512 kernels on 8-bit data (ops/q_loops_avx512.cpp,
// backends/dnnl/int8_depthwise_conv.cpp): the mask of the first n of 16 lanes, 16 bytes
// widened to int32 or float, and the requantizing store. Compiled for AVX-512 F/BW/VL here;
// callers compiled for a superset (their own #pragma GCC target) inline them. Call them only
// where ops::avx512::avx512_loops_usable().
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <type_traits>

namespace qtune::ops::avx512 {

// The CPU has AVX-512 F/BW/VL and DNNL_MAX_CPU_ISA (which also caps oneDNN) does not name
// an older instruction set: the same switch runs the test suite on the portable loops.
bool avx512_loops_usable();

}  // namespace qtune::ops::avx512

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")

namespace qtune::ops::avx512 {

constexpr int64_t kLanes = 16;

// The first min(left, 16) lanes.
inline __mmask16 lanes(int64_t left) {
  return left >= kLanes ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}

// 16 (masked) bytes of type T (uint8 or int8), widened.
template <class T>
inline __m512i load_i32(const T* p, __mmask16 m) {
  const __m128i bytes = _mm_maskz_loadu_epi8(m, p);
  if constexpr (std::is_same_v<T, uint8_t>)
    return _mm512_cvtepu8_epi32(bytes);
  else
    return _mm512_cvtepi8_epi32(bytes);
}

template <class T>
inline __m512 load_f32(const T* p, __mmask16 m) {
  return _mm512_cvtepi32_ps(load_i32(p, m));
}

// saturate(round_half_even(v) + zero_point) into 16 (masked) bytes of type T. |v| is clamped
// to 2^22 first, as the portable loops do, so the conversion never overflows.
template <class T>
inline void store_q(T* p, __m512 v, __m512i zero_point, __mmask16 m) {
  const __m512 limit = _mm512_set1_ps(4194304.0f);
  v = _mm512_min_ps(_mm512_max_ps(v, _mm512_sub_ps(_mm512_setzero_ps(), limit)), limit);
  __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), zero_point);
  if constexpr (std::is_same_v<T, uint8_t>) {
    _mm512_mask_cvtusepi32_storeu_epi8(p, m, _mm512_max_epi32(q, _mm512_setzero_si512()));
  } else {
    _mm512_mask_cvtsepi32_storeu_epi8(p, m, q);
  }
}

}  // namespace qtune::ops::avx512

#pragma GCC pop_options
