// One oneDNN matmul primitive for fixed shapes, shared by MatMul and Gemm kernels.
// Constant weights are packed once into the layout oneDNN prefers; other operands are
// used in place (transposes are expressed as strides, not copies).
#pragma once

#include <memory>
#include <vector>

#include "backends/dnnl/dnnl_common.h"

namespace qtune::backends::dnnl_backend {

struct MatmulPlan {
  dnnl::matmul prim;
  dnnl::memory::desc src, weights_user, bias, dst;
  dnnl::memory weights_packed;  // empty when weights are read in place
  dnnl::reorder pack;
  bool weights_ready = false;
  std::vector<int64_t> out_dims;  // the ONNX output dims
};

// nullptr when oneDNN has no implementation for this combination.
std::unique_ptr<MatmulPlan> build_matmul_plan(const dnnl::memory::desc& src, const dnnl::memory::desc& weights,
                                              const dnnl::memory::desc& bias, const dnnl::memory::desc& dst,
                                              const dnnl::post_ops& post, bool constant_weights);

// Runs the plan; `dst` may already hold the addend of a sum post-op.
void run_matmul_plan(MatmulPlan& plan, const void* src, const void* weights, const void* bias, void* dst,
                     bool constant_weights);

// Strided 2-D (or batched 3-D) float32 descriptor of a row-major [rows, cols] matrix
// that is read transposed when `transposed` (its memory is [cols, rows]).
dnnl::memory::desc matrix_desc(int64_t batch, int64_t rows, int64_t cols, bool transposed);

}  // namespace qtune::backends::dnnl_backend
