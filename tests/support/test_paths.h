// Where tests find real data: Debian's ONNX backend test data and the PP-OCR models that
// scripts/fetch-models puts in .cache/models (scripts/test always fetches them first).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace qtune::testing {

inline std::string source_dir() {
  const char* env = std::getenv("QTUNE_SOURCE_DIR");
  return env ? env : QTUNE_SOURCE_DIR;
}

inline std::string models_dir() {
  const char* env = std::getenv("QTUNE_MODELS_DIR");
  return env ? env : source_dir() + "/.cache/models";
}

inline std::string ppocr_model(const std::string& file) { return models_dir() + "/" + file; }

inline const std::vector<std::string>& ppocr_model_files() {
  static const std::vector<std::string> files = {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx",
                                                 "ch_ppocr_mobile_v2.0_cls_infer.onnx"};
  return files;
}

// Every model.onnx below the libonnx-testdata folders node/, pytorch-converted/,
// pytorch-operator/ and simple/, sorted.
std::vector<std::string> onnx_testdata_models();

}  // namespace qtune::testing
