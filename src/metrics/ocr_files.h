// Scoring recognition results stored as text files, PaddleOCR's label format: one
// "<image>\t<text>" line per sample (fields after a second tab, such as a score, are
// ignored). Labels and predictions are paired by image key.
#pragma once

#include <string>
#include <vector>

#include "metrics/ocr.h"

namespace qtune::metrics {

struct OcrFileScore {
  double word_accuracy = 0;
  double cer = 0;
  int64_t samples = 0;
  int64_t labels_with_unknown_characters = 0;  // only with a keys file: labels the model cannot spell
  std::vector<std::string> warnings;           // labels without a prediction (scored as "")
};

// `options.keys_path` is optional here: when set, label characters are checked against it.
OcrFileScore evaluate_ocr_files(const std::string& labels_path, const std::string& predictions_path,
                                const OcrOptions& options);

}  // namespace qtune::metrics
