// ONNX Gather: picks slices of `data` along 'axis' (default 0) at `indices` (int32/int64,
// negative counts from the end). Output shape: data[:axis] + indices.shape + data[axis+1:].
// An index outside [-d, d) is an error naming the node, the index and its position.
#include "ops/data_movement.h"
#include "ops/tensor_common.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_gather(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 2);
  expect_type_in(node, inputs, 1, kIndexTypes);
  const ir::Shape& data = inputs[0].shape;
  const ir::Shape& indices = inputs[1].shape;
  const DataType type = inputs[0].dtype;
  if (!data.has_rank()) return single_output(type, ir::Shape::unknown());
  if (data.rank() == 0) fail(node, "data must have rank >= 1, got a scalar");
  const int axis = normalize_axis(node, node.attr_int("axis", 0), data.rank());
  if (!indices.has_rank()) return single_output(type, ir::Shape::unknown());
  ir::Shape out;
  out.dims.emplace(data.dims->begin(), data.dims->begin() + axis);
  out.dims->insert(out.dims->end(), indices.dims->begin(), indices.dims->end());
  out.dims->insert(out.dims->end(), data.dims->begin() + axis + 1, data.dims->end());
  return single_output(type, out);
}

// Indices as int64 in [0, d), or an error naming the first bad one.
std::vector<int64_t> checked_indices(const ir::Node& node, const Tensor& indices, int64_t d, int axis) {
  std::vector<int64_t> idx = to_int64s(node, indices, "indices");
  for (size_t i = 0; i < idx.size(); ++i) {
    if (idx[i] < -d || idx[i] >= d)
      fail(node, "index " + std::to_string(idx[i]) + " (element " + std::to_string(i) + " of indices) is out of range for axis " +
                     std::to_string(axis) + " of size " + std::to_string(d));
    if (idx[i] < 0) idx[i] += d;
  }
  return idx;
}

class GatherKernel final : public Kernel {
 public:
  explicit GatherKernel(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& data = in[0];
    const Tensor& indices = in[1];
    if (data.rank() == 0) fail(node_, "data must have rank >= 1, got a scalar");
    const int axis = normalize_axis(node_, node_.attr_int("axis", 0), data.rank());
    const int64_t d = data.dims()[static_cast<size_t>(axis)];
    const std::vector<int64_t> idx = checked_indices(node_, indices, d, axis);
    std::vector<int64_t> dims(data.dims().begin(), data.dims().begin() + axis);
    dims.insert(dims.end(), indices.dims().begin(), indices.dims().end());
    dims.insert(dims.end(), data.dims().begin() + axis + 1, data.dims().end());
    out[0] = ctx.allocate(0, data.dtype(), dims);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < data.rank(); ++i)
      if (i < axis) outer *= data.dims()[static_cast<size_t>(i)];
      else if (i > axis) inner *= data.dims()[static_cast<size_t>(i)];
    const auto n = static_cast<int64_t>(idx.size());
    const int64_t jobs = outer * n;
    if (jobs == 0 || inner == 0) return;
    dispatch_movable(node_, data.dtype(), [&]<class T>() {
      const T* src = elements<T>(data);
      T* dst = elements<T>(out[0]);
#pragma omp parallel for num_threads(ctx.threads) schedule(static) if (jobs * inner > 32768)
      for (int64_t job = 0; job < jobs; ++job) {
        const int64_t o = job / n, k = job % n;
        std::copy_n(src + (o * d + idx[static_cast<size_t>(k)]) * inner, inner, dst + job * inner);
      }
    });
  }

 private:
  const ir::Node& node_;
};

std::unique_ptr<Kernel> make_gather_kernel(const ir::Node& node) { return std::make_unique<GatherKernel>(node); }

}  // namespace

const OpSpec& gather_op() {
  static const OpSpec spec{"", "Gather", infer_gather, make_gather_kernel};
  return spec;
}

}  // namespace qtune::ops
