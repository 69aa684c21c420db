#include "metrics/topk.h"

#include <gtest/gtest.h>

#include "qtune/error.h"

namespace qtune::metrics {
namespace {

data::Annotation label(int64_t class_id) {
  data::Annotation a;
  a.class_id = class_id;
  return a;
}

// Batch of 3, 4 classes:
//   row 0 [.1 .5 .3 .1] label 2: one class higher (1) -> rank 1: top-1 wrong, top-2 right
//   row 1 [.7 .1 .1 .1] label 0: rank 0
//   row 2 [.2 .2 .2 .4] label 1: class 3 higher, class 0 ties with a smaller index -> rank 2
TEST(MetricTopK, CountsLabelsWithinTheTopK) {
  const std::vector<Tensor> outputs = {
      Tensor::from_vector<float>({3, 4}, {.1f, .5f, .3f, .1f, .7f, .1f, .1f, .1f, .2f, .2f, .2f, .4f})};
  const std::vector<data::Annotation> labels = {label(2), label(0), label(1)};
  TopKAccuracy top1(1), top2(2), top3(3);
  top1.update(outputs, labels);
  top2.update(outputs, labels);
  top3.update(outputs, labels);
  EXPECT_DOUBLE_EQ(top1.result(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(top2.result(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(top3.result(), 1.0);
  EXPECT_EQ(top1.to_json()["correct"].get<int64_t>(), 1);
  top1.reset();
  EXPECT_THROW(top1.result(), Error);
}

TEST(MetricTopK, TiesResolveByIndexAndNaNNeverCounts) {
  const float equal[4] = {1, 1, 1, 1};
  EXPECT_EQ(stable_rank(equal, 4, 0), 0);
  EXPECT_EQ(stable_rank(equal, 4, 3), 3);  // a constant output is right only for label 0 at k=1
  const float with_nan[3] = {0.5f, NAN, 0.1f};
  EXPECT_EQ(stable_rank(with_nan, 3, 2), 1);  // NaN does not outrank
  EXPECT_EQ(stable_rank(with_nan, 3, 1), 3);  // a NaN label score is outside any k
}

TEST(MetricTopK, AcceptsOtherTypesAndRejectsBadLabels) {
  TopKAccuracy top1(1);
  top1.update({Tensor::from_vector<int64_t>({2, 3}, {0, 9, 1, 5, 2, 2})}, {label(1), label(0)});
  EXPECT_DOUBLE_EQ(top1.result(), 1.0);
  data::Annotation missing;
  missing.sample_index = 4;
  missing.source = "val/img4.jpg";
  try {
    top1.update({Tensor::from_vector<float>({1, 3}, {0, 1, 2})}, {missing});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "topk: sample 4 (val/img4.jpg): has no class label (topk needs one per sample)");
  }
  EXPECT_THROW(top1.update({Tensor::from_vector<float>({1, 3}, {0, 1, 2})}, {label(3)}), Error);
  EXPECT_THROW(top1.update({Tensor::from_vector<float>({2, 3}, {0, 1, 2, 0, 1, 2})}, {label(0)}),
               Error);  // batch 2 vs 1 label
}

}  // namespace
}  // namespace qtune::metrics
