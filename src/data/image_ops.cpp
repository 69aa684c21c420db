#include "data/image_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace qtune::data {
namespace {

// For each output coordinate: the first source index and normalized weights of the
// taps of a triangle filter of radius `support` centered on the output pixel.
struct Taps {
  std::vector<int64_t> first;
  std::vector<int64_t> count;
  std::vector<float> weights;  // count[i] weights starting at i * stride
  int64_t stride = 0;
};

Taps compute_taps(int64_t in_size, int64_t out_size, bool antialias) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double filter_scale = antialias ? std::max(scale, 1.0) : 1.0;
  const double support = filter_scale;  // the triangle's radius in source pixels
  Taps taps;
  taps.stride = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  taps.first.resize(static_cast<size_t>(out_size));
  taps.count.resize(static_cast<size_t>(out_size));
  taps.weights.assign(static_cast<size_t>(out_size * taps.stride), 0.0f);
  for (int64_t x = 0; x < out_size; ++x) {
    const double center = (static_cast<double>(x) + 0.5) * scale;
    int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(center - support + 0.5)));
    int64_t hi = std::min<int64_t>(in_size, static_cast<int64_t>(std::floor(center + support + 0.5)));
    if (hi <= lo) lo = std::min(lo, in_size - 1), hi = lo + 1;  // always at least one tap
    double total = 0;
    std::vector<double> w(static_cast<size_t>(hi - lo));
    for (int64_t j = lo; j < hi; ++j) {
      double d = std::abs((static_cast<double>(j) + 0.5 - center) / filter_scale);
      w[static_cast<size_t>(j - lo)] = d < 1.0 ? 1.0 - d : 0.0;
      total += w[static_cast<size_t>(j - lo)];
    }
    if (total <= 0) {  // the center falls outside every tap's support: take the nearest
      std::fill(w.begin(), w.end(), 0.0);
      w[static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(center), lo, hi - 1) - lo)] = 1.0;
      total = 1.0;
    }
    taps.first[static_cast<size_t>(x)] = lo;
    taps.count[static_cast<size_t>(x)] = hi - lo;
    for (int64_t j = 0; j < hi - lo; ++j)
      taps.weights[static_cast<size_t>(x * taps.stride + j)] = static_cast<float>(w[static_cast<size_t>(j)] / total);
  }
  return taps;
}

template <class T>
T store(float v) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    return static_cast<uint8_t>(std::clamp(std::nearbyint(v), 0.0f, 255.0f));
  } else {
    return v;
  }
}

// Horizontal pass into float rows, then vertical pass into the output type.
template <class T>
void resize_bilinear(const T* in, T* out, ImageSize src, int64_t out_h, int64_t out_w, bool antialias) {
  const int64_t c = src.channels;
  Taps tx = compute_taps(src.width, out_w, antialias), ty = compute_taps(src.height, out_h, antialias);
  std::vector<float> rows(static_cast<size_t>(src.height * out_w * c));
  for (int64_t y = 0; y < src.height; ++y) {
    const T* row = in + y * src.width * c;
    float* dst = rows.data() + y * out_w * c;
    for (int64_t x = 0; x < out_w; ++x) {
      const float* w = tx.weights.data() + x * tx.stride;
      const T* s = row + tx.first[static_cast<size_t>(x)] * c;
      for (int64_t k = 0; k < c; ++k) {
        float acc = 0;
        for (int64_t j = 0; j < tx.count[static_cast<size_t>(x)]; ++j) acc += w[j] * static_cast<float>(s[j * c + k]);
        dst[x * c + k] = acc;
      }
    }
  }
  const int64_t row_len = out_w * c;
  std::vector<float> acc(static_cast<size_t>(row_len));
  for (int64_t y = 0; y < out_h; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const float* w = ty.weights.data() + y * ty.stride;
    for (int64_t j = 0; j < ty.count[static_cast<size_t>(y)]; ++j) {
      const float* s = rows.data() + (ty.first[static_cast<size_t>(y)] + j) * row_len;
      const float wj = w[j];
      for (int64_t i = 0; i < row_len; ++i) acc[static_cast<size_t>(i)] += wj * s[i];
    }
    T* dst = out + y * row_len;
    for (int64_t i = 0; i < row_len; ++i) dst[i] = store<T>(acc[static_cast<size_t>(i)]);
  }
}

void resize_nearest(const unsigned char* in, unsigned char* out, ImageSize src, int64_t out_h, int64_t out_w, size_t pixel_bytes) {
  std::vector<int64_t> xs(static_cast<size_t>(out_w));
  for (int64_t x = 0; x < out_w; ++x)
    xs[static_cast<size_t>(x)] = std::min<int64_t>(src.width - 1, static_cast<int64_t>((x + 0.5) * src.width / out_w));
  for (int64_t y = 0; y < out_h; ++y) {
    int64_t sy = std::min<int64_t>(src.height - 1, static_cast<int64_t>((y + 0.5) * src.height / out_h));
    const unsigned char* row = in + sy * src.width * static_cast<int64_t>(pixel_bytes);
    for (int64_t x = 0; x < out_w; ++x)
      std::memcpy(out + (y * out_w + x) * static_cast<int64_t>(pixel_bytes), row + xs[static_cast<size_t>(x)] * static_cast<int64_t>(pixel_bytes), pixel_bytes);
  }
}

}  // namespace

