// Helpers for ops that only move elements (Slice, Expand, Tile, Gather, Split, Pad...):
// type dispatch by element size (plus strings), typed element pointers, and a strided
// gather that collapses contiguous axes so the inner loop is a plain copy.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>

#include "ops/type_dispatch.h"
#include "util/parallel_for.h"

namespace qtune::ops {

// Like dispatch_by_size, but strings are moved as std::string.
template <class Fn>
void dispatch_movable(const ir::Node& node, DataType type, Fn&& fn) {
  if (type == DataType::String) fn.template operator()<std::string>();
  else dispatch_by_size(node, type, fn);
}

template <class T>
const T* elements(const Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>) return t.string_data().data();
  else return static_cast<const T*>(t.raw());
}

template <class T>
T* elements(Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>) return t.string_data().data();
  else return static_cast<T*>(t.raw());
}

// out (contiguous, shape `dims`) [i0, ..., ik] = in[base + sum_j i_j * strides[j]].
// Strides may be 0 (broadcast) or negative (reversed slices).
template <class T>
void copy_strided(const T* in, int64_t base, std::span<const int64_t> dims, std::span<const int64_t> strides, T* out,
                  int threads) {
  int64_t numel = 1;
  for (int64_t d : dims) numel *= d;
  if (numel == 0) return;
  // Drop size-1 axes and merge axis i into its predecessor when they walk memory as one.
  std::vector<int64_t> d, s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 1) continue;
    if (!d.empty() && s.back() == strides[i] * dims[i]) {
      d.back() *= dims[i];
      s.back() = strides[i];
    } else {
      d.push_back(dims[i]);
      s.push_back(strides[i]);
    }
  }
  if (d.empty()) {
    out[0] = in[base];
    return;
  }
  const size_t rank = d.size();
  const int64_t inner = d.back(), inner_stride = s.back(), rows = numel / inner;
  util::parallel_for(rows, threads, rows > 1 && numel > 32768, [&](int64_t row) {
    int64_t offset = base, rem = row;
    for (size_t a = rank - 1; a-- > 0;) {
      offset += (rem % d[a]) * s[a];
      rem /= d[a];
    }
    const T* src = in + offset;
    T* dst = out + row * inner;
    if (inner_stride == 1) std::copy_n(src, inner, dst);
    else for (int64_t i = 0; i < inner; ++i) dst[i] = src[i * inner_stride];
  });
}

// out.dims[i] = x.dims[perm[i]] (Transpose's kernel; also used by the channels-last ops).
// The result comes from ctx.allocate(output_index, ...); errors name `node`.
Tensor transpose_tensor(const ir::Node& node, const Tensor& x, const std::vector<int64_t>& perm, int output_index,
                        KernelContext& ctx);

}  // namespace qtune::ops
