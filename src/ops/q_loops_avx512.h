// AVX-512 versions of the hot loops of ops/q_loops.h, written with intrinsics: the
// compiler's own vectorization of the portable loops keeps 256-bit vectors and turns the
// saturating rounding store into compare-and-blend chains (about 0.4 ns an element on the
// development machine, where these take 0.1-0.14). The same formulas, rounding (half to even, by
// the conversion instruction) and saturation, NaN (from float inputs) to the zero point. Only
// q_loops.cpp includes this; it calls them where avx512_loops_usable().
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

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

// saturate(round(v) + zero_point) for loops whose inputs are integers (so v is never NaN:
// scales are positive and finite). v is clamped in float to T's range less the zero point
// (integral bounds: clamping before rounding changes nothing), so the conversion is exact,
// the zero point is added after rounding as QuantizeLinear does (before it, an odd zero
// point would flip exact ties, common when scales differ by a power of two), and a
// truncating store is enough: 6 instructions against store_nan_as_zero_point's 8-9.
template <class T>
struct ClampedStore {
  __m512 low, high;
  __m512i zero_point;
  explicit ClampedStore(float y_zero_point)
      : low(_mm512_set1_ps((std::is_same_v<T, uint8_t> ? 0.0f : -128.0f) - y_zero_point)),
        high(_mm512_set1_ps((std::is_same_v<T, uint8_t> ? 255.0f : 127.0f) - y_zero_point)),
        zero_point(zero_point_vector(y_zero_point)) {}
  void operator()(T* p, __m512 v, __mmask16 m) const {
    const __m512i q = _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(v, low), high));
    _mm512_mask_cvtepi32_storeu_epi8(p, m, _mm512_add_epi32(q, zero_point));
  }
};

// saturate(round(v) + zero_point) by the conversion and a saturating store alone, for
// loops whose values are known to stay within +-2^30 (so the conversion is exact and the
// int32 sum cannot wrap): 4-5 instructions against ClampedStore's 6.
template <class T, bool AddZeroPoint = true>
struct SaturatingStore {
  __m512i zero_point;
  explicit SaturatingStore(float y_zero_point) : zero_point(zero_point_vector(y_zero_point)) {}
  void operator()(T* p, __m512 v, __mmask16 m) const {
    __m512i q = _mm512_cvtps_epi32(v);
    if constexpr (AddZeroPoint) q = _mm512_add_epi32(q, zero_point);
    if constexpr (std::is_same_v<T, uint8_t>)
      _mm512_mask_cvtusepi32_storeu_epi8(p, m, _mm512_max_epi32(q, _mm512_setzero_si512()));
    else
      _mm512_mask_cvtsepi32_storeu_epi8(p, m, q);
  }
};

// Runs loop(store) with the saturating store when `bound` (on |v| over every element the
// loop stores) allows it (without the zero point's addition when it is 0: symmetric
// activations), else with the clamped one.
template <class T, class Loop>
inline void with_store(double bound, float y_zero_point, Loop&& loop) {
  if (bound < 0x1p30 && y_zero_point == 0.0f)
    loop(SaturatingStore<T, false>(y_zero_point));
  else if (bound < 0x1p30)
    loop(SaturatingStore<T>(y_zero_point));
  else
    loop(ClampedStore<T>(y_zero_point));
}

// The largest |x - zero_point| of a byte x of type T.
template <class T>
inline double byte_span(float zero_point) {
  return std::max(std::fabs((std::is_same_v<T, uint8_t> ? 0.0 : -128.0) - zero_point),
                  std::fabs((std::is_same_v<T, uint8_t> ? 255.0 : 127.0) - zero_point));
}

// The largest |v[i]| (NaN: NaN, which no bound passes).
inline double max_abs(const float* v, int64_t n) {
  __m512 m = _mm512_setzero_ps();
  __mmask16 nan = 0;
  for (int64_t i = 0; i < n; i += kLanes) {
    const __mmask16 k = lanes(n - i);
    const __m512 x = _mm512_abs_ps(_mm512_maskz_loadu_ps(k, v + i));
    nan |= _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    m = _mm512_max_ps(m, x);
  }
  return nan ? std::nan("") : static_cast<double>(_mm512_reduce_max_ps(m));
}

template <class T>
inline void add_q(const T* a, const T* b, T* y, int64_t n, const AddLoop& p) {
  const __m512 ka = _mm512_set1_ps(p.ka), kb = _mm512_set1_ps(p.kb), c = _mm512_set1_ps(p.c);
  const double bound = 255.0 * (std::fabs(p.ka) + std::fabs(p.kb)) + std::fabs(p.c);  // |a|, |b| <= 255
  with_store<T>(bound, p.y_zero_point, [&](const auto& store) {
    for (int64_t i = 0; i < n; i += kLanes) {
      const __mmask16 m = lanes(n - i);
      store(y + i, _mm512_fmadd_ps(load_f32(a + i, m), ka, _mm512_fmadd_ps(load_f32(b + i, m), kb, c)), m);
    }
  });
}

template <class T>
inline void mul_q(const T* a, const T* b, T* y, int64_t n, const MulLoop& p) {
  const __m512 za = _mm512_set1_ps(p.a_zero_point), zb = _mm512_set1_ps(p.b_zero_point), k = _mm512_set1_ps(p.k);
  const double bound = byte_span<T>(p.a_zero_point) * byte_span<T>(p.b_zero_point) * std::fabs(p.k);
  with_store<T>(bound, p.y_zero_point, [&](const auto& store) {
    for (int64_t i = 0; i < n; i += kLanes) {
      const __mmask16 m = lanes(n - i);
      const __m512 ab = _mm512_mul_ps(_mm512_sub_ps(load_f32(a + i, m), za), _mm512_sub_ps(load_f32(b + i, m), zb));
      store(y + i, _mm512_mul_ps(ab, k), m);
    }
  });
}

