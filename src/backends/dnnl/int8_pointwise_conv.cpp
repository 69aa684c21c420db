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
constexpr int64_t kGroupChannels = 8;  // output channels per group of the two-pixels-per-vector path
constexpr int64_t kMaxPairGroups = 5;

// A per-channel array laid out for the paired path: lane l of group g is channel 8g + l % 8
// (a single shared value stays single).
template <class T>
std::vector<T> spread_for_pairs(const T* v, size_t n, int64_t groups) {
  if (n == 1) return {v[0]};
  std::vector<T> out;
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t l = 0; l < kLanes; ++l) out.push_back(v[g * kGroupChannels + l % kGroupChannels]);
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
  // An odd number of 8-channel groups (8, 24, 40) leaves half a 16-lane block empty; two
  // pixels per vector fill it (pair_weights_ then replaces the block layout).
  const int64_t groups = out_channels / kGroupChannels;
  const bool paired = out_channels % kGroupChannels == 0 && groups % 2 == 1 && groups <= kMaxPairGroups;
  if (!paired) k->weights_.assign(static_cast<size_t>(k->blocks_ * k->quads_ * kQuadBytes), 0);
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
      if (!paired) k->weights_[static_cast<size_t>(((block * k->quads_ + c / 4) * kLanes + lane) * 4 + c % 4)] = w;
    }
    k->offset_[static_cast<size_t>(m)] = (int_bias ? int_bias[m] : 0) - (q.x_zero_point + shift) * sum;
    acc_bound[static_cast<size_t>(m)] = std::abs(static_cast<double>(k->offset_[static_cast<size_t>(m)])) + 255.0 * abs_sum;
  }
  k->epilogue_ = make_int8_epilogue(q, act, out_channels, float_bias, acc_bound);
  if (paired) {
    k->pair_groups_ = groups;
    k->pair_weights_.assign(static_cast<size_t>(groups * k->quads_ * kQuadBytes), 0);
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t l = 0; l < kLanes; ++l) {
        const int64_t m = g * kGroupChannels + l % kGroupChannels;
        for (int64_t c = 0; c < in_channels; ++c)
          k->pair_weights_[static_cast<size_t>(((g * k->quads_ + c / 4) * kLanes + l) * 4 + c % 4)] =
              weights[m * in_channels + c];
      }
    k->pair_offset_ = spread_for_pairs(k->offset_.data(), static_cast<size_t>(out_channels), groups);
    Int8ConvQuant pq = q;
    pq.w_scale = spread_for_pairs(q.w_scale.data(), q.w_scale.size(), groups);
    const std::vector<float> pair_bias =
        float_bias ? spread_for_pairs(float_bias, static_cast<size_t>(out_channels), groups) : std::vector<float>();
    k->pair_epilogue_ = make_int8_epilogue(pq, act, groups * kLanes, float_bias ? pair_bias.data() : nullptr,
                                           spread_for_pairs(acc_bound.data(), acc_bound.size(), groups));
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
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

struct TileArgs {
  const uint8_t* x;  // first pixel of the tile, rows of x_stride bytes
  int64_t x_stride, quads;
  const int8_t* weights;  // the first block's [quads][64]; the next blocks follow
  uint32_t flip;          // xor for each four input bytes (0x80808080: int8 read as uint8 + 128)
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
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(a.flip));
  for (int64_t q = 0; q < a.quads; ++q) {
    __m512i w[RM];
#pragma GCC unroll 4
    for (int r = 0; r < RM; ++r) w[r] = _mm512_loadu_si512(a.weights + r * block_bytes + q * kQuadBytes);
#pragma GCC unroll 8
    for (int p = 0; p < RP; ++p) {
      // Shifted after the broadcast: one instruction that loads, broadcasts and flips (a
      // scalar xor before it made a register broadcast: 288 pixels 88 -> 16 channels 2.06
      // -> 1.60 us).
      int32_t four;
      std::memcpy(&four, a.x + p * a.x_stride + 4 * q, sizeof four);
      const __m512i xv = _mm512_xor_si512(_mm512_set1_epi32(four), flip);
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

// Stores one group's 8 channels of a pixel pair: the even pixel's from lanes 0-7 at out,
// the odd one's from lanes 8-15 at out + m (for m = 8 one contiguous store).
template <ops::FusedActivation::Kind K, Int8Store S>
inline void store_pair(const Int8Epilogue& e, const ops::FusedActivation& act, __m512i acc, uint8_t* out, int64_t m) {
  if (m == kGroupChannels) return int8_epilogue_store<K, S>(e, act, acc, out);
  const __m128i bytes = int8_epilogue_bytes<K, S>(e, act, acc);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
  _mm_storeh_pd(reinterpret_cast<double*>(out + m), _mm_castsi128_pd(bytes));
}

// A last odd pixel's 8 channels, from lanes 0-7.
template <ops::FusedActivation::Kind K, Int8Store S>
inline void store_lower(const Int8Epilogue& e, const ops::FusedActivation& act, __m512i acc, uint8_t* out) {
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), int8_epilogue_bytes<K, S>(e, act, acc));
}

