// The `evaluation` section (how to score accuracy and measure speed) and the `tuning`
// section (strategy, accuracy criterion, objective, exit policy, seed, workspace).
#include <map>

#include "config/tune_config_parts.h"
#include "config/yaml_check.h"
#include "qtune/error.h"

namespace qtune::config::detail {
namespace {

void read_accuracy(const YAML::Node& node, EvaluationSection& e) {
  const std::string path = "evaluation.accuracy";
  check_section(node, path, {"metric", "dataloader", "command"});
  const bool has_metric = has_key(node, "metric");
  const bool has_command = has_key(node, "command");
  if (has_metric && has_command)
    throw Error(path + ": give either metric (scored on the dataloader) or command (your own scorer), not both");
  if (!has_metric && !has_command) throw Error(path + ": expected metric (with a dataloader) or command");
  if (has_metric) {
    // Built and checked by the metric factory, which knows every metric's options.
    if (node["metric"].IsNull()) throw Error(path + ".metric: expected a metric such as {topk: {k: 1}}, got nothing");
    e.metric = node["metric"];
  }
  if (has_command) {
    e.command = get_string(node, "command", path);
    if (e.command.find("{model}") == std::string::npos)
      throw Error(path + ".command: '" + e.command + "' does not contain {model}, where qtune puts the path of the model to score");
  }
  if (has_key(node, "dataloader")) {
    require_map(node["dataloader"], path + ".dataloader");
    e.dataloader = node["dataloader"];
  }
}

void read_shapes(const YAML::Node& node, PerformanceSection& p) {
  const std::string path = "evaluation.performance.shape";
  require_map(node, path);
  reject_duplicate_keys(node, path);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    const std::string dims_path = child_path(path, name);
    const std::vector<int64_t> dims = node_ints(it->second, dims_path);
    for (int64_t d : dims)
      if (d <= 0) throw Error(dims_path + ": expected positive dimensions, got " + std::to_string(d));
    p.shapes[name] = dims;
  }
}

PerformanceSection read_performance(const YAML::Node& node) {
  const std::string path = "evaluation.performance";
  check_section(node, path, {"warmup", "iters", "threads", "shape"});
  PerformanceSection p;
  p.warmup = get_int_at_least(node, "warmup", path, 0, p.warmup);
  p.iters = get_int_at_least(node, "iters", path, 1, p.iters);
  p.threads = get_int_at_least(node, "threads", path, 0, p.threads);
  if (has_key(node, "shape")) read_shapes(node["shape"], p);
  return p;
}

// The strategy: `basic`, or the later seeds' `{name: basic}`.
std::string read_strategy(const YAML::Node& node) {
  const std::string path = "tuning.strategy";
  const YAML::Node value = node["strategy"];
  if (value.IsMap()) {
    check_section(value, path, {"name"});
    return get_word(value, "name", path, strategy_names(), "strategy", "basic");
  }
  return word(value, path, strategy_names(), "strategy");
}

void read_criterion(const YAML::Node& node, TuningSection& t) {
  const std::string path = "tuning.accuracy_criterion";
  check_section(node, path, {"relative", "absolute", "higher_is_better"});
  const bool relative = has_key(node, "relative");
  if (relative == has_key(node, "absolute"))
    throw Error(path + ": expected exactly one of relative (e.g. 0.01: at most 1% below the FP32 accuracy) or absolute");
  t.criterion = relative ? CriterionKind::Relative : CriterionKind::Absolute;
  t.criterion_value = get_non_negative(node, relative ? "relative" : "absolute", path, 0);
  if (relative && t.criterion_value >= 1)
    throw Error(path + ".relative: expected a fraction in [0, 1), e.g. 0.01 for 1%, got " + describe_node(node["relative"]));
  t.higher_is_better = get_bool(node, "higher_is_better", path, t.higher_is_better);
}

void read_exit_policy(const YAML::Node& node, TuningSection& t) {
  const std::string path = "tuning.exit_policy";
  check_section(node, path, {"timeout", "max_trials"});
  t.timeout_seconds = get_non_negative(node, "timeout", path, t.timeout_seconds);
  t.max_trials = get_int_at_least(node, "max_trials", path, 1, t.max_trials);
}

std::string read_workspace(const YAML::Node& node) {
  const std::string path = "tuning.workspace";
  const YAML::Node value = node["workspace"];
  if (value.IsMap()) {
    check_section(value, path, {"path"});
    return get_string(value, "path", path);
  }
  return get_string(node, "workspace", "tuning");
}

const std::vector<std::string> kTuningKeys = {"strategy",    "accuracy_criterion", "higher_is_better", "objective",
                                              "exit_policy", "random_seed",        "workspace"};

// Keys that belong one level down: a pointer to the right place beats a bare "unknown key".
void reject_misplaced_keys(const YAML::Node& node) {
  static const std::map<std::string, std::string> moved = {{"timeout", "tuning.exit_policy.timeout"},
                                                           {"max_trials", "tuning.exit_policy.max_trials"},
                                                           {"relative", "tuning.accuracy_criterion.relative"},
                                                           {"absolute", "tuning.accuracy_criterion.absolute"}};
  for (auto it = node.begin(); it != node.end(); ++it) {
    const auto found = moved.find(it->first.Scalar());
    if (found == moved.end()) continue;
    throw Error("tuning." + found->first + ": unknown key; it lives under " + found->second + " (allowed here: " +
                join_words(kTuningKeys) + ")");
  }
}

}  // namespace

EvaluationSection read_evaluation(const YAML::Node& node) {
  check_section(node, "evaluation", {"accuracy", "performance"});
  EvaluationSection e;
  if (has_key(node, "accuracy")) read_accuracy(node["accuracy"], e);
  if (has_key(node, "performance")) e.performance = read_performance(node["performance"]);
  return e;
}

TuningSection read_tuning(const YAML::Node& node, const std::string& base_dir) {
  const std::string path = "tuning";
  require_map(node, path);
  reject_misplaced_keys(node);
  check_section(node, path, kTuningKeys);
  TuningSection t;
  if (has_key(node, "strategy")) t.strategy = read_strategy(node);
  // The seeds put higher_is_better next to accuracy_criterion or inside it; both work.
  t.higher_is_better = get_bool(node, "higher_is_better", path, true);
  if (has_key(node, "accuracy_criterion")) {
    read_criterion(node["accuracy_criterion"], t);
    if (has_key(node, "higher_is_better") && has_key(node["accuracy_criterion"], "higher_is_better") &&
        t.higher_is_better != get_bool(node, "higher_is_better", path, true))
      throw Error("tuning.accuracy_criterion.higher_is_better: contradicts tuning.higher_is_better; give it once");
  }
  t.objective = get_word(node, "objective", path, {"performance", "modelsize"}, "objective", t.objective);
  if (has_key(node, "exit_policy")) read_exit_policy(node["exit_policy"], t);
  if (has_key(node, "random_seed")) {
    const int64_t seed = get_int(node, "random_seed", path);
    if (seed < 0) throw Error("tuning.random_seed: expected an integer >= 0, got " + std::to_string(seed));
    t.random_seed = static_cast<uint64_t>(seed);
  }
  if (has_key(node, "workspace")) t.workspace = read_workspace(node);
  if (t.workspace.empty()) throw Error("tuning.workspace: expected a folder path, got an empty string");
  t.workspace = resolve_against(base_dir, t.workspace);
  return t;
}

}  // namespace qtune::config::detail
