// The oneDNN backend's kernels. make_dnnl_kernel returns the oneDNN kernel for a node, or
// nullptr when the backend has none for its op (the session then uses the reference
// kernel). Each kernel still falls back to the reference kernel, per input shape, for the
// cases its primitive cannot express exactly (other dtypes, negative pads, ...).
#pragma once

#include <memory>

#include "ops/op.h"

namespace qtune::backends::dnnl_backend {

std::unique_ptr<ops::Kernel> make_dnnl_kernel(const ir::Node& node);

// One per file.
std::unique_ptr<ops::Kernel> make_dnnl_conv(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_conv_transpose(const ir::Node& node);
// nullptr unless the windows do not overlap (stride == kernel, no padding, one group).
std::unique_ptr<ops::Kernel> make_dnnl_patch_conv_transpose(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_matmul(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_gemm(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_pool(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_q_conv(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_q_mat_mul(const ir::Node& node);
std::unique_ptr<ops::Kernel> make_dnnl_q_dynamic_mat_mul(const ir::Node& node);
// nullptr unless the windows do not overlap and activations are NHWC.
std::unique_ptr<ops::Kernel> make_dnnl_q_conv_transpose(const ir::Node& node);
// QuantizeLinear (quantize = true) or DequantizeLinear, per tensor.
std::unique_ptr<ops::Kernel> make_dnnl_quantize(const ir::Node& node, bool quantize);

}  // namespace qtune::backends::dnnl_backend
