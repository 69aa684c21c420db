#include "ppocr_inputs.h"

#include <algorithm>
#include <cmath>

#include "data/text_render.h"

namespace qtune::testing {

namespace {

const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

}  // namespace

// PaddleOCR rec/cls preprocessing: RGB text line, resize to height H keeping the aspect
// ratio (width capped at W, bilinear), (x/255 - 0.5)/0.5, zero-pad right to W, NCHW.
Tensor text_line_input(const std::string& text, int64_t height, int64_t width, uint64_t seed) {
  data::TextRenderer renderer({kFont});
  Tensor img = renderer.render(text, seed, {height, true});
  int64_t h = img.dim(0), w = img.dim(1);
  int64_t out_w = std::min<int64_t>(width, static_cast<int64_t>(std::ceil(static_cast<double>(w) * height / h)));
  Tensor x(DataType::Float32, {1, 3, height, width});
  float* px = x.data<float>();
  const uint8_t* src = img.data<uint8_t>();
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t xo = 0; xo < out_w; ++xo) {
        // nearest sample is enough for a test input; it is still a real rendered line
        int64_t sy = std::min(h - 1, y * h / height), sx = std::min(w - 1, xo * w / out_w);
        float v = src[(sy * w + sx) * 3 + c] / 255.0f;
        px[(c * height + y) * width + xo] = (v - 0.5f) / 0.5f;
      }
  return x;
}

// A page for the detector: several rendered lines on a light background.
Tensor page_input(int64_t size) {
  data::TextRenderer renderer({kFont});
  Tensor x(DataType::Float32, {1, 3, size, size});
  float* px = x.data<float>();
  const float mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < size * size; ++i) px[c * size * size + i] = (0.94f - mean[c]) / stdv[c];
  const char* lines[] = {"Invoice 2026-11-23", "qtune INT8 tuning", "Total: 1,234.56 EUR", "PaddleOCR PP-OCRv4"};
  int64_t top = 40;
  for (int i = 0; i < 4; ++i, top += 120) {
    Tensor line = renderer.render(lines[i], static_cast<uint64_t>(i), {48, true});
    int64_t h = line.dim(0), w = std::min<int64_t>(line.dim(1), size - 40);
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < h && top + y < size; ++y)
        for (int64_t xx = 0; xx < w; ++xx) {
          float v = line.data<uint8_t>()[(y * line.dim(1) + xx) * 3 + c] / 255.0f;
          px[(c * size + top + y) * size + 20 + xx] = (v - mean[c]) / stdv[c];
        }
  }
  return x;
}

}  // namespace qtune::testing
