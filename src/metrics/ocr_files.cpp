#include "metrics/ocr_files.h"

#include <fmt/format.h>

#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "data/wordpiece_unicode.h"
#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::metrics {
namespace {

std::vector<std::pair<std::string, std::string>> read_pairs(const std::string& path) {
  const std::string bytes = read_file_bytes(path);
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0, line = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    ++line;
    std::string text = bytes.substr(start, end - start);
    start = end + 1;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) continue;
    const size_t tab = text.find('\t');
    if (tab == std::string::npos)
      throw Error(fmt::format("{}: line {}: expected '<image>\\t<text>', found no tab", path, line));
    const size_t second = text.find('\t', tab + 1);
    std::string value = text.substr(tab + 1, second == std::string::npos ? std::string::npos : second - tab - 1);
    data::unicode::decode_utf8(value, fmt::format("{}: line {}", path, line));
    pairs.emplace_back(text.substr(0, tab), std::move(value));
  }
  return pairs;
}

}  // namespace

OcrFileScore evaluate_ocr_files(const std::string& labels_path, const std::string& predictions_path,
                                const OcrOptions& options) {
  const auto labels = read_pairs(labels_path);
  if (labels.empty()) throw Error(labels_path + ": no labels");
  std::unordered_map<std::string, std::string> predictions;
  for (auto& [key, text] : read_pairs(predictions_path)) predictions[key] = std::move(text);

  OcrFileScore score;
  std::unordered_set<std::string> known;
  if (!options.keys_path.empty())
    for (auto& c : load_ctc_characters(options.keys_path, options.use_space_char)) known.insert(std::move(c));
  OcrOptions no_keys = options;
  no_keys.keys_path.clear();
  OcrMetric accuracy(OcrMetric::Kind::WordAccuracy, no_keys), cer(OcrMetric::Kind::CharacterErrorRate, no_keys);
  for (const auto& [key, label] : labels) {
    auto found = predictions.find(key);
    if (found == predictions.end()) score.warnings.push_back("no prediction for '" + key + "' (scored as empty)");
    const std::string& predicted = found == predictions.end() ? std::string() : found->second;
    accuracy.add(predicted, label);
    cer.add(predicted, label);
    if (!known.empty()) {
      for (char32_t c : data::unicode::decode_utf8(label, labels_path)) {
        std::string utf8;
        data::unicode::append_utf8(c, utf8);
        if (!known.count(utf8)) {
          ++score.labels_with_unknown_characters;
          break;
        }
      }
    }
  }
  score.word_accuracy = accuracy.result();
  score.cer = cer.result();
  score.samples = static_cast<int64_t>(labels.size());
  return score;
}

}  // namespace qtune::metrics
