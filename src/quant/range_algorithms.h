// Activation ranges from calibration statistics, without running the model again.
// Each algorithm reads one TensorStats and returns the float range to quantize; pass it
// to choose_params() (quant_params.h) for a scale and zero point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quant/quant_params.h"
#include "quant/tensor_stats.h"

namespace qtune::quant {

enum class RangeMethod { MinMax, Percentile, KL, MSE };

// "minmax", "percentile", "kl" (also "entropy"), "mse"
RangeMethod parse_range_method(const std::string& name);
const char* range_method_name(RangeMethod method);

// [min, max] of everything seen.
Range minmax_range(const TensorStats& stats);

// `percentile` in [50, 100], e.g. 99.99. Asymmetric: [P(100 - p), P(p)] of x; symmetric:
// [-T, T] with T = P(p) of |x|. Read from the histogram with linear interpolation inside
// a bin; the outermost bins are clipped to [min, max], so P(100) is exactly the max.
Range percentile_range(const TensorStats& stats, double percentile, bool symmetric);

// TensorRT-style entropy calibration. For a histogram of |x| (bins_per_side bins), every
// threshold i*w with i from `levels` up to the last non-empty bin is tried: P = the first
// i bins with everything beyond folded into bin i-1; Q = the unfolded first i bins merged
// into `levels` groups, each group's count spread evenly over the bins where P is non-zero
// (so Q is zero exactly where P is, as TensorRT does); the threshold minimizing KL(P||Q)
// wins. Where P > 0 but Q = 0 (the folded last bin when its whole group was empty) Q uses
// a floor of 1e-12 instead of an infinite divergence. kl_range only considers thresholds
// that clip at most 0.1% of the values (see kl_threshold_bins).
//   Int8Symmetric: 128 levels on |x|, range [-T, T].
//   Asymmetric schemes: a one-signed tensor (min >= 0, e.g. after ReLU) uses its own side
//   with 256 levels, range [0, T] (or [-T, 0]); a mixed-sign tensor uses |x| with 128
//   levels (256 levels over [-T, T]) and the range [max(min, -T), min(max, T)].
Range kl_range(const TensorStats& stats, Scheme scheme);
// The search itself, on a histogram of |x|: the threshold as a number of bins i (the range
// is i * bin width). When the last non-empty bin is among the first `levels`, nothing is
// clipped and the result is the number of bins up to it.
// Thresholds clipping more than `max_clipped_fraction` of the count are not considered.
size_t kl_threshold_bins(const std::vector<int64_t>& abs_histogram, size_t levels, double max_clipped_fraction = 1.0);

// The clipping range minimizing the expected quantize-dequantize squared error, computed
// from the histogram (each bin's count spread uniformly over its [min, max]-clipped
// extent): clipping error beyond the range plus exact rounding error inside, for the
// scale and zero point choose_params() gives. Candidates: symmetric [-k/K, k/K] * max|x|,
// asymmetric [min, max] * k/K, for k = 1..K (`candidates` = K); ties go to the wider range.
Range mse_range(const TensorStats& stats, Scheme scheme, int candidates = 128);
// The expected squared error per value of quantizing with `params` (per tensor), from the
// histogram; what mse_range minimizes (exposed for tests and reports).
double histogram_mse(const TensorStats& stats, const QuantParams& params);

// One entry point for the tuner: `percentile` is only read by RangeMethod::Percentile.
Range compute_range(const TensorStats& stats, RangeMethod method, Scheme scheme, double percentile = 99.99);

}  // namespace qtune::quant
