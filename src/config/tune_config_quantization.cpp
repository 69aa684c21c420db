// The `quantization` section: approach, calibration, model_wise, op_wise and recipes.
// Weight and activation sections are read the same way model-wise and op-wise; every
// field may be one value or a list, and lists expand into all combinations in list order
// (the first combination is the default the tuner starts from).
#include <algorithm>
#include <optional>
#include <regex>

#include "config/tune_config_parts.h"
#include "config/yaml_check.h"
#include "ops/op.h"
#include "qtune/error.h"

namespace qtune::config::detail {
namespace {

using quant::ActivationConfig;
using quant::Scheme;
using quant::WeightConfig;

// A nullopt entry stands for `dtype: fp32` (leave the tensor unquantized).
using WeightChoices = std::vector<std::optional<WeightConfig>>;
using ActivationChoices = std::vector<std::optional<ActivationConfig>>;

template <class T>
void add_unique(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string dtype_word(Scheme s) { return s == Scheme::UInt8Asymmetric ? "uint8" : "int8"; }
std::string scheme_word(Scheme s) { return quant::is_symmetric(s) ? "sym" : "asym"; }

Scheme to_scheme(const std::string& dtype, const std::string& scheme, const std::string& scheme_path) {
  if (dtype == "int8") return scheme == "sym" ? Scheme::Int8Symmetric : Scheme::Int8Asymmetric;
  if (scheme == "asym") return Scheme::UInt8Asymmetric;
  throw Error(scheme_path + ": 'sym' cannot go with dtype 'uint8': a range centred on zero needs a signed type "
                            "(allowed: sym or asym with int8, asym with uint8)");
}

// The scheme when the section names a dtype but no scheme: the base's scheme when the
// dtype is the base's, else the usual one for that dtype (int8 -> sym, uint8 -> asym).
std::string default_scheme(const std::string& dtype, Scheme base) {
  if (dtype == dtype_word(base)) return scheme_word(base);
  return dtype == "int8" ? "sym" : "asym";
}

void refuse_fp32(const std::vector<std::string>& dtypes, const std::string& dtype_path, bool allow_fp32) {
  if (allow_fp32 || std::find(dtypes.begin(), dtypes.end(), "fp32") == dtypes.end()) return;
  throw Error(dtype_path + ": 'fp32' is not allowed model-wise, it would quantize nothing (allowed: int8, uint8); "
                           "to keep some nodes in FP32 use quantization.op_wise (e.g. Conv: {activation: {dtype: fp32}}), "
                           "or let tuning fall back node by node");
}

// `base` supplies the fields the section leaves out.
WeightChoices read_weight(const YAML::Node& node, const std::string& path, const WeightConfig& base, bool allow_fp32) {
  check_section(node, path, {"dtype", "scheme", "granularity", "algorithm"});
  const auto dtypes = get_words(node, "dtype", path, {"int8", "uint8", "fp32"}, "weight dtype", {dtype_word(base.scheme)});
  refuse_fp32(dtypes, child_path(path, "dtype"), allow_fp32);
  const auto schemes = get_words(node, "scheme", path, {"sym", "asym"}, "scheme", {});
  const auto granularities = get_words(node, "granularity", path, {"per_channel", "per_tensor"}, "granularity",
                                       {base.per_channel ? "per_channel" : "per_tensor"});
  // Weights are constants: their exact min/max is the only range worth using.
  get_words(node, "algorithm", path, {"minmax"}, "weight range algorithm", {"minmax"});

  WeightChoices out;
  for (const auto& dtype : dtypes) {
    if (dtype == "fp32") {
      add_unique(out, std::optional<WeightConfig>());
      continue;
    }
    for (const auto& scheme : schemes.empty() ? std::vector{default_scheme(dtype, base.scheme)} : schemes) {
      const Scheme s = to_scheme(dtype, scheme, child_path(path, "scheme"));
      for (const auto& granularity : granularities)
        add_unique(out, std::optional<WeightConfig>(WeightConfig{s, granularity == "per_channel"}));
    }
  }
  return out;
}

double read_percentile(const YAML::Node& node, const std::string& path, double fallback) {
  const double p = get_double(node, "percentile", path, fallback);
  if (!(p > 50 && p <= 100))
    throw Error(child_path(path, "percentile") + ": expected a number in (50, 100], e.g. 99.99, got " +
                describe_node(node["percentile"]));
  return p;
}

ActivationChoices read_activation(const YAML::Node& node, const std::string& path, const ActivationConfig& base,
                                  bool allow_fp32) {
  check_section(node, path, {"dtype", "scheme", "granularity", "algorithm", "percentile"});
  const auto dtypes = get_words(node, "dtype", path, {"uint8", "int8", "fp32"}, "activation dtype", {dtype_word(base.scheme)});
  refuse_fp32(dtypes, child_path(path, "dtype"), allow_fp32);
  const auto schemes = get_words(node, "scheme", path, {"asym", "sym"}, "scheme", {});
  for (const auto& g : get_words(node, "granularity", path, {"per_tensor", "per_channel"}, "granularity", {"per_tensor"}))
    if (g == "per_channel")
      throw Error(child_path(path, "granularity") +
                  ": 'per_channel' is for weights; activations are quantized per tensor (allowed: per_tensor)");
  const auto algorithms = get_words(node, "algorithm", path, {"minmax", "percentile", "kl", "entropy", "mse"},
                                    "range algorithm", {quant::range_method_name(base.algorithm)});
  const double percentile = read_percentile(node, path, base.percentile);

  ActivationChoices out;
  for (const auto& dtype : dtypes) {
    if (dtype == "fp32") {
      add_unique(out, std::optional<ActivationConfig>());
      continue;
    }
    for (const auto& scheme : schemes.empty() ? std::vector{default_scheme(dtype, base.scheme)} : schemes) {
      const Scheme s = to_scheme(dtype, scheme, child_path(path, "scheme"));
      for (const auto& algorithm : algorithms)
        add_unique(out, std::optional<ActivationConfig>(ActivationConfig{s, quant::parse_range_method(algorithm), percentile}));
    }
  }
  return out;
}

template <class T>
std::vector<T> unwrap(const std::vector<std::optional<T>>& choices) {
  std::vector<T> out;
  for (const auto& c : choices) out.push_back(*c);  // fp32 was refused, every entry is set
  return out;
}

ModelWiseSpace read_model_wise(const YAML::Node& node) {
  const std::string path = "quantization.model_wise";
  check_section(node, path, {"weight", "activation"});
  ModelWiseSpace m{{WeightConfig{}}, {quant::default_activation()}};
  if (has_key(node, "weight")) m.weight = unwrap(read_weight(node["weight"], child_path(path, "weight"), WeightConfig{}, false));
  if (has_key(node, "activation"))
    m.activation =
        unwrap(read_activation(node["activation"], child_path(path, "activation"), quant::default_activation(), false));
  return m;
}

OpWiseSpace read_op_wise_entry(const std::string& key, const YAML::Node& node, const ModelWiseSpace& model_wise) {
  const std::string path = child_path("quantization.op_wise", key);
  if (key.empty()) throw Error("quantization.op_wise: empty key; expected an op type or a node-name regex");
  check_section(node, path, {"weight", "activation"});
  if (node.size() == 0) throw Error(path + ": expected weight and/or activation settings, got an empty map");

  OpWiseSpace entry;
  entry.key = key;
  entry.is_op_type = ops::find_op("", key) != nullptr;
  if (!entry.is_op_type) {
    try {
      std::regex check(key, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw Error(path + ": '" + key + "' is neither an op type qtune implements nor a valid regular expression over node names (" +
                  e.what() + ")");
    }
  }
  // A section left out stays unset in the override (the node keeps the model-wise value);
  // a section given is completed from the model-wise defaults.
  const bool has_weight = has_key(node, "weight");
  const bool has_activation = has_key(node, "activation");
  const WeightChoices weights = has_weight ? read_weight(node["weight"], child_path(path, "weight"), model_wise.weight.front(), true)
                                           : WeightChoices{std::nullopt};
  const ActivationChoices activations =
      has_activation ? read_activation(node["activation"], child_path(path, "activation"), model_wise.activation.front(), true)
                     : ActivationChoices{std::nullopt};
  for (const auto& weight : weights) {
    for (const auto& activation : activations) {
      quant::NodeOverride choice;
      if ((has_weight && !weight) || (has_activation && !activation)) {
        choice.precision = quant::Precision::FP32;
      } else {
        choice.precision = quant::Precision::INT8;
        choice.weight = weight;
        choice.activation = activation;
      }
      add_unique(entry.choices, choice);
    }
  }
  return entry;
}

std::vector<OpWiseSpace> read_op_wise(const YAML::Node& node, const ModelWiseSpace& model_wise) {
  const std::string path = "quantization.op_wise";
  require_map(node, path);
  reject_duplicate_keys(node, path);
  std::vector<OpWiseSpace> out;
  for (auto it = node.begin(); it != node.end(); ++it) out.push_back(read_op_wise_entry(it->first.Scalar(), it->second, model_wise));
  return out;
}

std::optional<bool> read_reduce_range(const YAML::Node& node, const std::string& path) {
  const std::string key_path = child_path(path, "reduce_range");
  const YAML::Node value = node["reduce_range"];
  if (value.IsScalar() && value.Scalar() == "auto") return std::nullopt;
  bool flag = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, flag))
    throw Error(key_path + ": expected auto, true or false, got " + describe_node(value));
  return flag;
}

Recipes read_recipes(const YAML::Node& node) {
  const std::string path = "quantization.recipes";
  check_section(node, path,
                {"first_conv_or_matmul_quantization", "last_conv_or_matmul_quantization", "bias_quantization",
                 "input_quantization", "reduce_range", "activation_matmul_quantization", "fold_batchnorm",
                 "channel_equalization"});
  Recipes r;
  r.first_layer_fp32 = !get_bool(node, "first_conv_or_matmul_quantization", path, true);
  r.last_layer_fp32 = !get_bool(node, "last_conv_or_matmul_quantization", path, true);
  r.quantize_bias = get_bool(node, "bias_quantization", path, true);
  r.quantize_inputs = get_bool(node, "input_quantization", path, true);
  if (has_key(node, "reduce_range")) r.reduce_range = read_reduce_range(node, path);
  r.quantize_activation_matmul = get_bool(node, "activation_matmul_quantization", path, false);
  r.channel_equalization = get_bool(node, "channel_equalization", path, true);
  if (!get_bool(node, "fold_batchnorm", path, true))
    throw Error(child_path(path, "fold_batchnorm") +
                ": false is not supported: BatchNormalization is always folded into the convolution before "
                "quantization (allowed: true)");
  return r;
}

void read_calibration(const YAML::Node& node, QuantizationSection& q) {
  const std::string path = "quantization.calibration";
  check_section(node, path, {"sampling_size", "dataloader"});
  if (has_key(node, "sampling_size")) {
    const std::string key_path = child_path(path, "sampling_size");
    const std::vector<int64_t> sizes = get_ints(node, "sampling_size", path);
    if (sizes.empty()) throw Error(key_path + ": expected a positive integer or a list of them, got an empty list");
    q.sampling_sizes.clear();
    for (int64_t n : sizes) {
      if (n <= 0) throw Error(key_path + ": expected positive integers, got " + std::to_string(n));
      add_unique(q.sampling_sizes, n);
    }
  }
  if (has_key(node, "dataloader")) {
    // Its keys are the data layer's; it checks them when it builds the loader.
    require_map(node["dataloader"], child_path(path, "dataloader"));
    q.calibration_dataloader = node["dataloader"];
  }
}

}  // namespace

QuantizationSection read_quantization(const YAML::Node& node) {
  const std::string path = "quantization";
  check_section(node, path, {"approach", "calibration", "model_wise", "op_wise", "recipes"});
  QuantizationSection q;
  const std::string approach = get_word(node, "approach", path,
                                        {"static", "dynamic", "post_training_static_quant", "post_training_dynamic_quant"},
                                        "approach", "static");
  q.dynamic = approach == "dynamic" || approach == "post_training_dynamic_quant";
  q.sampling_sizes = {100};
  if (has_key(node, "calibration")) read_calibration(node["calibration"], q);
  q.model_wise = has_key(node, "model_wise") ? read_model_wise(node["model_wise"])
                                             : ModelWiseSpace{{WeightConfig{}}, {quant::default_activation()}};
  if (has_key(node, "op_wise")) q.op_wise = read_op_wise(node["op_wise"], q.model_wise);
  if (has_key(node, "recipes")) q.recipes = read_recipes(node["recipes"]);
  return q;
}

}  // namespace qtune::config::detail
