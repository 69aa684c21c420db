#include "data/transforms_geometry.h"

#include <algorithm>
#include <cmath>

#include "data/random.h"

namespace qtune::data {
namespace {

std::string size_text(int64_t h, int64_t w) { return std::to_string(h) + "x" + std::to_string(w); }

const char* interpolation_name(Interpolation i) { return i == Interpolation::Bilinear ? "bilinear" : "nearest"; }

void require_positive(int64_t v, const char* what, const char* op) {
  if (v <= 0) throw Error(std::string(op) + ": " + what + " must be positive, got " + std::to_string(v));
}

}  // namespace

int64_t paddle_rec_width(int64_t image_height, int64_t image_width, int64_t target_height, int64_t max_width) {
  double ratio = static_cast<double>(image_width) / static_cast<double>(image_height);
  auto width = static_cast<int64_t>(std::ceil(static_cast<double>(target_height) * ratio));
  width = std::max<int64_t>(width, 1);
  return max_width > 0 ? std::min(width, max_width) : width;
}

Resize::Resize(ResizeOptions options) : options_(options) {
  switch (options_.mode) {
    case ResizeOptions::Mode::Exact:
    case ResizeOptions::Mode::KeepRatioPad:
      require_positive(options_.height, "height", "Resize");
      require_positive(options_.width, "width", "Resize");
      break;
    case ResizeOptions::Mode::ShorterSide: require_positive(options_.shorter_side, "shorter_side", "Resize"); break;
    case ResizeOptions::Mode::Height:
      require_positive(options_.height, "height", "Resize");
      if (options_.max_width < 0) throw Error("Resize: max_width must not be negative");
      break;
  }
}

Tensor Resize::apply(const Tensor& image, const TransformContext&) const {
  ImageSize src = check_hwc_image(image, "Resize");
  const auto& o = options_;
  switch (o.mode) {
    case ResizeOptions::Mode::Exact: return resize_image(image, o.height, o.width, o.interpolation, o.antialias);
    case ResizeOptions::Mode::ShorterSide: {
      bool wide = src.width >= src.height;
      int64_t shorter = wide ? src.height : src.width, longer = wide ? src.width : src.height;
      int64_t new_longer = std::max<int64_t>(1, o.shorter_side * longer / shorter);
      return wide ? resize_image(image, o.shorter_side, new_longer, o.interpolation, o.antialias)
                  : resize_image(image, new_longer, o.shorter_side, o.interpolation, o.antialias);
    }
    case ResizeOptions::Mode::KeepRatioPad: {
      double scale = std::min(static_cast<double>(o.height) / static_cast<double>(src.height),
                              static_cast<double>(o.width) / static_cast<double>(src.width));
      int64_t h = std::clamp<int64_t>(std::llround(static_cast<double>(src.height) * scale), 1, o.height);
      int64_t w = std::clamp<int64_t>(std::llround(static_cast<double>(src.width) * scale), 1, o.width);
      Tensor resized = resize_image(image, h, w, o.interpolation, o.antialias);
      int64_t top = o.pad_centered ? (o.height - h) / 2 : 0, left = o.pad_centered ? (o.width - w) / 2 : 0;
      return pad_image(resized, top, o.height - h - top, left, o.width - w - left, o.pad_value);
    }
    case ResizeOptions::Mode::Height:
      return resize_image(image, o.height, paddle_rec_width(src.height, src.width, o.height, o.max_width), o.interpolation,
                          o.antialias);
  }
  return image;
}

std::string Resize::describe() const {
  const auto& o = options_;
  std::string text = "Resize(";
  switch (o.mode) {
    case ResizeOptions::Mode::Exact: text += size_text(o.height, o.width); break;
    case ResizeOptions::Mode::ShorterSide: text += "shorter side " + std::to_string(o.shorter_side); break;
    case ResizeOptions::Mode::KeepRatioPad: text += size_text(o.height, o.width) + " keep ratio, pad " + std::to_string(o.pad_value); break;
    case ResizeOptions::Mode::Height:
      text += "height " + std::to_string(o.height) + (o.max_width ? ", max width " + std::to_string(o.max_width) : std::string());
      break;
  }
  return text + ", " + interpolation_name(o.interpolation) + (o.antialias ? ", antialias)" : ")");
}

CenterCrop::CenterCrop(int64_t height, int64_t width) : height_(height), width_(width) {
  require_positive(height, "height", "CenterCrop");
  require_positive(width, "width", "CenterCrop");
}

Tensor CenterCrop::apply(const Tensor& image, const TransformContext&) const {
  ImageSize src = check_hwc_image(image, "CenterCrop");
  if (src.height < height_ || src.width < width_)
    throw Error("CenterCrop: image " + size_text(src.height, src.width) + " is smaller than the crop " + size_text(height_, width_) +
                "; resize first");
  return crop_image(image, (src.height - height_) / 2, (src.width - width_) / 2, height_, width_);
}

std::string CenterCrop::describe() const { return "CenterCrop(" + size_text(height_, width_) + ")"; }

RandomCrop::RandomCrop(int64_t height, int64_t width) : height_(height), width_(width) {
  require_positive(height, "height", "RandomCrop");
  require_positive(width, "width", "RandomCrop");
}

Tensor RandomCrop::apply(const Tensor& image, const TransformContext& context) const {
  ImageSize src = check_hwc_image(image, "RandomCrop");
  if (src.height < height_ || src.width < width_)
    throw Error("RandomCrop: image " + size_text(src.height, src.width) + " is smaller than the crop " + size_text(height_, width_));
  Rng rng(context.seed);
  int64_t top = static_cast<int64_t>(rng.below(static_cast<uint64_t>(src.height - height_ + 1)));
  int64_t left = static_cast<int64_t>(rng.below(static_cast<uint64_t>(src.width - width_ + 1)));
  return crop_image(image, top, left, height_, width_);
}

std::string RandomCrop::describe() const { return "RandomCrop(" + size_text(height_, width_) + ")"; }

RandomHorizontalFlip::RandomHorizontalFlip(double probability) : probability_(probability) {
  if (!(probability >= 0 && probability <= 1))
    throw Error("RandomHorizontalFlip: probability must be in [0, 1], got " + std::to_string(probability));
}

Tensor RandomHorizontalFlip::apply(const Tensor& image, const TransformContext& context) const {
  check_hwc_image(image, "RandomHorizontalFlip");
  Rng rng(context.seed);
  return rng.uniform() < probability_ ? flip_horizontal(image) : image;
}

std::string RandomHorizontalFlip::describe() const { return "RandomHorizontalFlip(p=" + std::to_string(probability_) + ")"; }

PadToWidth::PadToWidth(int64_t width, int64_t height, double pad_value, Interpolation interpolation)
    : width_(width), height_(height), pad_value_(pad_value), interpolation_(interpolation) {
  require_positive(width, "width", "PadToWidth");
  if (height < 0) throw Error("PadToWidth: height must not be negative");
}

Tensor PadToWidth::apply(const Tensor& image, const TransformContext&) const {
  ImageSize src = check_hwc_image(image, "PadToWidth");
  Tensor resized = image;
  if (height_ > 0) {
    resized = resize_image(image, height_, paddle_rec_width(src.height, src.width, height_, width_), interpolation_, false);
  } else if (src.width > width_) {
    throw Error("PadToWidth: image width " + std::to_string(src.width) + " exceeds the target width " + std::to_string(width_) +
                "; set height to resize (width is then capped)");
  }
  int64_t w = resized.dim(1);
  return w == width_ ? resized : pad_image(resized, 0, 0, 0, width_ - w, pad_value_);
}

std::string PadToWidth::describe() const {
  return "PadToWidth(" + std::to_string(width_) + (height_ ? ", height " + std::to_string(height_) : std::string()) + ", pad " +
         std::to_string(pad_value_) + ")";
}

}  // namespace qtune::data
