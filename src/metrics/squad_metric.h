// SQuAD v1.1 F1 as a batch metric (YAML "SquadF1"): collects BERT's start/end logits per
// feature, and at result() turns each question's windows into an answer (run_squad.py's
// post-processing) and scores it with the official v1.1 EM/F1, in percent, over the
// questions seen. result() is F1; to_json() also has the exact match.
#pragma once

#include <map>
#include <optional>
#include <utility>

#include "data/squad_postprocess.h"
#include "metrics/metric.h"

namespace qtune::metrics {

class SquadF1Metric : public Metric {
 public:
  struct Options {
    size_t start_logits_output = 0;  // model output index of the start logits [batch, seq]
    size_t end_logits_output = 1;    // and of the end logits
    data::SquadPostprocessOptions postprocess;
  };
  explicit SquadF1Metric(Options options) : options_(options) {}
  std::string name() const override { return "SquadF1"; }
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  double result() const override { return scores().f1; }
  std::string summary() const override;
  nlohmann::json to_json() const override;
  void reset() override;

  // The predicted answer text of every question seen, keyed by question id.
  std::map<std::string, std::string> predictions() const;

 private:
  struct Scores {
    double exact_match = 0, f1 = 0;
    size_t questions = 0;
  };
  const Scores& scores() const;
  std::vector<std::pair<const data::SquadExample*, std::string>> answers_in_order() const;
  struct Seen {
    std::shared_ptr<const data::SquadFeature> feature;
    data::SquadLogits logits;
  };
  Options options_;
  std::map<int64_t, Seen> seen_;  // by unique_id: features of a question stay in order
  mutable std::optional<Scores> cached_;
};

}  // namespace qtune::metrics
