#include "backends/dnnl/int8_pointwise_conv.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "util/parallel_for.h"

namespace qtune::backends::dnnl_backend {
namespace {

using ops::avx512::kLanes;
constexpr int64_t kQuadBytes = 64;   // 16 output channels x 4 input channels
constexpr int kTilePixels = 6;       // 6 x 4 accumulators + 4 weights + 1 broadcast of 32 registers
constexpr int kMaxTileBlocks = 4;
constexpr int64_t kPairedChannels = 8;  // output channels of the two-pixels-per-vector path
constexpr int kPairsPerStep = 4;

// Lanes 8-15 repeat lanes 0-7 of a per-channel array of 8 (or one shared value).
template <class T>
std::vector<T> repeated_for_pairs(const T* v, size_t n) {
  std::vector<T> out(v, v + n);
  if (n == kPairedChannels) out.insert(out.end(), v, v + n);
  return out;
}

}  // namespace

std::unique_ptr<Int8PointwiseConv> Int8PointwiseConv::plan(int64_t in_channels, int64_t out_channels,
                                                           const Int8ConvQuant& q, const ops::FusedActivation& act,
                                                           const int8_t* weights, const int32_t* int_bias,
                                                           const float* float_bias) {
  if (in_channels <= 0 || out_channels <= 0 || !int8_epilogue_supports(act) || !cpu_has_avx512_vnni_vbmi())
    return nullptr;
  if (q.w_scale.size() != 1 && static_cast<int64_t>(q.w_scale.size()) != out_channels) return nullptr;
  std::unique_ptr<Int8PointwiseConv> k(new Int8PointwiseConv());
  k->k_ = in_channels;
  k->m_ = out_channels;
  k->quads_ = (in_channels + 3) / 4;
  k->blocks_ = (out_channels + kLanes - 1) / kLanes;
  k->act_ = act;
  const int32_t shift = q.x_signed ? 128 : 0;
  k->input_flip_ = q.x_signed ? 0x80 : 0;
  const int64_t padded = k->blocks_ * kLanes;
  k->weights_.assign(static_cast<size_t>(k->blocks_ * k->quads_ * kQuadBytes), 0);
  k->offset_.assign(static_cast<size_t>(padded), 0);
  std::vector<double> acc_bound(static_cast<size_t>(out_channels), 0.0);  // |offset| + 255 sum |w|
  for (int64_t m = 0; m < out_channels; ++m) {
    const int64_t block = m / kLanes, lane = m % kLanes;
    int32_t sum = 0;
    double abs_sum = 0.0;
    for (int64_t c = 0; c < in_channels; ++c) {
      const int8_t w = weights[m * in_channels + c];
      sum += w;
      abs_sum += std::abs(w);
      k->weights_[static_cast<size_t>(((block * k->quads_ + c / 4) * kLanes + lane) * 4 + c % 4)] = w;
    }
    k->offset_[static_cast<size_t>(m)] = (int_bias ? int_bias[m] : 0) - (q.x_zero_point + shift) * sum;
    acc_bound[static_cast<size_t>(m)] = std::abs(static_cast<double>(k->offset_[static_cast<size_t>(m)])) + 255.0 * abs_sum;
  }
  k->epilogue_ = make_int8_epilogue(q, act, out_channels, float_bias, acc_bound);
  if (out_channels == kPairedChannels) {
    k->paired_ = true;
    for (int64_t quad = 0; quad < k->quads_; ++quad)
      std::memcpy(k->weights_.data() + quad * kQuadBytes + kQuadBytes / 2, k->weights_.data() + quad * kQuadBytes,
                  kQuadBytes / 2);
    std::copy_n(k->offset_.begin(), kPairedChannels, k->offset_.begin() + kPairedChannels);
    Int8ConvQuant pq = q;
    pq.w_scale = repeated_for_pairs(q.w_scale.data(), q.w_scale.size());
    const std::vector<float> pair_bias =
        float_bias ? repeated_for_pairs(float_bias, kPairedChannels) : std::vector<float>();
    k->pair_epilogue_ = make_int8_epilogue(pq, act, 2 * kPairedChannels, float_bias ? pair_bias.data() : nullptr,
                                           repeated_for_pairs(acc_bound.data(), acc_bound.size()));
  }
  return k;
}

void Int8PointwiseConv::run(const void* x, int64_t pixels, void* y, int threads) {
  threads = static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(1, pixels / kTilePixels)));
  if (static_cast<int>(scratch_.size()) < threads) scratch_.resize(static_cast<size_t>(threads));
  const auto* xb = static_cast<const uint8_t*>(x);
  auto* yb = static_cast<uint8_t*>(y);
  util::parallel_for(threads, threads, threads > 1, [&](int64_t t) {
    run_pixels(xb, yb, pixels * t / threads, pixels * (t + 1) / threads,
               scratch_[static_cast<size_t>(omp_get_thread_num())]);
  });
}

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni,fma")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

