// The inner loops of the one-pass quantized elementwise kernels for their common cases,
// uint8 in and out, or int8 in and out (symmetric activations): each defined for T =
// uint8_t and T = int8_t. They run AVX-512 intrinsic loops where the CPU has AVX-512
// (ops/q_loops_avx512.h), else portable loops compiled for AVX2 and the baseline and picked
// at load time. Each loop runs over n elements; a stride of 0 repeats one value (a broadcast
// operand).
#pragma once

#include <cstdint>

namespace qtune::ops {

// y = saturate(round(v) + y_zero_point) with v = a * ka + b * kb + c (a quantized Add:
// ka = a_scale / y_scale, kb = b_scale / y_scale, c = -(a_zp * ka + b_zp * kb)).
struct AddLoop {
  float ka, kb, c, y_zero_point;
};
template <class T>
void add_q(const T* a, int64_t a_stride, const T* b, int64_t b_stride, T* y, int64_t n, const AddLoop& p);

// y = saturate(round((a - a_zp) * (b - b_zp) * k) + y_zero_point), k = a_scale * b_scale / y_scale.
struct MulLoop {
  float a_zero_point, b_zero_point, k, y_zero_point;
};
template <class T>
void mul_q(const T* a, int64_t a_stride, const T* b, int64_t b_stride, T* y, int64_t n, const MulLoop& p);

// y = saturate(round((x - x_zp) * k) + y_zero_point), k = x_scale / y_scale, within one type.
struct RequantLoop {
  float x_zero_point, k, y_zero_point;
};
template <class T>
void requantize_q(const T* x, T* y, int64_t n, const RequantLoop& p);

// The same with the second operand one row of per-column terms, repeated over `rows` rows
// (NHWC squeeze-excitation scaling [N, H, W, C] * [N, 1, 1, C]): one call for the whole
// tensor instead of one per row of C values.
//   add: y = saturate(round(a * ka + column_term[c]) + y_zero_point)
//   mul: y = saturate(round((a - a_zero_point) * column_factor[c]) + y_zero_point)
template <class T>
void add_rows_q(const T* a, const float* column_term, T* y, int64_t rows, int64_t cols, float ka, float y_zero_point);
template <class T>
void mul_rows_q(const T* a, const float* column_factor, T* y, int64_t rows, int64_t cols, float a_zero_point,
                float y_zero_point);

// sums[c] += x[r * cols + c] over rows (NHWC spatial sums per channel).
template <class T>
void sum_rows_q(const T* x, int64_t rows, int64_t cols, int32_t* sums);

// QuantizeLinear per tensor: y = saturate(round_half_even(x / scale) + zero_point). A
// division, not a multiplication by 1 / scale: ONNX's conformance data has ties that tell.
template <class T>
void quantize_f32(const float* x, T* y, int64_t n, float scale, float zero_point);

}  // namespace qtune::ops
