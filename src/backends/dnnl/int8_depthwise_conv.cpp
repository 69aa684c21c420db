#include "backends/dnnl/int8_depthwise_conv.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "util/parallel_for.h"


namespace qtune::backends::dnnl_backend {
namespace {

using ops::avx512::kLanes;
using ops::avx512::lanes;
constexpr int64_t kQuadBytes = 64;  // 16 channels x 4 taps
constexpr int64_t kPixelsPerStep = 4;
constexpr int64_t kMaxKernel = 7;  // rows; columns up to 8 (two quads)



}  // namespace

std::unique_ptr<Int8DepthwiseConv> Int8DepthwiseConv::plan(const DepthwiseGeometry& g, const Int8ConvQuant& q,
                                                           const ops::FusedActivation& act, const int8_t* weights,
                                                           const int32_t* int_bias, const float* float_bias) {
  const bool sizes_fit = g.kh >= 1 && g.kh <= kMaxKernel && g.kw >= 1 && g.kw <= 8;
  if (!sizes_fit || g.channels <= 0 || g.stride_h < 1 || g.stride_w < 1 || g.pad_top < 0 || g.pad_left < 0 ||
      !int8_epilogue_supports(act) || !cpu_has_avx512_vnni_vbmi())
    return nullptr;
  if (q.w_scale.size() != 1 && static_cast<int64_t>(q.w_scale.size()) != g.channels) return nullptr;
  std::unique_ptr<Int8DepthwiseConv> k(new Int8DepthwiseConv());
  k->g_ = g;
  k->act_ = act;
  k->blocks_ = (g.channels + kLanes - 1) / kLanes;
  k->quads_ = (g.kw + 3) / 4;
  const int32_t shift = q.x_signed ? 128 : 0;
  k->input_flip_ = q.x_signed ? 0x80 : 0;
  k->pad_value_ = static_cast<uint8_t>(q.x_zero_point + shift);
  const int64_t padded = k->blocks_ * kLanes;
  k->weights_.assign(static_cast<size_t>(k->blocks_ * g.kh * k->quads_ * kQuadBytes), 0);
  k->offset_.assign(static_cast<size_t>((g.kh + 1) * padded), 0);
  std::vector<double> acc_bound(static_cast<size_t>(g.channels), 0.0);  // |bias| + sum |row offsets| + 255 sum |w|
  for (int64_t c = 0; c < g.channels; ++c) {
    const int64_t block = c / kLanes, lane = c % kLanes;
    double abs_sum = 0.0;
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) {
        const int8_t w = weights[(c * g.kh + i) * g.kw + j];
        abs_sum += std::abs(w);
        k->offset_[static_cast<size_t>((i + 1) * padded + c)] -= (q.x_zero_point + shift) * w;
        const int64_t quad = j / 4, tap = j % 4;
        k->weights_[static_cast<size_t>((((block * g.kh + i) * k->quads_ + quad) * kLanes + lane) * 4 + tap)] = w;
      }
    k->offset_[static_cast<size_t>(c)] = int_bias ? int_bias[c] : 0;
    double bound = 255.0 * abs_sum;
    for (int64_t i = 0; i <= g.kh; ++i) bound += std::abs(static_cast<double>(k->offset_[static_cast<size_t>(i * padded + c)]));
    acc_bound[static_cast<size_t>(c)] = bound;
  }
  k->epilogue_ = make_int8_epilogue(q, act, g.channels, float_bias, acc_bound);
  return k;
}

void Int8DepthwiseConv::run(const void* x, int64_t n, int64_t h, int64_t w, void* y, int64_t oh, int64_t ow,
                            int threads) {
  threads = std::max(threads, 1);
  // Row chunks per image so that every thread has work even for one image; each chunk
  // rewrites the few input rows it shares with its neighbour.
  const int64_t chunks = threads > 1 ? std::min<int64_t>(oh, (threads + n - 1) / n) : 1;
  const int64_t tasks = n * chunks;
  if (static_cast<int>(scratch_.size()) < threads) scratch_.resize(static_cast<size_t>(threads));
  const auto* xb = static_cast<const uint8_t*>(x);
  auto* yb = static_cast<uint8_t*>(y);
  const int64_t c = g_.channels;
  auto task = [&](int64_t t, std::vector<uint8_t>& scratch) {
    const int64_t image = t / chunks, chunk = t % chunks;
    const int64_t begin = oh * chunk / chunks, end = oh * (chunk + 1) / chunks;
    run_image_rows(xb + image * h * w * c, h, w, yb + image * oh * ow * c, ow, begin, end, scratch);
  };
  util::parallel_for(tasks, threads, threads > 1,
                     [&](int64_t t) { task(t, scratch_[static_cast<size_t>(omp_get_thread_num())]); });
}

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi,fma")
// GCC 12 reports the deliberately undefined vectors inside its own intrinsic headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

