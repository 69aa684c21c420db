#include "backends/dnnl/int8_max_pool.h"

#include <immintrin.h>

#include <algorithm>

#include "ops/avx512_byte_vectors.h"
#include "util/parallel_for.h"

namespace qtune::backends::dnnl_backend {
namespace {

// The first and one-past-last input index of output index o's window along one axis.
struct Span {
  int64_t begin, end;
};
Span window(int64_t o, int64_t stride, int64_t pad, int64_t kernel, int64_t size) {
  const int64_t start = o * stride - pad;
  return {std::max<int64_t>(start, 0), std::min(start + kernel, size)};
}

}  // namespace

bool int8_max_pool_usable(const MaxPoolGeometry& g, int64_t h, int64_t w, int64_t oh, int64_t ow) {
  if (!ops::avx512::avx512_loops_usable() || g.kh < 1 || g.kw < 1 || g.stride_h < 1 || g.stride_w < 1) return false;
  if (oh < 1 || ow < 1) return true;
  // Windows only shrink toward the edges: the first and last of each axis decide.
  for (int64_t o : {int64_t{0}, oh - 1}) {
    const Span s = window(o, g.stride_h, g.pad_top, g.kh, h);
    if (s.begin >= s.end) return false;
  }
  for (int64_t o : {int64_t{0}, ow - 1}) {
    const Span s = window(o, g.stride_w, g.pad_left, g.kw, w);
    if (s.begin >= s.end) return false;
  }
  return true;
}

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")

void int8_max_pool_nhwc(const void* x, void* y, int64_t n, int64_t h, int64_t w, int64_t c, int64_t oh, int64_t ow,
                        const MaxPoolGeometry& g, bool is_signed, int threads) {
  const auto* in = static_cast<const uint8_t*>(x);
  auto* out = static_cast<uint8_t*>(y);
  // int8 maxima as unsigned maxima of the bytes with their sign bit flipped.
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(is_signed ? 0x80 : 0));
  // Output rows are the tasks; threads share them only when the work is large.
  const bool parallel = n * oh * ow * c * g.kh * g.kw > (1 << 20);
  util::parallel_for(n * oh, threads, parallel, [&](int64_t task) {
    const int64_t image = task / oh, r = task % oh;
    const Span rows = window(r, g.stride_h, g.pad_top, g.kh, h);
    for (int64_t col = 0; col < ow; ++col) {
      const Span cols = window(col, g.stride_w, g.pad_left, g.kw, w);
      uint8_t* dst = out + ((image * oh + r) * ow + col) * c;
      for (int64_t c0 = 0; c0 < c; c0 += 64) {
        const int64_t left = c - c0;
        const __mmask64 m = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
        __m512i best = _mm512_setzero_si512();
        for (int64_t i = rows.begin; i < rows.end; ++i)
          for (int64_t j = cols.begin; j < cols.end; ++j) {
            const uint8_t* src = in + ((image * h + i) * w + j) * c + c0;
            best = _mm512_max_epu8(best, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src), flip));
          }
        _mm512_mask_storeu_epi8(dst + c0, m, _mm512_xor_si512(best, flip));
      }
    }
  });
}

#pragma GCC pop_options

}  // namespace qtune::backends::dnnl_backend
