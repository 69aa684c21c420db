#include "machine_peak.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>

namespace qtune::bench {
namespace {

typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

// 10 independent FMA chains: two FMA units with 4-5 cycles latency stay busy.
__attribute__((target("avx2,fma"), noinline)) float fma_loop_avx2(long iterations, float a, float b) {
  v8f acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = v8f{} + static_cast<float>(i) * 1e-3f;
  const v8f va = v8f{} + a, vb = v8f{} + b;
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < 10; ++i) acc[i] = acc[i] * va + vb;
  float sum = 0;
  for (int i = 0; i < 10; ++i)
    for (int k = 0; k < 8; ++k) sum += acc[i][k];
  return sum;
}

__attribute__((target("avx512f"), noinline)) float fma_loop_avx512(long iterations, float a, float b) {
  v16f acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = v16f{} + static_cast<float>(i) * 1e-3f;
  const v16f va = v16f{} + a, vb = v16f{} + b;
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < 10; ++i) acc[i] = acc[i] * va + vb;
  float sum = 0;
  for (int i = 0; i < 10; ++i)
    for (int k = 0; k < 16; ++k) sum += acc[i][k];
  return sum;
}

// u8 x s8 dot products into int32, as oneDNN's int8 kernels do: VNNI's vpdpbusd (64
// multiply-adds per instruction), or AVX2's vpmaddubsw + vpmaddwd (32 per pair).
__attribute__((target("avx512f,avx512bw,avx512vnni"), noinline)) int dot_loop_vnni(long iterations) {
  __m512i acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < 10; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    alignas(64) int lanes[16];
    _mm512_store_si512(lanes, acc[i]);
    for (int k = 0; k < 16; ++k) sum += lanes[k];
  }
  return sum;
}

__attribute__((target("avx2"), noinline)) int dot_loop_avx2(long iterations) {
  __m256i acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_epi32(i);
  const __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2), ones = _mm256_set1_epi16(1);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < 10; ++i) acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    alignas(32) int lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[i]);
    for (int k = 0; k < 8; ++k) sum += lanes[k];
  }
  return sum;
}

// Best of three runs of `run` (the machine is shared): operations per second / 1e9.
template <class Run>
double best_rate(double ops_per_run, Run run) {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, ops_per_run / seconds / 1e9);
  }
  return best;
}

}  // namespace

double measured_peak_gflops_per_core() {
  static const double peak = [] {
    constexpr long kIterations = 20'000'000;
    __builtin_cpu_init();
    const bool wide = __builtin_cpu_supports("avx512f");
    const int lanes = wide ? 16 : 8;
    return best_rate(2.0 * lanes * 10 * static_cast<double>(kIterations), [&] {
      volatile float sink = wide ? fma_loop_avx512(kIterations, 0.999999f, 1e-7f)
                                 : fma_loop_avx2(kIterations, 0.999999f, 1e-7f);
      (void)sink;
    });
  }();
  return peak;
}

double measured_peak_int8_gops_per_core() {
  static const double peak = [] {
    constexpr long kIterations = 20'000'000;
    __builtin_cpu_init();
    const bool vnni = __builtin_cpu_supports("avx512vnni");
    const int macs = vnni ? 64 : 32;
    return best_rate(2.0 * macs * 10 * static_cast<double>(kIterations), [&] {
      volatile int sink = vnni ? dot_loop_vnni(kIterations) : dot_loop_avx2(kIterations);
      (void)sink;
    });
  }();
  return peak;
}

}  // namespace qtune::bench
