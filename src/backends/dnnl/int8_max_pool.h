// Max pooling of uint8 / int8 NHWC tensors with AVX-512 byte maxima, 64 channels a step.
// PP-OCR cls's last pool (2x96x200 int8, 2x2 stride 2) took 3.1 us as a oneDNN call, mostly
// setting it up, and takes 1.0 us here (the node, `qtune run --profile`). A maximum of
// quantized values is the quantized maximum, so no requantization is involved. Padding
// cells never win (ONNX MaxPool ignores them), so each window is clipped to the image.
#pragma once

#include <cstdint>

namespace qtune::backends::dnnl_backend {

struct MaxPoolGeometry {
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
};

// Whether this CPU runs the loop (AVX-512 BW) and every window of this geometry, clipped to
// an h x w image, keeps at least one pixel for an oh x ow output.
bool int8_max_pool_usable(const MaxPoolGeometry& g, int64_t h, int64_t w, int64_t oh, int64_t ow);

// x: [n, h, w, c]; y: [n, oh, ow, c]; is_signed: int8 (else uint8).
void int8_max_pool_nhwc(const void* x, void* y, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh, int64_t ow,
                        const MaxPoolGeometry& g, bool is_signed, int threads);

}  // namespace qtune::backends::dnnl_backend
