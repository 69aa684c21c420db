// The three PP-OCR models on real rendered text, qtune vs ONNX Runtime 1.30: outputs
// must agree to 1e-4 of the output's range. (Release build only: scripts/test excludes
// RealModel* from the sanitizer run, where the full models take minutes.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "data/text_render.h"
#include "exec/session.h"
#include "ir/model_io.h"
#include "ort_peer.h"
#include "test_paths.h"

namespace qtune {
namespace {

const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// PaddleOCR rec/cls preprocessing: RGB text line, resize to height H keeping the aspect
// ratio (width capped at W, bilinear), (x/255 - 0.5)/0.5, zero-pad right to W, NCHW.
Tensor text_line_input(const std::string& text, int64_t height, int64_t width, uint64_t seed) {
  data::TextRenderer renderer({kFont});
  Tensor img = renderer.render(text, seed, {height, true});
  int64_t h = img.dim(0), w = img.dim(1);
  int64_t out_w = std::min<int64_t>(width, static_cast<int64_t>(std::ceil(static_cast<double>(w) * height / h)));
  Tensor x(DataType::Float32, {1, 3, height, width});
  float* px = x.data<float>();
  const uint8_t* src = img.data<uint8_t>();
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t xo = 0; xo < out_w; ++xo) {
        // nearest sample is enough for a test input; it is still a real rendered line
        int64_t sy = std::min(h - 1, y * h / height), sx = std::min(w - 1, xo * w / out_w);
        float v = src[(sy * w + sx) * 3 + c] / 255.0f;
        px[(c * height + y) * width + xo] = (v - 0.5f) / 0.5f;
      }
  return x;
}

// A page for the detector: several rendered lines on a light background.
Tensor page_input(int64_t size) {
  data::TextRenderer renderer({kFont});
  Tensor x(DataType::Float32, {1, 3, size, size});
  float* px = x.data<float>();
  const float mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < size * size; ++i) px[c * size * size + i] = (0.94f - mean[c]) / stdv[c];
  const char* lines[] = {"Invoice 2026-11-23", "qtune INT8 tuning", "Total: 1,234.56 EUR", "PaddleOCR PP-OCRv4"};
  int64_t top = 40;
  for (int i = 0; i < 4; ++i, top += 120) {
    Tensor line = renderer.render(lines[i], static_cast<uint64_t>(i), {48, true});
    int64_t h = line.dim(0), w = std::min<int64_t>(line.dim(1), size - 40);
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < h && top + y < size; ++y)
        for (int64_t xx = 0; xx < w; ++xx) {
          float v = line.data<uint8_t>()[(y * line.dim(1) + xx) * 3 + c] / 255.0f;
          px[(c * size + top + y) * size + 20 + xx] = (v - mean[c]) / stdv[c];
        }
  }
  return x;
}

// Runs the model on both of qtune's backends and on ONNX Runtime. Tolerance is relative to
// the output's range. The detector is ~200 layers deep and ends in a sigmoid over 640x640
// pixels; float summation order alone moves a few of them by ~2e-4.
void compare_with_ort(const std::string& file, const Tensor& input, double tolerance = 1e-4) {
  std::string path = testing::ppocr_model(file);
  ir::Model model = ir::load_model(path);
  auto theirs = testing::run_onnxruntime(path, {{"x", input}});
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    exec::SessionOptions options;
    options.backend = backend;
    options.threads = 2;
    exec::Session session(model, options, path);
    auto ours = session.run({{"x", input}});
    for (const auto& [name, tensor] : ours) {
      ASSERT_TRUE(theirs.count(name)) << name;
      const Tensor& want = theirs.at(name);
      ASSERT_EQ(tensor.dims(), want.dims()) << file << " " << name;
      double err = testing::max_error_over_range(tensor, want);
      EXPECT_LE(err, tolerance) << file << " output " << name << " " << tensor.describe() << " backend "
                                << exec::backend_name(backend);
    }
  }
}

TEST(RealModelVsOrt, RecognizerOnRenderedLine) {
  compare_with_ort("ch_PP-OCRv4_rec_infer.onnx", text_line_input("qtune 2026 OCR", 48, 320, 1));
}

TEST(RealModelVsOrt, RecognizerBatch8) {
  Tensor batch(DataType::Float32, {8, 3, 48, 320});
  const char* words[] = {"alpha", "Beta 42", "gamma-ray", "DELTA", "epsilon.", "zeta 7", "eta/theta", "iota"};
  for (int i = 0; i < 8; ++i) {
    Tensor one = text_line_input(words[i], 48, 320, static_cast<uint64_t>(i));
    std::copy_n(one.data<float>(), one.numel(), batch.data<float>() + i * one.numel());
  }
  compare_with_ort("ch_PP-OCRv4_rec_infer.onnx", batch);
}

TEST(RealModelVsOrt, ClassifierOnRenderedLine) {
  compare_with_ort("ch_ppocr_mobile_v2.0_cls_infer.onnx", text_line_input("upside down?", 48, 192, 3));
}

TEST(RealModelVsOrt, DetectorOnRenderedPage640) {
  compare_with_ort("ch_PP-OCRv4_det_infer.onnx", page_input(640), 5e-4);
}

TEST(RealModelVsOrt, DetectorOnRenderedPage320) {
  compare_with_ort("ch_PP-OCRv4_det_infer.onnx", page_input(320), 5e-4);
}

}  // namespace
}  // namespace qtune
