#include "ops/byte_interleave.h"

#include <immintrin.h>

#include <array>

#include "ops/avx512_byte_vectors.h"

namespace qtune::ops {
namespace {

constexpr int kPixels = 64;  // per step: 64 bytes of each plane, 3 output vectors

// Output vector v, byte p is channel ch = (64v + p) % 3 of pixel k = (64v + p) / 3. The first
// permute takes planes 0 and 1 (index k, or 64 + k), the second keeps those bytes (index p)
// and takes plane 2 (64 + k).
struct InterleaveIndex {
  std::array<std::array<uint8_t, kPixels>, 3> first, second;
};

constexpr InterleaveIndex kIndex = [] {
  InterleaveIndex ix{};
  for (int v = 0; v < 3; ++v)
    for (int p = 0; p < kPixels; ++p) {
      const int flat = kPixels * v + p, k = flat / 3, ch = flat % 3;
      ix.first[static_cast<size_t>(v)][static_cast<size_t>(p)] = static_cast<uint8_t>(ch == 1 ? kPixels + k : k);
      ix.second[static_cast<size_t>(v)][static_cast<size_t>(p)] = static_cast<uint8_t>(ch == 2 ? kPixels + k : p);
    }
  return ix;
}();

bool cpu_has_vbmi() {
  __builtin_cpu_init();
  return avx512::avx512_loops_usable() && __builtin_cpu_supports("avx512vbmi");
}

}  // namespace

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vbmi")

bool interleave_three_byte_planes(const uint8_t* in, uint8_t* out, int64_t rows, int64_t stride) {
  static const bool usable = cpu_has_vbmi();
  if (!usable) return false;
  __m512i first[3], second[3];
  for (size_t v = 0; v < 3; ++v) {
    first[v] = _mm512_loadu_si512(kIndex.first[v].data());
    second[v] = _mm512_loadu_si512(kIndex.second[v].data());
  }
  int64_t r = 0;
  for (; r + kPixels <= rows; r += kPixels) {
    const __m512i a = _mm512_loadu_si512(in + r), b = _mm512_loadu_si512(in + stride + r);
    const __m512i c = _mm512_loadu_si512(in + 2 * stride + r);
    for (int v = 0; v < 3; ++v)
      _mm512_storeu_si512(out + 3 * r + kPixels * v,
                          _mm512_permutex2var_epi8(_mm512_permutex2var_epi8(a, first[v], b), second[v], c));
  }
  for (; r < rows; ++r)
    for (int64_t ch = 0; ch < 3; ++ch) out[3 * r + ch] = in[r + ch * stride];
  return true;
}

#pragma GCC pop_options

}  // namespace qtune::ops
