// optimize_graph on the three PP-OCR models, after constant folding as the session does:
// outputs on random inputs in [0, 1] must match the unoptimized model within 1e-4 of the
// output's range, and the node count must drop. Once with the models' symbolic input
// dims and once with the input shape fixed (static shapes let more patterns prove they
// apply, e.g. residual adds). Prints node counts and what each pass did.
// (Release build only: scripts/test excludes ^RealModel from the sanitizer run.)
#include <iostream>

#include "ir/shape_inference.h"
#include "pass_test_util.h"
#include "passes/fold_constants.h"
#include "passes/optimize.h"
#include "test_paths.h"

namespace qtune {
namespace {

void check_model(const std::string& file, const std::vector<int64_t>& dims, bool static_shapes) {
  ir::Model original = ir::load_model(testing::ppocr_model(file));
  const std::map<std::string, Tensor> feeds = {{"x", passtest::random_tensor(dims, 2024, 0.0f, 1.0f)}};
  const auto want = passtest::run(original, feeds);

  ir::Model optimized = ir::clone_model(original);
  if (static_shapes) ir::apply_input_shapes(*optimized.graph, {{"x", dims}});
  const size_t loaded = optimized.graph->num_nodes();
  passes::fold_constants(*optimized.graph);
  const size_t folded = optimized.graph->num_nodes();
  const passes::OptimizeStats stats = passes::optimize_graph(*optimized.graph);
  const size_t after = optimized.graph->num_nodes();
  std::cout << file << (static_shapes ? " (static shapes)" : " (symbolic shapes)") << ": " << loaded << " nodes, "
            << folded << " after fold_constants, " << after << " after optimize_graph (" << stats.rounds
            << " rounds: " << stats.summary() << ")\n";
  EXPECT_LT(after, folded) << file;
  ir::validate_model(optimized);

  const auto got = passtest::run(optimized, feeds);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) {
    const Tensor& g = got[k].second;
    const Tensor& w = want[k].second;
    ASSERT_EQ(got[k].first, want[k].first);
    ASSERT_EQ(g.dims(), w.dims()) << file;
    double lo = w.value_as_double(0), hi = lo, worst = 0;
    for (int64_t i = 0; i < w.numel(); ++i) {
      lo = std::min(lo, w.value_as_double(i));
      hi = std::max(hi, w.value_as_double(i));
      worst = std::max(worst, std::fabs(g.value_as_double(i) - w.value_as_double(i)));
    }
    EXPECT_LE(worst, 1e-4 * std::max(hi - lo, 1e-12))
        << file << " output " << want[k].first << ": range [" << lo << ", " << hi << "], largest difference " << worst;
  }
}

TEST(RealModelPasses, Detector) {
  check_model("ch_PP-OCRv4_det_infer.onnx", {1, 3, 320, 320}, false);
  check_model("ch_PP-OCRv4_det_infer.onnx", {1, 3, 320, 320}, true);
}

TEST(RealModelPasses, Recognizer) {
  check_model("ch_PP-OCRv4_rec_infer.onnx", {1, 3, 48, 320}, false);
  check_model("ch_PP-OCRv4_rec_infer.onnx", {1, 3, 48, 320}, true);
}

TEST(RealModelPasses, Classifier) {
  check_model("ch_ppocr_mobile_v2.0_cls_infer.onnx", {1, 3, 48, 192}, false);
  check_model("ch_ppocr_mobile_v2.0_cls_infer.onnx", {1, 3, 48, 192}, true);
}

}  // namespace
}  // namespace qtune
