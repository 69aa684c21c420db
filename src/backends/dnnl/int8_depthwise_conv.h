// Quantized depthwise convolution (one input channel per output channel, NHWC, uint8 or int8
// in and out) on AVX-512 VNNI, for the small 3x3 / 5x5 / 7x7 kernels of mobile networks.
// oneDNN 2.6 runs these int8 cases no faster than its float ones (PP-OCR cls, 200 channels,
// 5x5, 2x96 pixels: 24 us int8 vs 18 us FP32).
//
// Here the four horizontal taps of a kernel row become the four bytes that one VNNI
// instruction multiplies and sums per lane: each padded input row is rewritten once as
// quads q[j][c] = (x[j][c], x[j+1][c], x[j+2][c], x[j+3][c]), so a 5x5 kernel costs 5 x 2
// dot-product instructions per 16 channels and output pixel instead of 25 multiply-adds.
// VNNI multiplies unsigned by signed bytes: int8 activations are shifted by 128 (u = x ^ 0x80)
// and the shift's contribution removed per channel with the zero point's:
//   acc[c] = sum u * w - (zero_point + shift) * sum w       (padding reads as zero_point + shift)
//   y = saturate(round(act(float(acc + int_bias) * x_scale * w_scale[c] + float_bias) / y_scale) + y_zp)
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backends/dnnl/int8_conv_epilogue.h"

namespace qtune::backends::dnnl_backend {

struct DepthwiseGeometry {
  int64_t channels = 0, kh = 0, kw = 0, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
};

class Int8DepthwiseConv {
 public:
  // Null when this CPU, kernel size or activation has no path here.
  // weights: int8 [C, 1, kh, kw]; int_bias (int32, accumulator units) or float_bias (real
  // units), either may be null.
  static std::unique_ptr<Int8DepthwiseConv> plan(const DepthwiseGeometry& g, const Int8ConvQuant& q,
                                                 const ops::FusedActivation& act, const int8_t* weights,
                                                 const int32_t* int_bias, const float* float_bias);

  // Where this kernel beats oneDNN's (measured, 1 thread, qtune run --profile, alternating
  // binaries): 8 or more channels up to 4096 output pixels per image. PP-OCR cls: 8 channels
  // 12x96 3x3 4.4 -> 3.5 us, 24 channels 6x96 3.9 -> 3.7 us, 32 channels 6x96 4.2 -> 3.0 us;
  // rec 48x320: all convolutions 3.1 -> 2.9 ms; det 640: 11.7 -> 11.3 ms. Past 4096 pixels
  // oneDNN is faster (det 160x160, 32 channels: 0.27-0.33 vs 0.40-0.44 ms; 80x80, 48
  // channels: 0.09 vs 0.12 ms).
  static bool worth_it(int64_t channels, int64_t out_pixels) { return channels >= 8 && out_pixels <= 4096; }

  // x: [n, h, w, C] NHWC; y: [n, oh, ow, C].
  void run(const void* x, int64_t n, int64_t h, int64_t w, void* y, int64_t oh, int64_t ow, int threads);

 private:
  Int8DepthwiseConv() = default;
  void run_image_rows(const uint8_t* x, int64_t h, int64_t w, uint8_t* y, int64_t ow, int64_t row_begin,
                      int64_t row_end, std::vector<uint8_t>& scratch) const;

  DepthwiseGeometry g_;
  ops::FusedActivation act_;
  int64_t blocks_ = 0, quads_ = 0;  // 16-channel blocks, 4-tap groups per kernel row
  uint8_t pad_value_ = 0, input_flip_ = 0;
  std::vector<int8_t> weights_;     // [blocks][kh][quads][16 lanes][4 taps]
  std::vector<int32_t> offset_;     // [kh + 1][blocks * 16]: int32 bias, then per kernel row -pad * sum w
  Int8EpilogueParams epilogue_;
  std::vector<std::vector<uint8_t>> scratch_;  // one per thread
};

}  // namespace qtune::backends::dnnl_backend
