// Per-output-channel edits of a convolution's constant weights, shared by the passes that
// fold a following per-channel affine op into it (fold_batch_norm, fold_conv_mul,
// fuse_bias_add): y[n, m, ...] * s[m] + t[m] == conv with W[m] * s[m] and B[m] * s[m] + t[m].
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::passes {

// A Conv / ConvTranspose, or their com.qtune Fused forms with neither activation nor Sum
// (so the output is still linear in W and B), with a float32 constant W and, when
// present, a float32 constant B: one whose output channels can be rescaled and shifted.
bool is_linear_conv(const ir::Node* node);

// Output channels of such a node (from W's shape and group).
int64_t conv_output_channels(const ir::Node* node);
// Rank of its output (that of W: batch, channels, spatial axes).
int conv_output_rank(const ir::Node* node);

// The values of constant c per output channel, when `c` broadcast against an output of
// rank `out_rank` varies along axis 1 only (shape [C,1,1], [1,C,1,1], [1], ...).
std::optional<std::vector<double>> per_channel_values(const Tensor& c, int out_rank, int64_t channels);

// Sets W := W * scale[m] and B := B * scale[m] + shift[m] per output channel m (B is
// created when absent). The new constants replace the old in place when only this node
// reads them, else they become new initializers.
void rescale_conv_channels(ir::Graph& graph, ir::Node* conv, const std::vector<double>& scale,
                           const std::vector<double>& shift);

}  // namespace qtune::passes
