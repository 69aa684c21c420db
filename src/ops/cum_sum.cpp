// ONNX CumSum: running sums along `axis` (an int32/int64 scalar input). exclusive = 1
// leaves the current element out (the first sum is 0); reverse = 1 runs from the end.
// Integer sums wrap on overflow like NumPy's.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_cum_sum(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 0, kNumericTypes);
  expect_type_in(node, inputs, 1, kIndexTypes);
  if (inputs[1].value && inputs[0].shape.has_rank())
    normalize_axis(node, scalar_int(node, *inputs[1].value, "axis"), inputs[0].shape.rank());
  return single_output(inputs[0].dtype, inputs[0].shape);
}

class CumSumKernel final : public Kernel {
 public:
  explicit CumSumKernel(const ir::Node& node)
      : node_(node), exclusive_(node.attr_int("exclusive", 0) != 0), reverse_(node.attr_int("reverse", 0) != 0) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    if (is_half_type(in[0].dtype())) return run_half_via_float(*this, in, out, ctx);
    const Tensor& x = in[0];
    const int axis = normalize_axis(node_, scalar_int(node_, in[1], "axis"), x.rank());
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    int64_t outer = 1, inner = 1;
    const int64_t len = x.rank() ? x.dims()[static_cast<size_t>(axis)] : 1;
    for (int i = 0; i < x.rank(); ++i)
      if (i < axis) outer *= x.dims()[static_cast<size_t>(i)];
      else if (i > axis) inner *= x.dims()[static_cast<size_t>(i)];
    const int64_t lines = outer * inner;
    dispatch_numeric(node_, x.dtype(), [&]<class T>() {
      const T* src = x.data<T>();
      T* dst = out[0].data<T>();
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (lines > 1 && lines * len > 32768)
      for (int64_t line = 0; line < lines; ++line) {
        const int64_t base = (line / inner) * len * inner + line % inner;
        T sum = T(0);
        for (int64_t step = 0; step < len; ++step) {
          const int64_t k = reverse_ ? len - 1 - step : step;
          const int64_t at = base + k * inner;
          if (exclusive_) {
            dst[at] = sum;
            sum = wrapping_add(sum, src[at]);
          } else {
            sum = wrapping_add(sum, src[at]);
            dst[at] = sum;
          }
        }
      }
    });
  }

 private:
  const ir::Node& node_;
  bool exclusive_, reverse_;
};

std::unique_ptr<Kernel> make_cum_sum_kernel(const ir::Node& node) { return std::make_unique<CumSumKernel>(node); }

}  // namespace

const OpSpec& cum_sum_op() {
  static const OpSpec spec{"", "CumSum", infer_cum_sum, make_cum_sum_kernel};
  return spec;
}

}  // namespace qtune::ops
