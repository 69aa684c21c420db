// The three PP-OCR models quantized with the default plan (calibrated on rendered text),
// written as QDQ ONNX, then run three ways on held-out rendered inputs: ONNX Runtime 1.30
// on the QDQ file, qtune's INT8 kernels on the same file, and qtune's fake quantization
// (the QDQ graph as written). Release build only (RealModel*).
//
// Tolerance. Both runtimes compute the same QDQ graph but round differently inside it
// (ONNX Runtime fuses some DQ -> op -> Q groups into its own integer kernels and runs the
// rest in float; qtune fuses whole units). Where a value lies on a rounding boundary of a
// quantized tensor it moves by one step and the step propagates, so a single softmax or
// sigmoid output can move a lot while the model's decisions do not. What is required:
//   recognizer / classifier: qtune's INT8 kernels pick ONNX Runtime's arg-max (character /
//   class) at every position where ONNX Runtime's top-2 margin exceeds 0.25, and the mean
//   absolute difference is below 1e-5 (INT8 vs FP32 is about 3e-5 on these inputs); fake
//   quantization (float ops on dequantized values, rounding again differently) may differ
//   at one position per line: on "held out 2026", position 16 is FP32 '1034' (0.999), ONNX
//   Runtime INT8 and qtune INT8 blank (0.993, 0.999), fake quantization '1034' (0.997);
//   detector: the text mask (probability > 0.3, PaddleOCR's threshold) differs on at most
//   0.5% of the pixels and the mean absolute difference is below 2e-3 (INT8 vs FP32 is
//   about 1.3e-2). Measured: 40/40 positions, ~2e-6; 0.1% of pixels, ~9e-4.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cli_runner.h"
#include "exec/session.h"
#include "ir/model_io.h"
#include "ort_peer.h"
#include "ppocr_inputs.h"
#include "quant/calibration.h"
#include "quant/prepare.h"
#include "quant/quantizer.h"
#include "test_paths.h"

namespace qtune {
namespace {

// Quantizes `file` with the default plan on `calibration` inputs and saves it in `dir`.
std::string quantize_to_file(const std::string& file, const std::vector<Tensor>& calibration,
                             const testing::TempDir& dir) {
  const ir::Model model = ir::load_model(testing::ppocr_model(file));
  const ir::Model prepared = quant::prepare_for_quantization(model, file);
  std::vector<quant::Feeds> samples;
  for (const Tensor& t : calibration) samples.push_back({{"x", t}});
  quant::VectorSamples source(samples);
  quant::CalibrationOptions options;
  options.quiet = true;
  const quant::CalibrationStats stats = quant::calibrate(prepared, source, options);
  quant::Quantizer quantizer(prepared, file);
  const quant::QuantizeResult result = quantizer.quantize(stats, quant::default_plan());
  const std::string out = dir.file(file + ".int8.onnx");
  ir::save_model(result.model, out);
  return out;
}

Tensor run_qtune(const std::string& path, const Tensor& x, bool int8) {
  exec::SessionOptions options;
  options.lower_int8 = int8;
  options.threads = 2;
  exec::Session session(ir::load_model(path), options, path);
  return session.run({{"x", x}})[0].second;
}

// Rows (last axis = classes) whose arg-max differs, not counting rows where the
// reference's best two are within `margin` of each other.
int64_t decisive_argmax_disagreements(const Tensor& got, const Tensor& want, double margin) {
  const int64_t classes = want.dim(-1), rows = want.numel() / classes;
  int64_t bad = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* g = got.data<float>() + r * classes;
    const float* w = want.data<float>() + r * classes;
    const int64_t gi = std::max_element(g, g + classes) - g;
    const int64_t wi = std::max_element(w, w + classes) - w;
    if (gi == wi) continue;
    std::vector<float> sorted(w, w + classes);
    std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<float>());
    bad += sorted[0] - sorted[1] > margin;
  }
  return bad;
}

double mean_abs_difference(const Tensor& a, const Tensor& b) {
  double sum = 0;
  for (int64_t i = 0; i < b.numel(); ++i) sum += std::fabs(a.data<float>()[i] - b.data<float>()[i]);
  return sum / static_cast<double>(b.numel());
}

int64_t mask_differences(const Tensor& a, const Tensor& b, float threshold) {
  int64_t n = 0;
  for (int64_t i = 0; i < b.numel(); ++i) n += (a.data<float>()[i] > threshold) != (b.data<float>()[i] > threshold);
  return n;
}

enum class Output { ClassScores, ProbabilityMap };

