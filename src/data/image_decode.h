// Image decoding and encoding: JPEG (libjpeg-turbo) and PNG (libpng) to and from
// uint8 tensors in HWC layout [height, width, channels]. The format is detected from
// the file's magic bytes, not its extension (ImageNet ships PNGs named .JPEG).
// Corrupt or truncated files throw qtune::Error naming the source; the libraries'
// longjmp error paths never cross C++ frames that own resources.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "qtune/tensor.h"

namespace qtune::data {

enum class ColorMode { Gray, RGB, BGR };

// "gray", "RGB", "BGR" (the spellings the YAML config accepts).
std::string_view color_mode_name(ColorMode mode);
std::optional<ColorMode> color_mode_from_name(std::string_view name);
int color_mode_channels(ColorMode mode);

enum class ImageFormat { Unknown, Jpeg, Png };
ImageFormat detect_image_format(std::string_view bytes);

// Decodes JPEG or PNG bytes to uint8 [H, W, C] (C = 1 for Gray, 3 otherwise).
// `source` names the file or record in error messages. Alpha is dropped, 16-bit
// samples keep their high byte, palettes are expanded, color-to-gray uses
// Y = 0.299 R + 0.587 G + 0.114 B (as PIL and libjpeg do).
Tensor decode_image(std::string_view bytes, ColorMode mode, const std::string& source);
Tensor decode_jpeg(std::string_view bytes, ColorMode mode, const std::string& source);
Tensor decode_png(std::string_view bytes, ColorMode mode, const std::string& source);
// read_file_bytes + decode_image.
Tensor read_image(const std::string& path, ColorMode mode);

// Encodes uint8 [H, W, C] (C = 1 gray, 3 RGB, 4 RGBA) or [H, W] (gray).
std::string encode_png(const Tensor& image, const std::string& what = "image");
// C = 1 or 3 (RGB); quality 1..100.
std::string encode_jpeg(const Tensor& image, int quality = 90, const std::string& what = "image");
// Atomic writers (temp file + rename).
void write_png(const std::string& path, const Tensor& image);
void write_jpeg(const std::string& path, const Tensor& image, int quality = 90);

}  // namespace qtune::data
