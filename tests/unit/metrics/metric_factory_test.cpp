#include "metrics/metric_factory.h"

#include <gtest/gtest.h>

#include "qtune/error.h"

namespace qtune::metrics {
namespace {

std::string error_of(const std::string& yaml, const std::string& path = "metric") {
  try {
    make_metric(YAML::Load(yaml), path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MetricFactory, BuildsEachMetric) {
  EXPECT_EQ(make_metric(YAML::Load("{topk: {k: 5}}"))->name(), "topk");
  EXPECT_EQ(make_metric(YAML::Load("{COCOmAP: {map_key: AP50}}"))->name(), "COCOmAP");
  EXPECT_EQ(make_metric(YAML::Load("{COCOmAP: {map_key: 'DetectionBoxes_Precision/mAP@.75IOU'}}"))->name(), "COCOmAP");
  EXPECT_EQ(make_metric(YAML::Load("{SquadF1: }"))->name(), "SquadF1");
  EXPECT_EQ(make_metric(YAML::Load("SquadF1"))->name(), "SquadF1");
  EXPECT_EQ(make_metric(YAML::Load("{TextDetHmean: {box_thresh: 0.5}}"))->name(), "TextDetHmean");
  auto sqnr = make_metric(YAML::Load("{SQNR: {output: 1}}"));
  EXPECT_TRUE(sqnr->needs_reference_outputs());
  EXPECT_TRUE(sqnr->higher_is_better());
  EXPECT_FALSE(make_metric(YAML::Load("{MSE: {}}"))->higher_is_better());
  EXPECT_TRUE(make_metric(YAML::Load("{External: {command: 'x {model}'}}"))->scores_model_file());
}

TEST(MetricFactory, ErrorsNameTheKeyPathAndAllowedValues) {
  EXPECT_EQ(error_of("{topk: {k: 0}}", "tuning.metric"), "tuning.metric.topk.k: expected an integer >= 1, got 0");
  EXPECT_EQ(error_of("{topk: {k: five}}"), "metric.topk.k: expected an integer, got 'five'");
  EXPECT_EQ(error_of("{topk: {kk: 1}}"), "metric.topk.kk: unknown key; did you mean 'k'? (allowed: k, output)");
  const std::string unknown = error_of("{COCOmap: {}}");
  EXPECT_EQ(unknown.rfind("metric: unknown metric 'COCOmap'; did you mean 'COCOmAP'? (allowed: topk, COCOmAP,", 0), 0u)
      << unknown;
  EXPECT_EQ(error_of("{COCOmAP: {map_key: mAP}}")
                .rfind("metric.COCOmAP.map_key: 'mAP' is not a COCO statistic; allowed: AP, AP50", 0),
            0u);
  EXPECT_EQ(error_of("{External: {command: 'python eval.py'}}"),
            "metric.External.command: must contain {model}, the path of the model to score");
  EXPECT_EQ(error_of("{OCRWordAccuracy: {}}"), "metric.OCRWordAccuracy.keys: missing required key");
}

}  // namespace
}  // namespace qtune::metrics