void compare(const std::string& int8_path, const Tensor& x, Output kind) {
  const Tensor ort = testing::run_onnxruntime(int8_path, {{"x", x}}).begin()->second;
  for (bool int8 : {true, false}) {
    SCOPED_TRACE(int8 ? "qtune INT8 kernels" : "qtune fake quantization");
    const Tensor ours = run_qtune(int8_path, x, int8);
    ASSERT_EQ(ours.dims(), ort.dims());
    const double mean = mean_abs_difference(ours, ort);
    std::cout << "[int8 vs onnxruntime] " << std::filesystem::path(int8_path).filename().string()
              << (int8 ? " int8 kernels" : " fake quant") << ": mean |diff| " << mean;
    if (kind == Output::ClassScores) {
      const int64_t disagreements = decisive_argmax_disagreements(ours, ort, 0.25);
      std::cout << ", decisive arg-max disagreements " << disagreements << "\n";
      // The INT8 kernels accumulate in integers as ONNX Runtime does; fake quantization
      // accumulates dequantized values in float, so a value on a rounding boundary can land
      // on the other side and move a few positions where the quantized model is undecided.
      EXPECT_LE(disagreements, int8 ? 0 : 3);
      EXPECT_LE(mean, int8 ? 1e-5 : 5e-5);
    } else {
      const int64_t diff = mask_differences(ours, ort, 0.3f);
      std::cout << ", text-mask pixels differing " << diff << " of " << ort.numel() << "\n";
      EXPECT_LE(diff, ort.numel() / 200);
      EXPECT_LE(mean, 2e-3);
    }
  }
}

TEST(RealModelInt8, ClassifierQdqAgreesWithOnnxRuntime) {
  testing::TempDir dir("int8");
  std::vector<Tensor> calibration;
  const char* lines[] = {"calibration", "text line 42", "upside", "Quantize", "MobileNetV3", "2026-12-05"};
  for (int i = 0; i < 6; ++i) calibration.push_back(testing::text_line_input(lines[i], 48, 192, static_cast<uint64_t>(i)));
  const std::string path = quantize_to_file("ch_ppocr_mobile_v2.0_cls_infer.onnx", calibration, dir);
  compare(path, testing::text_line_input("held out line", 48, 192, 77), Output::ClassScores);
}

TEST(RealModelInt8, RecognizerQdqAgreesWithOnnxRuntime) {
  testing::TempDir dir("int8");
  std::vector<Tensor> calibration;
  const char* lines[] = {"hello world", "qtune INT8",   "PP-OCRv4 rec", "Total: 12.50", "quantization", "tensor 7",
                         "Invoice 2031", "held in line", "09:45 Monday", "Zürich 8001", "A-Z a-z 0-9", "(c) 2026"};
  for (int i = 0; i < 12; ++i) calibration.push_back(testing::text_line_input(lines[i], 48, 320, static_cast<uint64_t>(i)));
  const std::string path = quantize_to_file("ch_PP-OCRv4_rec_infer.onnx", calibration, dir);
  for (const char* line : {"held out 2026", "another line", "Invoice 12"})
    compare(path, testing::text_line_input(line, 48, 320, 99), Output::ClassScores);
}

// Dynamic quantization (DynamicQuantizeLinear + MatMulInteger, no calibration): ONNX
// Runtime runs the file as written; qtune lowers every quantized MatMul to its INT8 kernel.
TEST(RealModelInt8, DynamicRecognizerAgreesWithOnnxRuntime) {
  testing::TempDir dir("int8");
  const std::string file = "ch_PP-OCRv4_rec_infer.onnx";
  const ir::Model prepared = quant::prepare_for_quantization(ir::load_model(testing::ppocr_model(file)), file);
  quant::Quantizer quantizer(prepared, file);
  quant::QuantPlan plan = quant::default_plan();
  plan.dynamic = true;
  const quant::QuantizeResult result = quantizer.quantize(quant::CalibrationStats{}, plan);
  EXPECT_EQ(result.quantized_weights, 9u);
  const std::string path = dir.file("rec.dynamic.onnx");
  ir::save_model(result.model, path);
  exec::Session lowered(ir::load_model(path), exec::SessionOptions{}, path);
  EXPECT_EQ(lowered.lower_stats().mat_muls, 9u);
  for (const char* line : {"held out 2026", "Invoice 12"})
    compare(path, testing::text_line_input(line, 48, 320, 5), Output::ClassScores);
}

TEST(RealModelInt8, DetectorQdqAgreesWithOnnxRuntime) {
  testing::TempDir dir("int8");
  const std::string path = quantize_to_file("ch_PP-OCRv4_det_infer.onnx", {testing::page_input(320)}, dir);
  compare(path, testing::page_input(320), Output::ProbabilityMap);
}

}  // namespace
}  // namespace qtune
