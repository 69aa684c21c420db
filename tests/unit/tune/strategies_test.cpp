// The tuning strategies played against synthetic metrics whose answer is known: a loop
// stands in for the tuner (propose, "evaluate", hand the result back), the metric reads
// which units the proposed plan leaves INT8, and the sensitivity ranking is fixed by the
// test. Checked: what each strategy ends with, the order it tries things in, that it
// terminates when nothing passes, and that proposals depend only on the seed and results.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "config/tune_config.h"
#include "ir/graph_builder.h"
#include "quant/prepare.h"
#include "quant/quantizer.h"
#include "tune/strategy.h"

namespace qtune::tune {
namespace {

using quant::Precision;
using quant::RangeMethod;
using quant::UnitDecision;
using quant::UnitKind;
using Units = std::set<std::string>;

// conv1 (+Relu) -> conv2 (+Relu) -> Mul(relu1, relu2) -> Reshape -> fc (MatMul, +Relu) ->
// head (Gemm) -> Softmax. Fallback candidates: conv1, conv2 (Conv), mul (Mul), fc
// (MatMul), head (Gemm); every op type but Conv has one unit.
ir::Model small_model() {
  ir::GraphBuilder b(13);
  const auto pads = ir::Attribute::make_ints("pads", {1, 1, 1, 1});
  auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
  auto* c1 = b.node("Conv", {x, b.weight("w1", {4, 3, 3, 3}), b.weight("b1", {4})}, {pads}, "conv1");
  auto* r1 = b.node("Relu", {c1}, {}, "relu1");
  auto* c2 = b.node("Conv", {r1, b.weight("w2", {4, 4, 3, 3}), b.weight("b2", {4})}, {pads}, "conv2");
  auto* r2 = b.node("Relu", {c2}, {}, "relu2");
  auto* gated = b.node("Mul", {r1, r2}, {}, "mul");
  auto* flat = b.node("Reshape", {gated, b.constant("shape", Tensor::from_vector<int64_t>({2}, {1, 256}))}, {}, "flat");
  auto* fc = b.node("MatMul", {flat, b.weight("w3", {256, 16}, 0.1f)}, {}, "fc");
  auto* r3 = b.node("Relu", {fc}, {}, "relu3");
  auto* head = b.node("Gemm", {r3, b.weight("w4", {16, 5}), b.weight("b4", {5})}, {}, "head");
  b.output(b.node("Softmax", {head}, {ir::Attribute::make_int("axis", 1)}, "prob"));
  return b.build();
}

const ir::Model& prepared_model() {
  static const ir::Model prepared = quant::prepare_for_quantization(small_model(), "small");
  return prepared;
}

// The config, the quantizer and a sensitivity function answering a ranking of the test's
// choosing (counting how often it is asked).
struct Harness {
  config::TuneConfig config;
  quant::Quantizer quantizer;
  std::vector<std::string> ranking;
  int sensitivity_calls = 0;

  Harness(const std::string& yaml, std::vector<std::string> ranking_)
      : config(config::parse_tune_config(yaml, "cfg.yaml")),
        quantizer(prepared_model(), "small"),
        ranking(std::move(ranking_)) {}

