// ONNX MatMulInteger (opset 10): Y int32 = (A - a_zero_point) x (B - b_zero_point) with
// numpy matmul semantics. A and B are uint8 or int8; a_zero_point is a scalar or one value
// per row of A (1-D, M), b_zero_point a scalar or one value per column of B (1-D, N). The
// operands are widened to int32 with their zero points subtracted and multiplied exactly
// by MatMul's integer path.
#include "ops/nn_conv.h"
#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

constexpr int kAZeroPoint = 2;
constexpr int kBZeroPoint = 3;

std::vector<TensorInfo> infer_mat_mul_integer(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 4);
  expect_type(node, inputs, 0, {DataType::UInt8, DataType::Int8});
  expect_type(node, inputs, 1, {DataType::UInt8, DataType::Int8});
  if (is_present(inputs, kAZeroPoint)) expect_type(node, inputs, kAZeroPoint, {inputs[0].dtype});
  if (is_present(inputs, kBZeroPoint)) expect_type(node, inputs, kBZeroPoint, {inputs[1].dtype});
  std::vector<TensorInfo> wide = {TensorInfo::typed(DataType::Int32, inputs[0].shape),
                                  TensorInfo::typed(DataType::Int32, inputs[1].shape)};
  return infer_mat_mul(node, wide);
}

// x - zero_point as int32; the zero point is a scalar or indexed by (i / inner) % count,
// `inner` elements apart (A's rows: inner = K; B's columns: inner = 1).
template <class T>
Tensor widen(const ir::Node& node, const Tensor& x, const Tensor* zp, int64_t axis_size, int64_t inner,
             const char* what) {
  Tensor y = Tensor::uninitialized(DataType::Int32, x.dims());
  const T* px = x.data<T>();
  int32_t* py = y.data<int32_t>();
  int64_t count = 1;
  const T* pz = nullptr;
  if (zp && zp->defined()) {
    count = zp->numel();
    pz = zp->data<T>();
    if (count != 1 && (zp->rank() != 1 || count != axis_size))
      fail(node, std::string(what) + " has shape " + zp->describe() + ", expected a scalar or " +
                     std::to_string(axis_size) + " values");
  }
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    const int32_t z = pz ? static_cast<int32_t>(pz[count == 1 ? 0 : (i / inner) % count]) : 0;
    py[i] = static_cast<int32_t>(px[i]) - z;
  }
  return y;
}

class MatMulIntegerKernel final : public Kernel {
 public:
  explicit MatMulIntegerKernel(const ir::Node& node) : node_(node), mat_mul_(make_mat_mul_kernel(node)) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (const Tensor& t : in) infos.push_back(t.defined() ? TensorInfo::of(t) : TensorInfo::absent());
    infer_mat_mul_integer(node_, infos);
    const Tensor& a = in[0];
    const Tensor& b = in[1];
    const int64_t rows = a.rank() >= 2 ? a.dim(-2) : 1, k = a.dim(-1);
    const int64_t columns = b.rank() >= 2 ? b.dim(-1) : 1;
    const Tensor* a_zp = in.size() > kAZeroPoint ? &in[kAZeroPoint] : nullptr;
    const Tensor* b_zp = in.size() > kBZeroPoint ? &in[kBZeroPoint] : nullptr;
    auto widen_a = [&]<class T>() { return widen<T>(node_, a, a_zp, rows, k, "a_zero_point"); };
    auto widen_b = [&]<class T>() { return widen<T>(node_, b, b_zp, columns, 1, "b_zero_point"); };
    std::vector<Tensor> wide = {
        a.dtype() == DataType::UInt8 ? widen_a.template operator()<uint8_t>() : widen_a.template operator()<int8_t>(),
        b.dtype() == DataType::UInt8 ? widen_b.template operator()<uint8_t>() : widen_b.template operator()<int8_t>()};
    mat_mul_->run(wide, out.subspan(0, 1), ctx);
  }

 private:
  const ir::Node& node_;
  std::unique_ptr<Kernel> mat_mul_;
};

std::unique_ptr<Kernel> make_mat_mul_integer_kernel(const ir::Node& node) {
  return std::make_unique<MatMulIntegerKernel>(node);
}

}  // namespace

const OpSpec& mat_mul_integer_op() {
  static const OpSpec spec{"", "MatMulInteger", infer_mat_mul_integer, make_mat_mul_integer_kernel};
  return spec;
}

}  // namespace qtune::ops
