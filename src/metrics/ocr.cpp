#include "metrics/ocr.h"

#include <fmt/format.h>

#include "data/wordpiece_unicode.h"
#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::metrics {

namespace uc = data::unicode;

std::vector<std::string> load_ctc_characters(const std::string& keys_path, bool use_space_char) {
  if (keys_path.empty()) throw Error("keys: no keys file given (the model's character list, e.g. ppocr_keys_v1.txt)");
  const std::string bytes = read_file_bytes(keys_path);
  std::vector<std::string> characters{""};
  size_t start = 0, line = 1;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    // PaddleOCR strips "\n" then "\r\n" characters from both ends of each line.
    size_t a = start, b = end;
    while (a < b && (bytes[a] == '\r' || bytes[a] == '\n')) ++a;
    while (b > a && (bytes[b - 1] == '\r' || bytes[b - 1] == '\n')) --b;
    std::string key = bytes.substr(a, b - a);
    uc::decode_utf8(key, keys_path + ": line " + std::to_string(line));
    characters.push_back(std::move(key));
    start = end + 1;
    ++line;
  }
  if (characters.size() == 1) throw Error(keys_path + ": the keys file is empty");
  if (use_space_char) characters.push_back(" ");
  return characters;
}

CtcText ctc_greedy_decode(const float* scores, int64_t steps, int64_t classes,
                          const std::vector<std::string>& characters) {
  CtcText out;
  double confidence_sum = 0;
  int64_t kept = 0, previous = -1;
  for (int64_t t = 0; t < steps; ++t) {
    const float* row = scores + t * classes;
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (row[c] > row[best]) best = c;
    if (best != previous && best != 0) {
      out.text += characters[static_cast<size_t>(best)];
      confidence_sum += row[best];
      ++kept;
    }
    previous = best;
  }
  out.confidence = kept ? confidence_sum / static_cast<double>(kept) : 0;
  return out;
}

size_t levenshtein(std::u32string_view a, std::u32string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::u32string normalize_ocr_text(const std::string& text, const OcrOptions& options) {
  std::u32string s = uc::decode_utf8(text, "OCR text");
  if (options.ignore_space) std::erase(s, U' ');
  if (options.ignore_case) s = uc::to_lower(s);
  return s;
}

OcrMetric::OcrMetric(Kind kind, OcrOptions options) : kind_(kind), options_(std::move(options)) {
  if (!options_.keys_path.empty()) characters_ = load_ctc_characters(options_.keys_path, options_.use_space_char);
}

void OcrMetric::add(const std::string& prediction, const std::string& label) {
  const std::u32string p = normalize_ocr_text(prediction, options_), l = normalize_ocr_text(label, options_);
  correct_ += p == l;
  distance_ += static_cast<int64_t>(levenshtein(p, l));
  label_chars_ += static_cast<int64_t>(l.size());
  ++samples_;
}

void OcrMetric::update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) {
  if (characters_.empty())
    throw Error(name() + ": needs 'keys' (the keys file, e.g. ppocr_keys_v1.txt) to decode model outputs");
  const int64_t per_sample = per_sample_size(name(), outputs, options_.output_index, labels.size());
  const Tensor& scores = outputs[options_.output_index];
  const auto classes = static_cast<int64_t>(characters_.size());
  if (scores.rank() < 2 || scores.dim(-1) != classes)
    throw Error(
        fmt::format("{}: output {} is {} but {} gives {} classes (blank + {} keys{}); expected [batch, steps, {}]",
                    name(), options_.output_index, scores.describe(), options_.keys_path, classes,
                    classes - 1 - options_.use_space_char, options_.use_space_char ? " + space" : "", classes));
  const int64_t steps = per_sample / classes;
  std::vector<float> converted;
  for (size_t b = 0; b < labels.size(); ++b) {
    if (!labels[b].text) throw Error(sample_context(name(), labels[b]) + ": has no text label");
    const float* base = nullptr;
    if (scores.dtype() == DataType::Float32) {
      base = scores.data<float>() + static_cast<int64_t>(b) * per_sample;
    } else {
      converted.resize(static_cast<size_t>(per_sample));
      for (int64_t i = 0; i < per_sample; ++i)
        converted[static_cast<size_t>(i)] =
            static_cast<float>(scores.value_as_double(static_cast<int64_t>(b) * per_sample + i));
      base = converted.data();
    }
    add(ctc_greedy_decode(base, steps, classes, characters_).text, *labels[b].text);
  }
}

double OcrMetric::result() const {
  if (samples_ == 0) throw Error(name() + ": no samples were evaluated");
  if (kind_ == Kind::WordAccuracy) return static_cast<double>(correct_) / static_cast<double>(samples_);
  return static_cast<double>(distance_) / static_cast<double>(std::max<int64_t>(label_chars_, 1));
}

std::string OcrMetric::summary() const {
  const double accuracy = static_cast<double>(correct_) / static_cast<double>(std::max<int64_t>(samples_, 1));
  const double cer = static_cast<double>(distance_) / static_cast<double>(std::max<int64_t>(label_chars_, 1));
  return fmt::format("OCR: word accuracy {:.4f} ({} of {}), CER {:.4f} ({} edits over {} characters)", accuracy,
                     correct_, samples_, cer, distance_, label_chars_);
}

nlohmann::json OcrMetric::to_json() const {
  nlohmann::json j = Metric::to_json();
  j["word_accuracy"] = static_cast<double>(correct_) / static_cast<double>(std::max<int64_t>(samples_, 1));
  j["cer"] = static_cast<double>(distance_) / static_cast<double>(std::max<int64_t>(label_chars_, 1));
  j["correct"] = correct_;
  j["samples"] = samples_;
  j["edit_distance"] = distance_;
  j["label_characters"] = label_chars_;
  return j;
}

}  // namespace qtune::metrics
