// The accuracy metric interface. An evaluation feeds a metric one batch at a time
// (model outputs with a leading batch dimension and the batch's ground truth), then
// reads one number: the value the tuner compares between the FP32 and INT8 models.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/annotation.h"
#include "qtune/tensor.h"

namespace qtune::metrics {

class Metric {
 public:
  virtual ~Metric() = default;

  // The YAML name ("topk", "COCOmAP", ...).
  virtual std::string name() const = 0;

  // One batch: outputs[i] has a leading batch dimension of labels.size().
  virtual void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) = 0;

  // Output-comparison metrics (MSE, SQNR, ...) score a model against a reference model's
  // outputs for the same batch instead of against ground truth.
  virtual bool needs_reference_outputs() const { return false; }
  virtual void update_with_reference(const std::vector<Tensor>& outputs, const std::vector<Tensor>& reference);

  // External metrics score a whole model file by running a command; they take no batches.
  virtual bool scores_model_file() const { return false; }
  virtual void score_model_file(const std::string& model_path);

  // The primary value. Throws qtune::Error when nothing was accumulated.
  virtual double result() const = 0;
  // True unless the metric is an error (MSE, CER, ...): the tuner's comparison direction.
  virtual bool higher_is_better() const { return true; }
  // Human-readable breakdown (one or more lines, no trailing newline).
  virtual std::string summary() const;
  // Full breakdown; always has "metric" and "value".
  virtual nlohmann::json to_json() const;
  virtual void reset() = 0;
};

// Checks that every output has a leading batch dimension of `batch` and returns the
// per-sample element count of output `index`. Throws naming the metric and the output.
int64_t per_sample_size(const std::string& metric, const std::vector<Tensor>& outputs, size_t index, size_t batch);
// Element `i` of a numeric tensor as double, with a fast path for float32.
inline double element(const Tensor& t, int64_t i) {
  return t.dtype() == DataType::Float32 ? static_cast<double>(t.data<float>()[i]) : t.value_as_double(i);
}
// "<metric>: sample 12 (<source>)" for error messages about one label.
std::string sample_context(const std::string& metric, const data::Annotation& label);

}  // namespace qtune::metrics
