#include "metrics/ocr.h"

#include <gtest/gtest.h>

#include "metric_test_util.h"
#include "metrics/metric_factory.h"
#include "qtune/error.h"

namespace qtune::metrics {
namespace {

// Keys "a", "b", "c" (one per line, last without newline) -> classes: 0 blank, 1 a, 2 b,
// 3 c, 4 space = 5 classes.
std::string write_keys(const test::ScratchDir& dir) { return dir.write("keys.txt", "a\nb\r\nc"); }

TEST(MetricOcr, KeysFileLayout) {
  test::ScratchDir dir;
  EXPECT_EQ(load_ctc_characters(write_keys(dir), true), (std::vector<std::string>{"", "a", "b", "c", " "}));
  EXPECT_EQ(load_ctc_characters(write_keys(dir), false).size(), 4u);
  EXPECT_THROW(load_ctc_characters(dir.file("none.txt"), true), Error);
}

// Steps (arg-max): a a blank a b b space c -> collapse repeats: a, blank, a, b, space, c
// -> drop blanks: "aab c".
TEST(MetricOcr, GreedyCtcCollapsesRepeatsThenDropsBlanks) {
  test::ScratchDir dir;
  const auto chars = load_ctc_characters(write_keys(dir), true);
  const int path[] = {1, 1, 0, 1, 2, 2, 4, 3};
  std::vector<float> scores(8 * 5, 0.0f);
  for (int t = 0; t < 8; ++t) scores[t * 5 + path[t]] = 0.5f + 0.05f * t;
  const auto decoded = ctc_greedy_decode(scores.data(), 8, 5, chars);
  EXPECT_EQ(decoded.text, "aab c");
  // Kept steps 0, 3, 4, 6, 7: mean of .5, .65, .7, .8, .85.
  EXPECT_NEAR(decoded.confidence, (0.5 + 0.65 + 0.7 + 0.8 + 0.85) / 5, 1e-6);
  EXPECT_EQ(ctc_greedy_decode(scores.data(), 0, 5, chars).text, "");
}

TEST(MetricOcr, LevenshteinDistance) {
  EXPECT_EQ(levenshtein(U"kitten", U"sitting"), 3u);
  EXPECT_EQ(levenshtein(U"", U"abc"), 3u);
  EXPECT_EQ(levenshtein(U"\u4e2d\u6587", U"\u4e2d"), 1u);  // code points, not bytes
}

// Batch of 2 over 3 steps: sample 0 decodes "ab" (label "ab": right), sample 1 decodes
// "c" (label "cc": one deletion). Accuracy 1/2; CER = (0 + 1) / (2 + 2).
TEST(MetricOcr, WordAccuracyAndCerFromModelOutputs) {
  test::ScratchDir dir;
  const auto keys = write_keys(dir);
  std::vector<float> scores(2 * 3 * 5, 0.0f);
  const int paths[2][3] = {{1, 0, 2}, {3, 3, 0}};
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 3; ++t) scores[(b * 3 + t) * 5 + paths[b][t]] = 1;
  const std::vector<Tensor> outputs = {Tensor::from_vector<float>({2, 3, 5}, scores)};
  std::vector<data::Annotation> labels(2);
  labels[0].text = "ab";
  labels[1].text = "cc";
  OcrOptions options;
  options.keys_path = keys;
  OcrMetric accuracy(OcrMetric::Kind::WordAccuracy, options), cer(OcrMetric::Kind::CharacterErrorRate, options);
  accuracy.update(outputs, labels);
  cer.update(outputs, labels);
  EXPECT_DOUBLE_EQ(accuracy.result(), 0.5);
  EXPECT_DOUBLE_EQ(cer.result(), 0.25);
  EXPECT_TRUE(accuracy.higher_is_better());
  EXPECT_FALSE(cer.higher_is_better());

  // The model's class count must match the keys file.
  const std::vector<Tensor> wrong = {Tensor(DataType::Float32, {2, 3, 6625})};
  try {
    accuracy.update(wrong, labels);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(keys + " gives 5 classes (blank + 3 keys + space)"), std::string::npos)
        << e.what();
  }
}

TEST(MetricOcr, CaseAndSpaceOptions) {
  OcrOptions exact;
  OcrMetric strict(OcrMetric::Kind::WordAccuracy, exact);
  strict.add("Hello World", "helloworld");
  EXPECT_EQ(strict.result(), 0);
  OcrOptions loose;
  loose.ignore_case = loose.ignore_space = true;
  OcrMetric relaxed(OcrMetric::Kind::WordAccuracy, loose);
  relaxed.add("Hello World", "helloworld");
  EXPECT_EQ(relaxed.result(), 1);
}

TEST(MetricOcr, MissingKeysFileFromYamlNamesKeyAndFile) {
  test::ScratchDir dir;
  const std::string missing = dir.file("ppocr_keys_v1.txt");
  try {
    make_metric(YAML::Load("{OCRWordAccuracy: {keys: '" + missing + "'}}"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("metric.OCRWordAccuracy.keys: " + missing, 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace qtune::metrics
