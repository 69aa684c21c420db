// Quantized 1x1 convolution (stride 1, no padding, one group, NHWC, uint8 or int8 in and
// out) on AVX-512 VNNI: a [pixels x K] by [K x M] product with the requantizing epilogue.
// For the small layers of mobile networks oneDNN 2.6 spends more time setting up a call
// than multiplying (PP-OCR cls: 1-2 us for a 1x1 image, 10 us for 192 pixels 32 -> 200
// channels).
//
// Each step broadcasts four input channels of one pixel and multiplies them with four
// channels of 16 output channels' weights in one dot-product instruction, for a tile of
// 6 pixels by up to 64 output channels held in registers. int8 activations are shifted by
// 128 (u = x ^ 0x80) as they are broadcast (K not a multiple of 4: in a zero-padded copy):
//   acc[m] = sum u * w - (zero_point + shift) * sum w + int_bias[m]
// With 8, 24 or 40 output channels (an odd number of 8-channel groups, which would leave half
// of the last 16-lane block empty) one vector holds two pixels of one group: the group's
// weights are repeated in the upper 8 lanes and each dot product takes four channels of both
// pixels (8 channels: half the dot products and requantizations per pixel).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backends/dnnl/int8_conv_epilogue.h"

namespace qtune::backends::dnnl_backend {

class Int8PointwiseConv {
 public:
  // Null when this CPU or activation has no path here. weights: int8 [M, K]; int_bias
  // (int32, accumulator units) or float_bias (real units), either may be null.
  static std::unique_ptr<Int8PointwiseConv> plan(int64_t in_channels, int64_t out_channels, const Int8ConvQuant& q,
                                                 const ops::FusedActivation& act, const int8_t* weights,
                                                 const int32_t* int_bias, const float* float_bias);

  // Where this kernel beats oneDNN's (measured, 1 thread): images of up to 4096 pixels
  // (PP-OCR cls, 192-2304 pixels: every layer as fast or faster, 1x1 images 1-2 -> 0-1 us,
  // 192 pixels 32 -> 200 channels 10 -> 8 us; rec 48x320 likewise). On det's 160x160 maps
  // with 12 input channels oneDNN is faster (0.30 vs 0.40 ms): few dot products per output.
  static bool worth_it(int64_t pixels) { return pixels <= 4096; }

  // x: [pixels, K]; y: [pixels, M].
  void run(const void* x, int64_t pixels, void* y, int threads);

 private:
  Int8PointwiseConv() = default;
  void run_pixels(const uint8_t* x, uint8_t* y, int64_t begin, int64_t end, std::vector<uint8_t>& scratch) const;

  int64_t k_ = 0, m_ = 0, quads_ = 0, blocks_ = 0;  // K / 4 rounded up; 16-channel blocks of M
  ops::FusedActivation act_;
  uint8_t input_flip_ = 0;
  std::vector<int8_t> weights_;   // [blocks][quads][16 lanes][4 channels]
  std::vector<int32_t> offset_;   // [blocks * 16]: int32 bias - (zero_point + shift) * sum w
  Int8EpilogueParams epilogue_;
  // Two pixels per vector (M = 8, 24 or 40): pair_groups_ groups of 8 channels, each laid
  // out over 16 lanes (lane l: channel 8g + l % 8); 0 when not planned.
  int64_t pair_groups_ = 0;
  std::vector<int8_t> pair_weights_;  // [groups][quads][16 lanes][4 channels]
  std::vector<int32_t> pair_offset_;  // [groups * 16]
  Int8EpilogueParams pair_epilogue_;
  std::vector<std::vector<uint8_t>> scratch_;  // one per thread
};

}  // namespace qtune::backends::dnnl_backend
