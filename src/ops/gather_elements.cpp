// ONNX GatherElements: out[i][j][k] = data[index][j][k] for axis 0 (and likewise for other
// axes), where index = indices[i][j][k], negative counting from the end. indices has the
// data's rank; the output has the indices' shape. Outside the axis, indices' dims may not
// exceed the data's (the element would not exist).
#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_gather_elements(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 1, kIndexTypes);
  const ir::Shape& data = inputs[0].shape;
  const ir::Shape& indices = inputs[1].shape;
  if (data.has_rank()) {
    if (data.rank() == 0) fail(node, "data must have rank >= 1, got a scalar");
    normalize_axis(node, node.attr_int("axis", 0), data.rank());
    if (indices.has_rank() && indices.rank() != data.rank())
      fail(node, "indices have rank " + std::to_string(indices.rank()) + ", expected the data's rank " + std::to_string(data.rank()));
  }
  return single_output(inputs[0].dtype, indices);
}

class GatherElementsKernel final : public Kernel {
 public:
  explicit GatherElementsKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& data = in[0];
    const Tensor& indices = in[1];
    const int rank = data.rank();
    if (rank == 0) fail(node_, "data must have rank >= 1, got a scalar");
    const int axis = normalize_axis(node_, node_.attr_int("axis", 0), rank);
    if (indices.rank() != rank)
      fail(node_, "indices " + indices.describe() + " must have the data's rank " + std::to_string(rank) + " (data " + data.describe() + ")");
    for (int i = 0; i < rank; ++i)
      if (i != axis && indices.dims()[static_cast<size_t>(i)] > data.dims()[static_cast<size_t>(i)])
        fail(node_, "indices " + indices.describe() + " exceed the data " + data.describe() + " on axis " + std::to_string(i));
    const int64_t d = data.dims()[static_cast<size_t>(axis)];
    std::vector<int64_t> idx = to_int64s(node_, indices, "indices");
    for (size_t i = 0; i < idx.size(); ++i) {
      if (idx[i] < -d || idx[i] >= d)
        fail(node_, "index " + std::to_string(idx[i]) + " (element " + std::to_string(i) + " of indices) is out of range for axis " +
                        std::to_string(axis) + " of size " + std::to_string(d));
      if (idx[i] < 0) idx[i] += d;
    }
    out[0] = ctx.allocate(0, data.dtype(), indices.dims());
    const std::vector<int64_t> data_strides = strides_of(data.dims());
    const std::vector<int64_t>& odims = indices.dims();
    const auto n = static_cast<int64_t>(idx.size());
    dispatch_movable(node_, data.dtype(), [&]<class T>() {
      const T* src = elements<T>(data);
      T* dst = elements<T>(out[0]);
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (n > 32768)
      for (int64_t i = 0; i < n; ++i) {
        // Data offset of output position i, with the axis coordinate replaced by the index.
        int64_t rem = i, offset = 0;
        for (int a = rank - 1; a >= 0; --a) {
          const auto ua = static_cast<size_t>(a);
          const int64_t c = rem % odims[ua];
          rem /= odims[ua];
          offset += (a == axis ? idx[static_cast<size_t>(i)] : c) * data_strides[ua];
        }
        dst[i] = src[offset];
      }
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_gather_elements_kernel(const ir::Node& node) {
  return std::make_unique<GatherElementsKernel>(node);
}

}  // namespace

const OpSpec& gather_elements_op() {
  static const OpSpec spec{"", "GatherElements", infer_gather_elements, make_gather_elements_kernel};
  return spec;
}

}  // namespace qtune::ops
