// `qtune metric coco-map` and `qtune metric squad` on files the tests write: exact
// output format, exit codes, and error messages for bad input.
#include <gtest/gtest.h>

#include "coco_fixture.h"
#include "metric_test_util.h"

namespace qtune::test {
namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

TEST(MetricCocoCli, PrintsTheTwelveLineSummary) {
  ScratchDir dir;
  const auto gt = dir.write("instances.json", coco_fixture::instances_json(coco_fixture::ground_truth()));
  const auto dt = dir.write("results.json", coco_fixture::results_json(coco_fixture::detections()));
  const auto run = run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(dt), dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, coco_fixture::expected_summary());
}

TEST(MetricCocoCli, JsonHasTheTwelveStatistics) {
  ScratchDir dir;
  const auto gt = dir.write("instances.json", coco_fixture::instances_json(coco_fixture::ground_truth()));
  const auto dt = dir.write("results.json", coco_fixture::results_json(coco_fixture::detections()));
  const auto run = run_qtune("metric coco-map --json --annotations " + quoted(gt) + " --detections " + quoted(dt), dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::ordered_json::parse(run.out);
  EXPECT_EQ(run.out.rfind("{\"AP\":", 0), 0u) << run.out;
  const char* keys[] = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};
  ASSERT_EQ(j.size(), 12u);
  size_t i = 0;
  for (auto it = j.begin(); it != j.end(); ++it, ++i) EXPECT_EQ(it.key(), keys[i]);  // in pycocotools' order
  EXPECT_NEAR(j["APm"].get<double>(), 67.0 / 101, 1e-9);
  EXPECT_NEAR(j["ARs"].get<double>(), 0.85, 1e-9);
}

TEST(MetricCocoCli, EmptyResultListGivesZeros) {
  ScratchDir dir;
  const auto gt = dir.write("instances.json", coco_fixture::instances_json(coco_fixture::ground_truth()));
  const auto dt = dir.write("results.json", "[]");
  const auto run = run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(dt), dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("area=   all | maxDets=100 ] = 0.000\n"), std::string::npos) << run.out;
}

TEST(MetricCocoCli, UnknownImageIdIsAnErrorNamingTheRecord) {
  ScratchDir dir;
  const auto gt = dir.write("instances.json", coco_fixture::instances_json(coco_fixture::ground_truth()));
  const auto dt = dir.write("results.json",
                            R"([{"image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5},
                                {"image_id": 999, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}])");
  const auto run = run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(dt), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("qtune: error: " + dt + ": record 1: image_id 999 is not an image of the ground truth"),
            std::string::npos)
      << run.err;
}

TEST(MetricCocoCli, MissingFieldNamesFileRecordAndField) {
  ScratchDir dir;
  const auto gt = dir.write("instances.json", coco_fixture::instances_json(coco_fixture::ground_truth()));
  const auto dt = dir.write("results.json", R"([{"image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5]}])");
  auto run = run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(dt), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(dt + ": record 0: missing 'score'"), std::string::npos) << run.err;

  const auto bad_gt = dir.write("bad.json", R"({"images": [{"id": 1}], "categories": [{"id": 1}],
      "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]},
                      {"id": 2, "image_id": 1, "category_id": 1}]})");
  run = run_qtune("metric coco-map --annotations " + quoted(bad_gt) + " --detections " + quoted(dt), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(bad_gt + ": annotations[1]: missing 'bbox'"), std::string::npos) << run.err;

  const auto short_box =
      dir.write("short.json", R"([{"image_id": 1, "category_id": 1, "bbox": [0, 0, 5], "score": 1}])");
  run = run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(short_box), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(short_box + ": record 0: bbox: expected [x, y, width, height], got 3 values"),
            std::string::npos)
      << run.err;
}

TEST(MetricCocoCli, MissingFileAndBadJsonAreErrors) {
  ScratchDir dir;
  const auto gt = dir.write("instances.json", coco_fixture::instances_json(coco_fixture::ground_truth()));
  auto run =
      run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(dir.file("none.json")), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(dir.file("none.json")), std::string::npos) << run.err;
  const auto garbage = dir.write("garbage.json", "[{\"image_id\": 1,");
  run = run_qtune("metric coco-map --annotations " + quoted(gt) + " --detections " + quoted(garbage), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(garbage + ": not valid JSON"), std::string::npos) << run.err;
}

