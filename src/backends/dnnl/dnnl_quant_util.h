// What the oneDNN int8 kernels (QConv, QMatMul) share: element types, zero-point memories,
// and the eltwise post-ops of a quantized compute kernel: the fused activation (and PP-LCNet's
// affine after it), then the requantization factor 1 / y_scale when it could not be folded
// into the output scales. oneDNN 2.6's int8 jit kernels compute wrong results when two
// eltwise_linear post-ops are in one chain (found by tests/unit/backends/dnnl_q_conv_test),
// so the chain is normalized first: adjacent linears merge, and a trailing positive scale
// moves in front of a clip (k * clip(z, lo, hi) == clip(k * z, k * lo, k * hi)) to merge
// with the linear before it.
#pragma once

#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>

#include "ops/fused_activation.h"
#include "qtune/tensor.h"

namespace qtune::backends::dnnl_backend {

dnnl::memory::data_type dnnl_type(DataType t);  // u8, s8, s32, else f32
// A one-element s32 memory holding a runtime zero point.
dnnl::memory zero_point_memory(int32_t zp);
// The execute() arguments of an int8 convolution or matmul; bias and zero points only
// where defined (null memories are left out).
std::unordered_map<int, dnnl::memory> int8_primitive_args(const dnnl::memory& src, const dnnl::memory& weights,
                                                          const dnnl::memory& dst, const dnnl::memory& bias,
                                                          const dnnl::memory& src_zp, const dnnl::memory& dst_zp);
// True when act(k * x) == k * act(x) for k > 0 up to a rescaling of its parameters (none,
// Relu, LeakyRelu, Clip with scaled bounds): 1 / y_scale can then fold into output scales.
bool commutes_with_scale(const ops::FusedActivation& act);

// Appends act, then (unless final_scale == 1) a multiplication by final_scale > 0, with at
// most one eltwise_linear. False when that is impossible (the reference kernel runs then).
bool append_quantized_epilogue(dnnl::post_ops& ops, const ops::FusedActivation& act, float final_scale);

// The activation as in-place eltwise primitives over float32 data of `desc`, in order (none
// for no activation). False when oneDNN has no exact form of it.
bool activation_primitives(const ops::FusedActivation& act, const dnnl::memory::desc& desc,
                           std::vector<dnnl::eltwise_forward>& out);

}  // namespace qtune::backends::dnnl_backend
