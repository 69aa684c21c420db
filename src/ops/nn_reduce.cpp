#include "ops/nn_reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/type_dispatch.h"
#include "util/parallel_for.h"

namespace qtune::ops {

std::optional<std::vector<int>> reduce_axes(const ir::Node& node, int rank, const Tensor* axes_input) {
  std::vector<int64_t> raw = axes_input ? to_int64s(node, *axes_input, "axes") : node.attr_ints("axes", {});
  if (raw.empty()) {
    if (node.attr_int("noop_with_empty_axes", 0) != 0) return std::nullopt;
    std::vector<int> all(static_cast<size_t>(rank));
    for (int i = 0; i < rank; ++i) all[static_cast<size_t>(i)] = i;
    return all;
  }
  std::vector<int> axes;
  for (int64_t a : raw) axes.push_back(normalize_axis(node, a, rank));
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) fail(node, "axes lists an axis twice");
  return axes;
}

std::vector<TensorInfo> infer_reduce(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 2);
  expect_type(node, inputs, 0, {});
  if (is_present(inputs, 1)) expect_type(node, inputs, 1, {DataType::Int64});
  const ir::Shape& x = inputs[0].shape;
  const DataType type = inputs[0].dtype;
  const bool keepdims = node.attr_int("keepdims", 1) != 0;
  const bool axes_unknown = is_present(inputs, 1) && !inputs[1].value;
  if (!x.has_rank()) return single_output(type, ir::Shape::unknown());
  if (axes_unknown) {
    // Which axes shrink is unknown: with keepdims the rank survives, without it nothing does.
    if (!keepdims) return single_output(type, ir::Shape::unknown());
    return single_output(type, ir::Shape{std::vector<ir::Dim>(x.dims->size(), ir::Dim{})});
  }
  auto axes = reduce_axes(node, x.rank(), is_present(inputs, 1) ? &*inputs[1].value : nullptr);
  if (!axes) return single_output(type, x);
  ir::Shape out;
  out.dims.emplace();
  for (int i = 0; i < x.rank(); ++i) {
    const bool reduced = std::binary_search(axes->begin(), axes->end(), i);
    if (!reduced) out.dims->push_back((*x.dims)[static_cast<size_t>(i)]);
    else if (keepdims) out.dims->push_back(ir::Dim::known(1));
  }
  return single_output(type, out);
}

namespace {

// The reduction as loops: output rows (kept axes except a trailing kept group), each
// combining `offsets` (reduced axes except a trailing reduced group) with a contiguous
// trailing group that is either kept (`inner` outputs) or reduced (`run` inputs).
struct ReducePlan {
  std::vector<int64_t> row_dims, row_strides;  // kept groups before the trailing group
  std::vector<int64_t> offsets;                // input offsets of the reduced sub-grid
  int64_t inner = 1, run = 1, rows = 1, count = 1;
};

ReducePlan plan_reduce(const std::vector<int64_t>& dims, const std::vector<int>& axes) {
  // Collapse runs of same-kind axes (size-1 axes change nothing and are dropped).
  std::vector<std::pair<int64_t, bool>> groups;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 1) continue;
    const bool red = std::binary_search(axes.begin(), axes.end(), static_cast<int>(i));
    if (!groups.empty() && groups.back().second == red) groups.back().first *= dims[i];
    else groups.emplace_back(dims[i], red);
  }
  if (groups.empty()) groups.emplace_back(1, false);
  std::vector<int64_t> sizes;
  for (const auto& g : groups) sizes.push_back(g.first);
  std::vector<int64_t> strides = strides_of(sizes);
  ReducePlan p;
  const auto& last = groups.back();
  (last.second ? p.run : p.inner) = last.first;
  std::vector<int64_t> red_dims, red_strides;
  for (size_t i = 0; i + 1 < groups.size(); ++i) {
    if (groups[i].second) {
      red_dims.push_back(groups[i].first);
      red_strides.push_back(strides[i]);
    } else {
      p.row_dims.push_back(groups[i].first);
      p.row_strides.push_back(strides[i]);
      p.rows *= groups[i].first;
    }
  }
  p.offsets.assign(1, 0);
  for (size_t i = 0; i < red_dims.size(); ++i) {
    std::vector<int64_t> next;
    next.reserve(p.offsets.size() * static_cast<size_t>(red_dims[i]));
    for (int64_t o : p.offsets)
      for (int64_t c = 0; c < red_dims[i]; ++c) next.push_back(o + c * red_strides[i]);
    p.offsets.swap(next);
  }
  p.count = static_cast<int64_t>(p.offsets.size()) * p.run;
  return p;
}

