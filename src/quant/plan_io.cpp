// Writing plans (YAML, JSON), trial keys and plan differences. Reading is in plan_io_read.cpp.
#include "quant/plan_io.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <set>

namespace qtune::quant {
namespace {

// Shortest text that reads back as the same double ("99.99", not "99.989999999999995").
std::string exact_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// ---- YAML ----

void emit_weight(YAML::Emitter& out, const WeightConfig& w) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "scheme" << YAML::Value << scheme_name(w.scheme);
  out << YAML::Key << "per_channel" << YAML::Value << w.per_channel;
  out << YAML::EndMap;
}

void emit_activation(YAML::Emitter& out, const ActivationConfig& a) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "scheme" << YAML::Value << scheme_name(a.scheme);
  out << YAML::Key << "algorithm" << YAML::Value << range_method_name(a.algorithm);
  // A plain scalar: the emitter leaves "99.99" unquoted, and it reads back as a number.
  out << YAML::Key << "percentile" << YAML::Value << exact_number(a.percentile);
  out << YAML::EndMap;
}

// The set fields of an override, into a map the caller has opened.
void emit_override_fields(YAML::Emitter& out, const NodeOverride& o) {
  if (o.precision) out << YAML::Key << "precision" << YAML::Value << precision_name(*o.precision);
  if (o.weight) {
    out << YAML::Key << "weight" << YAML::Value;
    emit_weight(out, *o.weight);
  }
  if (o.activation) {
    out << YAML::Key << "activation" << YAML::Value;
    emit_activation(out, *o.activation);
  }
}

// Regexes single-quoted: backslashes stay as typed, and nothing in them can read as YAML syntax.
void emit_string_list(YAML::Emitter& out, const std::vector<std::string>& items, bool quote) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& item : items) {
    if (quote) out << YAML::SingleQuoted;
    out << item;
  }
  out << YAML::EndSeq;
}

void emit_op_wise(YAML::Emitter& out, const std::vector<OpWiseRule>& rules) {
  out << YAML::Key << "op_wise" << YAML::Value;
  if (rules.empty()) out << YAML::Flow;  // "[]" on the same line
  out << YAML::BeginSeq;
  for (const auto& rule : rules) {
    out << YAML::Flow << YAML::BeginMap;
    if (!rule.op_type.empty()) out << YAML::Key << "op_type" << YAML::Value << rule.op_type;
    if (!rule.name_regex.empty()) out << YAML::Key << "name_regex" << YAML::Value << YAML::SingleQuoted << rule.name_regex;
    emit_override_fields(out, rule.config);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_nodes(YAML::Emitter& out, const std::map<std::string, NodeOverride>& nodes) {
  out << YAML::Key << "nodes" << YAML::Value;
  if (nodes.empty()) out << YAML::Flow;  // "{}" on the same line
  out << YAML::BeginMap;
  for (const auto& [name, o] : nodes) {
    out << YAML::Key << name << YAML::Value << YAML::Flow << YAML::BeginMap;
    emit_override_fields(out, o);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

// ---- JSON ----

nlohmann::json weight_json(const WeightConfig& w) {
  return {{"scheme", scheme_name(w.scheme)}, {"per_channel", w.per_channel}};
}

nlohmann::json activation_json(const ActivationConfig& a) {
  return {{"scheme", scheme_name(a.scheme)}, {"algorithm", range_method_name(a.algorithm)}, {"percentile", a.percentile}};
}

// The set fields of an override, added to `j`.
void add_override_json(nlohmann::json& j, const NodeOverride& o) {
  if (o.precision) j["precision"] = precision_name(*o.precision);
  if (o.weight) j["weight"] = weight_json(*o.weight);
  if (o.activation) j["activation"] = activation_json(*o.activation);
}

// ---- differences ----

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out.append(out.empty() ? "" : ", ").append(w);
  return out;
}

std::string weight_text(const std::optional<WeightConfig>& w) {
  if (!w) return "none";
  return std::string(scheme_name(w->scheme)).append(w->per_channel ? " per_channel" : " per_tensor");
}

std::string activation_text(const std::optional<ActivationConfig>& a) {
  if (!a) return "none";
  std::string text = std::string(scheme_name(a->scheme)).append(" ").append(range_method_name(a->algorithm));
  if (a->algorithm == RangeMethod::Percentile) text.append(" ").append(exact_number(a->percentile));
  return text;
}

std::string bool_text(bool b) { return b ? "true" : "false"; }

// Collects "; "-separated parts of the summary.
struct Summary {
  std::vector<std::string> parts;
  void change(const std::string& what, const std::string& from, const std::string& to) {
    if (from != to) parts.push_back(std::string(what).append(" ").append(from).append(" -> ").append(to));
  }
  void list(const std::string& label, const std::vector<std::string>& names) {
    if (!names.empty()) parts.push_back(std::string(label).append(" ").append(join(names)));
  }
};

// Exclusion lists act as sets: report entries added and removed, or a pure reordering.
void describe_list(Summary& s, const std::string& key, const std::vector<std::string>& from, const std::vector<std::string>& to) {
  if (from == to) return;
  const std::set<std::string> a(from.begin(), from.end()), b(to.begin(), to.end());
  std::vector<std::string> added, removed;
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(added));
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(removed));
  s.list("+" + key, added);
  s.list("-" + key, removed);
  if (added.empty() && removed.empty()) s.parts.push_back(key + " reordered");
}

void describe_op_wise(Summary& s, const std::vector<OpWiseRule>& from, const std::vector<OpWiseRule>& to) {
  if (from == to) return;
  if (from.size() != to.size()) {
    s.change("op_wise", std::to_string(from.size()) + " rules", std::to_string(to.size()) + " rules");
    return;
  }
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != to[i]) s.parts.push_back("op_wise[" + std::to_string(i) + "] changed");
}

