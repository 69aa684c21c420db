// [rows, 3] <- [3, rows] for bytes (NCHW -> NHWC of a quantized RGB image) with AVX-512 VBMI
// byte permutes: 64 pixels of each plane in, 192 interleaved bytes out, six permutes. The
// scalar loop moved one byte at a time (5 us for a 48x192 image).
#pragma once

#include <cstdint>

namespace qtune::ops {

// False (and nothing written) where the CPU has no AVX-512 VBMI or ops::avx512 is capped
// below AVX-512; `stride` is the distance between the planes.
bool interleave_three_byte_planes(const uint8_t* in, uint8_t* out, int64_t rows, int64_t stride);

}  // namespace qtune::ops
