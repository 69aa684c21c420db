#include "backends/dnnl/int8_few_channel_conv.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "util/parallel_for.h"

namespace qtune::backends::dnnl_backend {
namespace {

using ops::avx512::kLanes;
constexpr int64_t kOutChannels = 8;
constexpr int64_t kMaxGroups = 3;    // four-byte groups per kernel row
constexpr int64_t kMaxKernel = 7;
constexpr int64_t kSpanBytes = 128;  // two loads: the input bytes 16 output pixels may read

// Byte 8t + m of output vector `half` (pixels 8 half .. 8 half + 7) is channel m's byte of
// pixel 8 half + t; channel m's 16 bytes sit at 16m of the two 64-byte sources.
alignas(64) constexpr std::array<std::array<uint8_t, 64>, 2> kToNhwc = [] {
  std::array<std::array<uint8_t, 64>, 2> order{};
  for (int half = 0; half < 2; ++half)
    for (int t = 0; t < 8; ++t)
      for (int m = 0; m < kOutChannels; ++m)
        order[static_cast<size_t>(half)][static_cast<size_t>(8 * t + m)] = static_cast<uint8_t>(16 * m + 8 * half + t);
  return order;
}();

}  // namespace

std::unique_ptr<Int8FewChannelConv> Int8FewChannelConv::plan(const FewChannelGeometry& g, const Int8ConvQuant& q,
                                                             const ops::FusedActivation& act, const int8_t* weights,
                                                             const int32_t* int_bias, const float* float_bias) {
  const int64_t row_bytes = g.kw * g.in_channels;
  const int64_t groups = (row_bytes + 3) / 4;
  const bool fits = g.out_channels == kOutChannels && g.in_channels >= 1 && groups <= kMaxGroups && g.kh >= 1 &&
                    g.kh <= kMaxKernel && g.kw >= 1 && g.stride_h >= 1 && g.stride_w >= 1 &&
                    15 * g.stride_w * g.in_channels + 4 * groups <= kSpanBytes && g.pad_top >= 0 &&
                    g.pad_left >= 0 && g.pad_bottom >= 0 && g.pad_right >= 0;
  if (!fits || !int8_epilogue_supports(act) || !cpu_has_avx512_vnni_vbmi()) return nullptr;
  if (q.w_scale.size() != 1 && static_cast<int64_t>(q.w_scale.size()) != kOutChannels) return nullptr;
  std::unique_ptr<Int8FewChannelConv> k(new Int8FewChannelConv());
  k->g_ = g;
  k->act_ = act;
  k->groups_ = groups;
  const int32_t shift = q.x_signed ? 128 : 0;
  k->input_flip_ = q.x_signed ? 0x80 : 0;
  k->pad_value_ = static_cast<uint8_t>(q.x_zero_point + shift);
  k->weights_.assign(static_cast<size_t>(g.kh * groups * kOutChannels), 0);
  k->offset_.assign(kOutChannels, 0);
  std::vector<double> acc_bound(kOutChannels, 0.0);  // |offset| + 255 sum |w|
  for (int64_t m = 0; m < kOutChannels; ++m) {
    int32_t sum = 0;
    double abs_sum = 0.0;
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t b = 0; b < row_bytes; ++b) {
        // Byte b of a kernel row is channel b % C of column b / C (NHWC).
        const int8_t w = weights[((m * g.in_channels + b % g.in_channels) * g.kh + i) * g.kw + b / g.in_channels];
        sum += w;
        abs_sum += std::abs(w);
        auto* four = reinterpret_cast<int8_t*>(&k->weights_[static_cast<size_t>((i * groups + b / 4) * kOutChannels + m)]);
        four[b % 4] = w;
      }
    k->offset_[static_cast<size_t>(m)] = (int_bias ? int_bias[m] : 0) - (q.x_zero_point + shift) * sum;
    acc_bound[static_cast<size_t>(m)] = std::abs(static_cast<double>(k->offset_[static_cast<size_t>(m)])) + 255.0 * abs_sum;
  }
  k->epilogue_ = make_int8_epilogue(q, act, kOutChannels, float_bias, acc_bound);
  return k;
}

void Int8FewChannelConv::run(const void* x, int64_t n, int64_t h, int64_t w, void* y, int64_t oh, int64_t ow,
                             int threads) {
  const int64_t c = g_.in_channels;
  // Padded so that every group of 16 output pixels (the last one past ow) reads inside it.
  const int64_t whole_ow = (ow + kLanes - 1) / kLanes * kLanes;
  const int64_t padded_w = std::max(w + g_.pad_left + g_.pad_right, (whole_ow - 1) * g_.stride_w + g_.kw);
  const int64_t padded_h = std::max(h + g_.pad_top + g_.pad_bottom, (oh - 1) * g_.stride_h + g_.kh);
  const int64_t row_bytes = padded_w * c;
  const auto* xb = static_cast<const uint8_t*>(x);
  auto* yb = static_cast<uint8_t*>(y);
  // Filled with the pad value when the image size changes; the borders keep it after.
  if (padded_for_ != std::make_pair(h, w)) {
    padded_.assign(static_cast<size_t>(padded_h * row_bytes + kSpanBytes), pad_value_);
    padded_for_ = {h, w};
  }
  for (int64_t image = 0; image < n; ++image) {
    // The rows into the padded buffer, shifted (int8 -> uint8); the borders are never written.
    uint8_t* interior = padded_.data() + g_.pad_top * row_bytes + g_.pad_left * c;
    for (int64_t r = 0; r < h; ++r)
      copy_flipped_bytes(xb + (image * h + r) * w * c, interior + r * row_bytes, w * c, input_flip_);
    const int chunks = static_cast<int>(std::clamp<int64_t>(threads, 1, oh));
    util::parallel_for(chunks, chunks, chunks > 1, [&](int64_t t) {
      run_rows(padded_.data(), row_bytes, yb + image * oh * ow * kOutChannels, ow, oh * t / chunks,
               oh * (t + 1) / chunks);
    });
  }
}

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi,fma")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

