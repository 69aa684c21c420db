#include "metrics/squad_eval.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "data/wordpiece_unicode.h"
#include "metrics/float_repr.h"
#include "qtune/error.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

namespace qtune::metrics::squad {
namespace {

namespace uc = data::unicode;
using nlohmann::json;

bool is_ascii_punctuation(char32_t c) {  // Python's string.punctuation
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

// re.sub(r'\b(a|an|the)\b', ' ', text): a, an, the as whole words become a space.
std::u32string remove_articles(const std::u32string& text) {
  static const std::u32string articles[] = {U"a", U"an", U"the"};
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t matched = 0;
    if (i == 0 || !uc::is_word_char(text[i - 1])) {
      for (const auto& article : articles) {
        const size_t end = i + article.size();
        if (text.compare(i, article.size(), article) == 0 && (end == text.size() || !uc::is_word_char(text[end]))) {
          matched = article.size();
          break;
        }
      }
    }
    if (matched) {
      out.push_back(U' ');
      i += matched;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

std::vector<std::u32string> normalized_tokens(std::string_view text) {
  std::u32string lowered = uc::to_lower(uc::decode_utf8(text, "squad answer"));
  std::u32string no_punctuation;
  no_punctuation.reserve(lowered.size());
  for (char32_t c : lowered)
    if (!is_ascii_punctuation(c)) no_punctuation.push_back(c);
  return uc::split_whitespace(remove_articles(no_punctuation));
}

const json& array_member(const json& object, const char* key, const std::string& where) {
  if (!object.is_object()) throw Error(where + ": expected a JSON object, got " + object.type_name());
  auto it = object.find(key);
  if (it == object.end()) throw Error(where + ": missing '" + key + "'");
  if (!it->is_array()) throw Error(where + "." + key + ": expected an array, got " + it->type_name());
  return *it;
}

const json& string_member(const json& object, const char* key, const std::string& where) {
  if (!object.is_object()) throw Error(where + ": expected a JSON object, got " + object.type_name());
  auto it = object.find(key);
  if (it == object.end()) throw Error(where + ": missing '" + key + "'");
  if (!it->is_string()) throw Error(where + "." + key + ": expected a string, got " + it->type_name());
  return *it;
}

}  // namespace

std::string normalize_answer(std::string_view text) {
  std::u32string joined;
  for (const auto& token : normalized_tokens(text)) {
    if (!joined.empty()) joined.push_back(U' ');
    joined += token;
  }
  return uc::encode_utf8(joined);
}

bool exact_match(std::string_view prediction, std::string_view truth) {
  return normalize_answer(prediction) == normalize_answer(truth);
}

double f1_score(std::string_view prediction, std::string_view truth) {
  const auto predicted = normalized_tokens(prediction);
  const auto expected = normalized_tokens(truth);
  std::unordered_map<std::u32string, int64_t> counts;
  for (const auto& t : expected) ++counts[t];
  int64_t same = 0;
  for (const auto& t : predicted) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++same;
    }
  }
  if (same == 0) return 0;
  const double precision = 1.0 * static_cast<double>(same) / static_cast<double>(predicted.size());
  const double recall = 1.0 * static_cast<double>(same) / static_cast<double>(expected.size());
  return (2 * precision * recall) / (precision + recall);
}

double best_exact_match(std::string_view prediction, const std::vector<std::string>& truths) {
  double best = 0;
  for (const auto& t : truths) best = std::max(best, exact_match(prediction, t) ? 1.0 : 0.0);
  return best;
}

double best_f1(std::string_view prediction, const std::vector<std::string>& truths) {
  double best = 0;
  for (const auto& t : truths) best = std::max(best, f1_score(prediction, t));
  return best;
}

Score evaluate_files(const std::string& dataset_path, const std::string& predictions_path) {
  const json dataset = read_json_file(dataset_path);
  if (!dataset.is_object()) throw Error(dataset_path + ": expected a JSON object with 'data'");
  const std::string version =
      dataset.contains("version") && dataset["version"].is_string() ? dataset["version"].get<std::string>() : "<none>";
  Score score;
  if (version != "1.1") score.warnings.push_back("Evaluation expects v-1.1, but got dataset with v-" + version);
  const json predictions = read_json_file(predictions_path);
  if (!predictions.is_object())
    throw Error(predictions_path + ": expected a JSON object mapping question ids to answer texts, got " +
                predictions.type_name());
  for (auto it = predictions.begin(); it != predictions.end(); ++it)
    if (!it->is_string())
      throw Error(predictions_path + ": prediction for question '" + it.key() + "' must be a string, got " +
                  it->type_name());

  const json& data = array_member(dataset, "data", dataset_path);
  int64_t exact = 0;
  double f1_sum = 0;
  for (size_t a = 0; a < data.size(); ++a) {
    const std::string article = fmt::format("{}: data[{}]", dataset_path, a);
    const json& paragraphs = array_member(data[a], "paragraphs", article);
    for (size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string paragraph = fmt::format("{}.paragraphs[{}]", article, p);
      const json& qas = array_member(paragraphs[p], "qas", paragraph);
      for (size_t q = 0; q < qas.size(); ++q) {
        const std::string where = fmt::format("{}.qas[{}]", paragraph, q);
        const std::string id = string_member(qas[q], "id", where).get<std::string>();
        ++score.questions;
        auto found = predictions.find(id);
        if (found == predictions.end()) {
          score.warnings.push_back("Unanswered question " + id + " will receive score 0.");
          continue;
        }
        const json& answers = array_member(qas[q], "answers", where);
        std::vector<std::string> truths;
        for (size_t i = 0; i < answers.size(); ++i)
          truths.push_back(
              string_member(answers[i], "text", fmt::format("{}.answers[{}]", where, i)).get<std::string>());
        const std::string prediction = found->get<std::string>();
        ++score.answered;
        exact += static_cast<int64_t>(best_exact_match(prediction, truths));
        f1_sum += best_f1(prediction, truths);
      }
    }
  }
  if (score.questions == 0) throw Error(dataset_path + ": the dataset has no questions");
  score.exact_match = 100.0 * static_cast<double>(exact) / static_cast<double>(score.questions);
  score.f1 = 100.0 * f1_sum / static_cast<double>(score.questions);
  return score;
}

std::string format_score_json(const Score& score) {
  return "{\"exact_match\": " + python_float_repr(score.exact_match) + ", \"f1\": " + python_float_repr(score.f1) + "}";
}

}  // namespace qtune::metrics::squad
