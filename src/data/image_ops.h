// Pixel kernels behind the geometric transforms. Images are HWC tensors
// [height, width, channels] of uint8 or float32; outputs keep the input's type
// (uint8 results are rounded to nearest and saturated).
#pragma once

#include <cstdint>

#include "qtune/tensor.h"

namespace qtune::data {

enum class Interpolation { Bilinear, Nearest };

struct ImageSize {
  int64_t height, width, channels;
};
// Checks for an HWC uint8/float32 image; `op` names the caller in the error, which
// hints at Transpose when the tensor looks like CHW.
ImageSize check_hwc_image(const Tensor& image, const char* op);

// Bilinear uses pixel centers ((x + 0.5) * scale - 0.5), clamped at the borders,
// which matches OpenCV's INTER_LINEAR. With `antialias`, downscaling widens the
// triangle filter to the scale factor (as PIL's BILINEAR and torchvision do), so
// every source pixel contributes. Nearest picks floor((x + 0.5) * scale).
Tensor resize_image(const Tensor& image, int64_t height, int64_t width, Interpolation interpolation, bool antialias);
// Rectangle [top, top + height) x [left, left + width); must lie inside the image.
Tensor crop_image(const Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width);
Tensor flip_horizontal(const Tensor& image);
// Adds borders filled with `value` (converted to the image type).
Tensor pad_image(const Tensor& image, int64_t top, int64_t bottom, int64_t left, int64_t right, double value);

}  // namespace qtune::data