// Quad k of four consecutive pixels p0..p3 followed by p4..p7 (two vectors of four 16-byte
// pixels): byte 4c + t is channel c of pixel k + t, i.e. byte 16(k + t) + c of the pair.
alignas(64) constexpr std::array<std::array<uint8_t, kQuadBytes>, 4> kQuadFromPair = [] {
  std::array<std::array<uint8_t, kQuadBytes>, 4> order{};
  for (int k = 0; k < 4; ++k)
    for (int c = 0; c < kLanes; ++c)
      for (int t = 0; t < 4; ++t) order[k][static_cast<size_t>(4 * c + t)] = static_cast<uint8_t>(16 * (k + t) + c);
  return order;
}();

// Four padded pixels (columns j..j+3 of the padded row) of one 16-channel block, shifted.
// Groups inside the image load without a check per pixel (with them, the branches were
// half of the row builder's instructions).
inline __m512i four_pixels(const uint8_t* src_row, int64_t j, int64_t w, int64_t channels, int64_t pad_left,
                           __mmask16 m, __m128i raw_pad, __m512i flip) {
  const int64_t col0 = j - pad_left;
  __m128i p[4];
  if (col0 >= 0 && col0 + 3 < w) {
    const uint8_t* first = src_row + col0 * channels;
    for (int t = 0; t < 4; ++t) p[t] = _mm_maskz_loadu_epi8(m, first + t * channels);
  } else {
    for (int t = 0; t < 4; ++t) {
      const int64_t col = col0 + t;
      p[t] = col >= 0 && col < w ? _mm_maskz_loadu_epi8(m, src_row + col * channels) : raw_pad;
    }
  }
  // The lane index of an insertion must be an immediate (unoptimized builds keep loops).
  __m512i v = _mm512_castsi128_si512(p[0]);
  v = _mm512_inserti32x4(v, p[1], 1);
  v = _mm512_inserti32x4(v, p[2], 2);
  v = _mm512_inserti32x4(v, p[3], 3);
  return _mm512_xor_si512(v, flip);
}

// One input row of the image, padded left and right, as the quads [j][64 bytes] of one
// 16-channel block (quad_width rounded up to 4: the builder writes whole groups of four).
// Two vectors of four pixels and one two-source byte permutation make a quad: 4 loads and
// 4 permutations per 4 quads (was: each pixel copied to a block-major row, then each quad
// loaded and permuted from it). With the saturating store and block_row's fixed offsets:
// 200 channels, 5x5, 2x96 pixels, HardSwish, best of 30: 9.1 -> 6.9 us.
void build_quad_row(const uint8_t* x, int64_t row, int64_t w, int64_t channels, int64_t pad_left, uint8_t flip,
                    uint8_t pad, int64_t block, int64_t quad_width, uint8_t* out) {
  const __m512i flip_v = _mm512_set1_epi8(static_cast<char>(flip));
  const __m128i raw_pad = _mm_set1_epi8(static_cast<char>(pad ^ flip));  // the flip turns it into pad
  __m512i order[4];
  for (int k = 0; k < 4; ++k) order[k] = _mm512_load_si512(kQuadFromPair[static_cast<size_t>(k)].data());
  const __mmask16 m = lanes(channels - block * kLanes);
  const uint8_t* src = x + row * w * channels + block * kLanes;
  __m512i next = four_pixels(src, 0, w, channels, pad_left, m, raw_pad, flip_v);
  for (int64_t j = 0; j < quad_width; j += 4) {
    const __m512i here = next;
    next = four_pixels(src, j + 4, w, channels, pad_left, m, raw_pad, flip_v);
    for (int k = 0; k < 4; ++k)
      _mm512_store_si512(out + (j + k) * kQuadBytes, _mm512_permutex2var_epi8(here, order[k], next));
  }
}

struct RowArgs {
  const uint8_t* const* quad_rows;  // kh rows of this block (only [first_row, end_row) set), each [j][64]
  int64_t first_row, end_row;       // the kernel rows over the image; the others read padding only
  int64_t stride_w, ow, channels;
  const int8_t* weights;  // this block's [kh][quads][64]
  const int32_t* offset;  // [kh + 1][channels]: the int32 bias, then per kernel row -pad * sum w
  const Int8EpilogueParams* epilogue;
  const ops::FusedActivation* act;
};

