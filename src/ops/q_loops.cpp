#include "ops/q_loops.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "ops/q_loops_avx512.h"

namespace qtune::ops {
namespace {

// round(x) + zero_point, saturated. Rounding half to even (QuantizeLinear's rule) by the
// 1.5 * 2^23 trick, exact for |x| < 2^22: adding and subtracting it leaves no fraction bits
// and the FPU rounds to even. Unlike lrintf (which returns a long) it vectorizes in every
// clone; the clamps then run on integers.
inline int32_t rounded(float x) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
  constexpr float kLimit = 4194304.0f;   // 2^22
  x = x == x ? x : 0.0f;  // NaN quantizes to the zero point, as QuantizeLinear's reference does
  x = x < -kLimit ? -kLimit : x;
  x = x > kLimit ? kLimit : x;
  return static_cast<int32_t>((x + kMagic) - kMagic);
}

inline uint8_t to_u8(float x, float zero_point) {
  int32_t q = rounded(x) + static_cast<int32_t>(zero_point);
  q = q < 0 ? 0 : q;
  q = q > 255 ? 255 : q;
  return static_cast<uint8_t>(q);
}

inline int8_t to_s8(float x, float zero_point) {
  int32_t q = rounded(x) + static_cast<int32_t>(zero_point);
  q = q < -128 ? -128 : q;
  q = q > 127 ? 127 : q;
  return static_cast<int8_t>(q);
}

// The quantizing store of the element type: uint8 or int8.
template <class T>
inline T to_q(float x, float zero_point) {
  if constexpr (std::is_same_v<T, uint8_t>)
    return to_u8(x, zero_point);
  else
    return to_s8(x, zero_point);
}

// The loop bodies, once per element type; the entry points below compile each for
// AVX-512, AVX2 and the baseline.
template <class T>
[[gnu::always_inline]] inline void add_loop(const T* a, int64_t as, const T* b, int64_t bs, T* y, int64_t n,
                                            const AddLoop& p) {
  const float ka = p.ka, kb = p.kb, c = p.c, zp = p.y_zero_point;
  if (as == 1 && bs == 1) {
    for (int64_t i = 0; i < n; ++i) y[i] = to_q<T>(static_cast<float>(a[i]) * ka + static_cast<float>(b[i]) * kb + c, zp);
  } else if (as == 1) {
    const float vb = static_cast<float>(b[0]) * kb + c;
    for (int64_t i = 0; i < n; ++i) y[i] = to_q<T>(static_cast<float>(a[i]) * ka + vb, zp);
  } else if (bs == 1) {
    const float va = static_cast<float>(a[0]) * ka + c;
    for (int64_t i = 0; i < n; ++i) y[i] = to_q<T>(va + static_cast<float>(b[i]) * kb, zp);
  } else {
    const T v = to_q<T>(static_cast<float>(a[0]) * ka + static_cast<float>(b[0]) * kb + c, zp);
    for (int64_t i = 0; i < n; ++i) y[i] = v;
  }
}

template <class T>
[[gnu::always_inline]] inline void mul_loop(const T* a, int64_t as, const T* b, int64_t bs, T* y, int64_t n,
                                            const MulLoop& p) {
  const float za = p.a_zero_point, zb = p.b_zero_point, k = p.k, zp = p.y_zero_point;
  if (as == 1 && bs == 1) {
    for (int64_t i = 0; i < n; ++i)
      y[i] = to_q<T>((static_cast<float>(a[i]) - za) * (static_cast<float>(b[i]) - zb) * k, zp);
  } else if (as == 1) {
    const float vb = (static_cast<float>(b[0]) - zb) * k;
    for (int64_t i = 0; i < n; ++i) y[i] = to_q<T>((static_cast<float>(a[i]) - za) * vb, zp);
  } else if (bs == 1) {
    const float va = (static_cast<float>(a[0]) - za) * k;
    for (int64_t i = 0; i < n; ++i) y[i] = to_q<T>(va * (static_cast<float>(b[i]) - zb), zp);
  } else {
    const T v = to_q<T>((static_cast<float>(a[0]) - za) * (static_cast<float>(b[0]) - zb) * k, zp);
    for (int64_t i = 0; i < n; ++i) y[i] = v;
  }
}

template <class T>
[[gnu::always_inline]] inline void requantize_loop(const T* x, T* y, int64_t n, const RequantLoop& p) {
  const float zx = p.x_zero_point, k = p.k, zp = p.y_zero_point;
  for (int64_t i = 0; i < n; ++i) y[i] = to_q<T>((static_cast<float>(x[i]) - zx) * k, zp);
}

template <class T>
[[gnu::always_inline]] inline void add_rows_loop(const T* a, const float* column_term, T* y, int64_t rows,
                                                 int64_t cols, float ka, float y_zero_point) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* ar = a + r * cols;
    T* yr = y + r * cols;
    for (int64_t c = 0; c < cols; ++c) yr[c] = to_q<T>(static_cast<float>(ar[c]) * ka + column_term[c], y_zero_point);
  }
}

