// ONNX NonZero: the coordinates of the non-zero elements, as int64 [rank, count] in
// row-major order (NumPy's nonzero). A scalar is treated as a 1-element vector, as NumPy
// and ONNX Runtime do: the output is [1, count]. NaN counts as non-zero.
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

// Flat positions of the non-zero elements. Every type is compared by value (exact for
// integers: a non-zero integer never converts to 0.0), so -0.0 counts as zero.
std::vector<int64_t> nonzero_positions(const Tensor& x) {
  std::vector<int64_t> where;
  const int64_t n = x.numel();
  for (int64_t i = 0; i < n; ++i)
    if (x.value_as_double(i) != 0.0) where.push_back(i);
  return where;
}

std::vector<TensorInfo> infer_non_zero(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  if (inputs[0].dtype == DataType::String) fail(node, "string inputs are not supported");
  const ir::Shape& s = inputs[0].shape;
  ir::Dim rank = s.has_rank() ? ir::Dim::known(std::max(s.rank(), 1)) : ir::Dim{};
  ir::Dim count = inputs[0].value ? ir::Dim::known(static_cast<int64_t>(nonzero_positions(*inputs[0].value).size())) : ir::Dim{};
  return single_output(DataType::Int64, ir::Shape{std::vector<ir::Dim>{rank, count}});
}

class NonZeroKernel final : public Kernel {
 public:
  explicit NonZeroKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    if (x.dtype() == DataType::String) fail(node_, "string inputs are not supported");
    const std::vector<int64_t> where = nonzero_positions(x);
    const std::vector<int64_t> dims = x.rank() == 0 ? std::vector<int64_t>{1} : x.dims();
    const auto count = static_cast<int64_t>(where.size());
    out[0] = ctx.allocate(0, DataType::Int64, {static_cast<int64_t>(dims.size()), count});
    int64_t* o = out[0].data<int64_t>();
    for (int64_t k = 0; k < count; ++k) {
      int64_t rem = where[static_cast<size_t>(k)];
      for (size_t a = dims.size(); a-- > 0;) {
        o[static_cast<int64_t>(a) * count + k] = rem % dims[a];
        rem /= dims[a];
      }
    }
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_non_zero_kernel(const ir::Node& node) { return std::make_unique<NonZeroKernel>(node); }

}  // namespace

const OpSpec& non_zero_op() {
  static const OpSpec spec{"", "NonZero", infer_non_zero, make_non_zero_kernel};
  return spec;
}

}  // namespace qtune::ops
