// Text recognition: CTC greedy decoding with a PaddleOCR keys file, word accuracy and
// character error rate.
//
// Class layout (PaddleOCR's CTCLabelDecode): class 0 is the CTC blank, classes 1..N are
// the keys file's lines in order, and with use_space_char one more class, a space.
// PaddleOCR's ppocr_keys_v1.txt has 6623 lines, so its models output 6625 classes.
// Decoding takes the arg-max class per time step (first one on ties), collapses
// repeats, then drops blanks.
//
// Normalization before comparing (both metrics): ignore_space removes every ' ' from
// prediction and label, ignore_case lower-cases both (Python's str.lower()). Both are off
// by default: an exact string match. (PaddleOCR's RecMetric removes spaces by default
// and divides by n + 1e-5; set ignore_space to reproduce the former.)
// CER = sum of Levenshtein distances (code points) / sum of label lengths; with no
// label characters at all it is the distance sum itself (0 when everything is empty).
#pragma once

#include <string>
#include <vector>

#include "metrics/metric.h"

namespace qtune::metrics {

// characters[0] is "" (blank), then the keys, then " " when use_space_char.
// Throws qtune::Error naming the file when it is missing or not UTF-8.
std::vector<std::string> load_ctc_characters(const std::string& keys_path, bool use_space_char);

struct CtcText {
  std::string text;
  double confidence = 0;  // mean arg-max probability of the kept steps; 0 when none
};
CtcText ctc_greedy_decode(const float* scores, int64_t steps, int64_t classes,
                          const std::vector<std::string>& characters);

size_t levenshtein(std::u32string_view a, std::u32string_view b);

struct OcrOptions {
  std::string keys_path;
  bool use_space_char = true;
  bool ignore_case = false;
  bool ignore_space = false;
  size_t output_index = 0;
};

// The comparison form of a text under the options above.
std::u32string normalize_ocr_text(const std::string& text, const OcrOptions& options);

// YAML "OCRWordAccuracy" (result: fraction of exact matches) and "CER" (result: error
// rate, lower is better). Output: [batch, steps, classes] scores; label: Annotation.text.
class OcrMetric : public Metric {
 public:
  enum class Kind { WordAccuracy, CharacterErrorRate };
  OcrMetric(Kind kind, OcrOptions options);
  std::string name() const override { return kind_ == Kind::WordAccuracy ? "OCRWordAccuracy" : "CER"; }
  void update(const std::vector<Tensor>& outputs, const std::vector<data::Annotation>& labels) override;
  // Already-decoded texts (for files of predictions).
  void add(const std::string& prediction, const std::string& label);
  double result() const override;
  bool higher_is_better() const override { return kind_ == Kind::WordAccuracy; }
  std::string summary() const override;
  nlohmann::json to_json() const override;
  void reset() override { correct_ = samples_ = distance_ = label_chars_ = 0; }

 private:
  Kind kind_;
  OcrOptions options_;
  std::vector<std::string> characters_;
  int64_t correct_ = 0, samples_ = 0, distance_ = 0, label_chars_ = 0;
};

}  // namespace qtune::metrics