// Precision changes grouped ("+fp32 a, b; -fp32 c"), weight/activation changes per node.
void describe_nodes(Summary& s, const std::map<std::string, NodeOverride>& from, const std::map<std::string, NodeOverride>& to) {
  std::set<std::string> names;
  for (const auto& [name, o] : from) names.insert(name);
  for (const auto& [name, o] : to) names.insert(name);
  std::map<Precision, std::vector<std::string>> gained, lost;
  std::vector<std::string> details;
  for (const auto& name : names) {
    const auto a_it = from.find(name), b_it = to.find(name);
    const NodeOverride a = a_it == from.end() ? NodeOverride{} : a_it->second;
    const NodeOverride b = b_it == to.end() ? NodeOverride{} : b_it->second;
    if (a.precision != b.precision) {
      if (b.precision) gained[*b.precision].push_back(name);
      if (a.precision) lost[*a.precision].push_back(name);
    }
    const std::string prefix = "nodes[" + name + "].";
    if (a.weight != b.weight)
      details.push_back(std::string(prefix).append("weight ").append(weight_text(a.weight)).append(" -> ").append(weight_text(b.weight)));
    if (a.activation != b.activation)
      details.push_back(std::string(prefix)
                            .append("activation ")
                            .append(activation_text(a.activation))
                            .append(" -> ")
                            .append(activation_text(b.activation)));
  }
  for (Precision p : {Precision::FP32, Precision::INT8}) {
    s.list(std::string("+") + precision_name(p), gained[p]);
    s.list(std::string("-") + precision_name(p), lost[p]);
  }
  s.parts.insert(s.parts.end(), details.begin(), details.end());
}

}  // namespace

