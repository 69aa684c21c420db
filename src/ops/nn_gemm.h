// Cache-blocked matrix multiply for the reference kernels (Conv, ConvTranspose, MatMul,
// Gemm, Einsum): C = alpha * A * B + beta * C in float or double. Both operands are
// packed into small panels (MR rows of A, NR columns of B, one K-block at a time) so a
// register-resident micro-kernel does the arithmetic; OpenMP splits C into tiles.
// B comes from a "source" so Conv can pack straight from the image (implicit im2col).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace qtune::ops {

// A strided read-only matrix: element (r, c) is data[r * row_stride + c * col_stride].
// A transposed operand is the same memory with the strides swapped.
template <class T>
struct MatrixView {
  const T* data = nullptr;
  int64_t row_stride = 0;
  int64_t col_stride = 1;
  T at(int64_t r, int64_t c) const { return data[r * row_stride + c * col_stride]; }
  // Writes n consecutive elements of row r starting at column c0 (the B-source interface).
  void load_row(int64_t r, int64_t c0, int64_t n, T* dst) const {
    const T* p = data + r * row_stride + c0 * col_stride;
    if (col_stride == 1) {
      std::memcpy(dst, p, static_cast<size_t>(n) * sizeof(T));
    } else {
      for (int64_t j = 0; j < n; ++j) dst[j] = p[j * col_stride];
    }
  }
};

// Row-major [rows, cols] memory with leading dimension `ld`, optionally read transposed.
template <class T>
MatrixView<T> matrix_view(const T* data, int64_t ld, bool transposed) {
  return transposed ? MatrixView<T>{data, 1, ld} : MatrixView<T>{data, ld, 1};
}

namespace gemm_detail {

template <class T> struct Vec;
template <> struct Vec<float> { typedef float type __attribute__((vector_size(32))); };
template <> struct Vec<double> { typedef double type __attribute__((vector_size(32))); };

constexpr int kMR = 4;                 // rows of A per micro-tile
template <class T>
constexpr int kNR = static_cast<int>(32 / sizeof(T));  // columns per micro-tile: one vector
constexpr int64_t kKC = 256;           // K-block: an A block and a B block stay in L2
constexpr int64_t kMC = 64;            // rows per parallel tile
constexpr int64_t kNC = 128;           // columns per parallel tile
constexpr int64_t kPackedBLimit = int64_t{1} << 21;  // elements of packed B per column chunk

// acc[MR][NR] = sum_k a[k][0..MR) (outer) b[k][0..NR)
template <class T>
inline void micro_kernel(int64_t kc, const T* __restrict a, const T* __restrict b, T* __restrict acc) {
  using V = typename Vec<T>::type;
  V c0{}, c1{}, c2{}, c3{};
  for (int64_t k = 0; k < kc; ++k) {
    V bv;
    std::memcpy(&bv, b + k * kNR<T>, sizeof(V));
    const T* ak = a + k * kMR;
    c0 += ak[0] * bv;
    c1 += ak[1] * bv;
    c2 += ak[2] * bv;
    c3 += ak[3] * bv;
  }
  std::memcpy(acc, &c0, sizeof(V));
  std::memcpy(acc + kNR<T>, &c1, sizeof(V));
  std::memcpy(acc + 2 * kNR<T>, &c2, sizeof(V));
  std::memcpy(acc + 3 * kNR<T>, &c3, sizeof(V));
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};
template <class T>
std::unique_ptr<T[], AlignedFree> aligned_buffer(int64_t n) {
  size_t bytes = (static_cast<size_t>(std::max<int64_t>(n, 1)) * sizeof(T) + 63) / 64 * 64;
  return std::unique_ptr<T[], AlignedFree>(static_cast<T*>(std::aligned_alloc(64, bytes)));
}

}  // namespace gemm_detail

// C[M,N] (row stride ldc) = alpha * A[M,K] * B[K,N] + beta * C; beta == 0 never reads C.
// BSource provides load_row(k, j0, n, dst) for rows of B (MatrixView or an im2col view).
template <class T, class BSource>
void gemm(int64_t M, int64_t N, int64_t K, T alpha, const MatrixView<T>& A, const BSource& B, T beta, T* C,
          int64_t ldc, int threads) {
  using namespace gemm_detail;
  constexpr int MR = kMR, NR = kNR<T>;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : beta * C[i * ldc + j];
    return;
  }
  const int64_t m_panels = (M + MR - 1) / MR;
  // Packed A: per K-block (k0, kc), per MR-panel p, [kc][MR] at k0 * m_panels * MR + p * MR * kc.
  auto a_packed = aligned_buffer<T>(m_panels * MR * K);
  T* ap = a_packed.get();
