#include "backends/dnnl/dnnl_kernels.h"

#include <string>

#include "backends/dnnl/dnnl_common.h"

namespace qtune::backends::dnnl_backend {

std::unique_ptr<ops::Kernel> make_dnnl_kernel(const ir::Node& node) {
  // Quantized ops take integer tensors.
  if (node.domain() == "com.qtune" && node.op_type() == "QConv") return make_dnnl_q_conv(node);
  if (node.domain() == "com.qtune" && node.op_type() == "QMatMul") return make_dnnl_q_mat_mul(node);
  if (node.domain() == "com.qtune" && node.op_type() == "QDynamicMatMul") return make_dnnl_q_dynamic_mat_mul(node);
  if (node.domain() == "com.qtune" && node.op_type() == "QConvTranspose") return make_dnnl_q_conv_transpose(node);
  if ((node.domain().empty() && node.op_type() == "MaxPool") || (node.domain() == "com.qtune" && node.op_type() == "NhwcPool"))
    return make_dnnl_pool(node);  // float or INT8 data
  if (node.domain().empty() && node.op_type() == "QuantizeLinear") return make_dnnl_quantize(node, true);
  if (node.domain().empty() && node.op_type() == "DequantizeLinear") return make_dnnl_quantize(node, false);
  if (!inputs_are_float32(node)) return nullptr;
  const std::string& op = node.op_type();
  const bool onnx = node.domain().empty() || node.domain() == "ai.onnx";
  const bool fused = node.domain() == "com.qtune";
  if ((onnx && op == "Conv") || (fused && (op == "FusedConv" || op == "NhwcConv"))) return make_dnnl_conv(node);
  if ((onnx && op == "ConvTranspose") || (fused && op == "FusedConvTranspose")) {
    if (auto patch = make_dnnl_patch_conv_transpose(node)) return patch;
    return make_dnnl_conv_transpose(node);
  }
  if ((onnx && op == "MatMul") || (fused && op == "FusedMatMul")) return make_dnnl_matmul(node);
  if ((onnx && op == "Gemm") || (fused && op == "FusedGemm")) return make_dnnl_gemm(node);
  if ((onnx && (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool")) || (fused && op == "NhwcPool"))
    return make_dnnl_pool(node);
  return nullptr;
}

}  // namespace qtune::backends::dnnl_backend
