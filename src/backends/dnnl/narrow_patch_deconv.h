// The inner loop of a quantized non-overlapping transposed convolution (stride == kernel)
// with few outputs per input pixel: the 24 -> 1 channel, 2x2 upsampling that ends the
// PP-OCR detection head. oneDNN runs such a matmul (N = 2..4 columns) at a fraction of its
// speed; here each pixel's kh * kw * M taps are one vector of at most 16 lanes, accumulated
// with a fused multiply-add per input channel.
//
// The accumulation is in float and exact: products of uint8/int8 by int8 are integers below
// 2^15 and a sum of at most kMaxChannels of them stays below 2^24.
#pragma once

#include <cstdint>
#include <vector>

namespace qtune::backends::dnnl_backend {

struct NarrowPatchDeconv {
  static constexpr int64_t kMaxTaps = 16;
  static constexpr int64_t kMaxChannels = 512;

  int64_t channels = 0;      // C, input channels
  int64_t kh = 0, kw = 0, m = 0;  // kernel and output channels: taps = kh * kw * m
  std::vector<float> weights;     // [C][kMaxTaps], tap t = (i * kw + j) * m + oc, zero padded
  // Per tap: y = float(acc + offset) * scale + shift, acc = sum_c x[c] * w[c][t]
  // (offset = -x_zero_point * sum_c w[c][t] plus an int32 bias; shift = a float bias).
  std::vector<int32_t> offset;
  std::vector<float> scale, shift;

  int64_t taps() const { return kh * kw * m; }
  // True when these dimensions take this path.
  static bool fits(int64_t channels, int64_t taps) {
    return channels > 0 && channels <= kMaxChannels && taps > 0 && taps <= kMaxTaps;
  }

  // One input row of `width` NHWC pixels into its kh output rows (out_rows[i], each
  // width * kw * m floats): x is uint8 (x_signed false) or int8. `scratch` holds width * C floats.
  void run_row(const void* x, bool x_signed, int64_t width, float* const* out_rows, float* scratch) const;
};

}  // namespace qtune::backends::dnnl_backend
