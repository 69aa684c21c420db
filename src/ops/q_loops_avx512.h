// AVX-512 versions of the hot loops of ops/q_loops.h, written with intrinsics: the
// compiler's own vectorization of the portable loops keeps 256-bit vectors and turns the
// saturating rounding store into compare-and-blend chains (about 0.4 ns an element on the
// development machine, where these take 0.1-0.14). Same arithmetic, same rounding (half to even, by the
// conversion instruction), same saturation, NaN to the zero point. Only q_loops.cpp includes
// this; it calls them where avx512_loops_usable().
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "ops/avx512_byte_vectors.h"
#include "ops/q_loops.h"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,fma")
// GCC 12 reports the deliberately undefined vectors inside its own intrinsic headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace qtune::ops::avx512 {

// store_q with NaN quantized to the zero point, as QuantizeLinear's reference and the portable
// loops do.
template <class T>
inline void store_nan_as_zero_point(T* p, __m512 v, __m512i zero_point, __mmask16 m) {
  store_q(p, _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v), zero_point, m);
}

inline __m512i zero_point_vector(float zero_point) { return _mm512_set1_epi32(static_cast<int32_t>(zero_point)); }

template <class T>
inline void add_q(const T* a, const T* b, T* y, int64_t n, const AddLoop& p) {
  const __m512 ka = _mm512_set1_ps(p.ka), kb = _mm512_set1_ps(p.kb), c = _mm512_set1_ps(p.c);
  const __m512i zp = zero_point_vector(p.y_zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    const __m512 v = _mm512_fmadd_ps(load_f32(a + i, m), ka, _mm512_fmadd_ps(load_f32(b + i, m), kb, c));
    store_nan_as_zero_point(y + i, v, zp, m);
  }
}

template <class T>
inline void mul_q(const T* a, const T* b, T* y, int64_t n, const MulLoop& p) {
  const __m512 za = _mm512_set1_ps(p.a_zero_point), zb = _mm512_set1_ps(p.b_zero_point), k = _mm512_set1_ps(p.k);
  const __m512i zp = zero_point_vector(p.y_zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    const __m512 v =
        _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(load_f32(a + i, m), za), _mm512_sub_ps(load_f32(b + i, m), zb)), k);
    store_nan_as_zero_point(y + i, v, zp, m);
  }
}

template <class T>
inline void requantize_q(const T* x, T* y, int64_t n, const RequantLoop& p) {
  const __m512 zx = _mm512_set1_ps(p.x_zero_point), k = _mm512_set1_ps(p.k);
  const __m512i zp = zero_point_vector(p.y_zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    store_nan_as_zero_point(y + i, _mm512_mul_ps(_mm512_sub_ps(load_f32(x + i, m), zx), k), zp, m);
  }
}

template <class T>
inline void add_rows_q(const T* a, const float* column_term, T* y, int64_t rows, int64_t cols, float ka, float y_zero_point) {
  const __m512 k = _mm512_set1_ps(ka);
  const __m512i zp = zero_point_vector(y_zero_point);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; c += kLanes) {
      const __mmask16 m = lanes(cols - c);
      const __m512 v = _mm512_fmadd_ps(load_f32(a + r * cols + c, m), k, _mm512_maskz_loadu_ps(m, column_term + c));
      store_nan_as_zero_point(y + r * cols + c, v, zp, m);
    }
}

template <class T>
inline void mul_rows_q(const T* a, const float* column_factor, T* y, int64_t rows, int64_t cols, float a_zero_point,
                float y_zero_point) {
  const __m512 za = _mm512_set1_ps(a_zero_point);
  const __m512i zp = zero_point_vector(y_zero_point);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; c += kLanes) {
      const __mmask16 m = lanes(cols - c);
      const __m512 v = _mm512_mul_ps(_mm512_sub_ps(load_f32(a + r * cols + c, m), za),
                                     _mm512_maskz_loadu_ps(m, column_factor + c));
      store_nan_as_zero_point(y + r * cols + c, v, zp, m);
    }
}

template <class T>
inline void sum_rows_q(const T* x, int64_t rows, int64_t cols, int32_t* sums) {
  for (int64_t c = 0; c < cols; c += kLanes) {
    const __mmask16 m = lanes(cols - c);
    __m512i acc = _mm512_maskz_loadu_epi32(m, sums + c);
    for (int64_t r = 0; r < rows; ++r) acc = _mm512_add_epi32(acc, load_i32(x + r * cols + c, m));
    _mm512_mask_storeu_epi32(sums + c, m, acc);
  }
}

template <class T>
inline void quantize_f32(const float* x, T* y, int64_t n, float scale, float zero_point) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512i zp = zero_point_vector(zero_point);
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 m = lanes(n - i);
    store_nan_as_zero_point(y + i, _mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), s), zp, m);
  }
}

}  // namespace qtune::ops::avx512

#pragma GCC diagnostic pop
#pragma GCC pop_options
