// Geometric transforms on HWC images: resizing (exact size, shorter side, keep ratio
// with padding, fixed height), cropping, flipping and PaddleOCR-style pad-to-width.
#pragma once

#include <cstdint>

#include "data/image_ops.h"
#include "data/transform.h"

namespace qtune::data {

struct ResizeOptions {
  enum class Mode {
    Exact,         // to height x width
    ShorterSide,   // shorter side to `shorter_side`, longer = floor(shorter_side * long / short) (torchvision)
    KeepRatioPad,  // fit inside height x width keeping the ratio, pad the rest with pad_value (letterbox)
    Height,        // to `height`, width = ceil(height * w / h), capped at max_width if > 0 (PaddleOCR rec)
  };
  Mode mode = Mode::Exact;
  int64_t height = 0, width = 0, shorter_side = 0, max_width = 0;
  Interpolation interpolation = Interpolation::Bilinear;
  bool antialias = false;
  double pad_value = 0;
  bool pad_centered = true;  // KeepRatioPad: center the image (else top-left)
};

class Resize : public Transform {
 public:
  explicit Resize(ResizeOptions options);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  ResizeOptions options_;
};

// The central height x width region; the top/left offset is floor((H - h) / 2).
class CenterCrop : public Transform {
 public:
  CenterCrop(int64_t height, int64_t width);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  int64_t height_, width_;
};

// A uniformly random height x width region (seeded per sample).
class RandomCrop : public Transform {
 public:
  RandomCrop(int64_t height, int64_t width);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  int64_t height_, width_;
};

class RandomHorizontalFlip : public Transform {
 public:
  explicit RandomHorizontalFlip(double probability = 0.5);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  double probability_;
};

// PaddleOCR recognition layout: optionally resize to `height` keeping the ratio with
// the width capped at `width` (height 0: no resize), then pad on the right with
// `pad_value` up to `width`. Put it after Normalize to pad with 0 in normalized
// space, exactly as PaddleOCR does.
class PadToWidth : public Transform {
 public:
  PadToWidth(int64_t width, int64_t height = 0, double pad_value = 0, Interpolation interpolation = Interpolation::Bilinear);
  Tensor apply(const Tensor& image, const TransformContext& context) const override;
  std::string describe() const override;

 private:
  int64_t width_, height_;
  double pad_value_;
  Interpolation interpolation_;
};

// Width PaddleOCR's resize_norm_img gives a w x h crop at target height H, max width W.
int64_t paddle_rec_width(int64_t image_height, int64_t image_width, int64_t target_height, int64_t max_width);

}  // namespace qtune::data
