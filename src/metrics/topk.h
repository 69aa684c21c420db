// Top-k accuracy for classification.
//
// Tie rule (stable, deterministic): the label's rank is the number of classes with a
// strictly higher score plus the number of classes with an equal score and a smaller
// index, i.e. its position in a stable descending sort. A sample is correct when that
// rank is < k. So with all scores equal, top-1 is correct only for label 0. (TF's
// in_top_k would count every class tied at the boundary; that makes a constant output
// look perfect, which is the wrong answer for a quantization accuracy check.) A NaN
// label score is never correct; NaN scores of other classes never outrank it.
#pragma once

#include <cstdint>

#include "metrics/metric.h"

namespace qtune::metrics {

// Rank of `label` among `scores` under the rule above.
int64_t stable_rank(const float* scores, int64_t count, int64_t label);

class TopKAccuracy : public Metric {
 public:
  // `output_index`: which model output holds the [batch, classes] scores.
  explicit TopKAccuracy(int64_t k = 1, size_t output_index = 0);
  std::string name() const override { return "topk"; }
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  double result() const override;
  std::string summary() const override;
  nlohmann::json to_json() const override;
  void reset() override { correct_ = total_ = 0; }

 private:
  int64_t k_;
  size_t output_index_;
  int64_t correct_ = 0, total_ = 0;
};

}  // namespace qtune::metrics