  TuningContext context() {
    return TuningContext(config, quantizer, [this](const TrialSpec&) {
      ++sensitivity_calls;
      std::vector<quant::UnitSensitivity> out;
      for (size_t i = 0; i < ranking.size(); ++i) out.push_back({ranking[i], "", static_cast<double>(i), 0.0});
      return out;
    });
  }
};

const std::vector<std::string> kGraphOrder = {"conv1", "conv2", "mul", "fc", "head"};

// Units a fallback could touch (compute, binary, concat) that `spec` leaves FP32.
Units fallbacks(const Harness& s, const TrialSpec& spec) {
  Units out;
  for (const UnitDecision& d : s.quantizer.decide(spec.plan))
    if (d.precision == Precision::FP32 && d.kind != UnitKind::PassThrough && d.kind != UnitKind::Other)
      out.insert(d.name);
  return out;
}

Units int8_units(const Harness& s, const TrialSpec& spec) {
  Units out;
  for (const UnitDecision& d : s.quantizer.decide(spec.plan))
    if (d.precision == Precision::INT8 && d.kind != UnitKind::PassThrough) out.insert(d.name);
  return out;
}

using Metric = std::function<double(const TrialSpec&)>;
constexpr double kTarget = 0.99;  // accuracy >= kTarget meets the criterion
constexpr size_t kMaxTrials = 200;

// 1.0, minus 0.5 per harmful unit left INT8, minus 0.001 per other INT8 unit (so results
// differ a little and nothing is tied by accident). Meets the target iff every harmful
// unit is FP32.
Metric harmful(const Harness& s, const Units& bad) {
  return [&s, bad](const TrialSpec& spec) {
    double accuracy = 1.0;
    for (const std::string& u : int8_units(s, spec)) accuracy -= bad.count(u) ? 0.5 : 0.001;
    return accuracy;
  };
}

struct TuningRun {
  std::vector<TrialResult> history;
  bool finished = false;  // the strategy returned nullopt (not stopped by the loop)
};

// Plays the tuner: evaluates each proposal with `metric` until the strategy is done, or
// until the first passing trial when `stop_at_first_pass` (exit_policy.timeout 0).
TuningRun drive(Harness& s, const std::string& strategy_name, const Metric& metric, bool stop_at_first_pass = false) {
  TuningContext context = s.context();
  const std::unique_ptr<Strategy> strategy = make_strategy(strategy_name, context);
  TuningRun run;
  while (run.history.size() < kMaxTrials) {
    std::optional<TrialSpec> spec = strategy->next(run.history);
    if (!spec) {
      run.finished = true;
      break;
    }
    TrialResult r;
    r.spec = std::move(*spec);
    r.index = static_cast<int>(run.history.size()) + 1;
    r.accuracy = metric(r.spec);
    r.meets = r.accuracy >= kTarget;
    run.history.push_back(std::move(r));
    if (stop_at_first_pass && run.history.back().meets) break;
  }
  return run;
}

// The passing trial with the fewest fallbacks (the fastest, as the tuner would pick), or nullptr.
const TrialResult* fewest_fallbacks_passing(const Harness& s, const TuningRun& run) {
  const TrialResult* best = nullptr;
  for (const TrialResult& r : run.history)
    if (r.meets && (!best || fallbacks(s, r.spec).size() < fallbacks(s, best->spec).size())) best = &r;
  return best;
}

std::vector<size_t> fallback_counts(const Harness& s, const TuningRun& run) {
  std::vector<size_t> out;
  for (const TrialResult& r : run.history) out.push_back(fallbacks(s, r.spec).size());
  return out;
}

// Same proposals in the same order: plans, sampling sizes and descriptions.
bool same_proposals(const TuningRun& a, const TuningRun& b) {
  if (a.history.size() != b.history.size()) return false;
  for (size_t i = 0; i < a.history.size(); ++i) {
    const TrialSpec &x = a.history[i].spec, &y = b.history[i].spec;
    if (!(x.plan == y.plan) || x.sampling_size != y.sampling_size || x.description != y.description) return false;
  }
  return true;
}

// Every proposal is a different (model-wise combination, fallback set) pair.
bool all_distinct(const Harness& s, const TuningRun& run) {
  std::set<std::tuple<int64_t, RangeMethod, bool, Units>> seen;
  for (const TrialResult& r : run.history) {
    const auto key = std::make_tuple(r.spec.sampling_size, r.spec.plan.activation.algorithm,
                                     r.spec.plan.weight.per_channel, fallbacks(s, r.spec));
    if (!seen.insert(key).second) return false;
  }
  return true;
}

// Config texts: one model-wise combination (the default), two (activation algorithm
// minmax, kl) or four (those x sampling sizes 50, 100).
std::string one_combination(uint64_t seed = 7) { return "tuning: {random_seed: " + std::to_string(seed) + "}\n"; }
std::string two_algorithms(uint64_t seed = 7) {
  return "quantization: {model_wise: {activation: {algorithm: [minmax, kl]}}}\n" + one_combination(seed);
}
std::string four_combinations(uint64_t seed = 7) {
  return "quantization: {calibration: {sampling_size: [50, 100]},\n"
         "               model_wise: {activation: {algorithm: [minmax, kl]}}}\n" +
         one_combination(seed);
}

TEST(Strategies, TestModelHasTheExpectedCandidates) {
  Harness s(one_combination(), {});
  TuningContext context = s.context();
  EXPECT_EQ(context.fallback_candidates(context.default_trial()), kGraphOrder);
  EXPECT_EQ(context.model_wise_trials().size(), 1u);
  EXPECT_EQ(Harness(four_combinations(), {}).context().model_wise_trials().size(), 4u);
}

// --- basic ---

TEST(Strategies, BasicTriesModelWiseListsInOrder) {
  Harness s(two_algorithms(), kGraphOrder);
  const TuningRun run =
      drive(s, "basic", [](const TrialSpec& t) { return t.plan.activation.algorithm == RangeMethod::KL ? 1.0 : 0.5; });
  ASSERT_EQ(run.history.size(), 2u);
  EXPECT_EQ(run.history[0].spec.plan.activation.algorithm, RangeMethod::MinMax);
  EXPECT_EQ(run.history[1].spec.plan.activation.algorithm, RangeMethod::KL);
  EXPECT_TRUE(run.history[1].meets);
  EXPECT_TRUE(run.finished);  // a model-wise pass ends it: no fallbacks are needed
  EXPECT_EQ(s.sensitivity_calls, 0);
}

TEST(Strategies, BasicFallsBackExactlyTheHarmfulUnit) {
  Harness s(one_combination(), {"fc", "conv2", "conv1", "mul", "head"});
  const TuningRun run = drive(s, "basic", harmful(s, {"conv2"}));
  EXPECT_TRUE(run.finished);
  ASSERT_EQ(run.history.size(), 3u);  // default, fc alone, conv2 alone
  EXPECT_EQ(fallbacks(s, run.history[1].spec), Units{"fc"});
  EXPECT_TRUE(run.history.back().meets);
  EXPECT_EQ(fallbacks(s, run.history.back().spec), Units{"conv2"});
}

TEST(Strategies, BasicAccumulatesUnitsThatHelpedMostAlone) {
  // No single fallback is enough; fc and conv2 each help most alone, so they go first.
  Harness s(one_combination(), {"conv1", "fc", "mul", "conv2", "head"});
  const TuningRun run = drive(s, "basic", harmful(s, {"conv2", "fc"}), true);
  ASSERT_TRUE(run.history.back().meets);
  EXPECT_EQ(run.history.size(), 1u + 5u + 1u);  // default, five singles, one pair
  EXPECT_EQ(fallbacks(s, run.history.back().spec), (Units{"fc", "conv2"}));
}

// --- mse ---

TEST(Strategies, MseFallsBackExactlyTheHarmfulUnit) {
  Harness s(one_combination(), {"conv2", "fc", "conv1", "mul", "head"});
  const TuningRun run = drive(s, "mse", harmful(s, {"conv2"}));
  EXPECT_TRUE(run.finished);
  ASSERT_EQ(run.history.size(), 2u);
  EXPECT_EQ(fallbacks(s, run.history.back().spec), Units{"conv2"});
  EXPECT_TRUE(run.history.back().meets);
}

TEST(Strategies, MseBisectsToTheFewestFallbacks) {
  Harness s(one_combination(), {"fc", "conv1", "conv2", "mul", "head"});
  const TuningRun run = drive(s, "mse", harmful(s, {"conv2"}));
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(fallback_counts(s, run), (std::vector<size_t>{0, 1, 2, 4, 3}));  // doubling, then bisection
  const TrialResult* best = fewest_fallbacks_passing(s, run);
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(fallbacks(s, best->spec), (Units{"fc", "conv1", "conv2"}));
}

// --- exhaustive ---

TEST(Strategies, ExhaustiveTriesEveryModelWiseCombinationEvenAfterAPass) {
  Harness s(four_combinations(), kGraphOrder);
  const TuningRun run = drive(s, "exhaustive", [](const TrialSpec&) { return 1.0; });
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(fallback_counts(s, run), (std::vector<size_t>{0, 0, 0, 0}));
  EXPECT_TRUE(all_distinct(s, run));
}

TEST(Strategies, ExhaustiveStopsAtTheSmallestK) {
  Harness s(two_algorithms(), {"fc", "conv2", "conv1", "mul", "head"});
  const Metric bad_conv2 = harmful(s, {"conv2"});
  // KL is a little more accurate: the fallbacks start from it.
  const TuningRun run = drive(s, "exhaustive", [&](const TrialSpec& t) {
    return bad_conv2(t) + (t.plan.activation.algorithm == RangeMethod::KL ? 0.002 : 0.0);
  });
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(fallback_counts(s, run), (std::vector<size_t>{0, 0, 1, 2}));
  EXPECT_EQ(fallbacks(s, run.history.back().spec), (Units{"fc", "conv2"}));
  EXPECT_TRUE(run.history.back().meets);
  for (size_t i = 2; i < run.history.size(); ++i)
    EXPECT_EQ(run.history[i].spec.plan.activation.algorithm, RangeMethod::KL);
}

// --- conservative ---

TEST(Strategies, ConservativeQuantizesOpTypesFastestFirstAndKeepsWhatPasses) {
  Harness s(one_combination(), kGraphOrder);
  const TuningRun run = drive(s, "conservative", harmful(s, {"fc"}));
  EXPECT_TRUE(run.finished);
  ASSERT_EQ(run.history.size(), 4u);  // Conv, MatMul, Gemm, then Mul (graph order)
  EXPECT_EQ(int8_units(s, run.history[0].spec), (Units{"conv1", "conv2"}));
  EXPECT_EQ(int8_units(s, run.history[1].spec), (Units{"conv1", "conv2", "fc"}));
  EXPECT_FALSE(run.history[1].meets);
  EXPECT_EQ(int8_units(s, run.history[2].spec), (Units{"conv1", "conv2", "head"}));  // MatMul back to FP32
  EXPECT_EQ(int8_units(s, run.history[3].spec), (Units{"conv1", "conv2", "head", "mul"}));
  EXPECT_TRUE(run.history[3].meets);
  EXPECT_EQ(fallbacks(s, run.history[3].spec), Units{"fc"});
}

// --- random and bayesian ---

class SampledStrategies : public ::testing::TestWithParam<std::string> {};

TEST_P(SampledStrategies, ProposeEveryPairOnceAndFindTheFewestFallbacks) {
  Harness s(four_combinations(), {"fc", "conv2", "conv1", "mul", "head"});
  const TuningRun run = drive(s, GetParam(), harmful(s, {"conv2"}));
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(run.history.size(), 4u * 6u);  // 4 model-wise combinations x k in [0, 5]
  EXPECT_TRUE(all_distinct(s, run));
  EXPECT_LE(s.sensitivity_calls, 4);  // once per combination at most: cached
  const TrialResult* best = fewest_fallbacks_passing(s, run);
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(fallbacks(s, best->spec), (Units{"fc", "conv2"}));
}

TEST_P(SampledStrategies, DependOnTheSeed) {
  Harness a(four_combinations(7), kGraphOrder);
  Harness b(four_combinations(8), kGraphOrder);
  const TuningRun run_a = drive(a, GetParam(), harmful(a, {"conv2"}));
  const TuningRun run_b = drive(b, GetParam(), harmful(b, {"conv2"}));
  EXPECT_FALSE(same_proposals(run_a, run_b));
}

// The point of the model: on a space with structure (only KL passes, and only with at
// least three fallbacks), the best pair (KL, three fallbacks) turns up sooner on average
// than with uniform sampling. Averaged over seeds, since any one run can be lucky.
TEST(Strategies, BayesianFindsTheBestPairSoonerThanRandom) {
  auto mean_position_of_best = [](const std::string& strategy_name) {
    double sum = 0;
    constexpr int kSeeds = 40;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      Harness s("quantization: {calibration: {sampling_size: [10, 20, 30, 40]}, "
                "model_wise: {activation: {algorithm: [minmax, kl]}}}\n" +
                    one_combination(seed),
                {"fc", "conv2", "conv1", "mul", "head"});
      const Metric bad = harmful(s, {"fc", "conv2", "conv1"});
      const TuningRun run = drive(s, strategy_name, [&](const TrialSpec& t) {
        return bad(t) - (t.plan.activation.algorithm == RangeMethod::KL ? 0.0 : 0.2);
      });
      EXPECT_EQ(run.history.size(), 8u * 6u);
      for (size_t i = 0; i < run.history.size(); ++i)
        if (run.history[i].meets && fallbacks(s, run.history[i].spec).size() == 3) {
          sum += static_cast<double>(i + 1);
          break;
        }
    }
    return sum / kSeeds;
  };
  const double bayesian = mean_position_of_best("bayesian");
  const double random = mean_position_of_best("random");
  EXPECT_LT(bayesian, random);
}

INSTANTIATE_TEST_SUITE_P(Strategies, SampledStrategies, ::testing::Values("random", "bayesian"),
                         [](const auto& info) { return info.param; });

// --- every strategy ---

class AllStrategies : public ::testing::TestWithParam<std::string> {};

TEST_P(AllStrategies, StopWhenNothingPasses) {
  Harness s(two_algorithms(), kGraphOrder);
  const TuningRun run = drive(s, GetParam(), [](const TrialSpec&) { return 0.5; });
  EXPECT_TRUE(run.finished);
  // The largest space here: 2 combinations x k in [0, 5] (random, bayesian).
  EXPECT_LE(run.history.size(), 12u);
  EXPECT_GE(run.history.size(), 1u);
}

TEST_P(AllStrategies, SameSeedAndResultsGiveTheSameProposals) {
  Harness s(four_combinations(), {"fc", "conv2", "conv1", "mul", "head"});
  const TuningRun first = drive(s, GetParam(), harmful(s, {"conv2", "mul"}));
  const TuningRun second = drive(s, GetParam(), harmful(s, {"conv2", "mul"}));
  EXPECT_GE(first.history.size(), 2u);
  EXPECT_TRUE(same_proposals(first, second));
}

INSTANTIATE_TEST_SUITE_P(Strategies, AllStrategies, ::testing::ValuesIn(config::strategy_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace qtune::tune
