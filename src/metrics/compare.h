// Comparing a model's outputs with a reference model's outputs for the same inputs
// (INT8 vs FP32): one accumulator, several YAML names for its primary value.
//   MSE   mean (c - r)^2             RMSE  sqrt(MSE)          MAE  mean |c - r|
//   NMSE  sum (c - r)^2 / sum r^2    SQNR  10 log10(sum r^2 / sum (c - r)^2) dB
//   CosineSimilarity  sum c r / (|c| |r|) over all elements
//   Top1Agreement     fraction of rows whose arg-max (first on ties) agrees, over the
//                     last dimension of the compared output(s)
// Sums run over every element of the compared outputs (all outputs, or one).
#pragma once

#include <optional>

#include "metrics/metric.h"

namespace qtune::metrics {

class OutputComparison : public Metric {
 public:
  enum class Kind { MSE, RMSE, MAE, NMSE, SQNR, Cosine, Top1Agreement };
  // `output`: compare only this output index; none = all outputs.
  explicit OutputComparison(Kind kind, std::optional<size_t> output = std::nullopt) : kind_(kind), output_(output) {}
  std::string name() const override;
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  bool needs_reference_outputs() const override { return true; }
  void update_with_reference(const std::vector<Tensor>& outputs, const std::vector<Tensor>& reference) override;
  double result() const override { return value(kind_); }
  bool higher_is_better() const override;
  std::string summary() const override;
  nlohmann::json to_json() const override;
  void reset() override { sums_ = {}; }
  double value(Kind kind) const;

 private:
  struct Sums {
    int64_t elements = 0, rows = 0, agreeing_rows = 0;
    double squared_error = 0, absolute_error = 0, reference_power = 0, candidate_power = 0, dot = 0;
  };
  Kind kind_;
  std::optional<size_t> output_;
  Sums sums_;
};

}  // namespace qtune::metrics
