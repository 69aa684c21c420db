// The tensor-manipulation and elementwise ops: one line per op.
#include <vector>

#include "ops/op.h"

namespace qtune::ops {

const OpSpec& abs_op();
const OpSpec& and_op();
const OpSpec& cast_op();
const OpSpec& cast_like_op();
const OpSpec& ceil_op();
const OpSpec& clip_op();
const OpSpec& constant_of_shape_op();
const OpSpec& cum_sum_op();
const OpSpec& dropout_op();
const OpSpec& equal_op();
const OpSpec& erf_op();
const OpSpec& exp_op();
const OpSpec& expand_op();
const OpSpec& flatten_op();
const OpSpec& floor_op();
const OpSpec& gather_op();
const OpSpec& gather_elements_op();
const OpSpec& gelu_op();
const OpSpec& ms_gelu_op();
const OpSpec& greater_op();
const OpSpec& greater_or_equal_op();
const OpSpec& hard_sigmoid_op();
const OpSpec& hard_swish_op();
const OpSpec& leaky_relu_op();
const OpSpec& less_op();
const OpSpec& less_or_equal_op();
const OpSpec& log_op();
const OpSpec& max_op();
const OpSpec& mean_op();
const OpSpec& min_op();
const OpSpec& mod_op();
const OpSpec& neg_op();
const OpSpec& non_zero_op();
const OpSpec& not_op();
const OpSpec& or_op();
const OpSpec& pad_op();
const OpSpec& pow_op();
const OpSpec& prelu_op();
const OpSpec& range_op();
const OpSpec& reciprocal_op();
const OpSpec& relu_op();
const OpSpec& round_op();
const OpSpec& sigmoid_op();
const OpSpec& sign_op();
const OpSpec& size_op();
const OpSpec& slice_op();
const OpSpec& softplus_op();
const OpSpec& split_op();
const OpSpec& sqrt_op();
const OpSpec& squeeze_op();
const OpSpec& sum_op();
const OpSpec& tanh_op();
const OpSpec& tile_op();
const OpSpec& transpose_op();
const OpSpec& unsqueeze_op();
const OpSpec& where_op();
const OpSpec& xor_op();

std::vector<const OpSpec*> tensor_ops() {
  return {
      &abs_op(),
      &and_op(),
      &cast_op(),
      &cast_like_op(),
      &ceil_op(),
      &clip_op(),
      &constant_of_shape_op(),
      &cum_sum_op(),
      &dropout_op(),
      &equal_op(),
      &erf_op(),
      &exp_op(),
      &expand_op(),
      &flatten_op(),
      &floor_op(),
      &gather_op(),
      &gather_elements_op(),
      &gelu_op(),
      &ms_gelu_op(),
      &greater_op(),
      &greater_or_equal_op(),
      &hard_sigmoid_op(),
      &hard_swish_op(),
      &leaky_relu_op(),
      &less_op(),
      &less_or_equal_op(),
      &log_op(),
      &max_op(),
      &mean_op(),
      &min_op(),
      &mod_op(),
      &neg_op(),
      &non_zero_op(),
      &not_op(),
      &or_op(),
      &pad_op(),
      &pow_op(),
      &prelu_op(),
      &range_op(),
      &reciprocal_op(),
      &relu_op(),
      &round_op(),
      &sigmoid_op(),
      &sign_op(),
      &size_op(),
      &slice_op(),
      &softplus_op(),
      &split_op(),
      &sqrt_op(),
      &squeeze_op(),
      &sum_op(),
      &tanh_op(),
      &tile_op(),
      &transpose_op(),
      &unsqueeze_op(),
      &where_op(),
      &xor_op(),
  };
}

}  // namespace qtune::ops
