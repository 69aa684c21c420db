#include "config/yaml_check.h"

#include <algorithm>
#include <cctype>

#include "qtune/error.h"

namespace qtune::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The node under `key`, or throws "missing required key".
YAML::Node required(const YAML::Node& map, const std::string& key, const std::string& path) {
  require_map(map, path, true);
  if (!has_key(map, key)) throw Error(child_path(path, key) + ": missing required key");
  return map[key];
}

template <class T>
T scalar_as(const YAML::Node& node, const std::string& path, const char* expected) {
  if (!node.IsScalar()) throw Error(path + ": expected " + expected + ", got " + describe_node(node));
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw Error(path + ": expected " + expected + ", got " + describe_node(node));
  }
}

template <class T>
std::vector<T> node_list_as(const YAML::Node& node, const std::string& full, const char* expected) {
  std::vector<T> out;
  if (node.IsScalar()) {
    out.push_back(scalar_as<T>(node, full, expected));
    return out;
  }
  if (!node.IsSequence()) throw Error(full + ": expected a list of " + expected + ", got " + describe_node(node));
  for (size_t i = 0; i < node.size(); ++i)
    out.push_back(scalar_as<T>(node[i], full + "[" + std::to_string(i) + "]", expected));
  return out;
}

template <class T>
std::vector<T> list_as(const YAML::Node& map, const std::string& key, const std::string& path, const char* expected) {
  return node_list_as<T>(required(map, key, path), child_path(path, key), expected);
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& allowed) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  std::string lowered = lower(word);
  for (const auto& candidate : allowed) {
    size_t d = edit_distance(lowered, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

std::string child_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a sequence";
  if (node.IsMap()) return "a map";
  return "'" + node.Scalar() + "'";
}

void require_map(const YAML::Node& node, const std::string& path, bool allow_null) {
  if (allow_null && (!node.IsDefined() || node.IsNull())) return;
  if (!node.IsMap()) throw Error(path + ": expected a map of options, got " + describe_node(node));
}

void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
  require_map(map, path, true);
  if (!map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = child_path(path, key) + ": unknown key";
    std::string suggestion = closest_match(key, allowed);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    throw Error(message + " (allowed: " + join_words(allowed) + ")");
  }
}

std::pair<std::string, YAML::Node> single_key(const YAML::Node& node, const std::string& path,
                                              const std::vector<std::string>& allowed, const std::string& what) {
  if (node.IsScalar()) {
    // "dataset: Dummy" is a natural shorthand for "dataset: {Dummy: {}}".
    std::string key = node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) return {key, YAML::Node()};
  }
  if (!node.IsMap() || node.size() != 1)
    throw Error(path + ": expected a map with exactly one key, the " + what + " (one of: " + join_words(allowed) +
                "), got " + (node.IsMap() ? std::to_string(node.size()) + " keys" : describe_node(node)));
  std::string key = node.begin()->first.Scalar();
  if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
    std::string message = path + ": unknown " + what + " '" + key + "'";
    std::string suggestion = closest_match(key, allowed);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    throw Error(message + " (allowed: " + join_words(allowed) + ")");
  }
  return {key, node.begin()->second};
}

bool has_key(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return false;
  const YAML::Node& const_map = map;
  return const_map[key].IsDefined();
}

std::string get_string(const YAML::Node& map, const std::string& key, const std::string& path) {
  return scalar_as<std::string>(required(map, key, path), child_path(path, key), "a string");
}

std::string get_string(const YAML::Node& map, const std::string& key, const std::string& path, const std::string& fallback) {
  return has_key(map, key) ? get_string(map, key, path) : fallback;
}

int64_t get_int(const YAML::Node& map, const std::string& key, const std::string& path) {
  return scalar_as<int64_t>(required(map, key, path), child_path(path, key), "an integer");
}

int64_t get_int(const YAML::Node& map, const std::string& key, const std::string& path, int64_t fallback) {
  return has_key(map, key) ? get_int(map, key, path) : fallback;
}

double get_double(const YAML::Node& map, const std::string& key, const std::string& path) {
  return scalar_as<double>(required(map, key, path), child_path(path, key), "a number");
}

double get_double(const YAML::Node& map, const std::string& key, const std::string& path, double fallback) {
  return has_key(map, key) ? get_double(map, key, path) : fallback;
}

bool get_bool(const YAML::Node& map, const std::string& key, const std::string& path, bool fallback) {
  if (!has_key(map, key)) return fallback;
  return scalar_as<bool>(required(map, key, path), child_path(path, key), "true or false");
}

std::vector<double> get_doubles(const YAML::Node& map, const std::string& key, const std::string& path) {
  return list_as<double>(map, key, path, "numbers");
}

std::vector<int64_t> get_ints(const YAML::Node& map, const std::string& key, const std::string& path) {
  return list_as<int64_t>(map, key, path, "integers");
}

std::vector<int64_t> node_ints(const YAML::Node& node, const std::string& path) {
  return node_list_as<int64_t>(node, path, "integers");
}

std::vector<std::string> get_strings(const YAML::Node& map, const std::string& key, const std::string& path) {
  return list_as<std::string>(map, key, path, "strings");
}

std::string get_choice(const YAML::Node& map, const std::string& key, const std::string& path,
                       const std::vector<std::string>& allowed, const std::string& fallback) {
  if (!has_key(map, key)) return fallback;
  std::string value = get_string(map, key, path);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string message = child_path(path, key) + ": '" + value + "' is not allowed; expected one of: " + join_words(allowed);
  std::string suggestion = closest_match(value, allowed);
  if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
  throw Error(message);
}

}  // namespace qtune::config
