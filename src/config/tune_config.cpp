// The configuration file's top level, the model section, the shared value helpers and
// the base plan. The quantization section is in tune_config_quantization.cpp, the
// evaluation and tuning sections in tune_config_tuning.cpp.
#include "config/tune_config.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <filesystem>
#include <set>

#include "config/tune_config_parts.h"
#include "config/yaml_check.h"
#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::config {
namespace detail {

void reject_duplicate_keys(const YAML::Node& map, const std::string& path) {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!seen.insert(key).second) throw Error(child_path(path, key) + ": key given twice");
  }
}

void check_section(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed) {
  require_map(node, path);
  check_keys(node, path, allowed);
  reject_duplicate_keys(node, path);
}

namespace {

std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

}  // namespace

std::string word(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
                 const std::string& what) {
  if (!node.IsScalar()) {
    throw Error(path + ": expected " + with_article(what) + " (one of: " + join_words(allowed) + "), got " +
                describe_node(node));
  }
  const std::string value = node.Scalar();
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string message = path;
  message.append(": '").append(value).append("' is not ").append(with_article(what));
  const std::string suggestion = closest_match(value, allowed);
  if (!suggestion.empty()) message.append("; did you mean '").append(suggestion).append("'?");
  message.append(" (allowed: ").append(join_words(allowed)).append(")");
  throw Error(message);
}

std::string get_word(const YAML::Node& map, const std::string& key, const std::string& path,
                     const std::vector<std::string>& allowed, const std::string& what, const std::string& fallback) {
  if (!has_key(map, key)) return fallback;
  return word(map[key], child_path(path, key), allowed, what);
}

std::vector<std::string> get_words(const YAML::Node& map, const std::string& key, const std::string& path,
                                   const std::vector<std::string>& allowed, const std::string& what,
                                   const std::vector<std::string>& fallback) {
  if (!has_key(map, key)) return fallback;
  const YAML::Node node = map[key];
  const std::string full = child_path(path, key);
  if (!node.IsSequence()) return {word(node, full, allowed, what)};
  if (node.size() == 0) throw Error(full + ": expected at least one value (allowed: " + join_words(allowed) + ")");
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) out.push_back(word(node[i], full + "[" + std::to_string(i) + "]", allowed, what));
  return out;
}

int get_int_at_least(const YAML::Node& map, const std::string& key, const std::string& path, int64_t min_value,
                     int fallback) {
  if (!has_key(map, key)) return fallback;
  const int64_t v = get_int(map, key, path);
  if (v < min_value || v > INT_MAX) {
    throw Error(child_path(path, key) + ": expected an integer >= " + std::to_string(min_value) +
                (v > INT_MAX ? " and <= " + std::to_string(INT_MAX) : std::string()) + ", got " + std::to_string(v));
  }
  return static_cast<int>(v);
}

double get_non_negative(const YAML::Node& map, const std::string& key, const std::string& path, double fallback) {
  if (!has_key(map, key)) return fallback;
  const double v = get_double(map, key, path);
  if (!(v >= 0) || !std::isfinite(v))
    throw Error(child_path(path, key) + ": expected a number >= 0, got " + describe_node(map[key]));
  return v;
}

std::string resolve_against(const std::string& base_dir, const std::string& relative) {
  const std::filesystem::path p(relative);
  if (base_dir.empty() || p.is_absolute()) return relative;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

}  // namespace detail

