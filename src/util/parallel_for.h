// body(i) for every i in [0, n), on up to `threads` OpenMP threads when `parallel` holds
// (the work is big enough to share), else in the calling thread without entering an OpenMP
// region: entering one costs 1.5-2.3 us on the development machine even with one thread or
// a false if() clause, as much as a small operator's whole work (PP-OCR cls runs ~30 such
// operators per image).
#pragma once

#include <cstdint>

namespace qtune::util {

template <class Body>
void parallel_for(int64_t n, int threads, bool parallel, const Body& body) {
  if (threads <= 1 || !parallel || n <= 1) {
    for (int64_t i = 0; i < n; ++i) body(i);
    return;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) body(i);
}

}  // namespace qtune::util