struct RowsArgs {
  const uint8_t* padded;
  int64_t row_bytes, ow, kh, groups, stride_h, stride_w, in_channels;
  const int32_t* weights;  // [kh][groups][8]
  const int32_t* offset;   // [8]
};

template <ops::FusedActivation::Kind K, Int8Store S>
void few_channel_rows(const RowsArgs& args, const Int8EpilogueParams& params, const ops::FusedActivation& act,
                      uint8_t* y, int64_t row_begin, int64_t row_end) {
  const RowsArgs a = args;  // local: the byte stores may alias anything behind a pointer
  // Per output channel: the epilogue's per-channel constants broadcast to all 16 lanes.
  Int8Epilogue e[kOutChannels];
  for (int64_t m = 0; m < kOutChannels; ++m) {
    Int8Epilogue block = int8_epilogue_block(params, 0);
    const auto mu = static_cast<size_t>(m);
    block.scale = _mm512_set1_ps(params.scale[mu]);
    block.bias = _mm512_set1_ps(params.bias[mu]);
    block.gate_scale = _mm512_set1_ps(params.gate_scale[mu]);
    block.gate_bias = _mm512_set1_ps(params.gate_bias[mu]);
    block.mask = 0xFFFF;
    e[m] = block;
  }
  // Gather of group j for 16 pixels: byte 4t + b is byte 4j + b of pixel t's kernel row.
  alignas(64) uint8_t gather[kMaxGroups][64];
  for (int64_t j = 0; j < a.groups; ++j)
    for (int t = 0; t < kLanes; ++t)
      for (int b = 0; b < 4; ++b) gather[j][4 * t + b] = static_cast<uint8_t>(t * a.stride_w * a.in_channels + 4 * j + b);
  __m512i gather_v[kMaxGroups];
  for (int64_t j = 0; j < a.groups; ++j) gather_v[j] = _mm512_load_si512(gather[j]);
  const __m512i to_nhwc0 = _mm512_load_si512(kToNhwc[0].data()), to_nhwc1 = _mm512_load_si512(kToNhwc[1].data());
  for (int64_t o = row_begin; o < row_end; ++o) {
    for (int64_t x0 = 0; x0 < a.ow; x0 += kLanes) {
      __m512i acc[kOutChannels];
      for (int64_t m = 0; m < kOutChannels; ++m) acc[m] = _mm512_set1_epi32(a.offset[m]);
      for (int64_t i = 0; i < a.kh; ++i) {
        const uint8_t* base = a.padded + (o * a.stride_h + i) * a.row_bytes + x0 * a.stride_w * a.in_channels;
        const __m512i lo = _mm512_loadu_si512(base), hi = _mm512_loadu_si512(base + 64);
        for (int64_t j = 0; j < a.groups; ++j) {
          const __m512i four = _mm512_permutex2var_epi8(lo, gather_v[j], hi);
          const int32_t* wq = a.weights + (i * a.groups + j) * kOutChannels;
          for (int64_t m = 0; m < kOutChannels; ++m)
            acc[m] = _mm512_dpbusd_epi32(acc[m], four, _mm512_set1_epi32(wq[m]));
        }
      }
      __m128i bytes[kOutChannels];
      for (int64_t m = 0; m < kOutChannels; ++m) bytes[m] = int8_epilogue_bytes<K, S>(e[m], act, acc[m]);
      // Channels 0-3 and 4-7, 16 bytes each (insertion lanes are immediates).
      __m512i low4 = _mm512_castsi128_si512(bytes[0]), high4 = _mm512_castsi128_si512(bytes[4]);
      low4 = _mm512_inserti32x4(low4, bytes[1], 1);
      low4 = _mm512_inserti32x4(low4, bytes[2], 2);
      low4 = _mm512_inserti32x4(low4, bytes[3], 3);
      high4 = _mm512_inserti32x4(high4, bytes[5], 1);
      high4 = _mm512_inserti32x4(high4, bytes[6], 2);
      high4 = _mm512_inserti32x4(high4, bytes[7], 3);
      const int64_t valid = std::min<int64_t>(kLanes, a.ow - x0);
      auto byte_mask = [](int64_t pixels) {
        return pixels >= 8 ? ~__mmask64{0} : (__mmask64{1} << (pixels * kOutChannels)) - 1;
      };
      uint8_t* out = y + (o * a.ow + x0) * kOutChannels;
      _mm512_mask_storeu_epi8(out, byte_mask(valid), _mm512_permutex2var_epi8(low4, to_nhwc0, high4));
      if (valid > 8)
        _mm512_mask_storeu_epi8(out + 64, byte_mask(valid - 8), _mm512_permutex2var_epi8(low4, to_nhwc1, high4));
    }
  }
}

}  // namespace

void Int8FewChannelConv::run_rows(const uint8_t* padded, int64_t padded_row_bytes, uint8_t* y, int64_t ow,
                                  int64_t row_begin, int64_t row_end) const {
  const RowsArgs args{padded,    padded_row_bytes, ow,          g_.kh,           groups_, g_.stride_h, g_.stride_w,
                      g_.in_channels, weights_.data(), offset_.data()};
  with_int8_epilogue_kind(epilogue_, act_, [&]<ops::FusedActivation::Kind K, Int8Store S>() {
    few_channel_rows<K, S>(args, epilogue_, act_, y, row_begin, row_end);
  });
}

#pragma GCC diagnostic pop
#pragma GCC pop_options

}  // namespace qtune::backends::dnnl_backend