template <class T>
inline void requantize_q(const T* x, T* y, int64_t n, const RequantLoop& p) {
  const __m512 zx = _mm512_set1_ps(p.x_zero_point), k = _mm512_set1_ps(p.k);
  with_store<T>(byte_span<T>(p.x_zero_point) * std::fabs(p.k), p.y_zero_point, [&](const auto& store) {
    for (int64_t i = 0; i < n; i += kLanes) {
      const __mmask16 m = lanes(n - i);
      store(y + i, _mm512_mul_ps(_mm512_sub_ps(load_f32(x + i, m), zx), k), m);
    }
  });
}

template <class T>
inline void add_rows_q(const T* a, const float* column_term, T* y, int64_t rows, int64_t cols, float ka, float y_zero_point) {
  const __m512 k = _mm512_set1_ps(ka);
  const double bound = 255.0 * std::fabs(ka) + max_abs(column_term, cols);  // |a| <= 255
  with_store<T>(bound, y_zero_point, [&](const auto& store) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; c += kLanes) {
        const __mmask16 m = lanes(cols - c);
        store(y + r * cols + c,
              _mm512_fmadd_ps(load_f32(a + r * cols + c, m), k, _mm512_maskz_loadu_ps(m, column_term + c)), m);
      }
  });
}

template <class T>
inline void mul_rows_q(const T* a, const float* column_factor, T* y, int64_t rows, int64_t cols, float a_zero_point,
                float y_zero_point) {
  const __m512 za = _mm512_set1_ps(a_zero_point);
  // Without the zero point's subtraction when it is 0 (symmetric int8: the squeeze-excitation
  // multiply of mobile networks), one instruction of six.
  auto loop = [&]<bool Subtract>(const auto& store) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; c += kLanes) {
        const __mmask16 m = lanes(cols - c);
        __m512 v = load_f32(a + r * cols + c, m);
        if constexpr (Subtract) v = _mm512_sub_ps(v, za);
        store(y + r * cols + c, _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, column_factor + c)), m);
      }
  };
  with_store<T>(byte_span<T>(a_zero_point) * max_abs(column_factor, cols), y_zero_point, [&](const auto& store) {
    if (a_zero_point == 0.0f)
      loop.template operator()<false>(store);
    else
      loop.template operator()<true>(store);
  });
}

// Column sums of `rows` rows of 64 bytes (cols apart, masked by m) into 32 + 32 16-bit lanes
// (even and odd columns) over up to 256 rows at a time (at most 256 x 255 = 65280 unsigned,
// or within [-32768, 32512] signed: no overflow), added to sums[0, 64). The even and odd
// bytes are taken with shifts and a mask, not widened: 64 bytes in five simple
// instructions (widening 32 bytes at a time was port-bound: 192x200 int8 0.71 -> 0.52 us).
template <class T>
inline void sum_strip_q(const T* x, int64_t rows, int64_t cols, __mmask64 m, int32_t* sums) {
  for (int64_t r0 = 0; r0 < rows; r0 += 256) {
    const int64_t r1 = std::min(rows, r0 + 256);
    __m512i even = _mm512_setzero_si512(), odd = _mm512_setzero_si512();
    for (int64_t r = r0; r < r1; ++r) {
      const __m512i v = _mm512_maskz_loadu_epi8(m, x + r * cols);
      if constexpr (std::is_same_v<T, uint8_t>) {
        even = _mm512_add_epi16(even, _mm512_and_si512(v, _mm512_set1_epi16(0xFF)));
        odd = _mm512_add_epi16(odd, _mm512_srli_epi16(v, 8));
      } else {
        even = _mm512_add_epi16(even, _mm512_srai_epi16(_mm512_slli_epi16(v, 8), 8));
        odd = _mm512_add_epi16(odd, _mm512_srai_epi16(v, 8));
      }
    }
    alignas(64) uint16_t e[32], o[32];
    _mm512_store_si512(e, even);
    _mm512_store_si512(o, odd);
    for (int j = 0; j < 32; ++j) {
      const bool is_signed = !std::is_same_v<T, uint8_t>;
      sums[2 * j] += is_signed ? static_cast<int16_t>(e[j]) : e[j];
      sums[2 * j + 1] += is_signed ? static_cast<int16_t>(o[j]) : o[j];
    }
  }
}

// sums[c] += the sum over rows of x[r][c]. Strips of 64 columns; rows of fewer columns that
// divide 64 (8, 16, 32) are summed as rows of 64 (several image rows per vector), folded
// afterwards (PP-OCR cls's 8-channel pool: 8 times fewer loads).
template <class T>
inline void sum_rows_q(const T* x, int64_t rows, int64_t cols, int32_t* sums) {
  if (rows <= 0 || cols <= 0) return;
  alignas(64) int32_t strip[64];
  if (cols < 64 && 64 % cols == 0 && rows * cols % 64 == 0) {
    std::fill(strip, strip + 64, 0);
    sum_strip_q(x, rows * cols / 64, 64, ~__mmask64{0}, strip);
    for (int64_t j = 0; j < 64; ++j) sums[j % cols] += strip[j];
    return;
  }
  for (int64_t c = 0; c < cols; c += 64) {
    const int64_t left = cols - c;
    std::fill(strip, strip + 64, 0);
    sum_strip_q(x + c, rows, cols, left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1, strip);
    for (int64_t j = 0; j < std::min<int64_t>(left, 64); ++j) sums[c + j] += strip[j];
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
