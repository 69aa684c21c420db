// ONNX MatMul: numpy matmul semantics (1-D operands get a dimension prepended/appended
// and removed again, batch dimensions broadcast). Float types use the blocked GEMM;
// integer types (int32/int64/uint32/uint64) an exact triple loop.
#include "ops/nn_conv.h"
#include "ops/nn_gemm.h"
#include "ops/type_dispatch.h"

namespace qtune::ops {
namespace {

void expect_matmul_types(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type(node, inputs, 0,
              {DataType::Float32, DataType::Float64, DataType::Int32, DataType::Int64, DataType::UInt32, DataType::UInt64});
  expect_type(node, inputs, 1, {inputs[0].dtype});
}

}  // namespace

std::vector<TensorInfo> infer_mat_mul(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_matmul_types(node, inputs);
  const ir::Shape& a = inputs[0].shape;
  const ir::Shape& b = inputs[1].shape;
  if (!a.has_rank() || !b.has_rank()) return single_output(inputs[0].dtype, ir::Shape::unknown());
  if (a.rank() == 0 || b.rank() == 0) fail(node, "operands must have rank >= 1, got " + a.to_string() + " and " + b.to_string());
  const std::vector<ir::Dim>& ad = *a.dims;
  const std::vector<ir::Dim>& bd = *b.dims;
  const ir::Dim& ka = ad.back();
  const ir::Dim& kb = bd.size() == 1 ? bd[0] : bd[bd.size() - 2];
  if (ka.is_known() && kb.is_known() && ka.value != kb.value)
    fail(node, "inner dimensions differ: A is " + a.to_string() + ", B is " + b.to_string());
  ir::Shape batch_a{std::vector<ir::Dim>(ad.begin(), ad.end() - std::min<ptrdiff_t>(2, static_cast<ptrdiff_t>(ad.size())))};
  ir::Shape batch_b{std::vector<ir::Dim>(bd.begin(), bd.end() - std::min<ptrdiff_t>(2, static_cast<ptrdiff_t>(bd.size())))};
  ir::Shape batches[2] = {batch_a, batch_b};
  ir::Shape out = broadcast_shapes(node, batches);
  if (ad.size() >= 2) out.dims->push_back(ad[ad.size() - 2]);
  if (bd.size() >= 2) out.dims->push_back(bd.back());
  return single_output(inputs[0].dtype, out);
}

namespace {

class MatMulKernel final : public Kernel {
 public:
  explicit MatMulKernel(const ir::Node& node) : node_(node) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos = {TensorInfo::of(in[0]), TensorInfo::of(in[1])};
    std::vector<int64_t> out_dims = infer_mat_mul(node_, infos)[0].shape.sizes();
    out[0] = ctx.allocate(0, in[0].dtype(), out_dims);
    dispatch_numeric(node_, in[0].dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int32_t> ||
                    std::is_same_v<T, int64_t> || std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>)
        compute<T>(in[0], in[1], out[0], ctx.threads);
    });
  }

 private:
  template <class T>
  static void multiply(int64_t M, int64_t N, int64_t K, const T* a, const T* b, T* c, int threads) {
    if constexpr (std::is_floating_point_v<T>)
      gemm<T>(M, N, K, T(1), matrix_view(a, K, false), matrix_view(b, N, false), T(0), c, N, threads);
    else
      matmul_integer<T>(M, N, K, matrix_view(a, K, false), matrix_view(b, N, false), c, N, threads);
  }

  template <class T>
  void compute(const Tensor& a, const Tensor& b, Tensor& y, int threads) const {
    std::vector<int64_t> ad = a.dims(), bd = b.dims();
    if (ad.size() == 1) ad.insert(ad.begin(), 1);
    if (bd.size() == 1) bd.push_back(1);
    const int64_t M = ad[ad.size() - 2], K = ad.back(), N = bd.back();
    std::vector<int64_t> ba(ad.begin(), ad.end() - 2), bb(bd.begin(), bd.end() - 2);
    const size_t rank = std::max(ba.size(), bb.size());
    ba.insert(ba.begin(), rank - ba.size(), 1);
    bb.insert(bb.begin(), rank - bb.size(), 1);
    std::vector<int64_t> batch(rank);
    for (size_t i = 0; i < rank; ++i) batch[i] = std::max(ba[i], bb[i]);
    const int64_t batches = shape_numel(batch), batches_a = shape_numel(ba), batches_b = shape_numel(bb);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* py = y.data<T>();
    if (batches_b == 1 && batches_a == batches) {
      // B is shared by every batch: one [batches*M, K] x [K, N] product.
      multiply<T>(batches * M, N, K, pa, pb, py, threads);
      return;
    }
    // Per batch element: offsets into A and B (0 stride on broadcast axes).
    std::vector<int64_t> sa(rank, 0), sb(rank, 0);
    for (size_t i = rank, ra = 1, rb = 1; i-- > 0;) {
      sa[i] = ba[i] == 1 ? 0 : static_cast<int64_t>(ra);
      sb[i] = bb[i] == 1 ? 0 : static_cast<int64_t>(rb);
      ra *= static_cast<size_t>(ba[i]);
      rb *= static_cast<size_t>(bb[i]);
    }
    const bool parallel_batches = batches >= threads && M * N * K < (int64_t{1} << 20);
#pragma omp parallel for num_threads(threads) schedule(static) if (parallel_batches && threads > 1)
    for (int64_t t = 0; t < batches; ++t) {
      int64_t oa = 0, ob = 0, rem = t;
      for (size_t i = rank; i-- > 0;) {
        const int64_t c = rem % batch[i];
        rem /= batch[i];
        oa += c * sa[i];
        ob += c * sb[i];
      }
      multiply<T>(M, N, K, pa + oa * M * K, pb + ob * K * N, py + t * M * N, parallel_batches ? 1 : threads);
    }
  }

  const ir::Node& node_;
};

}  // namespace

std::unique_ptr<Kernel> make_mat_mul_kernel(const ir::Node& node) { return std::make_unique<MatMulKernel>(node); }

const OpSpec& mat_mul_op() {
  static const OpSpec spec{"", "MatMul", infer_mat_mul, make_mat_mul_kernel};
  return spec;
}

}  // namespace qtune::ops