// One output row of one 16-channel block, four pixels a step, NQ quads per kernel row.
// Kernel rows over the padding are skipped: their taps read the pad value, whose products
// the per-row offsets would cancel.
template <int NQ, ops::FusedActivation::Kind K, Int8Store S>
void block_row(const RowArgs& args, int64_t block, uint8_t* y_row) {
  // Local copies: the byte stores below may alias anything reached through a pointer, which
  // would make the compiler reload every parameter after each store.
  const RowArgs a = args;
  const ops::FusedActivation act = *args.act;
  const int64_t c0 = block * kLanes, padded_c = (a.channels + kLanes - 1) / kLanes * kLanes;
  __m512i offset = _mm512_loadu_si512(a.offset + c0);
  for (int64_t i = a.first_row; i < a.end_row; ++i)
    offset = _mm512_add_epi32(offset, _mm512_loadu_si512(a.offset + (i + 1) * padded_c + c0));
  const Int8Epilogue epilogue = int8_epilogue_block(*a.epilogue, c0);
  const int64_t step = a.stride_w * kQuadBytes;  // from one output pixel's quads to the next
  alignas(64) uint8_t sink[kLanes];  // the stores of pixels past the row's end
  for (int64_t x0 = 0; x0 < a.ow; x0 += kPixelsPerStep) {
    __m512i acc[kPixelsPerStep];
    for (int64_t p = 0; p < kPixelsPerStep; ++p) acc[p] = offset;
    const int64_t first = x0 * a.stride_w * kQuadBytes;
    for (int64_t i = a.first_row; i < a.end_row; ++i) {
      const uint8_t* row = a.quad_rows[i] + first;
      for (int q = 0; q < NQ; ++q) {
        const __m512i w = _mm512_loadu_si512(a.weights + (i * NQ + q) * kQuadBytes);
        for (int64_t p = 0; p < kPixelsPerStep; ++p)
          acc[p] = _mm512_dpbusd_epi32(acc[p], _mm512_load_si512(row + p * step + 4 * q * kQuadBytes), w);
      }
    }
    // Always four stores (the pixels past the end into the sink; the quad rows are wide
    // enough to compute them): a constant count keeps the accumulators in registers.
    for (int64_t p = 0; p < kPixelsPerStep; ++p)
      int8_epilogue_store<K, S>(epilogue, act, acc[p], x0 + p < a.ow ? y_row + (x0 + p) * a.channels + c0 : sink);
  }
}

}  // namespace

void Int8DepthwiseConv::run_image_rows(const uint8_t* x, int64_t h, int64_t w, uint8_t* y, int64_t ow,
                                       int64_t row_begin, int64_t row_end, std::vector<uint8_t>& scratch) const {
  // Quads for whole steps of four output pixels (block_row computes the last step whole).
  const int64_t steps_ow = (ow + kPixelsPerStep - 1) / kPixelsPerStep * kPixelsPerStep;
  const int64_t quad_width = (steps_ow - 1) * g_.stride_w + 4 * (quads_ - 1) + 1;
  const int64_t block_quads = (quad_width + 3) / 4 * 4;
  const int64_t row_bytes = block_quads * kQuadBytes;
  // One block at a time over all its rows: its quad rows (kh at most) stay in the L1 cache
  // (all blocks' rows at once, 200 channels x 100 quads, took 83 KB a row).
  // The quad rows start on 64-byte boundaries (rows are whole quads): a quad read or
  // written across two cache lines costs two accesses (3x96 pixels, 88 channels, 5x5,
  // HardSwish: 8.7 -> 7.0 us; 104 channels, no activation: 10.2 -> 7.9 us).
  const size_t need = static_cast<size_t>(kQuadBytes + g_.kh * row_bytes);
  if (scratch.size() < need) scratch.resize(need);
  const auto base = reinterpret_cast<uintptr_t>(scratch.data());
  uint8_t* ring = scratch.data() + (kQuadBytes - base % kQuadBytes) % kQuadBytes;
  const uint8_t* quad_rows[kMaxKernel] = {};
  for (int64_t b = 0; b < blocks_; ++b) {
    const int8_t* block_weights = weights_.data() + b * g_.kh * quads_ * kQuadBytes;
    int64_t next_row = 0;  // padded rows below it are in the ring (or never needed)
    for (int64_t o = row_begin; o < row_end; ++o) {
      const int64_t first = o * g_.stride_h;  // padded row of kernel row 0
      const int64_t first_row = std::clamp<int64_t>(g_.pad_top - first, 0, g_.kh);
      const int64_t end_row = std::clamp<int64_t>(h + g_.pad_top - first, first_row, g_.kh);
      for (int64_t r = std::max(first + first_row, next_row); r < first + end_row; ++r)
        build_quad_row(x, r - g_.pad_top, w, g_.channels, g_.pad_left, input_flip_, pad_value_, b, quad_width,
                       ring + (r % g_.kh) * row_bytes);
      next_row = std::max(next_row, first + end_row);
      for (int64_t i = first_row; i < end_row; ++i) quad_rows[i] = ring + ((first + i) % g_.kh) * row_bytes;
      const RowArgs row_args{quad_rows,   first_row,     end_row,    g_.stride_w, ow,
                             g_.channels, block_weights, offset_.data(), &epilogue_, &act_};
      with_int8_epilogue_kind(epilogue_, act_, [&]<ops::FusedActivation::Kind K, Int8Store S>() {
        if (quads_ == 1)
          block_row<1, K, S>(row_args, b, y + o * ow * g_.channels);
        else
          block_row<2, K, S>(row_args, b, y + o * ow * g_.channels);
      });
    }
  }
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

}  // namespace qtune::backends::dnnl_backend
