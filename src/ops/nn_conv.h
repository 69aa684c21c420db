// Shape rules and reference kernels of Conv, ConvTranspose, MatMul and Gemm, shared with
// their com.qtune Fused* forms (which run the same compute, then add and activate).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "ops/op.h"

namespace qtune::ops {

std::vector<TensorInfo> infer_conv(const ir::Node& node, std::span<const TensorInfo> inputs);
std::unique_ptr<Kernel> make_conv_kernel(const ir::Node& node);

std::vector<TensorInfo> infer_conv_transpose(const ir::Node& node, std::span<const TensorInfo> inputs);
std::unique_ptr<Kernel> make_conv_transpose_kernel(const ir::Node& node);

std::vector<TensorInfo> infer_mat_mul(const ir::Node& node, std::span<const TensorInfo> inputs);
std::unique_ptr<Kernel> make_mat_mul_kernel(const ir::Node& node);

std::vector<TensorInfo> infer_gemm(const ir::Node& node, std::span<const TensorInfo> inputs);
std::unique_ptr<Kernel> make_gemm_kernel(const ir::Node& node);

}  // namespace qtune::ops