template <class T>
struct Accumulator {
  // Sums: double for floats, modular unsigned 64-bit for integers (no overflow UB).
  using Sum = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
};

template <class T>
T reduce_identity(ReduceKind kind) {
  constexpr bool fp = std::is_floating_point_v<T>;
  switch (kind) {
    case ReduceKind::Max: return fp ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    case ReduceKind::Min: return fp ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    case ReduceKind::Mean: return fp ? std::numeric_limits<T>::quiet_NaN() : T(0);
    case ReduceKind::Sum: break;
  }
  return T(0);
}

template <class T>
T finish_sum(typename Accumulator<T>::Sum s, ReduceKind kind, int64_t count) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(kind == ReduceKind::Mean ? s / static_cast<double>(count) : s);
  } else if constexpr (std::is_signed_v<T>) {
    const int64_t v = static_cast<int64_t>(s);
    return static_cast<T>(kind == ReduceKind::Mean ? v / count : v);
  } else {
    return static_cast<T>(kind == ReduceKind::Mean ? s / static_cast<uint64_t>(count) : s);
  }
}

// Max or min that propagates NaN like numpy.
template <class T>
inline T pick(T best, T v, bool is_max) {
  if constexpr (std::is_floating_point_v<T>)
    if (std::isnan(v)) return v;
  return (is_max ? v > best : v < best) ? v : best;
}

template <class T>
void reduce(const T* x, T* y, const ReducePlan& p, ReduceKind kind, int threads) {
  using S = typename Accumulator<T>::Sum;
  const bool sum = kind == ReduceKind::Sum || kind == ReduceKind::Mean;
  const bool is_max = kind == ReduceKind::Max;
  util::parallel_for(p.rows, threads, p.rows * p.count * p.inner > 65536, [&](int64_t row) {
    int64_t base = 0, rem = row;
    for (size_t i = p.row_dims.size(); i-- > 0;) {
      base += rem % p.row_dims[i] * p.row_strides[i];
      rem /= p.row_dims[i];
    }
    T* out = y + row * p.inner;
    if (sum) {
      std::vector<S> acc(static_cast<size_t>(p.inner), S(0));
      for (int64_t off : p.offsets) {
        const T* src = x + base + off;
        if (p.run > 1) {
          for (int64_t r = 0; r < p.run; ++r) acc[0] += static_cast<S>(src[r]);
        } else {
          for (int64_t i = 0; i < p.inner; ++i) acc[static_cast<size_t>(i)] += static_cast<S>(src[i]);
        }
      }
      for (int64_t i = 0; i < p.inner; ++i) out[i] = finish_sum<T>(acc[static_cast<size_t>(i)], kind, p.count);
    } else if (p.run > 1) {
      T best = x[base + p.offsets[0]];
      for (int64_t off : p.offsets)
        for (int64_t r = 0; r < p.run; ++r) best = pick(best, x[base + off + r], is_max);
      out[0] = best;
    } else {
      for (int64_t i = 0; i < p.inner; ++i) out[i] = x[base + p.offsets[0] + i];
      for (size_t k = 1; k < p.offsets.size(); ++k) {
        const T* src = x + base + p.offsets[k];
        for (int64_t i = 0; i < p.inner; ++i) out[i] = pick(out[i], src[i], is_max);
      }
    }
  });
}

class ReduceKernel final : public Kernel {
 public:
  ReduceKernel(const ir::Node& node, ReduceKind kind) : node_(node), kind_(kind) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const Tensor* axes_input = in.size() > 1 && in[1].defined() ? &in[1] : nullptr;
    std::vector<TensorInfo> infos = {TensorInfo::of(x)};
    if (axes_input) infos.push_back(TensorInfo::of(*axes_input));
    std::vector<int64_t> out_dims = infer_reduce(node_, infos)[0].shape.sizes();
    auto axes = reduce_axes(node_, x.rank(), axes_input);
    if (!axes) {
      out[0] = x;  // noop_with_empty_axes: the input itself
      return;
    }
    out[0] = ctx.allocate(0, x.dtype(), out_dims);
    dispatch_numeric(node_, x.dtype(), [&]<class T>() {
      T* py = out[0].data<T>();
      if (x.numel() == 0) {
        std::fill(py, py + out[0].numel(), reduce_identity<T>(kind_));
        return;
      }
      reduce<T>(x.data<T>(), py, plan_reduce(x.dims(), *axes), kind_, ctx.threads);
    });
  }

 private:
  const ir::Node& node_;
  ReduceKind kind_;
};

}  // namespace

std::unique_ptr<Kernel> make_reduce_kernel(const ir::Node& node, ReduceKind kind) {
  return std::make_unique<ReduceKernel>(node, kind);
}

}  // namespace qtune::ops
