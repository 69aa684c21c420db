// A metric computed by the user's own program (YAML "External"): qtune runs the command
// through /bin/sh with every "{model}" replaced by the model path (single-quoted for the
// shell), and reads the number on the last non-empty line of its standard output (the
// whole line, or else its last whitespace-separated token, e.g. "accuracy: 0.7613").
// Standard error passes through to the terminal. A non-zero exit status or no number
// is an error quoting the command and that last line.
#pragma once

#include <optional>

#include "metrics/metric.h"

namespace qtune::metrics {

// The command with {model} substituted (exposed for tests and logs).
std::string external_command_line(const std::string& command, const std::string& model_path);
// Parses the score out of a program's standard output; throws naming `command`.
double parse_external_output(const std::string& stdout_text, const std::string& command);

class ExternalMetric : public Metric {
 public:
  ExternalMetric(std::string command, bool higher_is_better)
      : command_(std::move(command)), higher_(higher_is_better) {}
  std::string name() const override { return "External"; }
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  bool scores_model_file() const override { return true; }
  void score_model_file(const std::string& model_path) override;
  double result() const override;
  bool higher_is_better() const override { return higher_; }
  nlohmann::json to_json() const override;
  void reset() override { value_.reset(); }

 private:
  std::string command_;
  bool higher_;
  std::optional<double> value_;
  std::string last_model_;
};

}  // namespace qtune::metrics
