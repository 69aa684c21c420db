// Internal to the tune_config*.cpp files: the section readers and the value helpers they
// share. Every helper throws qtune::Error "<key.path>: <what>"; parse_tune_config adds the
// file name in front.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/tune_config.h"

namespace qtune::config::detail {

// A map (never null) whose keys are all in `allowed` and appear once each.
void check_section(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed);
// yaml-cpp keeps both copies of a repeated key and lookups see the first; a silent pick
// would hide a mistake, so repeated keys are an error.
void reject_duplicate_keys(const YAML::Node& map, const std::string& path);

// The scalar `node` (at `path`), which must be one of `allowed`:
// "'basik' is not a strategy; did you mean 'basic'? (allowed: basic, mse, ...)".
std::string word(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed,
                 const std::string& what);
std::string get_word(const YAML::Node& map, const std::string& key, const std::string& path,
                     const std::vector<std::string>& allowed, const std::string& what, const std::string& fallback);
// A word or a list of words (at least one), each one of `allowed`; `fallback` when absent.
std::vector<std::string> get_words(const YAML::Node& map, const std::string& key, const std::string& path,
                                   const std::vector<std::string>& allowed, const std::string& what,
                                   const std::vector<std::string>& fallback);

// An integer in [min_value, INT_MAX]; `fallback` when absent.
int get_int_at_least(const YAML::Node& map, const std::string& key, const std::string& path, int64_t min_value,
                     int fallback);
// A finite number >= 0; `fallback` when absent.
double get_non_negative(const YAML::Node& map, const std::string& key, const std::string& path, double fallback);

// `relative` joined to `base_dir` unless it is absolute (or base_dir is empty).
std::string resolve_against(const std::string& base_dir, const std::string& relative);

// The sections (`node` is the section's value, present in the file).
QuantizationSection read_quantization(const YAML::Node& node);
EvaluationSection read_evaluation(const YAML::Node& node);
TuningSection read_tuning(const YAML::Node& node, const std::string& base_dir);

}  // namespace qtune::config::detail