namespace {

using detail::check_section;

// `inputs: [a, b]` or the seeds' `inputs: a, b`.
std::vector<std::string> read_names(const YAML::Node& model, const std::string& key) {
  const std::string path = child_path("model", key);
  std::vector<std::string> names;
  if (model[key].IsScalar()) {
    const std::string text = model[key].Scalar();
    size_t start = 0;
    while (start <= text.size()) {
      const size_t comma = std::min(text.find(',', start), text.size());
      std::string name = text.substr(start, comma - start);
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      names.push_back(name);
      start = comma + 1;
    }
  } else {
    names = get_strings(model, key, "model");
  }
  for (const auto& name : names)
    if (name.empty()) throw Error(path + ": empty tensor name in " + describe_node(model[key]));
  return names;
}

ModelSection read_model(const YAML::Node& node, const std::string& base_dir) {
  check_section(node, "model", {"name", "path", "framework", "inputs", "outputs"});
  ModelSection m;
  m.name = get_string(node, "name", "model", "");
  if (has_key(node, "path")) m.path = detail::resolve_against(base_dir, get_string(node, "path", "model"));
  // The seeds' files say `framework: onnxrt`; qtune reads ONNX only, so any value is accepted.
  get_string(node, "framework", "model", "");
  if (has_key(node, "inputs")) m.inputs = read_names(node, "inputs");
  if (has_key(node, "outputs")) m.outputs = read_names(node, "outputs");
  return m;
}

const std::vector<std::string> kTopLevelKeys = {"model", "quantization", "evaluation", "tuning", "version"};

TuneConfig read_root(const YAML::Node& root, const std::string& path) {
  if (!root.IsDefined() || root.IsNull())
    throw Error("the file is empty; expected a map with the keys " + join_words(kTopLevelKeys));
  if (!root.IsMap())
    throw Error("expected a map with the keys " + join_words(kTopLevelKeys) + " at the top level, got " + describe_node(root));
  check_keys(root, "", kTopLevelKeys);
  detail::reject_duplicate_keys(root, "");
  if (has_key(root, "version") && !root["version"].IsScalar())
    throw Error("version: expected a scalar (e.g. 1.0), got " + describe_node(root["version"]));

  TuneConfig c;
  c.path = path;
  c.base_dir = std::filesystem::path(path).parent_path().string();
  if (has_key(root, "model")) c.model = read_model(root["model"], c.base_dir);
  c.quantization = has_key(root, "quantization") ? detail::read_quantization(root["quantization"])
                                                 : detail::read_quantization(YAML::Node(YAML::NodeType::Map));
  c.has_evaluation = has_key(root, "evaluation");
  if (c.has_evaluation) c.evaluation = detail::read_evaluation(root["evaluation"]);
  c.tuning = has_key(root, "tuning") ? detail::read_tuning(root["tuning"], c.base_dir)
                                     : detail::read_tuning(YAML::Node(YAML::NodeType::Map), c.base_dir);
  return c;
}

}  // namespace

TuneConfig parse_tune_config(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(path + ": not valid YAML: " + e.what());
  }
  try {
    return read_root(root, path);
  } catch (const Error& e) {
    rethrow_with_context(path, e);
  } catch (const YAML::Exception& e) {
    rethrow_with_context(path, e);
  }
}

TuneConfig load_tune_config(const std::string& path) { return parse_tune_config(read_file_bytes(path), path); }

quant::QuantPlan base_plan(const TuneConfig& config) {
  quant::QuantPlan plan = quant::default_plan();
  const QuantizationSection& q = config.quantization;
  plan.weight = q.model_wise.weight.front();
  plan.activation = q.model_wise.activation.front();
  const Recipes& r = q.recipes;
  plan.first_layer_fp32 = r.first_layer_fp32;
  plan.last_layer_fp32 = r.last_layer_fp32;
  plan.quantize_bias = r.quantize_bias;
  plan.quantize_inputs = r.quantize_inputs;
  if (r.reduce_range) plan.reduce_range = *r.reduce_range;
  plan.quantize_activation_matmul = r.quantize_activation_matmul;
  plan.dynamic = q.dynamic;
  plan.channel_equalization = r.channel_equalization;
  for (const OpWiseSpace& entry : q.op_wise) {
    quant::OpWiseRule rule;
    (entry.is_op_type ? rule.op_type : rule.name_regex) = entry.key;
    rule.config = entry.choices.front();
    plan.op_wise.push_back(rule);
  }
  return plan;
}

bool has_accuracy(const TuneConfig& config) {
  const YAML::Node& metric = config.evaluation.metric;
  return config.has_evaluation && ((metric.IsDefined() && !metric.IsNull()) || !config.evaluation.command.empty());
}

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = {"basic", "mse", "conservative", "exhaustive", "random", "bayesian"};
  return names;
}

}  // namespace qtune::config
