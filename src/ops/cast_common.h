// Element type conversion shared by Cast, CastLike and ops that need a value in the data's
// type (Pad's constant). Rules (ONNX Cast): float -> integer truncates toward zero (NaN ->
// 0, out-of-range saturates, where C++ and ONNX leave it undefined); integer -> integer
// wraps like NumPy's astype; anything -> bool is "!= 0"; float16/bfloat16 round to nearest
// even. Strings: numbers print in their shortest round-trip form ("NaN", "INF", "-INF" for
// the special values) and parse back, the whole string being one number; bool <-> string
// is rejected (ONNX does not pin down its spelling).
#pragma once

#include "ops/op_helpers.h"

namespace qtune::ops {

// Writes `src` converted to dst's type into `dst` (allocated with src's element count).
void cast_into(const ir::Node& node, const Tensor& src, Tensor& dst, int threads);

// True for the types Cast can convert between.
bool castable_type(DataType type);

}  // namespace qtune::ops
