#include "ops/q_loops_avx512.h"

#include <immintrin.h>

#include <cstdlib>
#include <string_view>
#include <type_traits>

namespace qtune::ops::avx512 {

bool avx512_loops_usable() {
  static const bool usable = [] {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512vl"))
      return false;
    const char* cap = std::getenv("DNNL_MAX_CPU_ISA");
    return cap == nullptr || *cap == '\0' || std::string_view(cap).starts_with("AVX512") ||
           std::string_view(cap) == "ALL";
  }();
  return usable;
}

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,fma")
// GCC 12 reports the deliberately undefined vectors inside its own intrinsic headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

constexpr int64_t kLanes = 16;

inline __mmask16 lanes(int64_t left) {
  return left >= kLanes ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}

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

// saturate(round_half_even(v) + zero_point): NaN gives the zero point and |v| is clamped to
// 2^22 first, as the portable loops do, so the conversion never overflows.
template <class T>
inline void store_q(T* p, __m512 v, __m512i zero_point, __mmask16 m) {
  const __m512 limit = _mm512_set1_ps(4194304.0f);
  v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);
  v = _mm512_min_ps(_mm512_max_ps(v, _mm512_sub_ps(_mm512_setzero_ps(), limit)), limit);
  __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), zero_point);
  if constexpr (std::is_same_v<T, uint8_t>) {
    q = _mm512_max_epi32(q, _mm512_setzero_si512());
    _mm_mask_storeu_epi8(p, m, _mm512_cvtusepi32_epi8(q));
  } else {
    _mm_mask_storeu_epi8(p, m, _mm512_cvtsepi32_epi8(q));
  }
}

inline __m512i zero_point_vector(float zero_point) { return _mm512_set1_epi32(static_cast<int32_t>(zero_point)); }

}  // namespace

template <class T>
void add_q(const T* a, const T* b, T* y, int64_t n, const AddLoop& p) {
  const __m512 ka = _mm512_set1_ps(p.ka), kb = _mm512_set1_ps(p.kb), c = _mm512_set1_ps(p.c);
  const __m512i zp = zero_point_vector(p.y_zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    const __m512 v = _mm512_fmadd_ps(load_f32(a + i, m), ka, _mm512_fmadd_ps(load_f32(b + i, m), kb, c));
    store_q(y + i, v, zp, m);
  }
}

template <class T>
void mul_q(const T* a, const T* b, T* y, int64_t n, const MulLoop& p) {
  const __m512 za = _mm512_set1_ps(p.a_zero_point), zb = _mm512_set1_ps(p.b_zero_point), k = _mm512_set1_ps(p.k);
  const __m512i zp = zero_point_vector(p.y_zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    const __m512 v =
        _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(load_f32(a + i, m), za), _mm512_sub_ps(load_f32(b + i, m), zb)), k);
    store_q(y + i, v, zp, m);
  }
}

template <class T>
void requantize_q(const T* x, T* y, int64_t n, const RequantLoop& p) {
  const __m512 zx = _mm512_set1_ps(p.x_zero_point), k = _mm512_set1_ps(p.k);
  const __m512i zp = zero_point_vector(p.y_zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    store_q(y + i, _mm512_mul_ps(_mm512_sub_ps(load_f32(x + i, m), zx), k), zp, m);
  }
}

template <class T>
void add_rows_q(const T* a, const float* column_term, T* y, int64_t rows, int64_t cols, float ka, float y_zero_point) {
  const __m512 k = _mm512_set1_ps(ka);
  const __m512i zp = zero_point_vector(y_zero_point);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; c += kLanes) {
      const __mmask16 m = lanes(cols - c);
      const __m512 v = _mm512_fmadd_ps(load_f32(a + r * cols + c, m), k, _mm512_maskz_loadu_ps(m, column_term + c));
      store_q(y + r * cols + c, v, zp, m);
    }
}

template <class T>
void mul_rows_q(const T* a, const float* column_factor, T* y, int64_t rows, int64_t cols, float a_zero_point,
                float y_zero_point) {
  const __m512 za = _mm512_set1_ps(a_zero_point);
  const __m512i zp = zero_point_vector(y_zero_point);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; c += kLanes) {
      const __mmask16 m = lanes(cols - c);
      const __m512 v = _mm512_mul_ps(_mm512_sub_ps(load_f32(a + r * cols + c, m), za),
                                     _mm512_maskz_loadu_ps(m, column_factor + c));
      store_q(y + r * cols + c, v, zp, m);
    }
}

template <class T>
void sum_rows_q(const T* x, int64_t rows, int64_t cols, int32_t* sums) {
  for (int64_t c = 0; c < cols; c += kLanes) {
    const __mmask16 m = lanes(cols - c);
    __m512i acc = _mm512_maskz_loadu_epi32(m, sums + c);
    for (int64_t r = 0; r < rows; ++r) acc = _mm512_add_epi32(acc, load_i32(x + r * cols + c, m));
    _mm512_mask_storeu_epi32(sums + c, m, acc);
  }
}

template <class T>
void quantize_f32(const float* x, T* y, int64_t n, float scale, float zero_point) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512i zp = zero_point_vector(zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    store_q(y + i, _mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), s), zp, m);
  }
}

template void add_q(const uint8_t*, const uint8_t*, uint8_t*, int64_t, const AddLoop&);
template void add_q(const int8_t*, const int8_t*, int8_t*, int64_t, const AddLoop&);
template void mul_q(const uint8_t*, const uint8_t*, uint8_t*, int64_t, const MulLoop&);
template void mul_q(const int8_t*, const int8_t*, int8_t*, int64_t, const MulLoop&);
template void requantize_q(const uint8_t*, uint8_t*, int64_t, const RequantLoop&);
template void requantize_q(const int8_t*, int8_t*, int64_t, const RequantLoop&);
template void add_rows_q(const uint8_t*, const float*, uint8_t*, int64_t, int64_t, float, float);
template void add_rows_q(const int8_t*, const float*, int8_t*, int64_t, int64_t, float, float);
template void mul_rows_q(const uint8_t*, const float*, uint8_t*, int64_t, int64_t, float, float);
template void mul_rows_q(const int8_t*, const float*, int8_t*, int64_t, int64_t, float, float);
template void sum_rows_q(const uint8_t*, int64_t, int64_t, int32_t*);
template void sum_rows_q(const int8_t*, int64_t, int64_t, int32_t*);
template void quantize_f32(const float*, uint8_t*, int64_t, float, float);
template void quantize_f32(const float*, int8_t*, int64_t, float, float);

#pragma GCC diagnostic pop
#pragma GCC pop_options

}  // namespace qtune::ops::avx512