ImageSize check_hwc_image(const Tensor& image, const char* op) {
  if (image.dtype() != DataType::UInt8 && image.dtype() != DataType::Float32)
    throw Error(std::string(op) + ": expects a uint8 or float32 image, got " + image.describe());
  if (image.rank() != 3)
    throw Error(std::string(op) + ": expects an HWC image [height, width, channels], got " + image.describe());
  ImageSize size{image.dim(0), image.dim(1), image.dim(2)};
  if (size.channels > 4 && size.height <= 4)
    throw Error(std::string(op) + ": expects an HWC image, got " + image.describe() +
                ", which looks like CHW; apply geometric transforms before Transpose");
  if (size.height == 0 || size.width == 0 || size.channels == 0) throw Error(std::string(op) + ": empty image " + image.describe());
  return size;
}

Tensor resize_image(const Tensor& image, int64_t height, int64_t width, Interpolation interpolation, bool antialias) {
  ImageSize src = check_hwc_image(image, "Resize");
  if (height <= 0 || width <= 0 || height > 65536 || width > 65536)
    throw Error("Resize: invalid target size " + std::to_string(height) + "x" + std::to_string(width));
  if (height == src.height && width == src.width) return image;
  Tensor out(image.dtype(), {height, width, src.channels});
  if (interpolation == Interpolation::Nearest) {
    resize_nearest(static_cast<const unsigned char*>(image.raw()), static_cast<unsigned char*>(out.raw()), src, height, width,
                   static_cast<size_t>(src.channels) * dtype_size(image.dtype()));
  } else if (image.dtype() == DataType::UInt8) {
    resize_bilinear(image.data<uint8_t>(), out.data<uint8_t>(), src, height, width, antialias);
  } else {
    resize_bilinear(image.data<float>(), out.data<float>(), src, height, width, antialias);
  }
  return out;
}

Tensor crop_image(const Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width) {
  ImageSize src = check_hwc_image(image, "Crop");
  if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > src.height || left + width > src.width)
    throw Error("Crop: region " + std::to_string(height) + "x" + std::to_string(width) + " at (" + std::to_string(top) + ", " +
                std::to_string(left) + ") does not fit in a " + std::to_string(src.height) + "x" + std::to_string(src.width) + " image");
  Tensor out(image.dtype(), {height, width, src.channels});
  const size_t pixel = static_cast<size_t>(src.channels) * dtype_size(image.dtype());
  const auto* in = static_cast<const unsigned char*>(image.raw());
  auto* dst = static_cast<unsigned char*>(out.raw());
  for (int64_t y = 0; y < height; ++y)
    std::memcpy(dst + static_cast<size_t>(y * width) * pixel, in + static_cast<size_t>((top + y) * src.width + left) * pixel,
                static_cast<size_t>(width) * pixel);
  return out;
}

Tensor flip_horizontal(const Tensor& image) {
  ImageSize src = check_hwc_image(image, "Flip");
  Tensor out(image.dtype(), image.dims());
  const size_t pixel = static_cast<size_t>(src.channels) * dtype_size(image.dtype());
  const auto* in = static_cast<const unsigned char*>(image.raw());
  auto* dst = static_cast<unsigned char*>(out.raw());
  for (int64_t y = 0; y < src.height; ++y)
    for (int64_t x = 0; x < src.width; ++x)
      std::memcpy(dst + static_cast<size_t>(y * src.width + x) * pixel,
                  in + static_cast<size_t>(y * src.width + (src.width - 1 - x)) * pixel, pixel);
  return out;
}

Tensor pad_image(const Tensor& image, int64_t top, int64_t bottom, int64_t left, int64_t right, double value) {
  ImageSize src = check_hwc_image(image, "Pad");
  if (top < 0 || bottom < 0 || left < 0 || right < 0) throw Error("Pad: negative padding");
  const int64_t h = src.height + top + bottom, w = src.width + left + right, c = src.channels;
  Tensor out(image.dtype(), {h, w, c});
  if (image.dtype() == DataType::UInt8) {
    std::fill_n(out.data<uint8_t>(), out.numel(), static_cast<uint8_t>(std::clamp(std::nearbyint(value), 0.0, 255.0)));
  } else {
    std::fill_n(out.data<float>(), out.numel(), static_cast<float>(value));
  }
  const size_t pixel = static_cast<size_t>(c) * dtype_size(image.dtype());
  const auto* in = static_cast<const unsigned char*>(image.raw());
  auto* dst = static_cast<unsigned char*>(out.raw());
  for (int64_t y = 0; y < src.height; ++y)
    std::memcpy(dst + static_cast<size_t>((top + y) * w + left) * pixel, in + static_cast<size_t>(y * src.width) * pixel,
                static_cast<size_t>(src.width) * pixel);
  return out;
}

}  // namespace qtune::data
