// Sliding-window geometry shared by Conv, ConvTranspose, MaxPool and AveragePool:
// reading kernel_shape/strides/dilations/pads/auto_pad, the per-axis output size rule
// (floor or ceil mode, SAME_UPPER/SAME_LOWER/VALID), and a 3-D normal form so every
// kernel is written once for 1-D, 2-D and 3-D inputs (missing leading axes have size 1).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "ops/op_helpers.h"

namespace qtune::ops {

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };

struct WindowAttrs {
  int spatial = 0;                 // number of spatial axes
  std::vector<int64_t> kernel;     // -1 where unknown (a Conv weight of unknown shape)
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads;       // begin values then end values (2 * spatial)
  AutoPad auto_pad = AutoPad::NotSet;
  bool ceil_mode = false;
};

// Reads the window attributes of `node` for `spatial` axes. `kernel` is the kernel size
// taken from the weights (Conv) or empty when kernel_shape is required (pools); a
// kernel_shape attribute, when present, must agree with it. Throws naming the node.
WindowAttrs read_window_attrs(const ir::Node& node, int spatial, std::span<const int64_t> kernel);

// Output size and resolved pads of one axis; out is -1 when the input size is unknown.
struct AxisWindow {
  int64_t out = -1;
  int64_t pad_begin = 0;
  int64_t pad_end = 0;
};
AxisWindow window_axis(const ir::Node& node, const WindowAttrs& attrs, int axis, int64_t in);

// Output shape [N, channels, spatial...] of a Conv or pool from the input's shape.
ir::Shape window_output_shape(const ir::Node& node, const WindowAttrs& attrs, const ir::Shape& x, ir::Dim channels);

// Concrete geometry in 3-D normal form (1-D/2-D problems padded with leading size-1 axes).
struct Window3d {
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1};
  std::array<int64_t, 3> pad_begin{0, 0, 0}, pad_end{0, 0, 0};
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
};
// Geometry for concrete spatial input dims; throws when the window does not fit.
Window3d make_window3d(const ir::Node& node, const WindowAttrs& attrs, std::span<const int64_t> in_spatial);

// Checks that a Conv/pool input has rank >= 3 (N, C, at least one spatial axis) and
// returns its spatial rank; -1 when the rank is unknown.
int spatial_rank_of(const ir::Node& node, const ir::Shape& x, const char* what);

// Shape rule of MaxPool/AveragePool (one input; kernel_shape required). `types` are the
// accepted element types; with_indices adds MaxPool's int64 Indices output.
std::vector<TensorInfo> infer_pool(const ir::Node& node, std::span<const TensorInfo> inputs,
                                   std::initializer_list<DataType> types, bool with_indices);

// Shape rule of GlobalAveragePool/GlobalMaxPool: [N, C, 1, ...] (float types).
std::vector<TensorInfo> infer_global_pool(const ir::Node& node, std::span<const TensorInfo> inputs);

}  // namespace qtune::ops
