// A quantization plan: what `quantize()` does to a prepared FP32 graph. Model-wise
// defaults (weight and activation schemes, range algorithm, bias, inputs) plus rules that
// keep nodes in FP32 (op types, node-name regexes, first/last compute layer) and per-node
// overrides by name. Tuning strategies only ever change plans; quantize() is a pure
// function of (graph, statistics, plan).
//
// A node's decision is a Precision, not a boolean, so BF16 can join FP32 and INT8 later.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "quant/quant_params.h"
#include "quant/range_algorithms.h"

namespace qtune::quant {

enum class Precision { FP32, INT8 };
const char* precision_name(Precision p);      // "fp32", "int8"
Precision parse_precision(const std::string& name);  // throws qtune::Error listing the names

struct WeightConfig {
  Scheme scheme = Scheme::Int8Symmetric;
  bool per_channel = true;
  bool operator==(const WeightConfig&) const = default;
};

struct ActivationConfig {
  Scheme scheme = Scheme::UInt8Asymmetric;  // what commands start from: default_activation()
  RangeMethod algorithm = RangeMethod::MinMax;
  double percentile = 99.99;  // read by RangeMethod::Percentile only
  bool operator==(const ActivationConfig&) const = default;
};

// What one node may change (unset fields take the model-wise value).
struct NodeOverride {
  std::optional<Precision> precision;
  std::optional<WeightConfig> weight;
  std::optional<ActivationConfig> activation;
  bool operator==(const NodeOverride&) const = default;
};

// An override for every node whose op type is `op_type`, or whose name matches the
// regular expression `name_regex` (ECMAScript, whole name). Exactly one of the two is set.
struct OpWiseRule {
  std::string op_type;
  std::string name_regex;
  NodeOverride config;
  bool operator==(const OpWiseRule&) const = default;
};

struct QuantPlan {
  WeightConfig weight;
  ActivationConfig activation;
  bool quantize_bias = true;     // int32 bias with scale s_x * s_w; false keeps it FP32
  bool quantize_inputs = true;   // false: nodes reading a model input stay FP32
  // Weights in 7 bits ([-64, 63]): CPUs without VNNI multiply u8 x s8 pairs into 16-bit
  // sums that can saturate with full 8-bit weights (ONNX Runtime's reduce_range).
  bool reduce_range = false;
  bool first_layer_fp32 = false;  // the first compute node (Conv/MatMul/Gemm) in graph order
  bool last_layer_fp32 = false;   // compute nodes with no compute node after them
  // MatMul whose both operands are activations (attention scores); FP32 unless enabled.
  bool quantize_activation_matmul = false;
  // approach: dynamic. MatMul/Gemm with constant weights only, their activations quantized
  // at run time from their own range (no calibration); see quant/dynamic_quantizer.h.
  bool dynamic = false;
  // Equalize the channels between a convolution and the depthwise convolution reading it
  // (quant/equalization.h); exact in float, needs the calibration's channel ranges.
  bool channel_equalization = true;
  std::vector<std::string> exclude_op_types;    // these op types stay FP32
  std::vector<std::string> exclude_node_regex;  // nodes whose whole name matches stay FP32
  std::vector<OpWiseRule> op_wise;              // applied in order after the exclusions
  std::map<std::string, NodeOverride> nodes;    // by node name; applied last (tuning fallbacks)

  bool operator==(const QuantPlan&) const = default;
};

// The plan an unconfigured run uses on this CPU: the defaults above, with reduce_range on
// when the CPU lacks VNNI (see QuantPlan::reduce_range).
QuantPlan default_plan();
// The activations commands and configs start from: symmetric int8 where oneDNN's int8
// kernels have VNNI; uint8 asymmetric elsewhere, since without VNNI oneDNN halves the
// weights of convolutions that read int8 (signed) data, one bit of precision lost. On
// PP-OCRv4 rec uint8 asymmetric activations lost 1.7-3.9 points of word accuracy where
// symmetric int8 ones lost none, at the same speed (docs/accuracy.md).
ActivationConfig default_activation();
// True when oneDNN runs AVX-512 VNNI or AVX-VNNI code here (u8 x s8 dot products into
// 32 bits); DNNL_MAX_CPU_ISA can lower what it uses.
bool cpu_has_vnni();

}  // namespace qtune::quant
