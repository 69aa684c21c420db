// From BERT's start/end logits to answer text, as run_squad.py's write_predictions does
// for SQuAD v1.1: the n best start and end positions of every window of a question form
// candidate spans; invalid ones (outside the context, reversed, too long, or not in the
// window where their start has the most context) are dropped; the best-scoring span is
// mapped back onto the original context text (get_final_text).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/squad.h"

namespace qtune::data {

struct SquadPostprocessOptions {
  size_t n_best_size = 20;
  size_t max_answer_length = 30;
};

// Logits of one feature, one value per input position (max_seq_length of them).
struct SquadLogits {
  std::vector<float> start;
  std::vector<float> end;
};

struct SquadCandidate {
  std::string text;
  double start_logit = 0, end_logit = 0;
  double probability = 0;  // softmax over the n-best total scores
};

// The n-best answers of one question, best first. `features` are the question's windows
// (in feature order) and `logits` their outputs, index for index. Never empty: with no
// valid span the single answer is "empty", as in run_squad.py.
std::vector<SquadCandidate> squad_nbest(const std::vector<const SquadFeature*>& features,
                                        const std::vector<const SquadLogits*>& logits,
                                        const SquadPostprocessOptions& options);

// Projects the normalized prediction `pred_text` (word pieces joined, "##" removed) onto
// `orig_text` (the original context words of the span) through a character alignment of
// the basic-tokenized original; falls back to `orig_text` when the alignment fails.
std::string squad_final_text(std::string_view pred_text, std::string_view orig_text, bool lower_case);

}  // namespace qtune::data
