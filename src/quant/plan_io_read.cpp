// Reading plans from YAML and JSON. The plan body is read once, by templates over a small
// "tree" interface (YamlTree, JsonTree), so both formats accept exactly the same content and
// report errors with the same key paths.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "config/yaml_check.h"
#include "qtune/error.h"
#include "quant/plan_io.h"
#include "util/atomic_file.h"

namespace qtune::quant {
namespace {

using config::child_path;
using Words = std::vector<std::string>;

const Words kSchemes = {"uint8_asym", "int8_sym", "int8_asym"};
const Words kAlgorithms = {"minmax", "percentile", "kl", "entropy", "mse"};  // entropy = kl
const Words kPrecisions = {"fp32", "int8"};
const Words kWeightKeys = {"scheme", "per_channel"};
const Words kActivationKeys = {"scheme", "algorithm", "percentile"};
const Words kOverrideKeys = {"precision", "weight", "activation"};
const Words kRuleKeys = {"op_type", "name_regex", "precision", "weight", "activation"};
const Words kBodyKeys = {"weight", "activation", "recipes", "exclude_op_types", "exclude_node_regex", "op_wise", "nodes"};

Words recipe_keys() {
  Words keys;
  for (const auto& recipe : kPlanRecipes) keys.push_back(recipe.key);
  return keys;
}

// YAML through the config helpers. An absent or null section or list reads as empty.
struct YamlTree {
  using Node = YAML::Node;
  static void check_map(const Node& n, const std::string& path, const Words& allowed) { config::check_keys(n, path, allowed); }
  static bool has(const Node& map, const std::string& key) { return config::has_key(map, key); }
  static Node child(const Node& map, const std::string& key) {
    const Node& const_map = map;  // non-const operator[] would insert the key
    return const_map[key];
  }
  static bool get_bool(const Node& map, const std::string& key, const std::string& path, bool fallback) {
    return config::get_bool(map, key, path, fallback);
  }
  static double get_double(const Node& map, const std::string& key, const std::string& path, double fallback) {
    return config::get_double(map, key, path, fallback);
  }
  static std::string get_string(const Node& map, const std::string& key, const std::string& path) {
    return config::get_string(map, key, path);
  }
  static std::string get_choice(const Node& map, const std::string& key, const std::string& path, const Words& allowed) {
    return config::get_choice(map, key, path, allowed, "");
  }
  static Words get_strings(const Node& map, const std::string& key, const std::string& path) {
    if (!has(map, key) || child(map, key).IsNull()) return {};
    return config::get_strings(map, key, path);
  }
  static std::vector<Node> items(const Node& map, const std::string& key, const std::string& path) {
    if (!has(map, key)) return {};
    const Node list = child(map, key);
    if (list.IsNull()) return {};
    if (!list.IsSequence()) throw Error(child_path(path, key) + ": expected a list, got " + config::describe_node(list));
    return std::vector<Node>(list.begin(), list.end());
  }
  static std::vector<std::pair<std::string, Node>> entries(const Node& map, const std::string& key, const std::string& path) {
    std::vector<std::pair<std::string, Node>> out;
    if (!has(map, key)) return out;  // a missing key's node throws on IsMap()
    const Node m = child(map, key);
    config::require_map(m, child_path(path, key), true);
    if (m.IsNull()) return out;
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (!it->first.IsScalar() || it->first.IsNull())
        throw Error(child_path(path, key) + ": expected node names as keys, got " + config::describe_node(it->first) +
                    " (quote names that read as null, such as '~')");
      out.emplace_back(it->first.Scalar(), it->second);
    }
    return out;
  }
};

// JSON with the same rules; types are checked exactly (no "true" for true).
struct JsonTree {
  using Node = nlohmann::json;
  static std::string describe(const Node& j) {
    if (j.is_null()) return "null";
    if (j.is_object()) return "an object";
    if (j.is_array()) return "an array";
    return j.dump(-1, ' ', false, Node::error_handler_t::replace);
  }
  static void check_map(const Node& n, const std::string& path, const Words& allowed) {
    if (n.is_null()) return;
    if (!n.is_object()) throw Error(path + ": expected an object, got " + describe(n));
    for (const auto& [key, value] : n.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string message = child_path(path, key) + ": unknown key";
      const std::string suggestion = config::closest_match(key, allowed);
      if (!suggestion.empty()) message.append("; did you mean '").append(suggestion).append("'?");
      throw Error(message.append(" (allowed: ").append(config::join_words(allowed)).append(")"));
    }
  }
  static bool has(const Node& map, const std::string& key) { return map.is_object() && map.contains(key); }
  static Node child(const Node& map, const std::string& key) { return has(map, key) ? map.at(key) : Node(); }
  static const Node& typed(const Node& map, const std::string& key, const std::string& path, bool ok, const char* expected) {
    if (!ok) throw Error(child_path(path, key) + ": expected " + expected + ", got " + describe(map.at(key)));
    return map.at(key);
  }
  static bool get_bool(const Node& map, const std::string& key, const std::string& path, bool fallback) {
    if (!has(map, key)) return fallback;
    return typed(map, key, path, map.at(key).is_boolean(), "true or false").get<bool>();
  }
  static double get_double(const Node& map, const std::string& key, const std::string& path, double fallback) {
    if (!has(map, key)) return fallback;
    return typed(map, key, path, map.at(key).is_number(), "a number").get<double>();
  }
  static std::string get_string(const Node& map, const std::string& key, const std::string& path) {
    if (!has(map, key)) throw Error(child_path(path, key) + ": missing required key");
    return typed(map, key, path, map.at(key).is_string(), "a string").get<std::string>();
  }
  static std::string get_choice(const Node& map, const std::string& key, const std::string& path, const Words& allowed) {
    const std::string value = get_string(map, key, path);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    std::string message = child_path(path, key) + ": '" + value + "' is not allowed; expected one of: " + config::join_words(allowed);
    const std::string suggestion = config::closest_match(value, allowed);
    if (!suggestion.empty()) message.append(" (did you mean '").append(suggestion).append("'?)");
    throw Error(message);
  }
  static Words get_strings(const Node& map, const std::string& key, const std::string& path) {
    Words out;
    const std::vector<Node> list = items(map, key, path);
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        throw Error(child_path(path, key) + "[" + std::to_string(i) + "]: expected a string, got " + describe(list[i]));
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }
  static std::vector<Node> items(const Node& map, const std::string& key, const std::string& path) {
    const Node list = child(map, key);
    if (list.is_null()) return {};
    if (!list.is_array()) throw Error(child_path(path, key) + ": expected an array, got " + describe(list));
    return std::vector<Node>(list.begin(), list.end());
  }
  static std::vector<std::pair<std::string, Node>> entries(const Node& map, const std::string& key, const std::string& path) {
    const Node m = child(map, key);
    std::vector<std::pair<std::string, Node>> out;
    if (m.is_null()) return out;
    if (!m.is_object()) throw Error(child_path(path, key) + ": expected an object, got " + describe(m));
    for (const auto& [name, value] : m.items()) out.emplace_back(name, value);
    return out;
  }
};

// Shortest text of a double, for messages ("30", not "30.000000").
std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void check_regex(const std::string& pattern, const std::string& path) {
  if (pattern.empty()) throw Error(path + ": empty regular expression; expected a pattern matching whole node names");
  try {
    std::regex check(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw Error(path + ": '" + pattern + "' is not a valid regular expression (ECMAScript syntax): " + e.what());
  }
}

template <class Tree>
WeightConfig read_weight(const typename Tree::Node& n, const std::string& path, WeightConfig w) {
  Tree::check_map(n, path, kWeightKeys);
  if (Tree::has(n, "scheme")) w.scheme = parse_scheme(Tree::get_choice(n, "scheme", path, kSchemes));
  w.per_channel = Tree::get_bool(n, "per_channel", path, w.per_channel);
  return w;
}

template <class Tree>
ActivationConfig read_activation(const typename Tree::Node& n, const std::string& path, ActivationConfig a) {
  Tree::check_map(n, path, kActivationKeys);
  if (Tree::has(n, "scheme")) a.scheme = parse_scheme(Tree::get_choice(n, "scheme", path, kSchemes));
  if (Tree::has(n, "algorithm")) a.algorithm = parse_range_method(Tree::get_choice(n, "algorithm", path, kAlgorithms));
  a.percentile = Tree::get_double(n, "percentile", path, a.percentile);
  // percentile_range's domain; checked even when unused so a bad file never loads.
  if (!(a.percentile >= 50 && a.percentile <= 100))
    throw Error(child_path(path, "percentile") + ": expected a number in [50, 100], e.g. 99.99, got " +
                number_text(a.percentile));
  return a;
}

// Override weight/activation fields the file leaves out take the plan's model-wise values.
template <class Tree>
NodeOverride read_override(const typename Tree::Node& n, const std::string& path, const QuantPlan& plan) {
  NodeOverride o;
  if (Tree::has(n, "precision")) o.precision = parse_precision(Tree::get_choice(n, "precision", path, kPrecisions));
  if (Tree::has(n, "weight")) o.weight = read_weight<Tree>(Tree::child(n, "weight"), child_path(path, "weight"), plan.weight);
  if (Tree::has(n, "activation"))
    o.activation = read_activation<Tree>(Tree::child(n, "activation"), child_path(path, "activation"), plan.activation);
  return o;
}

template <class Tree>
OpWiseRule read_rule(const typename Tree::Node& n, const std::string& path, const QuantPlan& plan) {
  Tree::check_map(n, path, kRuleKeys);
  OpWiseRule rule;
  const bool by_type = Tree::has(n, "op_type"), by_name = Tree::has(n, "name_regex");
  if (by_type == by_name)
    throw Error(path + (by_type ? ": has both op_type and name_regex" : ": missing op_type or name_regex") +
                "; a rule matches nodes by exactly one of them");
  if (by_type) {
    rule.op_type = Tree::get_string(n, "op_type", path);
    if (rule.op_type.empty()) throw Error(child_path(path, "op_type") + ": empty; expected an op type such as Conv");
  } else {
    rule.name_regex = Tree::get_string(n, "name_regex", path);
    check_regex(rule.name_regex, child_path(path, "name_regex"));
  }
  rule.config = read_override<Tree>(n, path, plan);
  return rule;
}

// The keys plan_to_json writes; `root` has been checked for unknown keys by the caller.
template <class Tree>
QuantPlan read_body(const typename Tree::Node& root) {
  QuantPlan plan;
  if (Tree::has(root, "weight")) plan.weight = read_weight<Tree>(Tree::child(root, "weight"), "weight", plan.weight);
  if (Tree::has(root, "activation"))
    plan.activation = read_activation<Tree>(Tree::child(root, "activation"), "activation", plan.activation);
  if (Tree::has(root, "recipes")) {
    const auto recipes = Tree::child(root, "recipes");
    Tree::check_map(recipes, "recipes", recipe_keys());
    for (const auto& recipe : kPlanRecipes) plan.*recipe.member = Tree::get_bool(recipes, recipe.key, "recipes", plan.*recipe.member);
  }
  plan.exclude_op_types = Tree::get_strings(root, "exclude_op_types", "");
  for (size_t i = 0; i < plan.exclude_op_types.size(); ++i)
    if (plan.exclude_op_types[i].empty())
      throw Error("exclude_op_types[" + std::to_string(i) + "]: empty; expected an op type such as Softmax");
  plan.exclude_node_regex = Tree::get_strings(root, "exclude_node_regex", "");
  for (size_t i = 0; i < plan.exclude_node_regex.size(); ++i)
    check_regex(plan.exclude_node_regex[i], "exclude_node_regex[" + std::to_string(i) + "]");
  const auto rules = Tree::items(root, "op_wise", "");
  for (size_t i = 0; i < rules.size(); ++i) plan.op_wise.push_back(read_rule<Tree>(rules[i], "op_wise[" + std::to_string(i) + "]", plan));
  for (const auto& [name, node] : Tree::entries(root, "nodes", "")) {
    const std::string path = child_path("nodes", name);
    if (name.empty()) throw Error("nodes: empty node name; expected the names of nodes in the model");
    if (plan.nodes.count(name)) throw Error(path + ": node listed twice");
    Tree::check_map(node, path, kOverrideKeys);
    plan.nodes[name] = read_override<Tree>(node, path, plan);
  }
  return plan;
}

LoadedPlan read_yaml_root(const YAML::Node& root) {
  Words allowed = {"format", "version", "calibration"};
  allowed.insert(allowed.end(), kBodyKeys.begin(), kBodyKeys.end());
  YamlTree::check_map(root, "", allowed);
  const std::string format = config::get_string(root, "format", "");
  if (format != "qtune-plan") throw Error("format: '" + format + "' is not a qtune plan; expected 'qtune-plan'");
  const int64_t version = config::get_int(root, "version", "");
  if (version != 1) throw Error("version: " + std::to_string(version) + " is not supported; this qtune reads version 1");
  LoadedPlan loaded;
  if (config::has_key(root, "calibration")) {
    const YAML::Node calibration = YamlTree::child(root, "calibration");
    config::check_keys(calibration, "calibration", {"sampling_size"});
    loaded.sampling_size = config::get_int(calibration, "sampling_size", "calibration", 0);
    if (loaded.sampling_size < 0)
      throw Error("calibration.sampling_size: expected a sample count >= 0 (0: all samples), got " +
                  std::to_string(loaded.sampling_size));
  }
  loaded.plan = read_body<YamlTree>(root);
  return loaded;
}

}  // namespace

LoadedPlan plan_from_yaml(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(source + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap())
    throw Error(source + ": expected a qtune plan (a YAML map starting with format: qtune-plan), got " +
                config::describe_node(root));
  try {
    return read_yaml_root(root);
  } catch (const Error& e) {
    rethrow_with_context(source, e);
  } catch (const YAML::Exception& e) {
    rethrow_with_context(source, e);
  }
}

LoadedPlan load_plan(const std::string& path) { return plan_from_yaml(read_file_bytes(path), path); }

QuantPlan plan_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error(source + ": expected a JSON object holding a plan, got " + JsonTree::describe(j));
  try {
    JsonTree::check_map(j, "", kBodyKeys);
    return read_body<JsonTree>(j);
  } catch (const Error& e) {
    rethrow_with_context(source, e);
  } catch (const nlohmann::json::exception& e) {
    rethrow_with_context(source, e);
  }
}

}  // namespace qtune::quant