// A two-question dataset; predictions hand-scored:
//   q1 truths {"Denver Broncos", "The Denver Broncos"}, prediction "the Denver Broncos!" -> EM 1, F1 1
//   q2 truths {"Santa Clara, California"}, prediction "Santa Clara" ->
//      EM 0; tokens santa clara vs santa clara california: P = 1, R = 2/3, F1 = 0.8
// exact_match = 100 * 1/2 = 50.0, f1 = 100 * 1.8/2 = 90.0
const char* kSquadDataset = R"({"version": "1.1", "data": [{"title": "Super_Bowl_50", "paragraphs": [{
  "context": "The Denver Broncos played at Levi's Stadium in Santa Clara, California.",
  "qas": [{"id": "q1", "question": "Who played?", "answers": [{"answer_start": 0, "text": "Denver Broncos"},
                                                               {"answer_start": 0, "text": "The Denver Broncos"}]},
          {"id": "q2", "question": "Where?", "answers": [{"answer_start": 47, "text": "Santa Clara, California"}]}]}]}]})";

TEST(MetricSquadCli, PrintsLikeTheOfficialScript) {
  ScratchDir dir;
  const auto data = dir.write("dev.json", kSquadDataset);
  const auto pred = dir.write("pred.json", R"({"q1": "the Denver Broncos!", "q2": "Santa Clara"})");
  const auto run = run_qtune("metric squad --dataset " + quoted(data) + " --predictions " + quoted(pred), dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"exact_match\": 50.0, \"f1\": 90.0}\n");
  EXPECT_EQ(run.err, "");
}

TEST(MetricSquadCli, UnansweredQuestionScoresZeroWithAWarning) {
  ScratchDir dir;
  const auto data = dir.write("dev.json", kSquadDataset);
  const auto pred = dir.write("pred.json", R"({"q2": "Santa Clara, California"})");
  const auto run = run_qtune("metric squad --dataset " + quoted(data) + " --predictions " + quoted(pred), dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"exact_match\": 50.0, \"f1\": 50.0}\n");
  EXPECT_EQ(run.err, "Unanswered question q1 will receive score 0.\n");
}

TEST(MetricSquadCli, PredictionsNotJsonIsAnError) {
  ScratchDir dir;
  const auto data = dir.write("dev.json", kSquadDataset);
  const auto pred = dir.write("pred.json", "q1: Denver Broncos\n");
  auto run = run_qtune("metric squad --dataset " + quoted(data) + " --predictions " + quoted(pred), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("qtune: error: " + pred + ": not valid JSON"), std::string::npos) << run.err;

  const auto list = dir.write("list.json", R"(["Denver Broncos"])");
  run = run_qtune("metric squad --dataset " + quoted(data) + " --predictions " + quoted(list), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(list + ": expected a JSON object mapping question ids to answer texts"), std::string::npos)
      << run.err;
}

TEST(MetricSquadCli, DatasetMissingFieldNamesThePath) {
  ScratchDir dir;
  const auto data = dir.write("dev.json", R"({"version": "1.1", "data": [{"paragraphs": [{"context": "x",
      "qas": [{"id": "q1", "question": "?", "answers": [{"text": "x"}]}, {"id": "q2", "question": "?"}]}]}]})");
  const auto pred = dir.write("pred.json", R"({"q1": "x", "q2": "x"})");
  const auto run = run_qtune("metric squad --dataset " + quoted(data) + " --predictions " + quoted(pred), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(data + ": data[0].paragraphs[0].qas[1]: missing 'answers'"), std::string::npos) << run.err;
}

// labels: a "abc", b "Hello World", c "xyz" (no prediction). predictions: a "abc",
// b "hello world". Exact: 1 of 3; CER edits: 0 + 2 (H/h, W/w) + 3 = 5 over 3 + 11 + 3 = 17.
TEST(MetricOcrCli, ScoresLabelFiles) {
  ScratchDir dir;
  const auto labels = dir.write("gt.txt", "a.png\tabc\nb.png\tHello World\nc.png\txyz\n");
  const auto preds = dir.write("pred.txt", "a.png\tabc\t0.99\nb.png\thello world\n");
  auto run = run_qtune("metric ocr --labels " + quoted(labels) + " --predictions " + quoted(preds), dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_NEAR(j["word_accuracy"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(j["cer"].get<double>(), 5.0 / 17, 1e-12);
  EXPECT_EQ(run.err, "no prediction for 'c.png' (scored as empty)\n");
  run = run_qtune("metric ocr --ignore-case --labels " + quoted(labels) + " --predictions " + quoted(preds), dir);
  EXPECT_NEAR(nlohmann::json::parse(run.out)["word_accuracy"].get<double>(), 2.0 / 3, 1e-12);
}

TEST(MetricOcrCli, MissingKeysFileIsAnError) {
  ScratchDir dir;
  const auto labels = dir.write("gt.txt", "a.png\tabc\n");
  const auto missing = dir.file("ppocr_keys_v1.txt");
  const auto run = run_qtune(
      "metric ocr --labels " + quoted(labels) + " --predictions " + quoted(labels) + " --keys " + quoted(missing), dir);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("qtune: error: " + missing), std::string::npos) << run.err;
}

}  // namespace
}  // namespace qtune::test
