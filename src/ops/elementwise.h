// Elementwise building blocks: numpy broadcasting over collapsed loops, so the inner
// loop is contiguous (or a scalar) and vectorizes. Used by Add/Sub/Mul/Div/Pow/...,
// comparisons and logic ops, one small op file each.
#pragma once

#include <algorithm>
#include <span>
#include <type_traits>
#include <vector>

#include <omp.h>

#include "ops/avx512_byte_vectors.h"
#include "ops/half_float.h"
#include "ops/op_helpers.h"
#include "ops/type_dispatch.h"
#include "util/parallel_for.h"

namespace qtune::ops {

// A broadcast iteration plan: output dims collapsed, with per-input strides (0 = broadcast).
struct BroadcastPlan {
  std::vector<int64_t> dims;                  // collapsed output dims, innermost last
  std::vector<std::vector<int64_t>> strides;  // per input, same length as dims
  int64_t numel = 0;
};
BroadcastPlan plan_broadcast(std::span<const std::vector<int64_t>> input_dims, const std::vector<int64_t>& out_dims);

// Calls row(out_offset, a_offset, b_offset, inner, a_stride, b_stride) for every
// contiguous run of `inner` output elements (strides are 0 or 1 along the run); parallel
// over runs.
template <class Row>
void for_each_broadcast_row(const BroadcastPlan& plan, Row row, int threads) {
  if (plan.numel == 0) return;
  const size_t rank = plan.dims.size();
  const int64_t inner = rank ? plan.dims.back() : 1;
  const int64_t sa = rank ? plan.strides[0].back() : 0, sb = rank ? plan.strides[1].back() : 0;
  const int64_t rows = plan.numel / inner;
  util::parallel_for(rows, threads, rows > 1 && plan.numel > 32768, [&](int64_t r) {
    // Decompose the row index into outer coordinates to find each input's offset.
    int64_t oa = 0, ob = 0, rem = r;
    for (size_t d = rank - 1; d-- > 0;) {
      int64_t c = rem % plan.dims[d];
      rem /= plan.dims[d];
      oa += c * plan.strides[0][d];
      ob += c * plan.strides[1][d];
    }
    row(r * inner, oa, ob, inner, sa, sb);
  });
}

// The contiguous loop of broadcast_binary compiled for AVX-512 (the portable build targets
// baseline x86-64, whose 4-float vectors ran a 38400-element per-channel Mul in 5 us). No
// FMA: a functor that multiplies and adds rounds as in the portable build.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,prefer-vector-width=512")
template <class A, class B, class R, class F>
void contiguous_binary_avx512(const A* pa, const B* pb, R* po, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
}
#pragma GCC pop_options

// out[i] = f(a[...], b[...]) with broadcasting; parallel over outer rows.
template <class A, class B, class R, class F>
void broadcast_binary(const BroadcastPlan& plan, const A* a, const B* b, R* out, F f, int threads) {
  constexpr bool kNumbers = !std::is_same_v<A, bool> && !std::is_same_v<R, bool>;
  const bool wide = kNumbers && avx512::avx512_loops_usable();
  auto row = [&](int64_t out_offset, int64_t oa, int64_t ob, int64_t inner, int64_t sa, int64_t sb) {
    const A* pa = a + oa;
    const B* pb = b + ob;
    R* po = out + out_offset;
    if (sa == 1 && sb == 1) {
      if (wide) return contiguous_binary_avx512(pa, pb, po, inner, f);
      for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i], pb[i]);
    } else if (sa == 1) {
      const B vb = *pb;
      for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i], vb);
    } else if (sb == 1) {
      const A va = *pa;
      for (int64_t i = 0; i < inner; ++i) po[i] = f(va, pb[i]);
    } else {
      const R v = f(*pa, *pb);
      for (int64_t i = 0; i < inner; ++i) po[i] = v;
    }
  };
  for_each_broadcast_row(plan, row, threads);
}

