// The neural-network ops (convolution, matmul, pooling, normalization, quantization): one line per op.
#include <vector>

#include "ops/op.h"

namespace qtune::ops {

const OpSpec& arg_max_op();
const OpSpec& average_pool_op();
const OpSpec& batch_normalization_op();
const OpSpec& conv_op();
const OpSpec& conv_transpose_op();
const OpSpec& dequantize_linear_op();
const OpSpec& dynamic_quantize_linear_op();
const OpSpec& einsum_op();
const OpSpec& fused_conv_op();
const OpSpec& fused_conv_transpose_op();
const OpSpec& fused_gemm_op();
const OpSpec& fused_mat_mul_op();
const OpSpec& gemm_op();
const OpSpec& global_average_pool_op();
const OpSpec& global_max_pool_op();
const OpSpec& layer_normalization_op();
const OpSpec& log_softmax_op();
const OpSpec& mat_mul_op();
const OpSpec& mat_mul_integer_op();
const OpSpec& max_pool_op();
const OpSpec& nhwc_conv_op();
const OpSpec& nhwc_pool_op();
const OpSpec& non_max_suppression_op();
const OpSpec& q_binary_op();
const OpSpec& q_concat_op();
const OpSpec& q_conv_op();
const OpSpec& q_conv_transpose_op();
const OpSpec& q_dynamic_mat_mul_op();
const OpSpec& q_global_average_pool_op();
const OpSpec& q_mat_mul_op();
const OpSpec& quantize_linear_op();
const OpSpec& reduce_max_op();
const OpSpec& reduce_mean_op();
const OpSpec& reduce_min_op();
const OpSpec& reduce_sum_op();
const OpSpec& resize_op();
const OpSpec& softmax_op();
const OpSpec& top_k_op();
const OpSpec& upsample_op();

std::vector<const OpSpec*> nn_ops() {
  return {
      &arg_max_op(),
      &average_pool_op(),
      &batch_normalization_op(),
      &conv_op(),
      &conv_transpose_op(),
      &dequantize_linear_op(),
      &dynamic_quantize_linear_op(),
      &einsum_op(),
      &fused_conv_op(),
      &fused_conv_transpose_op(),
      &fused_gemm_op(),
      &fused_mat_mul_op(),
      &gemm_op(),
      &global_average_pool_op(),
      &global_max_pool_op(),
      &layer_normalization_op(),
      &log_softmax_op(),
      &mat_mul_op(),
      &mat_mul_integer_op(),
      &max_pool_op(),
      &nhwc_conv_op(),
      &nhwc_pool_op(),
      &non_max_suppression_op(),
      &q_binary_op(),
      &q_concat_op(),
      &q_conv_op(),
      &q_conv_transpose_op(),
      &q_dynamic_mat_mul_op(),
      &q_global_average_pool_op(),
      &q_mat_mul_op(),
      &quantize_linear_op(),
      &reduce_max_op(),
      &reduce_mean_op(),
      &reduce_min_op(),
      &reduce_sum_op(),
      &resize_op(),
      &softmax_op(),
      &top_k_op(),
      &upsample_op(),
  };
}

}  // namespace qtune::ops
