// ONNX Einsum, general (any operand count, diagonals, sums, "..." broadcasting).
// Each operand first takes diagonals of repeated labels, drops broadcast size-1
// ellipsis axes and sums out labels nothing else uses; operands are then combined left
// to right, each pair as a batched matrix product [batch, M, K] x [batch, K, N], and
// the result is permuted into the output order.
#include <algorithm>
#include <map>

#include "ops/nn_einsum.h"
#include "ops/nn_gemm.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

std::vector<int> ranks_of(std::span<const TensorInfo> inputs) {
  std::vector<int> r;
  for (const auto& in : inputs) r.push_back(in.shape.rank());
  return r;
}

std::vector<TensorInfo> infer_einsum(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, -1);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64, DataType::Int32, DataType::Int64});
  for (int i = 1; i < static_cast<int>(inputs.size()); ++i) expect_type(node, inputs, i, {inputs[0].dtype});
  for (const auto& in : inputs)
    if (!in.shape.has_rank()) return single_output(inputs[0].dtype, ir::Shape::unknown());
  EinsumSpec spec = parse_einsum(node, ranks_of(inputs));
  std::map<int, ir::Dim> dims;
  for (size_t k = 0; k < inputs.size(); ++k)
    for (size_t a = 0; a < spec.inputs[k].size(); ++a) {
      const int l = spec.inputs[k][a];
      const ir::Dim& d = (*inputs[k].shape.dims)[a];
      auto [it, fresh] = dims.emplace(l, d);
      ir::Dim& have = it->second;
      if (fresh || (d.is_known() && d.value == 1 && l >= kEinsumEllipsisBase)) continue;
      if (have.is_known() && d.is_known() && have.value != d.value) {
        if (l >= kEinsumEllipsisBase && have.value == 1) have = d;
        else
          fail(node, "label " + einsum_label_name(l) + " has size " + std::to_string(have.value) + " and " +
                         std::to_string(d.value) + " in different operands");
      } else if (!have.is_known() && (d.is_known() || have.symbol.empty())) {
        have = d;
      }
    }
  ir::Shape out{std::vector<ir::Dim>{}};
  for (int l : spec.output) out.dims->push_back(dims[l]);
  return single_output(inputs[0].dtype, out);
}

// A dense operand with one label per axis.
template <class T>
struct Labeled {
  std::vector<int> labels;
  std::vector<int64_t> dims;
  std::vector<T> data;
};

// Copies the strided view (dims, strides over src) into a dense row-major vector.
template <class T>
std::vector<T> gather(const T* src, const std::vector<int64_t>& dims, const std::vector<int64_t>& strides) {
  std::vector<T> out(static_cast<size_t>(shape_numel(dims)));
  if (out.empty()) return out;
  const size_t r = dims.size();
  std::vector<int64_t> idx(r, 0);
  int64_t off = 0;
  for (T& v : out) {
    v = src[off];
    for (size_t d = r; d-- > 0;) {
      off += strides[d];
      if (++idx[d] < dims[d]) break;
      off -= strides[d] * dims[d];
      idx[d] = 0;
    }
  }
  return out;
}

// Reorders (and merges repeated labels of, i.e. takes diagonals of) `t` so its labels are `order`.
template <class T>
Labeled<T> rearrange(const Labeled<T>& t, const std::vector<int>& order) {
  std::vector<int64_t> src_strides = strides_of(t.dims);
  Labeled<T> r;
  r.labels = order;
  std::vector<int64_t> strides;
  for (int l : order) {
    int64_t stride = 0, size = 1;
    for (size_t a = 0; a < t.labels.size(); ++a)
      if (t.labels[a] == l) {
        stride += src_strides[a];
        size = t.dims[a];
      }
    r.dims.push_back(size);
    strides.push_back(stride);
  }
  r.data = gather(t.data.data(), r.dims, strides);
  return r;
}

// make_unsigned must not be instantiated for float types, hence a trait, not conditional_t.
template <class T, bool = std::is_floating_point_v<T>>
struct SumAccumulator {
  using type = T;
};
template <class T>
struct SumAccumulator<T, false> {
  using type = std::make_unsigned_t<T>;
};

