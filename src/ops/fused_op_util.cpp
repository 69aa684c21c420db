#include "ops/fused_op_util.h"

namespace qtune::ops {

void check_fused_node(const ir::Node& node, std::span<const TensorInfo> inputs) {
  FusedActivation::of(node);
  expect_type(node, inputs, 0, {DataType::Float32});
}

void check_same_shape(const ir::Node& node, const std::string& what, const ir::Shape& shape,
                      const ir::Shape& expected) {
  if (!shape.has_rank() || !expected.has_rank()) return;
  bool same = shape.rank() == expected.rank();
  for (size_t i = 0; same && i < shape.dims->size(); ++i) {
    const ir::Dim& a = (*shape.dims)[i];
    const ir::Dim& b = (*expected.dims)[i];
    same = !a.is_known() || !b.is_known() || a.value == b.value;
  }
  if (!same)
    fail(node, what + " has shape " + shape.to_string() + ", expected the output's shape " + expected.to_string());
}

void FusedEpilogue::apply(const ir::Node& node, Tensor& y, int threads) const {
  if (y.dtype() != DataType::Float32)
    fail(node, "output is " + std::string(dtype_name(y.dtype())) + ", expected float32");
  const int64_t n = y.numel();
  const float* s = nullptr;
  const float* b = nullptr;
  int64_t cols = 1;
  if (sum) {
    if (sum->dtype() != DataType::Float32 || sum->dims() != y.dims())
      fail(node, "Sum is " + sum->describe() + ", expected the output's shape and type " + y.describe());
    s = sum->data<float>();
  }
  if (bias) {
    if (y.rank() == 0 || bias->dtype() != DataType::Float32 || bias->rank() != 1 || bias->numel() != y.dim(-1))
      fail(node, "bias is " + bias->describe() + ", expected float32[" + (y.rank() ? std::to_string(y.dim(-1)) : "") +
                     "] (the output's last axis)");
    b = bias->data<float>();
    cols = y.dim(-1);
  }
  if (!s && !b && activation.kind == FusedActivation::Kind::None) return;
  float* p = y.data<float>();
#pragma omp parallel for num_threads(threads) schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) {
    float v = p[i];
    if (b) v += b[i % cols];
    if (s) v += s[i];
    p[i] = activation.apply(v);
  }
}

}  // namespace qtune::ops