struct TileArgs {
  const uint8_t* x;  // first pixel of the tile, rows of x_stride bytes
  int64_t x_stride, quads;
  const int8_t* weights;  // the first block's [quads][64]; the next blocks follow
};

// The int32 sums of RP pixels by RM 16-channel blocks, starting from the blocks' offsets,
// stored to sums[p][r][16]. The requantization runs apart from this loop (epilogue_tile):
// inlined here, its activation code made GCC 12 keep the accumulators in memory (measured
// 11-15 us instead of 6-8 for 192 pixels, 32 -> 200 channels).
template <int RP, int RM>
void tile_sums(const TileArgs& a, const __m512i (&offset)[kMaxTileBlocks], int32_t* sums) {
  __m512i acc[RP * RM];
#pragma GCC unroll 32
  for (int i = 0; i < RP * RM; ++i) acc[i] = offset[i % RM];
  const int64_t block_bytes = a.quads * kQuadBytes;
  for (int64_t q = 0; q < a.quads; ++q) {
    __m512i w[RM];
#pragma GCC unroll 4
    for (int r = 0; r < RM; ++r) w[r] = _mm512_loadu_si512(a.weights + r * block_bytes + q * kQuadBytes);
#pragma GCC unroll 8
    for (int p = 0; p < RP; ++p) {
      int32_t four;
      std::memcpy(&four, a.x + p * a.x_stride + 4 * q, sizeof four);
      const __m512i xv = _mm512_set1_epi32(four);
#pragma GCC unroll 4
      for (int r = 0; r < RM; ++r) acc[p * RM + r] = _mm512_dpbusd_epi32(acc[p * RM + r], xv, w[r]);
    }
  }
#pragma GCC unroll 32
  for (int i = 0; i < RP * RM; ++i) _mm512_store_si512(sums + i * kLanes, acc[i]);
}

template <ops::FusedActivation::Kind K, Int8Store S>
void epilogue_tile(const int32_t* sums, int rp, int rm, const Int8Epilogue* epilogue, const ops::FusedActivation& act,
                   uint8_t* y, int64_t m) {
  for (int p = 0; p < rp; ++p)
    for (int r = 0; r < rm; ++r)
      int8_epilogue_store<K, S>(epilogue[r], act, _mm512_load_si512(sums + (p * rm + r) * kLanes),
                                     y + p * m + r * kLanes);
}

// All pixels for RM blocks: tiles of kTilePixels, then single pixels.
template <int RM, ops::FusedActivation::Kind K, Int8Store S>
void block_group(TileArgs a, int64_t pixels, const __m512i (&offset)[kMaxTileBlocks],
                 const Int8Epilogue (&epilogue)[kMaxTileBlocks], const ops::FusedActivation& act, uint8_t* y,
                 int64_t m) {
  alignas(64) int32_t sums[kTilePixels * kMaxTileBlocks * kLanes];
  int64_t p = 0;
  for (; p + kTilePixels <= pixels; p += kTilePixels) {
    tile_sums<kTilePixels, RM>(a, offset, sums);
    epilogue_tile<K, S>(sums, kTilePixels, RM, epilogue, act, y, m);
    a.x += kTilePixels * a.x_stride;
    y += kTilePixels * m;
  }
  for (; p < pixels; ++p) {
    tile_sums<1, RM>(a, offset, sums);
    epilogue_tile<K, S>(sums, 1, RM, epilogue, act, y, m);
    a.x += a.x_stride;
    y += m;
  }
}

