// The interpolation engine behind Resize (opset 10, 11, 13+) and Upsample (7, 9):
// per-axis coordinate transforms, nearest (four rounding rules), n-linear and cubic
// interpolation, applied one axis at a time (all three are separable, so this equals
// the n-dimensional formula). Opset-10 Resize and Upsample use the "legacy" rules:
// asymmetric coordinates, nearest = floor when upsampling and ceil when downsampling.
#pragma once

#include <optional>
#include <vector>

#include "ops/op_helpers.h"

namespace qtune::ops {

enum class ResizeMode { Nearest, Linear, Cubic };
enum class ResizeCoord { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn, TfCropAndResize };
enum class ResizeNearest { RoundPreferFloor, RoundPreferCeil, Floor, Ceil, Legacy };

struct ResizeParams {
  ResizeMode mode = ResizeMode::Nearest;
  ResizeCoord coord = ResizeCoord::HalfPixel;
  ResizeNearest nearest = ResizeNearest::RoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;
};

// Attributes of an opset 11+ Resize node, validated.
ResizeParams resize_params(const ir::Node& node);
// The legacy (Upsample, opset-10 Resize) parameters: only `mode` (nearest/linear).
ResizeParams legacy_resize_params(const ir::Node& node);

// Output size of each axis from scales (floor(in * scale), scaled by the roi extent for
// tf_crop_and_resize) — -1 where the input dim is unknown and the scale is not 1.
std::vector<int64_t> resize_output_sizes(const ir::Node& node, const std::vector<int64_t>& in_dims,
                                         const std::vector<double>& scales, const std::vector<double>& roi,
                                         const ResizeParams& params);

// Output shape from whatever is known: `scales` or `sizes` (nullopt when not known yet).
ir::Shape resize_output_shape(const ir::Node& node, const ir::Shape& x, const std::optional<std::vector<double>>& scales,
                              const std::optional<std::vector<int64_t>>& sizes, const std::vector<double>& roi,
                              const ResizeParams& params);

// Resizes x into a new tensor of `out_dims`. `scales` are the per-axis factors the
// coordinate transform uses (given, or out/in when sizes were given: scales_given
// false); `roi` has 2*rank values (starts, ends) for tf_crop_and_resize, else empty.
Tensor resize_tensor(const ir::Node& node, const Tensor& x, const std::vector<int64_t>& out_dims,
                     const std::vector<double>& scales, bool scales_given, const std::vector<double>& roi,
                     const ResizeParams& params, KernelContext& ctx);

// Float contents (float32/float64) of a scales or roi tensor.
std::vector<double> to_doubles(const ir::Node& node, const Tensor& t, const char* what);

}  // namespace qtune::ops
