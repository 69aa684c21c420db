#include <gtest/gtest.h>

#include <cmath>

#include "metrics/compare.h"
#include "metrics/external.h"
#include "qtune/error.h"

namespace qtune::metrics {
namespace {

// Reference [[1, 2], [3, 4]], candidate [[1, 2], [3, 5]]: differences 0 0 0 1.
// MSE 1/4, RMSE 1/2, MAE 1/4; sum r^2 = 30 -> NMSE 1/30, SQNR 10 log10(30);
// cosine 34 / sqrt(30 * 39); row arg-maxes 1,1 vs 1,1 -> agreement 1.
TEST(MetricCompare, AllStatisticsFromOneBatch) {
  const std::vector<Tensor> reference = {Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4})};
  const std::vector<Tensor> candidate = {Tensor::from_vector<float>({2, 2}, {1, 2, 3, 5})};
  OutputComparison mse(OutputComparison::Kind::MSE);
  EXPECT_TRUE(mse.needs_reference_outputs());
  mse.update_with_reference(candidate, reference);
  using K = OutputComparison::Kind;
  EXPECT_DOUBLE_EQ(mse.value(K::MSE), 0.25);
  EXPECT_DOUBLE_EQ(mse.value(K::RMSE), 0.5);
  EXPECT_DOUBLE_EQ(mse.value(K::MAE), 0.25);
  EXPECT_DOUBLE_EQ(mse.value(K::NMSE), 1.0 / 30);
  EXPECT_DOUBLE_EQ(mse.value(K::SQNR), 10 * std::log10(30.0));
  EXPECT_DOUBLE_EQ(mse.value(K::Cosine), 34 / std::sqrt(30.0 * 39));
  EXPECT_DOUBLE_EQ(mse.value(K::Top1Agreement), 1);
  EXPECT_FALSE(mse.higher_is_better());
  EXPECT_TRUE(OutputComparison(K::SQNR).higher_is_better());

  OutputComparison agree(K::Top1Agreement);
  agree.update_with_reference({Tensor::from_vector<float>({2, 2}, {2, 1, 3, 5})}, reference);
  EXPECT_DOUBLE_EQ(agree.result(), 0.5);  // row 0 now picks class 0
  OutputComparison same(K::SQNR);
  same.update_with_reference(reference, reference);
  EXPECT_TRUE(std::isinf(same.result()));
  EXPECT_TRUE(same.to_json()["sqnr_db"].is_null());
}

TEST(MetricCompare, ShapeMismatchAndMissingReferenceAreErrors) {
  OutputComparison mse(OutputComparison::Kind::MSE);
  EXPECT_THROW(mse.update_with_reference({Tensor::from_vector<float>({1, 3}, {1, 2, 3})},
                                         {Tensor::from_vector<float>({1, 2}, {1, 2})}),
               Error);
  EXPECT_THROW(mse.update({Tensor::from_vector<float>({1, 2}, {1, 2})}, {data::Annotation{}}), Error);
  EXPECT_THROW(mse.result(), Error);
}

TEST(MetricExternal, SubstitutesTheModelPathQuoted) {
  EXPECT_EQ(external_command_line("eval --model {model} --again {model}", "a b'c.onnx"),
            "eval --model 'a b'\\''c.onnx' --again 'a b'\\''c.onnx'");
}

TEST(MetricExternal, ReadsTheNumberOnTheLastLine) {
  EXPECT_DOUBLE_EQ(parse_external_output("loading\n0.25\n0.7613\n\n", "cmd"), 0.7613);
  EXPECT_DOUBLE_EQ(parse_external_output("accuracy: 0.5", "cmd"), 0.5);
  try {
    parse_external_output("0.5\ndone\n", "cmd");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "External: command `cmd` printed no number on its last line ('done')");
  }
}

TEST(MetricExternal, RunsTheCommand) {
  ExternalMetric metric("echo scoring {model} >&2; echo 'top1: 0.125'", true);
  EXPECT_TRUE(metric.scores_model_file());
  metric.score_model_file("/tmp/model.onnx");
  EXPECT_DOUBLE_EQ(metric.result(), 0.125);
  EXPECT_EQ(metric.to_json()["model"], "/tmp/model.onnx");

  ExternalMetric failing("echo 0.9; echo oops; exit 3 # {model}", true);
  try {
    failing.score_model_file("m.onnx");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "External: command `echo 0.9; echo oops; exit 3 # 'm.onnx'` exited with status 3 "
              "(last line: 'oops')");
  }
  EXPECT_THROW(failing.result(), Error);
  EXPECT_THROW(metric.update({}, {}), Error);
}

}  // namespace
}  // namespace qtune::metrics