// Sums out every label of `t` not in `keep` (which lists labels of t, in t's order).
template <class T>
Labeled<T> sum_out(const Labeled<T>& t, const std::vector<int>& keep) {
  if (keep.size() == t.labels.size()) return t;
  std::vector<int> order = keep;
  for (int l : t.labels)
    if (std::find(keep.begin(), keep.end(), l) == keep.end()) order.push_back(l);
  Labeled<T> moved = rearrange(t, order);
  Labeled<T> r;
  r.labels = keep;
  r.dims.assign(moved.dims.begin(), moved.dims.begin() + static_cast<ptrdiff_t>(keep.size()));
  const int64_t n = shape_numel(r.dims), block = n ? static_cast<int64_t>(moved.data.size()) / std::max<int64_t>(n, 1) : 0;
  // Integer sums wrap (unsigned arithmetic) instead of overflowing.
  using Acc = typename SumAccumulator<T>::type;
  r.data.assign(static_cast<size_t>(n), T(0));
  for (int64_t i = 0; i < n; ++i) {
    Acc acc = 0;
    for (int64_t j = 0; j < block; ++j) acc += static_cast<Acc>(moved.data[static_cast<size_t>(i * block + j)]);
    r.data[static_cast<size_t>(i)] = static_cast<T>(acc);
  }
  return r;
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

template <class T>
int64_t size_of(const Labeled<T>& t, const std::vector<int>& labels) {
  int64_t n = 1;
  for (int l : labels) n *= t.dims[static_cast<size_t>(std::find(t.labels.begin(), t.labels.end(), l) - t.labels.begin())];
  return n;
}

// Batched product of two operands; labels shared and not in `keep` are contracted.
template <class T>
Labeled<T> combine(const Labeled<T>& a, const Labeled<T>& b, const std::vector<int>& keep, int threads) {
  std::vector<int> batch, left, contract, right;
  for (int l : a.labels) {
    if (!contains(b.labels, l)) left.push_back(l);
    else if (contains(keep, l)) batch.push_back(l);
    else contract.push_back(l);
  }
  for (int l : b.labels)
    if (!contains(a.labels, l)) right.push_back(l);
  auto cat = [](std::vector<int> x, const std::vector<int>& y, const std::vector<int>& z) {
    x.insert(x.end(), y.begin(), y.end());
    x.insert(x.end(), z.begin(), z.end());
    return x;
  };
  Labeled<T> pa = rearrange(a, cat(batch, left, contract));
  Labeled<T> pb = rearrange(b, cat(batch, contract, right));
  const int64_t B = size_of(pa, batch), M = size_of(pa, left), K = size_of(pa, contract), N = size_of(pb, right);
  Labeled<T> r;
  r.labels = cat(batch, left, right);
  for (int l : r.labels) r.dims.push_back(contains(pa.labels, l) ? size_of(pa, {l}) : size_of(pb, {l}));
  r.data.assign(static_cast<size_t>(B * M * N), T(0));
  for (int64_t i = 0; i < B; ++i) {
    const T* x = pa.data.data() + i * M * K;
    const T* y = pb.data.data() + i * K * N;
    T* z = r.data.data() + i * M * N;
    if constexpr (std::is_floating_point_v<T>)
      gemm<T>(M, N, K, T(1), matrix_view(x, K, false), matrix_view(y, N, false), T(0), z, N, threads);
    else
      matmul_integer<T>(M, N, K, matrix_view(x, K, false), matrix_view(y, N, false), z, N, threads);
  }
  return r;
}

class EinsumKernel final : public Kernel {
 public:
  explicit EinsumKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (const Tensor& t : in) infos.push_back(t.defined() ? TensorInfo::of(t) : TensorInfo::absent());
    const std::vector<int64_t> out_dims = infer_einsum(node_, infos)[0].shape.sizes();
    const EinsumSpec spec = parse_einsum(node_, ranks_of(infos));
    out[0] = ctx.allocate(0, in[0].dtype(), out_dims);
    dispatch_numeric(node_, in[0].dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int32_t> ||
                    std::is_same_v<T, int64_t>)
        compute<T>(in, spec, out[0], ctx.threads);
    });
  }

 private:
  template <class T>
  void compute(std::span<const Tensor> in, const EinsumSpec& spec, Tensor& y, int threads) const {
    // Global label sizes (ellipsis dims broadcast from 1).
    std::map<int, int64_t> size;
    for (size_t k = 0; k < in.size(); ++k)
      for (size_t a = 0; a < spec.inputs[k].size(); ++a) {
        int64_t& s = size.emplace(spec.inputs[k][a], 1).first->second;
        s = std::max(s, in[k].dims()[a]);
      }
    std::vector<Labeled<T>> ops;
    for (size_t k = 0; k < in.size(); ++k) {
      Labeled<T> t{spec.inputs[k], in[k].dims(), std::vector<T>(in[k].data<T>(), in[k].data<T>() + in[k].numel())};
      // Unique labels in first-use order, minus broadcast (size 1 of a larger) axes.
      std::vector<int> order;
      for (size_t a = 0; a < t.labels.size(); ++a)
        if (!contains(order, t.labels[a]) && !(t.dims[a] == 1 && size[t.labels[a]] > 1)) order.push_back(t.labels[a]);
      ops.push_back(rearrange(t, order));
    }
    // Labels still needed after operand k: the output's and those of later operands.
    auto needed_after = [&](size_t k) {
      std::vector<int> need = spec.output;
      for (size_t j = k + 1; j < ops.size(); ++j) need.insert(need.end(), ops[j].labels.begin(), ops[j].labels.end());
      return need;
    };
    auto used_elsewhere = [&](size_t k) {
      std::vector<int> keep;
      for (int l : ops[k].labels) {
        bool used = contains(spec.output, l);
        for (size_t j = 0; j < ops.size() && !used; ++j) used = j != k && contains(ops[j].labels, l);
        if (used) keep.push_back(l);
      }
      return keep;
    };
    for (size_t k = 0; k < ops.size(); ++k) ops[k] = sum_out(ops[k], used_elsewhere(k));
    Labeled<T> acc = ops[0];
    for (size_t k = 1; k < ops.size(); ++k) {
      const std::vector<int> need = needed_after(k);
      acc = combine(acc, ops[k], need, threads);
      std::vector<int> keep;
      for (int l : acc.labels)
        if (contains(need, l)) keep.push_back(l);
      acc = sum_out(acc, keep);
    }
    // Output axes missing from acc are broadcast size-1 ellipsis dims: insert them.
    for (int l : spec.output)
      if (!contains(acc.labels, l)) {
        acc.labels.push_back(l);
        acc.dims.push_back(1);
      }
    Labeled<T> final_order = rearrange(acc, spec.output);
    std::copy(final_order.data.begin(), final_order.data.end(), y.data<T>());
  }

  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_einsum_kernel(const ir::Node& node) { return std::make_unique<EinsumKernel>(node); }

}  // namespace

const OpSpec& einsum_op() {
  static const OpSpec spec{"", "Einsum", infer_einsum, make_einsum_kernel};
  return spec;
}

}  // namespace qtune::ops
