// Strict reading of YAML configuration: every error names the full key path
// ("evaluation.dataloader.dataset.ImageFolder.root"), the bad value and what was
// expected, and unknown keys are rejected with a "did you mean" suggestion, so a
// typo in a config never silently falls back to a default.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qtune::config {

// Levenshtein distance (insert/delete/substitute, each cost 1), case-sensitive.
size_t edit_distance(std::string_view a, std::string_view b);
// The allowed word nearest to `word` (case-insensitive), or "" when none is plausibly
// a typo of it (distance more than a third of the word's length, at least 2).
std::string closest_match(std::string_view word, const std::vector<std::string>& allowed);
// "a, b, c"
std::string join_words(const std::vector<std::string>& words);
// "a.b" + "c" -> "a.b.c"; an empty parent gives just the key.
std::string child_path(const std::string& path, const std::string& key);
// "'value'" for a scalar, "a sequence", "a map", "nothing" for null/undefined.
std::string describe_node(const YAML::Node& node);

// Throws unless `node` is a map. An absent or null node counts as an empty map
// when `allow_null` (so "Dummy:" with no options works).
void require_map(const YAML::Node& node, const std::string& path, bool allow_null = false);
// Throws "<path>.<key>: unknown key; did you mean '<closest>'? (allowed: ...)" for the
// first key of the map not in `allowed`.
void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed);
// For "{ImageFolder: {...}}": exactly one key, which must be in `allowed`.
// Returns the key and its value.
std::pair<std::string, YAML::Node> single_key(const YAML::Node& node, const std::string& path,
                                              const std::vector<std::string>& allowed, const std::string& what);

bool has_key(const YAML::Node& map, const std::string& key);
// Required getters throw "<path>.<key>: missing required key"; the optional ones return
// `fallback` when the key is absent. All throw on a value of the wrong type.
std::string get_string(const YAML::Node& map, const std::string& key, const std::string& path);
std::string get_string(const YAML::Node& map, const std::string& key, const std::string& path, const std::string& fallback);
int64_t get_int(const YAML::Node& map, const std::string& key, const std::string& path);
int64_t get_int(const YAML::Node& map, const std::string& key, const std::string& path, int64_t fallback);
double get_double(const YAML::Node& map, const std::string& key, const std::string& path);
double get_double(const YAML::Node& map, const std::string& key, const std::string& path, double fallback);
bool get_bool(const YAML::Node& map, const std::string& key, const std::string& path, bool fallback);
// A sequence of numbers; a single scalar is accepted as a one-element list.
std::vector<double> get_doubles(const YAML::Node& map, const std::string& key, const std::string& path);
std::vector<int64_t> get_ints(const YAML::Node& map, const std::string& key, const std::string& path);
// The same for a node itself (an element of a list); `path` is the node's own path.
std::vector<int64_t> node_ints(const YAML::Node& node, const std::string& path);
std::vector<std::string> get_strings(const YAML::Node& map, const std::string& key, const std::string& path);
// A string that must be one of `allowed` (exact match); the error lists them and
// suggests the closest.
std::string get_choice(const YAML::Node& map, const std::string& key, const std::string& path,
                       const std::vector<std::string>& allowed, const std::string& fallback);

}  // namespace qtune::config
