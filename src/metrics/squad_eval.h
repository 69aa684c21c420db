// SQuAD v1.1 scoring exactly as the official evaluate-v1.1.py: answers are normalized
// (lower-cased, ASCII punctuation removed, the articles a/an/the removed as whole words,
// whitespace collapsed), exact match and token-overlap F1 take the best ground truth,
// and both are averaged over all questions in percent (unanswered questions score 0).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qtune::metrics::squad {

std::string normalize_answer(std::string_view text);
bool exact_match(std::string_view prediction, std::string_view truth);
double f1_score(std::string_view prediction, std::string_view truth);
// Max over the ground truths; 0 when there are none.
double best_exact_match(std::string_view prediction, const std::vector<std::string>& truths);
double best_f1(std::string_view prediction, const std::vector<std::string>& truths);

struct Score {
  double exact_match = 0;  // percent
  double f1 = 0;           // percent
  size_t questions = 0;
  size_t answered = 0;
  std::vector<std::string> warnings;  // what evaluate-v1.1.py prints to stderr
};

// evaluate-v1.1.py on a dataset file (dev-v1.1.json) and a predictions file
// ({"question id": "answer text", ...}).
Score evaluate_files(const std::string& dataset_path, const std::string& predictions_path);
// The script's output line: {"exact_match": 81.2, "f1": 88.5} with Python float repr.
std::string format_score_json(const Score& score);

}  // namespace qtune::metrics::squad
