// COCO bbox evaluation: hand-derived fixture, a naive second implementation, edge cases.
#include "metrics/coco_eval.h"

#include <gtest/gtest.h>

#include <random>

#include "coco_fixture.h"
#include "coco_reference.h"

namespace qtune::metrics::coco {
namespace {

namespace ref = test::coco_reference;

ref::Gt to_ref(const GroundTruthBox& g) {
  return {g.id, g.image_id, g.category_id, g.bbox[0], g.bbox[1], g.bbox[2], g.bbox[3], g.area, g.iscrowd};
}
ref::Dt to_ref(const Detection& d) {
  return {d.image_id, d.category_id, d.bbox[0], d.bbox[1], d.bbox[2], d.bbox[3], d.score};
}

std::array<double, 12> reference_stats(const GroundTruth& gt, const std::vector<Detection>& dts) {
  std::vector<ref::Gt> g;
  std::vector<ref::Dt> d;
  for (const auto& a : gt.annotations) g.push_back(to_ref(a));
  for (const auto& x : dts) d.push_back(to_ref(x));
  std::vector<int64_t> images = gt.image_ids;
  std::sort(images.begin(), images.end());
  return ref::evaluate(images, gt.category_ids, g, d);
}

// Hand derivation for the fixture (coco_fixture.h). "101 recall levels" are r = 0, .01, .., 1;
// the interpolated precision at r is the best precision at any recall >= r.
//
// Category 1 (npig = 3: A, B, D; C is crowd). Ranked: d3 .95 (crowd, ignored), d1 .90 TP,
// d5 .85 FP, d2 .80 (TP while IoU .667 >= t, i.e. t = .50..65), d4 .30 (crowd, ignored).
//   t <= .65: precision/recall 1/1@1/3, 1/2@1/3, 2/3@2/3 -> r in [0,.33]: 1 (34 levels),
//             r in [.34,.66]: 2/3 (33 levels), above: 0 -> AP_t = (34 + 22) / 101 = 56/101
//   t >= .70: only d1 -> r in [0,.33]: 1 -> AP_t = 34/101
//   AP(cat1) = (4*56 + 6*34) / 1010 = 428/1010; recall 2/3 (4x) and 1/3 (6x) -> AR = 14/30.
// Category 2 (npig = 4: E, F, G, H). Ranked: d6 .70 TP, d8 .65 FP, d7 .60 TP, d9 .50 (TP while
// IoU .818 >= t, i.e. t = .50..80).
//   t <= .80: P/R 1@.25, 1/2@.25, 2/3@.5, 3/4@.75 -> r in [0,.25]: 1 (26), (.25,.75]: .75 (50)
//             -> AP_t = (26 + 37.5) / 101 = 63.5/101
//   t >= .85: r in [0,.25]: 1 (26), (.25,.5]: 2/3 (25) -> AP_t = (26 + 50/3) / 101
//   AP(cat2) = (7*63.5 + 3*(26 + 50/3)) / 1010 = 572.5/1010; AR = (7*.75 + 3*.5)/10 = .675.
// Category 3 (npig = 2: I, K; J is crowd). Ranked: d12 .95 FP, d10 .90 TP, d11 .40 (crowd,
// ignored), d13 .20 TP -> P/R 0@0, 1/2@1/2, 2/3@1 -> 2/3 at every level and threshold.
//   AP(cat3) = 2/3, AR = 1.
// AP   = (428/1010 + 572.5/1010 + 2/3) / 3                    = 0.5524
// AP50 = (56/101 + 63.5/101 + 2/3) / 3                        = 0.6166
// AP75 = (34/101 + 63.5/101 + 2/3) / 3                        = 0.5440
// small (area <= 1024): only H (cat 2) and I (cat 3) count; category 1 has none (-1).
//   cat2: d6, d7 match ignored E, F (ignored); d8 (area 900) FP; d9 TP for t <= .8
//         -> .5 at every level for 7 thresholds, 0 for 3 -> .35; recall 7/10 = .7
//   cat3: d12 FP, d10 TP, d11 crowd, d13 matches K (ignored here) -> .5; recall 1
//   APs = (.35 + .5)/2 = .425, ARs = (.7 + 1)/2 = .85
// medium: only cat 2 (E, F, G); d8 and d9 are small and unmatched/ignored -> TP, TP:
//   precision 1 up to recall 2/3 -> 67 levels -> APm = 67/101, ARm = 2/3
// large: cat1 as in "all" (428/1010, 14/30); cat3 only K: d12, d10 (matches I, ignored here),
//   d11 ignored, d13 TP -> 1, recall 1 -> APl = (428/1010 + 1)/2, ARl = (14/30 + 1)/2
// maxDets 1 (top detection per image and category): cat1 finds A only (img2's top is the
//   crowd match d3) -> 1/3; cat2: E, H (t <= .8), img4's top is the FP d8 -> (7*.5 + 3*.25)/10
//   = .425; cat3: I and K -> 1. AR1 = (1/3 + .425 + 1)/3. AR10 = AR100 = (14/30 + .675 + 1)/3.
TEST(MetricCoco, FixtureMatchesHandDerivation) {
  const auto result = evaluate(test::coco_fixture::ground_truth(), test::coco_fixture::detections());
  const double expected[kNumStats] = {(428.0 / 1010 + 572.5 / 1010 + 2.0 / 3) / 3,
                                      (56.0 / 101 + 63.5 / 101 + 2.0 / 3) / 3,
                                      (34.0 / 101 + 63.5 / 101 + 2.0 / 3) / 3,
                                      0.425,
                                      67.0 / 101,
                                      (428.0 / 1010 + 1) / 2,
                                      (1.0 / 3 + 0.425 + 1) / 3,
                                      (14.0 / 30 + 0.675 + 1) / 3,
                                      (14.0 / 30 + 0.675 + 1) / 3,
                                      0.85,
                                      2.0 / 3,
                                      (14.0 / 30 + 1) / 2};
  for (size_t i = 0; i < kNumStats; ++i) EXPECT_NEAR(result.stats[i], expected[i], 1e-9) << kStatNames[i];
  ASSERT_EQ(result.category_ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_NEAR(result.category_ap[0], 428.0 / 1010, 1e-9);
  EXPECT_NEAR(result.category_ap[1], 572.5 / 1010, 1e-9);
  EXPECT_NEAR(result.category_ap[2], 2.0 / 3, 1e-9);
  EXPECT_EQ(result.num_detections, 13u);  // d14's category is not evaluated
}

TEST(MetricCoco, FixtureMatchesNaiveReference) {
  const auto gt = test::coco_fixture::ground_truth();
  const auto dts = test::coco_fixture::detections();
  const auto result = evaluate(gt, dts);
  const auto naive = reference_stats(gt, dts);
  for (size_t i = 0; i < kNumStats; ++i) EXPECT_NEAR(result.stats[i], naive[i], 1e-12) << kStatNames[i];
}

TEST(MetricCoco, SummaryMatchesPycocotoolsTextExactly) {
  const auto result = evaluate(test::coco_fixture::ground_truth(), test::coco_fixture::detections());
  EXPECT_EQ(format_summary(result.stats), test::coco_fixture::expected_summary());
  std::array<double, kNumStats> missing;
  missing.fill(-1);
  EXPECT_EQ(format_summary(missing).substr(0, 81),
            " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = -1.000\n");
}

// Random problems: boxes in all size ranges, crowd boxes, perturbed true detections, false
// positives, scores rounded to 0.05 so ties happen, up to 120 detections on an image.
TEST(MetricCoco, RandomProblemsMatchNaiveReference) {
  for (uint32_t seed = 1; seed <= 25; ++seed) {
    std::mt19937 rng(seed);
    auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * (rng() / 4294967296.0); };
    GroundTruth gt;
    const int images = 4 + static_cast<int>(rng() % 5);
    for (int i = 1; i <= images; ++i) gt.image_ids.push_back(i * 7);
    gt.category_ids = {1, 2, 3, 4};
    std::vector<Detection> dts;
    int64_t next_id = 1;
    for (int64_t image : gt.image_ids) {
      const int objects = static_cast<int>(rng() % 6);
      for (int o = 0; o < objects; ++o) {
        const double side = std::exp(uniform(std::log(8.0), std::log(200.0)));
        GroundTruthBox g{next_id++,
                         image,
                         1 + static_cast<int64_t>(rng() % 4),
                         {uniform(0, 400), uniform(0, 400), side * uniform(0.6, 1.4), side},
                         0,
                         rng() % 7 == 0};
        g.area = g.bbox[2] * g.bbox[3] * uniform(0.7, 1.0);  // like a segmentation area
        gt.annotations.push_back(g);
        const int copies = static_cast<int>(rng() % 3);
        for (int c = 0; c < copies; ++c) {
          const double jitter = g.bbox[3] * uniform(0, 0.4);
          dts.push_back({image,
                         rng() % 10 == 0 ? 2 : g.category_id,
                         {g.bbox[0] + uniform(-jitter, jitter), g.bbox[1] + uniform(-jitter, jitter),
                          g.bbox[2] * uniform(0.8, 1.2), g.bbox[3] * uniform(0.8, 1.2)},
                         std::round(uniform(0, 1) * 20) / 20});
        }
      }
      const int noise = rng() % 9 == 0 ? 120 : static_cast<int>(rng() % 5);
      for (int n = 0; n < noise; ++n)
        dts.push_back({image,
                       1 + static_cast<int64_t>(rng() % 4),
                       {uniform(0, 400), uniform(0, 400), uniform(4, 150), uniform(4, 150)},
                       std::round(uniform(0, 1) * 20) / 20});
    }
    const auto result = evaluate(gt, dts);
    const auto naive = reference_stats(gt, dts);
    for (size_t i = 0; i < kNumStats; ++i)
      ASSERT_NEAR(result.stats[i], naive[i], 1e-12) << "seed " << seed << " " << kStatNames[i];
  }
}

TEST(MetricCoco, NoDetectionsScoreZeroWhereGroundTruthExistsElseMinusOne) {
  const auto all_ranges = evaluate(test::coco_fixture::ground_truth(), {});
  for (size_t i = 0; i < kNumStats; ++i) EXPECT_EQ(all_ranges.stats[i], 0) << kStatNames[i];
  GroundTruth large_only;
  large_only.image_ids = {1};
  large_only.category_ids = {1};
  large_only.annotations.push_back({1, 1, 1, {0, 0, 100, 100}, 10000, false});
  const auto s = evaluate(large_only, {}).stats;
  EXPECT_EQ(s[0], 0);
  EXPECT_EQ(s[3], -1);  // APs: no small ground truth
  EXPECT_EQ(s[4], -1);  // APm
  EXPECT_EQ(s[5], 0);
  EXPECT_EQ(s[9], -1);
  EXPECT_EQ(s[11], 0);
}

// The range uses the annotation's area (a segmentation area), not its box: a 40x40 box
// (1600, medium by w*h) with area 1000 is small. The perfect detection (area 1600) is a
// true positive in "small" (matched detections are never area-ignored).
TEST(MetricCoco, GroundTruthAreaFieldDecidesTheRange) {
  GroundTruth gt;
  gt.image_ids = {1};
  gt.category_ids = {1};
  gt.annotations.push_back({1, 1, 1, {0, 0, 40, 40}, 1000, false});
  const auto s = evaluate(gt, {{1, 1, {0, 0, 40, 40}, 0.9}}).stats;
  EXPECT_NEAR(s[3], 1, 1e-12);  // APs
  EXPECT_EQ(s[4], -1);          // APm: nothing medium
}

// Equal scores rank by image order, then file order (pycocotools' stable mergesort): the
// false positive on image 1 comes before the true positive on image 2, so precision at
// recall 1 is 1/2 everywhere: AP = .5 (it would be 1 the other way round).
TEST(MetricCoco, EqualScoresRankByImageThenFileOrder) {
  GroundTruth gt;
  gt.image_ids = {2, 1};
  gt.category_ids = {5};
  gt.annotations.push_back({1, 2, 5, {0, 0, 50, 50}, 2500, false});
  const std::vector<Detection> dts = {{2, 5, {0, 0, 50, 50}, 0.5}, {1, 5, {0, 0, 50, 50}, 0.5}};
  EXPECT_NEAR(evaluate(gt, dts).stats[0], 0.5, 1e-12);
}

// Only the 100 best detections per image and category are matched: the true positive
// ranked 101st is never seen, so AR100 is 0.
TEST(MetricCoco, OnlyHundredDetectionsPerImageCount) {
  GroundTruth gt;
  gt.image_ids = {1};
  gt.category_ids = {1};
  gt.annotations.push_back({1, 1, 1, {0, 0, 50, 50}, 2500, false});
  std::vector<Detection> dts;
  for (int i = 0; i < 100; ++i) dts.push_back({1, 1, {300.0 + i, 300, 10, 10}, 0.9});
  dts.push_back({1, 1, {0, 0, 50, 50}, 0.1});
  EXPECT_EQ(evaluate(gt, dts).stats[8], 0);
  dts.erase(dts.begin());
  EXPECT_NEAR(evaluate(gt, dts).stats[8], 1, 1e-12);
}

// pycocotools records a match as the ground truth's id, so an annotation with id 0 looks
// unmatched: the perfect detection counts as a false positive. Kept for fidelity.
TEST(MetricCoco, GroundTruthIdZeroLooksUnmatchedAsInPycocotools) {
  GroundTruth gt;
  gt.image_ids = {1};
  gt.category_ids = {1};
  gt.annotations.push_back({0, 1, 1, {0, 0, 50, 50}, 2500, false});
  EXPECT_EQ(evaluate(gt, {{1, 1, {0, 0, 50, 50}, 0.9}}).stats[0], 0);
  gt.annotations[0].id = 1;
  EXPECT_NEAR(evaluate(gt, {{1, 1, {0, 0, 50, 50}, 0.9}}).stats[0], 1, 1e-12);
}

// A crowd box may absorb any number of detections without making them false positives.
TEST(MetricCoco, CrowdBoxAbsorbsManyDetections) {
  GroundTruth gt;
  gt.image_ids = {1};
  gt.category_ids = {1};
  gt.annotations.push_back({1, 1, 1, {0, 0, 50, 50}, 2500, false});
  gt.annotations.push_back({2, 1, 1, {100, 0, 200, 200}, 40000, true});
  std::vector<Detection> dts = {{1, 1, {0, 0, 50, 50}, 0.5}};
  for (int i = 0; i < 5; ++i) dts.push_back({1, 1, {110.0 + 20 * i, 10, 15, 15}, 0.9});
  EXPECT_NEAR(evaluate(gt, dts).stats[0], 1, 1e-12);
}

// np.mean(1.0 / np.arange(1, 20001)) as numpy 1.24 computes it (pairwise summation in
// 8192-element blocks): 0x1.12bef9f8f622ep-11; a plain left-to-right sum gives ...22ap-11.
TEST(MetricCoco, MeanUsesNumpySummationOrder) {
  std::vector<double> values;
  for (int i = 1; i <= 20000; ++i) values.push_back(1.0 / i);
  EXPECT_EQ(numpy_mean(values), 0x1.12bef9f8f622ep-11);
}

}  // namespace
}  // namespace qtune::metrics::coco
