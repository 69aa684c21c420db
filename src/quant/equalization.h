// Channel equalization (recipe `channel_equalization`, on by default): a convolution A
// whose output (directly or through a Relu) is read only by a depthwise convolution B.
// Scaling A's output channel i by 1/s_i and B's channel i weights by s_i computes the same
// function (Relu commutes with a positive scale, B mixes no channels), and with per-channel
// weights both rescalings are free for weight quantization. Choosing s_i from the channel
// ranges calibration saw makes every channel of the tensor between A and B span the same
// range, so one per-tensor activation scale fits all of them: a channel 50x narrower than
// the widest no longer gets a handful of quantization levels. (PP-OCRv4 rec's stem feeds
// its first depthwise convolution channels spanning [-27, 21] next to channels within +-1.)
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/quant_params.h"

namespace qtune::quant {

// Per-channel [min, max] of an NCHW tensor (axis 1) over the calibration samples.
struct ChannelRanges {
  std::vector<float> min, max;
  // Widens to `other`'s ranges; throws qtune::Error when the channel counts differ.
  void merge(const ChannelRanges& other);
  // Widens by one sample: data viewed as [outer, channels, inner].
  void update(const float* data, int64_t outer, int64_t channels, int64_t inner);
  bool operator==(const ChannelRanges&) const = default;
};

struct EqualizationPair {
  std::string producer;  // A: Conv
  std::string relu;      // the Relu between them, or ""
  std::string consumer;  // B: depthwise Conv
  std::string tensor;    // what B reads (A's output or the Relu's)
};

// The (A, B) pairs of a prepared graph whose weights and biases are constants read only
// by them.
std::vector<EqualizationPair> equalization_pairs(const ir::Graph& prepared);

// Rescales the weights (and A's bias) of each pair in `graph` (a copy of the prepared
// graph) from the recorded channel ranges of its tensor; returns the equalized ranges of
// those tensors, which replace their calibrated ranges. Pairs without ranges are skipped.
std::map<std::string, Range> equalize_channels(ir::Graph& graph, const std::vector<EqualizationPair>& pairs,
                                               const std::map<std::string, ChannelRanges>& ranges);

}  // namespace qtune::quant
