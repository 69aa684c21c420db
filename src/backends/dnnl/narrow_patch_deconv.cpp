#include "backends/dnnl/narrow_patch_deconv.h"

#include <cstring>

namespace qtune::backends::dnnl_backend {
namespace {

constexpr int64_t kLanes = NarrowPatchDeconv::kMaxTaps;

// Compiled for AVX-512, AVX2 and the baseline: the broadcast multiply-adds only vectorize
// with the wider sets.
#define QTUNE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

QTUNE_CLONES void widen_u8(const uint8_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(x[i]);
}

QTUNE_CLONES void widen_s8(const int8_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(x[i]);
}

// acc[p][t] = sum_c x[p][c] * w[c][t] for `pixels` pixels (at most 4), 16 taps each. Four
// pixels at once give four independent accumulator chains to hide the multiply-add latency.
QTUNE_CLONES void accumulate(const float* x, int64_t pixels, int64_t channels, const float* w, float* acc) {
  float a0[kLanes] = {}, a1[kLanes] = {}, a2[kLanes] = {}, a3[kLanes] = {};
  if (pixels == 4) {
    const float *x0 = x, *x1 = x + channels, *x2 = x + 2 * channels, *x3 = x + 3 * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const float* wc = w + c * kLanes;
      const float v0 = x0[c], v1 = x1[c], v2 = x2[c], v3 = x3[c];
      for (int64_t t = 0; t < kLanes; ++t) {
        a0[t] += v0 * wc[t];
        a1[t] += v1 * wc[t];
        a2[t] += v2 * wc[t];
        a3[t] += v3 * wc[t];
      }
    }
  } else {
    float* rows[] = {a0, a1, a2, a3};
    for (int64_t p = 0; p < pixels; ++p)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t t = 0; t < kLanes; ++t) rows[p][t] += x[p * channels + c] * w[c * kLanes + t];
  }
  std::memcpy(acc, a0, sizeof a0);
  std::memcpy(acc + kLanes, a1, sizeof a1);
  std::memcpy(acc + 2 * kLanes, a2, sizeof a2);
  std::memcpy(acc + 3 * kLanes, a3, sizeof a3);
}

}  // namespace

void NarrowPatchDeconv::run_row(const void* x, bool x_signed, int64_t width, float* const* out_rows,
                                float* scratch) const {
  const int64_t n = width * channels;
  if (x_signed)
    widen_s8(static_cast<const int8_t*>(x), scratch, n);
  else
    widen_u8(static_cast<const uint8_t*>(x), scratch, n);
  const int64_t row_taps = kw * m;  // taps landing in one output row, contiguous there
  float acc[4 * kLanes];
  for (int64_t p = 0; p < width; p += 4) {
    const int64_t pixels = width - p < 4 ? width - p : 4;
    accumulate(scratch + p * channels, pixels, channels, weights.data(), acc);
    for (int64_t q = 0; q < pixels; ++q) {
      const float* a = acc + q * kLanes;
      for (int64_t i = 0; i < kh; ++i) {
        float* y = out_rows[i] + (p + q) * row_taps;
        for (int64_t k = 0; k < row_taps; ++k) {
          const int64_t t = i * row_taps + k;
          y[k] = static_cast<float>(static_cast<int32_t>(a[t]) + offset[static_cast<size_t>(t)]) *
                     scale[static_cast<size_t>(t)] +
                 shift[static_cast<size_t>(t)];
        }
      }
    }
  }
}

}  // namespace qtune::backends::dnnl_backend
