// ONNX Where: out = condition ? x : y elementwise, all three numpy-broadcast together.
// x and y share one type (any fixed-size type or string); condition is bool.
#include "ops/elementwise.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_where(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 3, 3);
  expect_type_in(node, inputs, 0, kBoolType);
  if (inputs[1].dtype != DataType::Undefined && inputs[2].dtype != DataType::Undefined && inputs[1].dtype != inputs[2].dtype)
    fail(node, "x is " + std::string(dtype_name(inputs[1].dtype)) + " but y is " + std::string(dtype_name(inputs[2].dtype)) +
                   "; they must have the same type");
  ir::Shape shapes[3] = {inputs[0].shape, inputs[1].shape, inputs[2].shape};
  return single_output(inputs[1].dtype, broadcast_shapes(node, shapes));
}

// Walks the collapsed plan row by row; each row's inner loop has per-input stride 0 or 1.
template <class T>
void where_rows(const BroadcastPlan& plan, const bool* c, const T* x, const T* y, T* out, int threads) {
  if (plan.numel == 0) return;
  const size_t rank = plan.dims.size();
  const int64_t inner = plan.dims.back();
  const int64_t sc = plan.strides[0].back(), sx = plan.strides[1].back(), sy = plan.strides[2].back();
  const int64_t rows = plan.numel / inner;
#pragma omp parallel for num_threads(threads) schedule(static) if (rows > 1 && plan.numel > 32768)
  for (int64_t row = 0; row < rows; ++row) {
    int64_t oc = 0, ox = 0, oy = 0, rem = row;
    for (size_t d = rank - 1; d-- > 0;) {
      int64_t i = rem % plan.dims[d];
      rem /= plan.dims[d];
      oc += i * plan.strides[0][d];
      ox += i * plan.strides[1][d];
      oy += i * plan.strides[2][d];
    }
    T* po = out + row * inner;
    for (int64_t i = 0; i < inner; ++i) po[i] = c[oc + i * sc] ? x[ox + i * sx] : y[oy + i * sy];
  }
}

class WhereKernel final : public Kernel {
 public:
  explicit WhereKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& cond = in[0];
    const Tensor& x = in[1];
    const Tensor& y = in[2];
    if (cond.dtype() != DataType::Bool) fail(node_, "condition is " + std::string(dtype_name(cond.dtype())) + ", expected bool");
    if (x.dtype() != y.dtype())
      fail(node_, "x is " + std::string(dtype_name(x.dtype())) + " but y is " + std::string(dtype_name(y.dtype())) +
                      "; they must have the same type");
    std::vector<int64_t> dims[3] = {cond.dims(), x.dims(), y.dims()};
    const std::vector<int64_t> out_dims = broadcast_dims(node_, dims);
    const BroadcastPlan plan = plan_broadcast(dims, out_dims);
    out[0] = ctx.allocate(0, x.dtype(), out_dims);
    if (x.dtype() == DataType::String) {
      where_rows(plan, cond.data<bool>(), x.string_data().data(), y.string_data().data(), out[0].string_data().data(), 1);
      return;
    }
    dispatch_by_size(node_, x.dtype(), [&]<class T>() {
      where_rows(plan, cond.data<bool>(), static_cast<const T*>(x.raw()), static_cast<const T*>(y.raw()),
                 static_cast<T*>(out[0].raw()), ctx.threads);
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_where_kernel(const ir::Node& node) { return std::make_unique<WhereKernel>(node); }

}  // namespace

const OpSpec& where_op() {
  static const OpSpec spec{"", "Where", infer_where, make_where_kernel};
  return spec;
}

}  // namespace qtune::ops