template <class T>
[[gnu::always_inline]] inline void mul_rows_loop(const T* a, const float* column_factor, T* y, int64_t rows,
                                                 int64_t cols, float a_zero_point, float y_zero_point) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* ar = a + r * cols;
    T* yr = y + r * cols;
    for (int64_t c = 0; c < cols; ++c)
      yr[c] = to_q<T>((static_cast<float>(ar[c]) - a_zero_point) * column_factor[c], y_zero_point);
  }
}

template <class T>
[[gnu::always_inline]] inline void sum_rows_loop(const T* x, int64_t rows, int64_t cols, int32_t* sums) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * cols;
    for (int64_t c = 0; c < cols; ++c) sums[c] += xr[c];
  }
}

}  // namespace

#define QTUNE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// The portable loops, vectorized by the compiler for each instruction set.
namespace portable {

QTUNE_CLONES void add_q(const uint8_t* a, int64_t as, const uint8_t* b, int64_t bs, uint8_t* y, int64_t n,
                         const AddLoop& p) {
  add_loop(a, as, b, bs, y, n, p);
}
QTUNE_CLONES void add_q(const int8_t* a, int64_t as, const int8_t* b, int64_t bs, int8_t* y, int64_t n,
                         const AddLoop& p) {
  add_loop(a, as, b, bs, y, n, p);
}

QTUNE_CLONES void mul_q(const uint8_t* a, int64_t as, const uint8_t* b, int64_t bs, uint8_t* y, int64_t n,
                         const MulLoop& p) {
  mul_loop(a, as, b, bs, y, n, p);
}
QTUNE_CLONES void mul_q(const int8_t* a, int64_t as, const int8_t* b, int64_t bs, int8_t* y, int64_t n,
                         const MulLoop& p) {
  mul_loop(a, as, b, bs, y, n, p);
}

QTUNE_CLONES void requantize_q(const uint8_t* x, uint8_t* y, int64_t n, const RequantLoop& p) {
  requantize_loop(x, y, n, p);
}
QTUNE_CLONES void requantize_q(const int8_t* x, int8_t* y, int64_t n, const RequantLoop& p) {
  requantize_loop(x, y, n, p);
}

QTUNE_CLONES void add_rows_q(const uint8_t* a, const float* column_term, uint8_t* y, int64_t rows, int64_t cols,
                              float ka, float y_zero_point) {
  add_rows_loop(a, column_term, y, rows, cols, ka, y_zero_point);
}
QTUNE_CLONES void add_rows_q(const int8_t* a, const float* column_term, int8_t* y, int64_t rows, int64_t cols,
                              float ka, float y_zero_point) {
  add_rows_loop(a, column_term, y, rows, cols, ka, y_zero_point);
}

QTUNE_CLONES void mul_rows_q(const uint8_t* a, const float* column_factor, uint8_t* y, int64_t rows, int64_t cols,
                              float a_zero_point, float y_zero_point) {
  mul_rows_loop(a, column_factor, y, rows, cols, a_zero_point, y_zero_point);
}
QTUNE_CLONES void mul_rows_q(const int8_t* a, const float* column_factor, int8_t* y, int64_t rows, int64_t cols,
                              float a_zero_point, float y_zero_point) {
  mul_rows_loop(a, column_factor, y, rows, cols, a_zero_point, y_zero_point);
}

QTUNE_CLONES void sum_rows_q(const uint8_t* x, int64_t rows, int64_t cols, int32_t* sums) {
  sum_rows_loop(x, rows, cols, sums);
}
QTUNE_CLONES void sum_rows_q(const int8_t* x, int64_t rows, int64_t cols, int32_t* sums) {
  sum_rows_loop(x, rows, cols, sums);
}

QTUNE_CLONES void quantize_f32(const float* x, uint8_t* y, int64_t n, float scale, float zero_point) {
  for (int64_t i = 0; i < n; ++i) y[i] = to_u8(x[i] / scale, zero_point);
}

QTUNE_CLONES void quantize_f32(const float* x, int8_t* y, int64_t n, float scale, float zero_point) {
  for (int64_t i = 0; i < n; ++i) y[i] = to_s8(x[i] / scale, zero_point);
}

}  // namespace portable