// M = 8: pixels two to a vector (lanes 0-7 the even pixel, 8-15 the odd one), four pairs
// a step; a last odd pixel alone in the lower lanes.
template <ops::FusedActivation::Kind K, Int8Store S>
void paired_pixels(const TileArgs& args, int64_t pixels, __m512i offset, Int8Epilogue e,
                   const ops::FusedActivation& act, uint8_t* y) {
  const TileArgs a = args;  // local: the byte stores may alias anything behind a pointer
  constexpr __mmask16 kUpper = 0xFF00;
  auto pair_of = [&](const uint8_t* p0, int64_t q) {
    int32_t even, odd;
    std::memcpy(&even, p0 + 4 * q, sizeof even);
    std::memcpy(&odd, p0 + a.x_stride + 4 * q, sizeof odd);
    return _mm512_mask_set1_epi32(_mm512_set1_epi32(even), kUpper, odd);
  };
  int64_t p = 0;
  for (; p + 2 * kPairsPerStep <= pixels; p += 2 * kPairsPerStep) {
    __m512i acc[kPairsPerStep];
    for (int t = 0; t < kPairsPerStep; ++t) acc[t] = offset;
    const uint8_t* x0 = a.x + p * a.x_stride;
    for (int64_t q = 0; q < a.quads; ++q) {
      const __m512i w = _mm512_loadu_si512(a.weights + q * kQuadBytes);
      for (int t = 0; t < kPairsPerStep; ++t)
        acc[t] = _mm512_dpbusd_epi32(acc[t], pair_of(x0 + 2 * t * a.x_stride, q), w);
    }
    for (int t = 0; t < kPairsPerStep; ++t)
      int8_epilogue_store<K, S>(e, act, acc[t], y + (p + 2 * t) * kPairedChannels);
  }
  for (; p < pixels; p += 2) {
    const uint8_t* x0 = a.x + p * a.x_stride;
    const bool odd_alone = p + 1 == pixels;
    __m512i acc = offset;
    for (int64_t q = 0; q < a.quads; ++q) {
      int32_t even;
      std::memcpy(&even, x0 + 4 * q, sizeof even);
      const __m512i xv = odd_alone ? _mm512_set1_epi32(even) : pair_of(x0, q);
      acc = _mm512_dpbusd_epi32(acc, xv, _mm512_loadu_si512(a.weights + q * kQuadBytes));
    }
    if (odd_alone) e.mask = 0x00FF;
    int8_epilogue_store<K, S>(e, act, acc, y + p * kPairedChannels);
  }
}

}  // namespace

void Int8PointwiseConv::run_pixels(const uint8_t* x, uint8_t* y, int64_t begin, int64_t end,
                                   std::vector<uint8_t>& scratch) const {
  const int64_t pixels = end - begin;
  if (pixels <= 0) return;
  TileArgs a{x + begin * k_, k_, quads_, weights_.data()};
  // int8 inputs are shifted to uint8 in a copy, whose rows are padded with zeros to a
  // multiple of 4 channels (their weights are zero).
  if (input_flip_ || k_ % 4) {
    const int64_t stride = quads_ * 4;
    if (scratch.size() < static_cast<size_t>(pixels * stride)) scratch.resize(static_cast<size_t>(pixels * stride));
    // Unpadded rows are one run of bytes; padded ones are copied row by row.
    const int64_t runs = stride == k_ ? 1 : pixels, run = stride == k_ ? pixels * k_ : k_;
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(input_flip_));
    for (int64_t r = 0; r < runs; ++r) {
      const uint8_t* src = a.x + r * k_;
      uint8_t* dst = scratch.data() + r * stride;
      for (int64_t c = 0; c < run; c += 64) {
        const int64_t left = run - c;
        const __mmask64 m = left >= 64 ? ~0ULL : (1ULL << left) - 1;
        _mm512_mask_storeu_epi8(dst + c, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + c), flip));
      }
      if (stride != k_) std::memset(dst + k_, 0, static_cast<size_t>(stride - k_));
    }
    a.x = scratch.data();
    a.x_stride = stride;
  }
  const ops::FusedActivation act = act_;
  if (paired_) {
    const __m512i offset = _mm512_loadu_si512(offset_.data());
    const Int8Epilogue epilogue = int8_epilogue_block(pair_epilogue_, 0);
    with_int8_epilogue_kind(pair_epilogue_, act, [&]<ops::FusedActivation::Kind K, Int8Store S>() {
      paired_pixels<K, S>(a, pixels, offset, epilogue, act, y + begin * m_);
    });
    return;
  }
  for (int64_t b0 = 0; b0 < blocks_; b0 += kMaxTileBlocks) {
    const int rm = static_cast<int>(std::min<int64_t>(kMaxTileBlocks, blocks_ - b0));
    __m512i offset[kMaxTileBlocks];
    Int8Epilogue epilogue[kMaxTileBlocks];
    for (int r = 0; r < rm; ++r) {
      const int64_t c0 = (b0 + r) * kLanes;
      offset[r] = _mm512_loadu_si512(offset_.data() + c0);
      epilogue[r] = int8_epilogue_block(epilogue_, c0);
    }
    TileArgs g = a;
    g.weights = weights_.data() + b0 * quads_ * kQuadBytes;
    uint8_t* y_group = y + begin * m_ + b0 * kLanes;
    with_int8_epilogue_kind(epilogue_, act, [&]<ops::FusedActivation::Kind K, Int8Store S>() {
      switch (rm) {
        case 1: return block_group<1, K, S>(g, pixels, offset, epilogue, act, y_group, m_);
        case 2: return block_group<2, K, S>(g, pixels, offset, epilogue, act, y_group, m_);
        case 3: return block_group<3, K, S>(g, pixels, offset, epilogue, act, y_group, m_);
        default: return block_group<4, K, S>(g, pixels, offset, epilogue, act, y_group, m_);
      }
    });
  }
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

}  // namespace qtune::backends::dnnl_backend