// M = 8 G (G odd): pixels two to a vector (lanes 0-7 the even pixel, 8-15 the odd one) for
// G groups of 8 channels, P pairs a step; a last odd pixel alone in the lower lanes.
template <int G, int P, ops::FusedActivation::Kind K, Int8Store S>
void paired_pixels(const TileArgs& args, int64_t pixels, const __m512i* offsets, const Int8Epilogue* epilogues,
                   const ops::FusedActivation& act, uint8_t* y) {
  // Local copies: the byte stores may alias anything behind a pointer, which would reload
  // every constant after each store (8 channels, 2304 pixels: 2.8 instead of 2.0 us).
  const TileArgs a = args;
  __m512i offset[G];
  Int8Epilogue e[G];
  for (int g = 0; g < G; ++g) {
    offset[g] = offsets[g];
    e[g] = epilogues[g];
  }
  constexpr int64_t m = G * kGroupChannels;
  constexpr __mmask16 kUpper = 0xFF00;
  const int64_t group_bytes = a.quads * kQuadBytes;
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(a.flip));
  auto pair_of = [&](const uint8_t* p0, int64_t q, bool odd_alone) {
    int32_t even, odd = 0;
    std::memcpy(&even, p0 + 4 * q, sizeof even);
    if (!odd_alone) std::memcpy(&odd, p0 + a.x_stride + 4 * q, sizeof odd);
    return _mm512_xor_si512(_mm512_mask_set1_epi32(_mm512_set1_epi32(even), kUpper, odd), flip);
  };
  int64_t p = 0;
  for (; p + 2 * P <= pixels; p += 2 * P) {
    __m512i acc[P * G];
#pragma GCC unroll 16
    for (int i = 0; i < P * G; ++i) acc[i] = offset[i % G];
    const uint8_t* x0 = a.x + p * a.x_stride;
    for (int64_t q = 0; q < a.quads; ++q) {
      __m512i xv[P];
#pragma GCC unroll 8
      for (int t = 0; t < P; ++t) xv[t] = pair_of(x0 + 2 * t * a.x_stride, q, false);
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) {
        const __m512i w = _mm512_loadu_si512(a.weights + g * group_bytes + q * kQuadBytes);
#pragma GCC unroll 8
        for (int t = 0; t < P; ++t) acc[t * G + g] = _mm512_dpbusd_epi32(acc[t * G + g], xv[t], w);
      }
    }
#pragma GCC unroll 16
    for (int i = 0; i < P * G; ++i)
      store_pair<K, S>(e[i % G], act, acc[i], y + (p + 2 * (i / G)) * m + (i % G) * kGroupChannels, m);
  }
  for (; p < pixels; p += 2) {
    const uint8_t* x0 = a.x + p * a.x_stride;
    const bool odd_alone = p + 1 == pixels;
    for (int g = 0; g < G; ++g) {
      __m512i acc = offset[g];
      for (int64_t q = 0; q < a.quads; ++q)
        acc = _mm512_dpbusd_epi32(acc, pair_of(x0, q, odd_alone),
                                  _mm512_loadu_si512(a.weights + g * group_bytes + q * kQuadBytes));
      if (odd_alone)
        store_lower<K, S>(e[g], act, acc, y + p * m + g * kGroupChannels);
      else
        store_pair<K, S>(e[g], act, acc, y + p * m + g * kGroupChannels, m);
    }
  }
}

}  // namespace

void Int8PointwiseConv::run_pixels(const uint8_t* x, uint8_t* y, int64_t begin, int64_t end,
                                   std::vector<uint8_t>& scratch) const {
  const int64_t pixels = end - begin;
  if (pixels <= 0) return;
  // int8 inputs are shifted to uint8 by a vector xor after each 32-bit broadcast (tile_sums,
  // paired_pixels; a shifted copy of the input took 5 us of PP-OCR cls's 170). Rows of K
  // not a multiple of 4 are copied, shifted and padded with zeros (their weights are zero).
  const uint32_t flip = input_flip_ * 0x01010101u;
  TileArgs a{x + begin * k_, k_, quads_, weights_.data(), flip};
  if (k_ % 4) {
    const int64_t stride = quads_ * 4;
    if (scratch.size() < static_cast<size_t>(pixels * stride)) scratch.resize(static_cast<size_t>(pixels * stride));
    for (int64_t r = 0; r < pixels; ++r) {
      uint8_t* dst = scratch.data() + r * stride;
      copy_flipped_bytes(a.x + r * k_, dst, k_, input_flip_);
      std::memset(dst + k_, 0, static_cast<size_t>(stride - k_));
    }
    a.x = scratch.data();
    a.x_stride = stride;
    a.flip = 0;
  }
  const ops::FusedActivation act = act_;
  if (pair_groups_ > 0) {
    __m512i offset[kMaxPairGroups];
    Int8Epilogue epilogue[kMaxPairGroups];
    for (int64_t g = 0; g < pair_groups_; ++g) {
      offset[g] = _mm512_loadu_si512(pair_offset_.data() + g * kLanes);
      epilogue[g] = int8_epilogue_block(pair_epilogue_, g * kLanes);
    }
    TileArgs pa = a;
    pa.weights = pair_weights_.data();
    with_int8_epilogue_kind(pair_epilogue_, act, [&]<ops::FusedActivation::Kind K, Int8Store S>() {
      if (pair_groups_ == 1) return paired_pixels<1, 4, K, S>(pa, pixels, offset, epilogue, act, y + begin * m_);
      if (pair_groups_ == 3) return paired_pixels<3, 2, K, S>(pa, pixels, offset, epilogue, act, y + begin * m_);
      return paired_pixels<5, 2, K, S>(pa, pixels, offset, epilogue, act, y + begin * m_);
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