#pragma omp parallel for num_threads(threads) schedule(static) if (M * K > 65536)
  for (int64_t p = 0; p < m_panels; ++p) {
    for (int64_t k0 = 0; k0 < K; k0 += kKC) {
      const int64_t kc = std::min(kKC, K - k0);
      T* dst = ap + k0 * m_panels * MR + p * MR * kc;
      for (int64_t k = 0; k < kc; ++k)
        for (int r = 0; r < MR; ++r) {
          const int64_t i = p * MR + r;
          dst[k * MR + r] = i < M ? A.at(i, k0 + k) : T(0);
        }
    }
  }
  // B is packed one column chunk at a time so huge N (a Conv's pixels) needs bounded memory.
  const int64_t chunk = std::max<int64_t>(kNC, kPackedBLimit / K / kNC * kNC);
  auto b_packed = aligned_buffer<T>(std::min((N + NR - 1) / NR * NR, chunk) * K);
  T* bp = b_packed.get();
  for (int64_t j_begin = 0; j_begin < N; j_begin += chunk) {
    const int64_t nch = std::min(chunk, N - j_begin);
    const int64_t n_panels = (nch + NR - 1) / NR;
    // Per K-block, per NR-panel q, [kc][NR] at k0 * n_panels * NR + q * NR * kc.
#pragma omp parallel for num_threads(threads) schedule(static) if (nch * K > 65536)
    for (int64_t q = 0; q < n_panels; ++q) {
      const int64_t j0 = j_begin + q * NR;
      const int64_t width = std::min<int64_t>(NR, j_begin + nch - j0);
      for (int64_t k0 = 0; k0 < K; k0 += kKC) {
        const int64_t kc = std::min(kKC, K - k0);
        T* dst = bp + k0 * n_panels * NR + q * NR * kc;
        for (int64_t k = 0; k < kc; ++k) {
          B.load_row(k0 + k, j0, width, dst + k * NR);
          for (int64_t j = width; j < NR; ++j) dst[k * NR + j] = T(0);
        }
      }
    }
    const int64_t tiles_m = (M + kMC - 1) / kMC, tiles_n = (nch + kNC - 1) / kNC;
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (M * nch * K > 32768)
    for (int64_t tile = 0; tile < tiles_m * tiles_n; ++tile) {
      const int64_t i_tile = tile / tiles_n * kMC, j_tile = tile % tiles_n * kNC;
      const int64_t p_end = std::min(m_panels, (i_tile + kMC) / MR), q_end = std::min(n_panels, (j_tile + kNC) / NR);
      alignas(64) T acc[MR * NR];
      for (int64_t k0 = 0; k0 < K; k0 += kKC) {
        const int64_t kc = std::min(kKC, K - k0);
        const bool first = k0 == 0;
        for (int64_t q = j_tile / NR; q < q_end; ++q) {
          const T* bq = bp + k0 * n_panels * NR + q * NR * kc;
          const int64_t j0 = j_begin + q * NR;
          const int64_t width = std::min<int64_t>(NR, N - j0);
          for (int64_t p = i_tile / MR; p < p_end; ++p) {
            micro_kernel<T>(kc, ap + k0 * m_panels * MR + p * MR * kc, bq, acc);
            const int64_t rows = std::min<int64_t>(MR, M - p * MR);
            for (int64_t r = 0; r < rows; ++r) {
              T* c = C + (p * MR + r) * ldc + j0;
              const T* a = acc + r * NR;
              if (!first) {
                for (int64_t j = 0; j < width; ++j) c[j] += alpha * a[j];
              } else if (beta == T(0)) {
                for (int64_t j = 0; j < width; ++j) c[j] = alpha * a[j];
              } else {
                for (int64_t j = 0; j < width; ++j) c[j] = alpha * a[j] + beta * c[j];
              }
            }
          }
        }
      }
    }
  }
}

// Plain triple loop for integer element types (no packing; exact, wrap-around arithmetic
// done in unsigned so overflow is defined): C[M,N] = A[M,K] * B[K,N].
template <class T>
void matmul_integer(int64_t M, int64_t N, int64_t K, const MatrixView<T>& A, const MatrixView<T>& B, T* C,
                    int64_t ldc, int threads) {
  using U = std::make_unsigned_t<T>;
#pragma omp parallel for num_threads(threads) schedule(static) if (M * N * K > 65536)
  for (int64_t i = 0; i < M; ++i) {
    std::vector<U> row(static_cast<size_t>(N), U(0));
    for (int64_t k = 0; k < K; ++k) {
      const U a = static_cast<U>(A.at(i, k));
      for (int64_t j = 0; j < N; ++j) row[static_cast<size_t>(j)] += static_cast<U>(a * static_cast<U>(B.at(k, j)));
    }
    for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = static_cast<T>(row[static_cast<size_t>(j)]);
  }
}

}  // namespace qtune::ops
