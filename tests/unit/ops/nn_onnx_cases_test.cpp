// The neural-network ops against the ONNX backend test cases (Debian's libonnx-testdata):
// every node case of these ops except the ones listed below, plus the older
// PyTorch-exported cases (opset 6-era files) for convolutions, pools, BatchNorm, Gemm.
//
// Deliberately not run:
// - test_batchnorm_*_training_mode: training-mode BatchNormalization (running-stat
//   outputs) is rejected by design; OpsNnNorm.BatchNormTrainingModeIsRejected covers it.
// - *_expanded: the same functions decomposed into other ops (Exp, ReduceMax, ...);
//   they test those ops, not these.
// - test_convinteger_*, test_matmulinteger, test_qlinear*, test_dynamicquantizelinear*,
//   test_maxunpool_*, test_reduce_sum_square_*, test_argmin_*: different ops.
#include <gtest/gtest.h>

#include "onnx_node_case.h"

namespace qtune {
namespace {

class NnOpCases : public ::testing::TestWithParam<std::string> {};

TEST_P(NnOpCases, MatchesOnnxBackendData) {
  auto r = testing::run_onnx_node_case(std::string(testing::kOnnxTestData) + "/" + GetParam());
  ASSERT_TRUE(r.ran) << "unsupported op in " << GetParam();
  EXPECT_EQ(r.failure, "") << GetParam();
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param.substr(info.param.find('/') + 1);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    OpsNnConv, NnOpCases,
    ::testing::Values("node/test_basic_conv_with_padding", "node/test_basic_conv_without_padding",
                      "node/test_conv_with_autopad_same", "node/test_conv_with_strides_and_asymmetric_padding",
                      "node/test_conv_with_strides_no_padding", "node/test_conv_with_strides_padding",
                      "node/test_convtranspose", "node/test_convtranspose_1d", "node/test_convtranspose_3d",
                      "node/test_convtranspose_autopad_same", "node/test_convtranspose_dilations",
                      "node/test_convtranspose_kernel_shape", "node/test_convtranspose_output_shape",
                      "node/test_convtranspose_pad", "node/test_convtranspose_pads", "node/test_convtranspose_with_kernel",
                      "pytorch-converted/test_Conv1d", "pytorch-converted/test_Conv1d_dilated",
                      "pytorch-converted/test_Conv1d_groups", "pytorch-converted/test_Conv1d_pad1",
                      "pytorch-converted/test_Conv1d_pad1size1", "pytorch-converted/test_Conv1d_pad2",
                      "pytorch-converted/test_Conv1d_pad2size1", "pytorch-converted/test_Conv1d_stride",
                      "pytorch-converted/test_Conv2d", "pytorch-converted/test_Conv2d_depthwise",
                      "pytorch-converted/test_Conv2d_depthwise_padded", "pytorch-converted/test_Conv2d_depthwise_strided",
                      "pytorch-converted/test_Conv2d_depthwise_with_multiplier", "pytorch-converted/test_Conv2d_dilated",
                      "pytorch-converted/test_Conv2d_groups", "pytorch-converted/test_Conv2d_groups_thnn",
                      "pytorch-converted/test_Conv2d_no_bias", "pytorch-converted/test_Conv2d_padding",
                      "pytorch-converted/test_Conv2d_strided", "pytorch-converted/test_Conv3d",
                      "pytorch-converted/test_Conv3d_dilated", "pytorch-converted/test_Conv3d_dilated_strided",
                      "pytorch-converted/test_Conv3d_groups", "pytorch-converted/test_Conv3d_no_bias",
                      "pytorch-converted/test_Conv3d_stride", "pytorch-converted/test_Conv3d_stride_padding",
                      "pytorch-converted/test_ConvTranspose2d", "pytorch-converted/test_ConvTranspose2d_no_bias",
                      "pytorch-operator/test_operator_conv", "pytorch-operator/test_operator_convtranspose"),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    OpsNnMatMul, NnOpCases,
    ::testing::Values("node/test_matmul_2d", "node/test_matmul_3d", "node/test_matmul_4d", "node/test_gemm_all_attributes",
                      "node/test_gemm_alpha", "node/test_gemm_beta", "node/test_gemm_default_matrix_bias",
                      "node/test_gemm_default_no_bias", "node/test_gemm_default_scalar_bias",
                      "node/test_gemm_default_single_elem_vector_bias", "node/test_gemm_default_vector_bias",
                      "node/test_gemm_default_zero_bias", "node/test_gemm_transposeA", "node/test_gemm_transposeB",
                      "node/test_einsum_batch_diagonal", "node/test_einsum_batch_matmul", "node/test_einsum_inner_prod",
                      "node/test_einsum_sum", "node/test_einsum_transpose", "pytorch-converted/test_Linear",
                      "pytorch-converted/test_Linear_no_bias", "pytorch-operator/test_operator_mm"),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    OpsNnPool, NnOpCases,
    ::testing::Values(
        "node/test_averagepool_1d_default", "node/test_averagepool_2d_ceil", "node/test_averagepool_2d_default",
        "node/test_averagepool_2d_pads", "node/test_averagepool_2d_pads_count_include_pad",
        "node/test_averagepool_2d_precomputed_pads", "node/test_averagepool_2d_precomputed_pads_count_include_pad",
        "node/test_averagepool_2d_precomputed_same_upper", "node/test_averagepool_2d_precomputed_strides",
        "node/test_averagepool_2d_same_lower", "node/test_averagepool_2d_same_upper", "node/test_averagepool_2d_strides",
        "node/test_averagepool_3d_default", "node/test_maxpool_1d_default", "node/test_maxpool_2d_ceil",
        "node/test_maxpool_2d_default", "node/test_maxpool_2d_dilations", "node/test_maxpool_2d_pads",
        "node/test_maxpool_2d_precomputed_pads", "node/test_maxpool_2d_precomputed_same_upper",
        "node/test_maxpool_2d_precomputed_strides", "node/test_maxpool_2d_same_lower", "node/test_maxpool_2d_same_upper",
        "node/test_maxpool_2d_strides", "node/test_maxpool_2d_uint8", "node/test_maxpool_3d_default",
        "node/test_maxpool_with_argmax_2d_precomputed_pads", "node/test_maxpool_with_argmax_2d_precomputed_strides",
        "node/test_globalaveragepool", "node/test_globalaveragepool_precomputed", "node/test_globalmaxpool",
        "node/test_globalmaxpool_precomputed", "pytorch-converted/test_AvgPool1d", "pytorch-converted/test_AvgPool1d_stride",
        "pytorch-converted/test_AvgPool2d", "pytorch-converted/test_AvgPool2d_stride", "pytorch-converted/test_AvgPool3d",
        "pytorch-converted/test_AvgPool3d_stride", "pytorch-converted/test_AvgPool3d_stride1_pad0_gpu_input",
        "pytorch-converted/test_MaxPool1d", "pytorch-converted/test_MaxPool1d_stride",
        "pytorch-converted/test_MaxPool1d_stride_padding_dilation", "pytorch-converted/test_MaxPool2d",
        "pytorch-converted/test_MaxPool2d_stride_padding_dilation", "pytorch-converted/test_MaxPool3d",
        "pytorch-converted/test_MaxPool3d_stride", "pytorch-converted/test_MaxPool3d_stride_padding",
        "pytorch-operator/test_operator_maxpool"),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    OpsNnNorm, NnOpCases,
    ::testing::Values(
        "node/test_batchnorm_epsilon", "node/test_batchnorm_example", "pytorch-converted/test_BatchNorm1d_3d_input_eval",
        "pytorch-converted/test_BatchNorm2d_eval", "pytorch-converted/test_BatchNorm2d_momentum_eval",
        "pytorch-converted/test_BatchNorm3d_eval", "pytorch-converted/test_BatchNorm3d_momentum_eval",
        "node/test_layer_normalization_2d_axis0", "node/test_layer_normalization_2d_axis1",
        "node/test_layer_normalization_2d_axis_negative_1", "node/test_layer_normalization_2d_axis_negative_2",
        "node/test_layer_normalization_3d_axis0_epsilon", "node/test_layer_normalization_3d_axis1_epsilon",
        "node/test_layer_normalization_3d_axis2_epsilon", "node/test_layer_normalization_3d_axis_negative_1_epsilon",
        "node/test_layer_normalization_3d_axis_negative_2_epsilon",
        "node/test_layer_normalization_3d_axis_negative_3_epsilon", "node/test_layer_normalization_4d_axis0",
        "node/test_layer_normalization_4d_axis1", "node/test_layer_normalization_4d_axis2",
        "node/test_layer_normalization_4d_axis3", "node/test_layer_normalization_4d_axis_negative_1",
        "node/test_layer_normalization_4d_axis_negative_2", "node/test_layer_normalization_4d_axis_negative_3",
        "node/test_layer_normalization_4d_axis_negative_4", "node/test_layer_normalization_default_axis",
        "node/test_softmax_axis_0", "node/test_softmax_axis_1", "node/test_softmax_axis_2", "node/test_softmax_default_axis",
        "node/test_softmax_example", "node/test_softmax_large_number", "node/test_softmax_negative_axis",
        "node/test_logsoftmax_axis_0", "node/test_logsoftmax_axis_1", "node/test_logsoftmax_axis_2",
        "node/test_logsoftmax_default_axis", "node/test_logsoftmax_example_1", "node/test_logsoftmax_large_number",
        "node/test_logsoftmax_negative_axis", "pytorch-converted/test_Softmax", "pytorch-converted/test_LogSoftmax",
        "pytorch-converted/test_softmax_lastdim", "pytorch-converted/test_softmax_functional_dim3",
        "pytorch-converted/test_log_softmax_lastdim", "pytorch-converted/test_log_softmax_dim3"),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    OpsNnResize, NnOpCases,
    ::testing::Values("node/test_resize_downsample_scales_cubic",
                      "node/test_resize_downsample_scales_cubic_A_n0p5_exclude_outside",
                      "node/test_resize_downsample_scales_cubic_align_corners", "node/test_resize_downsample_scales_linear",
                      "node/test_resize_downsample_scales_linear_align_corners",
                      "node/test_resize_downsample_scales_nearest", "node/test_resize_downsample_sizes_cubic",
                      "node/test_resize_downsample_sizes_linear_pytorch_half_pixel",
                      "node/test_resize_downsample_sizes_nearest",
                      "node/test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn",
                      "node/test_resize_tf_crop_and_resize", "node/test_resize_upsample_scales_cubic",
                      "node/test_resize_upsample_scales_cubic_A_n0p5_exclude_outside",
                      "node/test_resize_upsample_scales_cubic_align_corners",
                      "node/test_resize_upsample_scales_cubic_asymmetric", "node/test_resize_upsample_scales_linear",
                      "node/test_resize_upsample_scales_linear_align_corners", "node/test_resize_upsample_scales_nearest",
                      "node/test_resize_upsample_sizes_cubic", "node/test_resize_upsample_sizes_nearest",
                      "node/test_resize_upsample_sizes_nearest_ceil_half_pixel",
                      "node/test_resize_upsample_sizes_nearest_floor_align_corners",
                      "node/test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric", "node/test_upsample_nearest"),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    OpsNnReduce, NnOpCases,
    ::testing::Values(
        "node/test_reduce_max_default_axes_keepdim_example", "node/test_reduce_max_default_axes_keepdims_random",
        "node/test_reduce_max_do_not_keepdims_example", "node/test_reduce_max_do_not_keepdims_random",
        "node/test_reduce_max_keepdims_example", "node/test_reduce_max_keepdims_random",
        "node/test_reduce_max_negative_axes_keepdims_example", "node/test_reduce_max_negative_axes_keepdims_random",
        "node/test_reduce_mean_default_axes_keepdims_example", "node/test_reduce_mean_default_axes_keepdims_random",
        "node/test_reduce_mean_do_not_keepdims_example", "node/test_reduce_mean_do_not_keepdims_random",
        "node/test_reduce_mean_keepdims_example", "node/test_reduce_mean_keepdims_random",
        "node/test_reduce_mean_negative_axes_keepdims_example", "node/test_reduce_mean_negative_axes_keepdims_random",
        "node/test_reduce_min_default_axes_keepdims_example", "node/test_reduce_min_default_axes_keepdims_random",
        "node/test_reduce_min_do_not_keepdims_example", "node/test_reduce_min_do_not_keepdims_random",
        "node/test_reduce_min_keepdims_example", "node/test_reduce_min_keepdims_random",
        "node/test_reduce_min_negative_axes_keepdims_example", "node/test_reduce_min_negative_axes_keepdims_random",
        "node/test_reduce_sum_default_axes_keepdims_example", "node/test_reduce_sum_default_axes_keepdims_random",
        "node/test_reduce_sum_do_not_keepdims_example", "node/test_reduce_sum_do_not_keepdims_random",
        "node/test_reduce_sum_empty_axes_input_noop_example", "node/test_reduce_sum_empty_axes_input_noop_random",
        "node/test_reduce_sum_keepdims_example", "node/test_reduce_sum_keepdims_random",
        "node/test_reduce_sum_negative_axes_keepdims_example", "node/test_reduce_sum_negative_axes_keepdims_random",
        "pytorch-operator/test_operator_reduced_mean", "pytorch-operator/test_operator_reduced_mean_keepdim",
        "pytorch-operator/test_operator_reduced_sum", "pytorch-operator/test_operator_reduced_sum_keepdim",
        "node/test_argmax_default_axis_example", "node/test_argmax_default_axis_example_select_last_index",
        "node/test_argmax_default_axis_random", "node/test_argmax_default_axis_random_select_last_index",
        "node/test_argmax_keepdims_example", "node/test_argmax_keepdims_example_select_last_index",
        "node/test_argmax_keepdims_random", "node/test_argmax_keepdims_random_select_last_index",
        "node/test_argmax_negative_axis_keepdims_example", "node/test_argmax_negative_axis_keepdims_example_select_last_index",
        "node/test_argmax_negative_axis_keepdims_random", "node/test_argmax_negative_axis_keepdims_random_select_last_index",
        "node/test_argmax_no_keepdims_example", "node/test_argmax_no_keepdims_example_select_last_index",
        "node/test_argmax_no_keepdims_random", "node/test_argmax_no_keepdims_random_select_last_index",
        "node/test_top_k", "node/test_top_k_negative_axis", "node/test_top_k_smallest"),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    OpsNnDetection, NnOpCases,
    ::testing::Values("node/test_nonmaxsuppression_center_point_box_format",
                      "node/test_nonmaxsuppression_flipped_coordinates", "node/test_nonmaxsuppression_identical_boxes",
                      "node/test_nonmaxsuppression_limit_output_size", "node/test_nonmaxsuppression_single_box",
                      "node/test_nonmaxsuppression_suppress_by_IOU", "node/test_nonmaxsuppression_suppress_by_IOU_and_scores",
                      "node/test_nonmaxsuppression_two_batches", "node/test_nonmaxsuppression_two_classes",
                      "node/test_quantizelinear", "node/test_quantizelinear_axis", "node/test_dequantizelinear",
                      "node/test_dequantizelinear_axis"),
    case_name);

}  // namespace
}  // namespace qtune
