// The three PP-OCR models on real rendered text, qtune vs ONNX Runtime 1.30: outputs
// must agree to 1e-4 of the output's range. (Release build only: scripts/test excludes
// RealModel* from the sanitizer run, where the full models take minutes.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "exec/session.h"
#include "ir/model_io.h"
#include "passes/fold_constants.h"
#include "ort_peer.h"
#include "ppocr_inputs.h"
#include "test_paths.h"

namespace qtune {
namespace {

using testing::page_input;
using testing::text_line_input;

// Runs the model on both of qtune's backends and on ONNX Runtime. Tolerance is relative to
// the output's range: 1e-4, except for the detector at 640x640, whose float32 rounding noise is ~2e-4
// of its range (see DetectorAgainstFloat64Truth), so two float32 runtimes may differ by
// twice that; it is compared with 5e-4.
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
  compare_with_ort("ch_PP-OCRv4_det_infer.onnx", page_input(320));
}

// The model with every float32 tensor (initializers, value types) as float64, except
// Resize's scales, which ONNX keeps float32. The reference kernels run it in double.
ir::Model float64_copy(const ir::Model& model) {
  ir::Model m = ir::clone_model(model);
  ir::Graph& g = *m.graph;
  passes::fold_constants(g);
  for (ir::Value* v : g.values()) {
    if (v->has_initializer() && v->initializer().dtype() == DataType::Float32) {
      bool resize_scales = false;
      for (ir::Node* n : g.consumers(v)) resize_scales |= n->op_type() == "Resize" && n->input(2) == v;
      if (!resize_scales) {
        const Tensor& f = v->initializer();
        Tensor d(DataType::Float64, f.dims());
        for (int64_t i = 0; i < f.numel(); ++i) d.data<double>()[i] = f.data<float>()[i];
        g.set_initializer(v, d);
      }
    }
    if (v->dtype == DataType::Float32) v->dtype = DataType::Float64;
  }
  return m;
}

// Who is closer to the exact result. At 640x640 float32 rounding alone moves the detector's
// output by up to ~2e-4 of its range, depending on summation order and which ops are fused
// (we measured 2e-5 to 2e-4 across qtune's backend/optimization combinations and 2e-4 for
// ONNX Runtime), so a tighter agreement between two float32 runtimes cannot be asked for.
// What can be asked: qtune's default configurations are as close to a float64 run of the
// same model as ONNX Runtime is (or within 1e-4 of the range, whichever is larger).
TEST(RealModelVsOrt, DetectorAgainstFloat64Truth) {
  std::string path = testing::ppocr_model("ch_PP-OCRv4_det_infer.onnx");
  ir::Model model = ir::load_model(path);
  Tensor x = page_input(640);
  Tensor x64(DataType::Float64, x.dims());
  for (int64_t i = 0; i < x.numel(); ++i) x64.data<double>()[i] = x.data<float>()[i];
  exec::SessionOptions exact;
  exact.backend = exec::Backend::Reference;
  exact.optimize = false;
  exec::Session session64(float64_copy(model), exact, path);
  Tensor truth64 = session64.run({{"x", x64}})[0].second;
  Tensor truth(DataType::Float32, truth64.dims());
  for (int64_t i = 0; i < truth.numel(); ++i) truth.data<float>()[i] = static_cast<float>(truth64.data<double>()[i]);
  Tensor ort = testing::run_onnxruntime(path, {{"x", x}}).begin()->second;
  const double ort_err = testing::max_error_over_range(ort, truth);
  std::cout << "[float64 truth] onnxruntime: " << ort_err << " of the output range\n";
  for (exec::Backend backend : {exec::Backend::Reference, exec::Backend::Dnnl}) {
    exec::SessionOptions options;
    options.backend = backend;
    exec::Session session(model, options, path);
    double err = testing::max_error_over_range(session.run({{"x", x}})[0].second, truth);
    std::cout << "[float64 truth] qtune " << exec::backend_name(backend) << ": " << err << " of the output range\n";
    EXPECT_LE(err, std::max(1e-4, ort_err)) << exec::backend_name(backend);
  }
}

}  // namespace
}  // namespace qtune
