// AVX-512 versions of the hot loops of ops/q_loops.h, written with intrinsics: the
// compiler's own vectorization of the portable loops keeps 256-bit vectors and turns the
// saturating rounding store into compare-and-blend chains (about 1.3 cycles an element
// where these take about 0.1). Same arithmetic, same rounding (half to even, by the
// conversion instruction), same saturation. q_loops.cpp calls them when avx512_loops_usable().
#pragma once

#include <cstdint>

#include "ops/q_loops.h"

namespace qtune::ops::avx512 {

// The CPU has AVX-512 F/BW/VL and DNNL_MAX_CPU_ISA (which also caps oneDNN) does not name
// an older instruction set: the same switch runs the test suite on the portable loops.
bool avx512_loops_usable();

template <class T>
void add_q(const T* a, const T* b, T* y, int64_t n, const AddLoop& p);  // both contiguous
template <class T>
void mul_q(const T* a, const T* b, T* y, int64_t n, const MulLoop& p);  // both contiguous
template <class T>
void requantize_q(const T* x, T* y, int64_t n, const RequantLoop& p);
template <class T>
void add_rows_q(const T* a, const float* column_term, T* y, int64_t rows, int64_t cols, float ka, float y_zero_point);
template <class T>
void mul_rows_q(const T* a, const float* column_factor, T* y, int64_t rows, int64_t cols, float a_zero_point,
                float y_zero_point);
template <class T>
void sum_rows_q(const T* x, int64_t rows, int64_t cols, int32_t* sums);
template <class T>
void quantize_f32(const float* x, T* y, int64_t n, float scale, float zero_point);

}  // namespace qtune::ops::avx512
