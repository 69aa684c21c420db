// Saving and loading QuantPlans: YAML for people (the tuner's deploy.yaml, replayed by
// `qtune quantize MODEL --plan deploy.yaml --calib DATA`) and compact JSON for machines
// (one tuning-history line per trial). Both carry the same keys:
//   weight: {scheme, per_channel}
//   activation: {scheme, algorithm, percentile}
//   recipes: {quantize_bias, quantize_inputs, reduce_range, first_layer_fp32,
//             last_layer_fp32, quantize_activation_matmul}
//   exclude_op_types: [...]   exclude_node_regex: [...]
//   op_wise: [{op_type | name_regex, precision?, weight?, activation?}, ...]   (in order)
//   nodes: {<node name>: {precision?, weight?, activation?}, ...}
// YAML adds `format: qtune-plan`, `version: 1` and `calibration: {sampling_size}`.
//
// Reading is strict: every error is a qtune::Error "<source>: <key.path>: <problem and
// what is allowed>", unknown keys get a did-you-mean. Absent sections and fields take
// QuantPlan's defaults, except inside an override's weight/activation, where absent
// fields take the plan's model-wise values (`activation: {algorithm: kl}` keeps the scheme).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "quant/plan.h"

namespace qtune::quant {

// The `recipes` flags by key, in file order (one table for the writers, readers and diffs).
struct PlanRecipe {
  const char* key;
  bool QuantPlan::*member;
};
inline constexpr PlanRecipe kPlanRecipes[] = {
    {"quantize_bias", &QuantPlan::quantize_bias},
    {"quantize_inputs", &QuantPlan::quantize_inputs},
    {"reduce_range", &QuantPlan::reduce_range},
    {"first_layer_fp32", &QuantPlan::first_layer_fp32},
    {"last_layer_fp32", &QuantPlan::last_layer_fp32},
    {"quantize_activation_matmul", &QuantPlan::quantize_activation_matmul},
    {"dynamic", &QuantPlan::dynamic},
    {"channel_equalization", &QuantPlan::channel_equalization},
};

// deploy.yaml: a commented YAML document; floats are written so they read back exactly.
std::string plan_to_yaml(const QuantPlan& plan, int64_t sampling_size);

struct LoadedPlan {
  QuantPlan plan;
  int64_t sampling_size = 0;  // calibration samples (0: all, also when the file omits it)
};

// `source` names the text in error messages (a path, "--plan").
LoadedPlan plan_from_yaml(const std::string& text, const std::string& source);
// Reads and parses a file; errors name the path.
LoadedPlan load_plan(const std::string& path);

// The plan alone (no format, version or sampling size: the journal record carries those).
nlohmann::json plan_to_json(const QuantPlan& plan);
QuantPlan plan_from_json(const nlohmann::json& j, const std::string& source);

// 16 hex digits identifying a trial (64-bit FNV-1a of the canonical compact JSON and the
// sampling size): equal plans give equal keys, any change gives another key.
std::string plan_key(const QuantPlan& plan, int64_t sampling_size);

// One line saying what `to` changes relative to `from`, "" when they are equal, e.g.
// "activation.algorithm minmax -> kl; +fp32 p2o.Conv.1, p2o.Conv.7; -fp32 p2o.Conv.2".
std::string describe_plan_difference(const QuantPlan& from, const QuantPlan& to);

}  // namespace qtune::quant