std::string plan_to_yaml(const QuantPlan& plan, int64_t sampling_size) {
  YAML::Emitter out;
  out << YAML::Comment("qtune quantization plan (format: qtune-plan, version 1). Replay it with:\n"
                       "  qtune quantize MODEL --plan deploy.yaml --calib DATA");
  out << YAML::BeginMap;
  out << YAML::Key << "format" << YAML::Value << "qtune-plan";
  out << YAML::Key << "version" << YAML::Value << 1;
  out << YAML::Key << "calibration" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "sampling_size" << YAML::Value << sampling_size << YAML::EndMap;
  out << YAML::Key << "weight" << YAML::Value;
  emit_weight(out, plan.weight);
  out << YAML::Key << "activation" << YAML::Value;
  emit_activation(out, plan.activation);
  out << YAML::Key << "recipes" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& recipe : kPlanRecipes) out << YAML::Key << recipe.key << YAML::Value << plan.*recipe.member;
  out << YAML::EndMap;
  out << YAML::Key << "exclude_op_types" << YAML::Value;
  emit_string_list(out, plan.exclude_op_types, false);
  out << YAML::Key << "exclude_node_regex" << YAML::Value;
  emit_string_list(out, plan.exclude_node_regex, true);
  emit_op_wise(out, plan.op_wise);
  emit_nodes(out, plan.nodes);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

nlohmann::json plan_to_json(const QuantPlan& plan) {
  nlohmann::json j;
  j["weight"] = weight_json(plan.weight);
  j["activation"] = activation_json(plan.activation);
  nlohmann::json recipes = nlohmann::json::object();
  for (const auto& recipe : kPlanRecipes) recipes[recipe.key] = plan.*recipe.member;
  j["recipes"] = recipes;
  j["exclude_op_types"] = plan.exclude_op_types;
  j["exclude_node_regex"] = plan.exclude_node_regex;
  j["op_wise"] = nlohmann::json::array();
  for (const auto& rule : plan.op_wise) {
    nlohmann::json r = nlohmann::json::object();
    if (!rule.op_type.empty()) r["op_type"] = rule.op_type;
    if (!rule.name_regex.empty()) r["name_regex"] = rule.name_regex;
    add_override_json(r, rule.config);
    j["op_wise"].push_back(r);
  }
  j["nodes"] = nlohmann::json::object();
  for (const auto& [name, o] : plan.nodes) {
    nlohmann::json n = nlohmann::json::object();
    add_override_json(n, o);
    j["nodes"][name] = n;
  }
  return j;
}

std::string plan_key(const QuantPlan& plan, int64_t sampling_size) {
  // nlohmann::json objects are sorted by key, so the dump is canonical. Invalid UTF-8 in a
  // node name is replaced rather than thrown on: a key must always be computable.
  std::string text = plan_to_json(plan).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.append("\nsampling_size=").append(std::to_string(sampling_size));
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a 64-bit offset basis and prime
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::string describe_plan_difference(const QuantPlan& from, const QuantPlan& to) {
  Summary s;
  s.change("weight.scheme", scheme_name(from.weight.scheme), scheme_name(to.weight.scheme));
  s.change("weight.per_channel", bool_text(from.weight.per_channel), bool_text(to.weight.per_channel));
  s.change("activation.scheme", scheme_name(from.activation.scheme), scheme_name(to.activation.scheme));
  s.change("activation.algorithm", range_method_name(from.activation.algorithm), range_method_name(to.activation.algorithm));
  s.change("activation.percentile", exact_number(from.activation.percentile), exact_number(to.activation.percentile));
  for (const auto& recipe : kPlanRecipes) s.change(recipe.key, bool_text(from.*recipe.member), bool_text(to.*recipe.member));
  describe_list(s, "exclude_op_types", from.exclude_op_types, to.exclude_op_types);
  describe_list(s, "exclude_node_regex", from.exclude_node_regex, to.exclude_node_regex);
  describe_op_wise(s, from.op_wise, to.op_wise);
  describe_nodes(s, from.nodes, to.nodes);
  std::string line;
  for (const auto& part : s.parts) line.append(line.empty() ? "" : "; ").append(part);
  return line;
}

}  // namespace qtune::quant