namespace avx512 {

bool avx512_loops_usable() {
  static const bool usable = [] {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512vl"))
      return false;
    const char* env = std::getenv("DNNL_MAX_CPU_ISA");
    std::string cap = env ? env : "";
    std::transform(cap.begin(), cap.end(), cap.begin(), [](unsigned char ch) { return std::toupper(ch); });
    return cap.empty() || cap == "ALL" || cap.starts_with("AVX512");
  }();
  return usable;
}

}  // namespace avx512

// The entry points: the AVX-512 loops where they apply, else the portable ones.
template <class T>
void add_q(const T* a, int64_t as, const T* b, int64_t bs, T* y, int64_t n, const AddLoop& p) {
  if (as == 1 && bs == 1 && avx512::avx512_loops_usable()) return avx512::add_q(a, b, y, n, p);
  portable::add_q(a, as, b, bs, y, n, p);
}
template <class T>
void mul_q(const T* a, int64_t as, const T* b, int64_t bs, T* y, int64_t n, const MulLoop& p) {
  if (as == 1 && bs == 1 && avx512::avx512_loops_usable()) return avx512::mul_q(a, b, y, n, p);
  portable::mul_q(a, as, b, bs, y, n, p);
}
template <class T>
void requantize_q(const T* x, T* y, int64_t n, const RequantLoop& p) {
  if (avx512::avx512_loops_usable()) return avx512::requantize_q(x, y, n, p);
  portable::requantize_q(x, y, n, p);
}
template <class T>
void add_rows_q(const T* a, const float* column_term, T* y, int64_t rows, int64_t cols, float ka, float y_zero_point) {
  if (avx512::avx512_loops_usable()) return avx512::add_rows_q(a, column_term, y, rows, cols, ka, y_zero_point);
  portable::add_rows_q(a, column_term, y, rows, cols, ka, y_zero_point);
}
template <class T>
void mul_rows_q(const T* a, const float* column_factor, T* y, int64_t rows, int64_t cols, float a_zero_point,
                float y_zero_point) {
  if (avx512::avx512_loops_usable())
    return avx512::mul_rows_q(a, column_factor, y, rows, cols, a_zero_point, y_zero_point);
  portable::mul_rows_q(a, column_factor, y, rows, cols, a_zero_point, y_zero_point);
}
template <class T>
void sum_rows_q(const T* x, int64_t rows, int64_t cols, int32_t* sums) {
  if (avx512::avx512_loops_usable()) return avx512::sum_rows_q(x, rows, cols, sums);
  portable::sum_rows_q(x, rows, cols, sums);
}
template <class T>
void quantize_f32(const float* x, T* y, int64_t n, float scale, float zero_point) {
  if (avx512::avx512_loops_usable()) return avx512::quantize_f32(x, y, n, scale, zero_point);
  portable::quantize_f32(x, y, n, scale, zero_point);
}

template void add_q(const uint8_t*, int64_t, const uint8_t*, int64_t, uint8_t*, int64_t, const AddLoop&);
template void add_q(const int8_t*, int64_t, const int8_t*, int64_t, int8_t*, int64_t, const AddLoop&);
template void mul_q(const uint8_t*, int64_t, const uint8_t*, int64_t, uint8_t*, int64_t, const MulLoop&);
template void mul_q(const int8_t*, int64_t, const int8_t*, int64_t, int8_t*, int64_t, const MulLoop&);
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

}  // namespace qtune::ops
