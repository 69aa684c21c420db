#include "ops/nn_softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/type_dispatch.h"
#include "util/parallel_for.h"

namespace qtune::ops {
namespace {

// The tensor viewed as [outer, n, inner]; normalization runs over n.
struct SoftmaxLayout {
  int64_t outer = 1, n = 1, inner = 1;
};

// A node in a graph without an import of the default domain (built in code) is modern.
bool is_legacy(const ir::Node& node) {
  const int64_t version = node.opset_version();
  return version > 0 && version < 13;
}

// Axis in [0, rank] (legacy allows rank: rows of one element) or [0, rank).
int64_t softmax_axis(const ir::Node& node, int64_t rank) {
  const bool legacy = is_legacy(node);
  const int64_t axis = node.attr_int("axis", legacy ? 1 : -1);
  const int64_t hi = legacy ? rank : rank - 1;
  if (axis < -rank || axis > hi)
    fail(node, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank) +
                   (legacy ? " (opset < 13 semantics)" : ""));
  return axis < 0 ? axis + rank : axis;
}

SoftmaxLayout softmax_layout(const ir::Node& node, const std::vector<int64_t>& dims) {
  const int64_t rank = static_cast<int64_t>(dims.size());
  if (rank == 0) fail(node, "input is a scalar, expected rank >= 1");
  const int64_t axis = softmax_axis(node, rank);
  SoftmaxLayout l;
  for (int64_t i = 0; i < axis; ++i) l.outer *= dims[static_cast<size_t>(i)];
  if (is_legacy(node)) {
    for (int64_t i = axis; i < rank; ++i) l.n *= dims[static_cast<size_t>(i)];
  } else {
    l.n = dims[static_cast<size_t>(axis)];
    for (int64_t i = axis + 1; i < rank; ++i) l.inner *= dims[static_cast<size_t>(i)];
  }
  return l;
}

class SoftmaxKernel final : public Kernel {
 public:
  SoftmaxKernel(const ir::Node& node, bool log) : node_(node), log_(log) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    const Tensor& x = in[0];
    const SoftmaxLayout l = softmax_layout(node_, x.dims());
    out[0] = ctx.allocate(0, x.dtype(), x.dims());
    dispatch_float(node_, x.dtype(), [&]<class T>() {
      const T* px = x.data<T>();
      T* py = out[0].data<T>();
      util::parallel_for(l.outer * l.inner, ctx.threads, x.numel() > 16384, [&](int64_t oi) {
        const int64_t base = oi / l.inner * l.n * l.inner + oi % l.inner;
        const T* xs = px + base;
        T* ys = py + base;
        T max = -std::numeric_limits<T>::infinity();
        for (int64_t i = 0; i < l.n; ++i) max = std::max(max, xs[i * l.inner]);
        // exp in T (float exp is several times cheaper than double), the sum in double.
        double sum = 0;
        for (int64_t i = 0; i < l.n; ++i) {
          const T e = std::exp(xs[i * l.inner] - max);
          if (!log_) ys[i * l.inner] = e;
          sum += static_cast<double>(e);
        }
        if (log_) {
          const T log_sum = static_cast<T>(std::log(sum));
          for (int64_t i = 0; i < l.n; ++i) ys[i * l.inner] = xs[i * l.inner] - max - log_sum;
        } else {
          const T inv = static_cast<T>(1.0 / sum);
          for (int64_t i = 0; i < l.n; ++i) ys[i * l.inner] *= inv;
        }
      });
    });
  }

 private:
  const ir::Node& node_;
  bool log_;
};

}  // namespace

std::vector<TensorInfo> infer_softmax_family(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 1, 1);
  expect_type(node, inputs, 0, {DataType::Float32, DataType::Float64});
  if (inputs[0].shape.has_rank()) {
    if (inputs[0].shape.rank() == 0) fail(node, "input is a scalar, expected rank >= 1");
    softmax_axis(node, inputs[0].shape.rank());
  }
  return single_output(inputs[0].dtype, inputs[0].shape);
}

std::unique_ptr<Kernel> make_softmax_family_kernel(const ir::Node& node, bool log) {
  return std::make_unique<SoftmaxKernel>(node, log);
}

}  // namespace qtune::ops
