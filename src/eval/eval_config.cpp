#include "eval/eval_config.h"

#include <filesystem>

#include "config/yaml_check.h"
#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::eval {

EvalConfig load_eval_config(const std::string& path) {
  YAML::Node root;
  const std::string text = read_file_bytes(path);
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(path + ": not valid YAML: " + e.what());
  }
  try {
    config::require_map(root, "");
    // Sections other tools own (quantization, tuning) may sit in the same file.
    config::check_keys(root, "", {"model", "quantization", "evaluation", "tuning", "version"});
    EvalConfig c;
    c.path = path;
    c.base_dir = std::filesystem::path(path).parent_path().string();
    if (config::has_key(root, "model")) {
      const YAML::Node model = root["model"];
      config::require_map(model, "model");
      config::check_keys(model, "model", {"name", "path", "framework", "inputs", "outputs"});
      if (config::has_key(model, "inputs")) c.model_inputs = config::get_strings(model, "inputs", "model");
      if (config::has_key(model, "outputs")) c.model_outputs = config::get_strings(model, "outputs", "model");
    }
    if (!config::has_key(root, "evaluation")) throw Error("evaluation: missing required key");
    const YAML::Node evaluation = root["evaluation"];
    config::require_map(evaluation, "evaluation");
    config::check_keys(evaluation, "evaluation", {"accuracy", "performance"});
    if (!config::has_key(evaluation, "accuracy")) throw Error("evaluation.accuracy: missing required key");
    const YAML::Node accuracy = evaluation["accuracy"];
    config::require_map(accuracy, "evaluation.accuracy");
    config::check_keys(accuracy, "evaluation.accuracy", {"metric", "dataloader"});
    if (!config::has_key(accuracy, "metric")) throw Error("evaluation.accuracy.metric: missing required key");
    c.metric = accuracy["metric"];
    if (config::has_key(accuracy, "dataloader")) c.dataloader = accuracy["dataloader"];
    return c;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace qtune::eval
