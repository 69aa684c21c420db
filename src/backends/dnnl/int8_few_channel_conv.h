// Quantized convolution over few input channels into 8 output channels (a mobile network's
// first layer: 3 -> 8 channels, 3x3, stride 2), NHWC, uint8 or int8 in and out, on AVX-512
// VNNI. oneDNN 2.6 takes 9.5 us for PP-OCR cls's 48x192 image, about half its float time.
//
// A kernel row of a pixel is kw * C contiguous bytes (9 for 3x3 over RGB): up to three
// groups of four bytes, each one VNNI operand (the bytes past kw * C meet zero weights).
// Vector lanes are 16 output pixels of one output row: two 64-byte loads of the padded input
// row and one two-source byte permutation gather a group of four bytes for all 16, and each
// output channel takes it with its own broadcast weights. The 8 channel vectors are
// requantized one per channel and transposed to NHWC bytes by two permutations. The input
// is first copied once, padded and (int8) shifted to uint8:
//   acc[m] = sum u * w - (zero_point + shift) * sum w + int_bias[m]
// (padding reads as zero_point + shift, so it adds nothing).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "backends/dnnl/int8_conv_epilogue.h"

namespace qtune::backends::dnnl_backend {

struct FewChannelGeometry {
  int64_t in_channels = 0, out_channels = 0, kh = 0, kw = 0, stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

class Int8FewChannelConv {
 public:
  // Null when this CPU, geometry or activation has no path here: 8 output channels, a kernel
  // row of at most 12 bytes, 16 output pixels spanning at most 128 input bytes, kernels up to
  // 7x7. weights: int8 [8, C, kh, kw]; int_bias or float_bias may be null.
  static std::unique_ptr<Int8FewChannelConv> plan(const FewChannelGeometry& g, const Int8ConvQuant& q,
                                                  const ops::FusedActivation& act, const int8_t* weights,
                                                  const int32_t* int_bias, const float* float_bias);

  // x: [n, h, w, C]; y: [n, oh, ow, 8].
  void run(const void* x, int64_t n, int64_t h, int64_t w, void* y, int64_t oh, int64_t ow, int threads);

 private:
  Int8FewChannelConv() = default;
  void run_rows(const uint8_t* padded, int64_t padded_row_bytes, uint8_t* y, int64_t ow, int64_t row_begin,
                int64_t row_end) const;

  FewChannelGeometry g_;
  ops::FusedActivation act_;
  int64_t groups_ = 0;  // groups of four bytes per kernel row
  uint8_t pad_value_ = 0, input_flip_ = 0;
  std::vector<int32_t> weights_;  // [kh][groups][8 channels]: four weight bytes each
  std::vector<int32_t> offset_;   // [8]
  Int8EpilogueParams epilogue_;
  std::vector<uint8_t> padded_;  // the padded, shifted input image
  std::pair<int64_t, int64_t> padded_for_{-1, -1};  // the image size padded_ is laid out for
};

}  // namespace qtune::backends::dnnl_backend
