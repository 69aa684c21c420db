#include "data/image_decode.h"

#include <cstring>

#include "data/image_codec_util.h"
#include "util/atomic_file.h"

namespace qtune::data {

std::string_view color_mode_name(ColorMode mode) {
  switch (mode) {
    case ColorMode::Gray: return "gray";
    case ColorMode::RGB: return "RGB";
    case ColorMode::BGR: return "BGR";
  }
  return "?";
}

std::optional<ColorMode> color_mode_from_name(std::string_view name) {
  if (name == "gray" || name == "GRAY" || name == "L") return ColorMode::Gray;
  if (name == "RGB" || name == "rgb") return ColorMode::RGB;
  if (name == "BGR" || name == "bgr") return ColorMode::BGR;
  return std::nullopt;
}

int color_mode_channels(ColorMode mode) { return mode == ColorMode::Gray ? 1 : 3; }

ImageFormat detect_image_format(std::string_view bytes) {
  static constexpr unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8 &&
      static_cast<unsigned char>(bytes[2]) == 0xFF)
    return ImageFormat::Jpeg;
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return ImageFormat::Png;
  return ImageFormat::Unknown;
}

Tensor decode_image(std::string_view bytes, ColorMode mode, const std::string& source) {
  switch (detect_image_format(bytes)) {
    case ImageFormat::Jpeg: return decode_jpeg(bytes, mode, source);
    case ImageFormat::Png: return decode_png(bytes, mode, source);
    case ImageFormat::Unknown: break;
  }
  if (bytes.empty()) throw Error(source + ": empty image data");
  throw Error(source + ": not a JPEG or PNG image (unrecognized magic bytes)");
}

Tensor read_image(const std::string& path, ColorMode mode) { return decode_image(read_file_bytes(path), mode, path); }

void write_png(const std::string& path, const Tensor& image) { write_file_atomic(path, encode_png(image, path)); }

void write_jpeg(const std::string& path, const Tensor& image, int quality) {
  write_file_atomic(path, encode_jpeg(image, quality, path));
}

namespace detail {

void check_image_size(uint64_t width, uint64_t height, const std::string& source) {
  if (width == 0 || height == 0)
    throw Error(source + ": image has zero size (" + std::to_string(width) + "x" + std::to_string(height) + ")");
  if (width * height > kMaxImagePixels)
    throw Error(source + ": image of " + std::to_string(width) + "x" + std::to_string(height) +
                " pixels is larger than the supported maximum of 2^28 pixels (corrupt header?)");
}

ImageShape check_encodable(const Tensor& image, unsigned allowed_channels, const std::string& what) {
  if (image.dtype() != DataType::UInt8) throw Error(what + ": can only encode uint8 images, got " + image.describe());
  if (image.rank() != 2 && image.rank() != 3)
    throw Error(what + ": expected an HWC image [H,W,C] or [H,W], got " + image.describe());
  ImageShape s{image.dim(0), image.dim(1), image.rank() == 3 ? image.dim(2) : 1};
  if (s.channels < 1 || s.channels > 4 || !(allowed_channels & (1u << s.channels)))
    throw Error(what + ": cannot encode an image with " + std::to_string(s.channels) + " channels (" + image.describe() + ")");
  if (s.height <= 0 || s.width <= 0 || s.height > 65535 || s.width > 65535)
    throw Error(what + ": cannot encode an image of size " + image.describe());
  return s;
}

}  // namespace detail
}  // namespace qtune::data
