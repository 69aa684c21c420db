// Variadic elementwise ops (Min, Max, Sum, Mean): any number of same-typed inputs,
// numpy-broadcast together, folded pairwise into the output buffer.
#pragma once

#include <cstring>

#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {

// At least one input, all of one type from `allowed`; shapes broadcast.
std::vector<TensorInfo> infer_variadic(const ir::Node& node, std::span<const TensorInfo> inputs,
                                       std::span<const DataType> allowed);

// Fn: functor with a templated operator()(T, T). Average divides the folded sum by the
// input count (Mean). Float selects float-only dispatch (Sum, Mean).
template <class Fn, bool Float, bool Average = false>
class VariadicKernel final : public Kernel {
 public:
  explicit VariadicKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (in.empty()) fail(node_, "needs at least one input");
    for (size_t k = 0; k < in.size(); ++k) {
      if (!in[k].defined()) fail(node_, "input #" + std::to_string(k) + " is missing");
      if (in[k].dtype() != in[0].dtype())
        fail(node_, "input #" + std::to_string(k) + " is " + std::string(dtype_name(in[k].dtype())) + ", input #0 is " +
                        std::string(dtype_name(in[0].dtype())));
    }
    if (is_half_type(in[0].dtype())) return run_half_via_float(*this, in, out, ctx);
    std::vector<std::vector<int64_t>> dims;
    for (const Tensor& t : in) dims.push_back(t.dims());
    const std::vector<int64_t> out_dims = broadcast_dims(node_, dims);
    out[0] = ctx.allocate(0, in[0].dtype(), out_dims);
    auto body = [&]<class T>() {
      T* o = out[0].data<T>();
      // Input 0 is folded with itself first when alone (Fn(x, x) == x for Min/Max; Sum and
      // Mean then copy), so the output always starts from a broadcast of input 0.
      const Tensor& second = in.size() > 1 ? in[1] : in[0];
      std::vector<int64_t> first_pair[2] = {in[0].dims(), second.dims()};
      if (in.size() > 1) {
        broadcast_binary(plan_broadcast(first_pair, out_dims), in[0].data<T>(), second.data<T>(), o, Fn{}, ctx.threads);
      } else {
        broadcast_binary(plan_broadcast(first_pair, out_dims), in[0].data<T>(), second.data<T>(), o,
                         [](T x, T) { return x; }, ctx.threads);
      }
      for (size_t k = 2; k < in.size(); ++k) {
        std::vector<int64_t> pair[2] = {out_dims, in[k].dims()};
        broadcast_binary(plan_broadcast(pair, out_dims), o, in[k].data<T>(), o, Fn{}, ctx.threads);
      }
      if constexpr (Average) {
        const T count = static_cast<T>(in.size());
        const int64_t n = out[0].numel();
        for (int64_t i = 0; i < n; ++i) o[i] /= count;
      }
    };
    if constexpr (Float) dispatch_float(node_, in[0].dtype(), body);
    else dispatch_numeric(node_, in[0].dtype(), body);
  }

 private:
  const ir::Node& node_;
};

}  // namespace qtune::ops
