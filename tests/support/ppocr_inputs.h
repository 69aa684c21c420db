// Real inputs for the PP-OCR models, rendered with Debian's DejaVu Sans: a text line as
// the recognizer and classifier read it, and a page of lines for the detector.
#pragma once

#include <cstdint>
#include <string>

#include "qtune/tensor.h"

namespace qtune::testing {

// PaddleOCR rec/cls preprocessing: RGB text line, resized to `height` keeping the aspect
// ratio (width capped at `width`), (x/255 - 0.5)/0.5, zero-padded right, [1, 3, H, W].
Tensor text_line_input(const std::string& text, int64_t height, int64_t width, uint64_t seed);

// A detector input: four rendered lines on a light page, ImageNet-normalized, [1, 3, size, size].
Tensor page_input(int64_t size);

}  // namespace qtune::testing
