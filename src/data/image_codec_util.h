// Helpers shared by the JPEG and PNG codecs (internal to src/data).
#pragma once

#include <cstdint>
#include <string>

#include "qtune/tensor.h"

namespace qtune::data::detail {

// Refuse absurd headers before allocating: 2^28 pixels (a 16k x 16k image) is far
// beyond any dataset image, and a corrupt header must not allocate gigabytes.
constexpr uint64_t kMaxImagePixels = uint64_t{1} << 28;

void check_image_size(uint64_t width, uint64_t height, const std::string& source);

// ITU-R 601 luma in integer arithmetic (same weights as PIL's convert("L")).
inline uint8_t rgb_to_gray(uint8_t r, uint8_t g, uint8_t b) {
  return static_cast<uint8_t>((r * 19595u + g * 38470u + b * 7471u + 0x8000u) >> 16);
}

struct ImageShape {
  int64_t height, width, channels;
};
// Validates an image tensor handed to an encoder: uint8, [H,W] or [H,W,C] with
// C in `allowed_channels` (a bit set: bit c means c channels are allowed).
ImageShape check_encodable(const Tensor& image, unsigned allowed_channels, const std::string& what);

}  // namespace qtune::data::detail