// Type and shape rule of a binary op whose inputs share one type: broadcast shapes;
// output type is `out_type`, or the input type when Undefined.
std::vector<TensorInfo> infer_binary(const ir::Node& node, std::span<const TensorInfo> inputs,
                                     DataType out_type = DataType::Undefined);

inline std::vector<TensorInfo> infer_binary_same_type(const ir::Node& node, std::span<const TensorInfo> inputs) {
  return infer_binary(node, inputs);
}

// A kernel for a same-typed binary op: Fn is a functor with a templated operator()(T, T).
// Family selects the types it accepts (numeric by default; bool-only ops pass Logic).
enum class TypeFamily { Numeric, Float, Logic };

template <class Fn, TypeFamily Family = TypeFamily::Numeric, bool ComparisonToBool = false>
class BinaryKernel final : public Kernel {
 public:
  explicit BinaryKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    // float16/bfloat16 inputs run through the float32 path; mixed types fail below.
    if (Family != TypeFamily::Logic && is_half_type(a.dtype()) && a.dtype() == b.dtype())
      return run_half_via_float(*this, in, out, ctx);
    if (a.dtype() != b.dtype())
      fail(node_, "inputs have different types " + std::string(dtype_name(a.dtype())) + " and " +
                      std::string(dtype_name(b.dtype())));
    std::vector<int64_t> dims_list[2] = {a.dims(), b.dims()};
    auto out_dims = broadcast_dims(node_, dims_list);
    auto plan = plan_broadcast(dims_list, out_dims);
    DataType out_type = ComparisonToBool ? DataType::Bool : a.dtype();
    out[0] = ctx.allocate(0, out_type, out_dims);
    auto body = [&]<class T>() {
      using R = std::conditional_t<ComparisonToBool, bool, T>;
      broadcast_binary(plan, a.data<T>(), b.data<T>(), out[0].data<R>(),
                       [](T x, T y) { return static_cast<R>(Fn{}(x, y)); }, ctx.threads);
    };
    if constexpr (Family == TypeFamily::Logic) {
      if (a.dtype() != DataType::Bool) fail(node_, "expects bool inputs, got " + std::string(dtype_name(a.dtype())));
      body.template operator()<bool>();
    } else if constexpr (Family == TypeFamily::Float) {
      dispatch_float(node_, a.dtype(), body);
    } else {
      dispatch_numeric(node_, a.dtype(), body);
    }
  }

 private:
  const ir::Node& node_;
};

template <class Fn, TypeFamily Family = TypeFamily::Numeric, bool ComparisonToBool = false>
std::unique_ptr<Kernel> make_binary_kernel(const ir::Node& node) {
  return std::make_unique<BinaryKernel<Fn, Family, ComparisonToBool>>(node);
}

// Unary elementwise: out[i] = Fn{}(in[i]) for float inputs (activations, math functions);
// float16/bfloat16 inputs are computed in float32 and rounded back.
template <class Fn>
class UnaryFloatKernel final : public Kernel {
 public:
  explicit UnaryFloatKernel(const ir::Node& node) : node_(node), fn_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    if (is_half_type(x.dtype())) return run_half_via_float(*this, in, out, ctx);
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    const int64_t n = x.numel();
    dispatch_float(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* po = out[0].data<T>();
      util::parallel_for(n, ctx.threads, n > 65536, [&](int64_t i) { po[i] = fn_(px[i]); });
    });
  }

 private:
  const ir::Node& node_;
  Fn fn_;  // constructed from the node, so attributes (alpha, beta) are parsed once
};

template <class Fn>
std::unique_ptr<Kernel> make_unary_float_kernel(const ir::Node& node) {
  return std::make_unique<UnaryFloatKernel<Fn>>(node);
}

// Shape rule for unary ops: same type and shape as input 0.
std::vector<TensorInfo> infer_same_as_input(const ir::Node& node, std::span<const TensorInfo> inputs);

}  // namespace qtune::ops
