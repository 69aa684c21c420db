// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord uses it.
// Table-driven, slicing-by-8: eight bytes per step, no CPU-specific instructions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qtune::data {

// Extends `crc` (the CRC of the preceding bytes; 0 to start) with `size` bytes.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);
inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }

// TFRecord stores CRCs "masked" so that a CRC of data that itself contains CRCs
// does not degenerate: rotate right by 15 and add a constant.
inline uint32_t crc32c_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t crc32c_unmask(uint32_t masked) {
  uint32_t rotated = masked - 0xa282ead8u;
  return (rotated >> 17) | (rotated << 15);
}

}  // namespace qtune::data
