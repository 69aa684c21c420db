// The tuning configuration file: every key of a complete file lands in its field, the
// defaults of an almost empty one, list expansion order, op_wise op types vs node-name
// regexes, the base plan, and errors that name the file, the key path, the bad value and
// the allowed values (with a "did you mean" for typos at every level).
#include "config/tune_config.h"

#include <gtest/gtest.h>

#include "../data/data_test_util.h"

namespace qtune::config {
namespace {

using data::testing::expect_error;
using data::testing::TempDir;
using data::testing::write_bytes;
using quant::ActivationConfig;
using quant::NodeOverride;
using quant::Precision;
using quant::RangeMethod;
using quant::Scheme;
using quant::WeightConfig;

TuneConfig parse(const std::string& text) { return parse_tune_config(text, "cfg.yaml"); }

// Expects parsing `text` (as cfg.yaml) to fail with every fragment in the message.
void expect_config_error(const std::string& text, const std::vector<std::string>& fragments) {
  expect_error([&] { parse(text); }, fragments);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// The example of docs/config.md.
const char* kPpOcrRecognizer = R"(version: 1.0

model:
  name: ch_PP-OCRv4_rec
  path: models/ch_PP-OCRv4_rec_infer.onnx
  framework: onnxrt
  inputs: [x]
  outputs: [softmax_11.tmp_0]

quantization:
  approach: post_training_static_quant
  calibration:
    sampling_size: [50, 100]
    dataloader:
      batch_size: 10
      dataset: {TextLines: {root: data/calib, labels: data/calib/labels.txt}}
      transform:
        - PadToWidth: {width: 320, height: 48}
        - Cast: {dtype: float32}
        - Scale: {factor: 0.00392156862745098}
        - Normalize: {mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]}
        - Transpose: {perm: [2, 0, 1]}
  model_wise:
    weight: {dtype: int8, scheme: sym, granularity: [per_channel, per_tensor], algorithm: minmax}
    activation: {dtype: uint8, scheme: asym, algorithm: [minmax, percentile, kl], percentile: 99.9}
  op_wise:
    MatMul: {activation: {algorithm: [kl, minmax]}}
    'p2o\.Conv\.0': {weight: {dtype: fp32}, activation: {dtype: fp32}}
  recipes:
    first_conv_or_matmul_quantization: true
    last_conv_or_matmul_quantization: false
    bias_quantization: true
    input_quantization: true
    reduce_range: auto
    activation_matmul_quantization: false
    fold_batchnorm: true

evaluation:
  accuracy:
    metric: {OCRWordAccuracy: {keys: /opt/ppocr/ppocr_keys_v1.txt}}
    dataloader:
      batch_size: 5
      dataset: {TextLines: {root: data/eval, labels: data/eval/labels.txt}}
      transform:
        - PadToWidth: {width: 320, height: 48}
        - Cast: {dtype: float32}
        - Scale: {factor: 0.00392156862745098}
        - Normalize: {mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]}
        - Transpose: {perm: [2, 0, 1]}
  performance: {warmup: 5, iters: 50, threads: 1, shape: {x: [1, 3, 48, 320]}}

tuning:
  strategy: basic
  accuracy_criterion: {relative: 0.01, higher_is_better: true}
  objective: performance
  exit_policy: {timeout: 600, max_trials: 40}
  random_seed: 9527
  workspace: {path: ./qtune_workspace}
)";

TEST(TuneConfig, CompleteFileFillsEveryField) {
  const TuneConfig c = parse_tune_config(kPpOcrRecognizer, "/srv/ocr/rec.yaml");
  EXPECT_EQ(c.path, "/srv/ocr/rec.yaml");
  EXPECT_EQ(c.base_dir, "/srv/ocr");
  EXPECT_EQ(c.model.name, "ch_PP-OCRv4_rec");
  EXPECT_EQ(c.model.path, "/srv/ocr/models/ch_PP-OCRv4_rec_infer.onnx");
  EXPECT_EQ(c.model.inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(c.model.outputs, std::vector<std::string>{"softmax_11.tmp_0"});

  const QuantizationSection& q = c.quantization;
  EXPECT_FALSE(q.dynamic);
  EXPECT_EQ(q.sampling_sizes, (std::vector<int64_t>{50, 100}));
  ASSERT_TRUE(q.calibration_dataloader.IsMap());
  EXPECT_EQ(q.calibration_dataloader["batch_size"].as<int>(), 10);
  EXPECT_EQ(q.model_wise.weight,
            (std::vector<WeightConfig>{{Scheme::Int8Symmetric, true}, {Scheme::Int8Symmetric, false}}));
  EXPECT_EQ(q.model_wise.activation, (std::vector<ActivationConfig>{{Scheme::UInt8Asymmetric, RangeMethod::MinMax, 99.9},
                                                                    {Scheme::UInt8Asymmetric, RangeMethod::Percentile, 99.9},
                                                                    {Scheme::UInt8Asymmetric, RangeMethod::KL, 99.9}}));
  ASSERT_EQ(q.op_wise.size(), 2u);
  EXPECT_EQ(q.op_wise[0].key, "MatMul");
  EXPECT_TRUE(q.op_wise[0].is_op_type);
  ASSERT_EQ(q.op_wise[0].choices.size(), 2u);
  EXPECT_EQ(q.op_wise[0].choices[0].activation->algorithm, RangeMethod::KL);
  EXPECT_EQ(q.op_wise[0].choices[1].activation->algorithm, RangeMethod::MinMax);
  EXPECT_EQ(q.op_wise[1].key, "p2o\\.Conv\\.0");
  EXPECT_FALSE(q.op_wise[1].is_op_type);
  EXPECT_EQ(q.op_wise[1].choices, (std::vector<NodeOverride>{NodeOverride{Precision::FP32, std::nullopt, std::nullopt}}));
  EXPECT_FALSE(q.recipes.first_layer_fp32);
  EXPECT_TRUE(q.recipes.last_layer_fp32);
  EXPECT_TRUE(q.recipes.quantize_bias);
  EXPECT_TRUE(q.recipes.quantize_inputs);
  EXPECT_FALSE(q.recipes.reduce_range.has_value());
  EXPECT_FALSE(q.recipes.quantize_activation_matmul);

  ASSERT_TRUE(c.has_evaluation);
  EXPECT_TRUE(has_accuracy(c));
  EXPECT_EQ(c.evaluation.metric["OCRWordAccuracy"]["keys"].Scalar(), "/opt/ppocr/ppocr_keys_v1.txt");
  EXPECT_EQ(c.evaluation.dataloader["batch_size"].as<int>(), 5);
  EXPECT_TRUE(c.evaluation.command.empty());
  EXPECT_EQ(c.evaluation.performance.warmup, 5);
  EXPECT_EQ(c.evaluation.performance.iters, 50);
  EXPECT_EQ(c.evaluation.performance.threads, 1);
  EXPECT_EQ(c.evaluation.performance.shapes.at("x"), (std::vector<int64_t>{1, 3, 48, 320}));

  const TuningSection& t = c.tuning;
  EXPECT_EQ(t.strategy, "basic");
  EXPECT_EQ(t.criterion, CriterionKind::Relative);
  EXPECT_DOUBLE_EQ(t.criterion_value, 0.01);
  EXPECT_TRUE(t.higher_is_better);
  EXPECT_EQ(t.objective, "performance");
  EXPECT_DOUBLE_EQ(t.timeout_seconds, 600);
  EXPECT_EQ(t.max_trials, 40);
  EXPECT_EQ(t.random_seed, 9527u);
  EXPECT_EQ(t.workspace, "/srv/ocr/qtune_workspace");
}

TEST(TuneConfig, AlmostEmptyFileTakesTheDefaults) {
  const TuneConfig c = parse("model: {path: m.onnx}\n");
  EXPECT_EQ(c.model.path, "m.onnx");  // no folder in "cfg.yaml": nothing to join
  EXPECT_TRUE(c.model.inputs.empty());
  const QuantizationSection& q = c.quantization;
  EXPECT_FALSE(q.dynamic);
  EXPECT_EQ(q.sampling_sizes, std::vector<int64_t>{100});
  EXPECT_FALSE(q.calibration_dataloader.IsDefined() && !q.calibration_dataloader.IsNull());
  EXPECT_EQ(q.model_wise.weight, (std::vector<WeightConfig>{{Scheme::Int8Symmetric, true}}));
  // Symmetric int8 where the CPU has VNNI, else uint8 asymmetric.
  EXPECT_EQ(q.model_wise.activation, std::vector<ActivationConfig>{quant::default_activation()});
  EXPECT_TRUE(q.op_wise.empty());
  EXPECT_FALSE(q.recipes.first_layer_fp32);
  EXPECT_FALSE(q.recipes.last_layer_fp32);
  EXPECT_TRUE(q.recipes.quantize_bias);
  EXPECT_TRUE(q.recipes.quantize_inputs);
  EXPECT_FALSE(q.recipes.reduce_range.has_value());
  EXPECT_FALSE(q.recipes.quantize_activation_matmul);
  EXPECT_FALSE(c.has_evaluation);
  EXPECT_FALSE(has_accuracy(c));
  EXPECT_EQ(c.tuning.strategy, "basic");
  EXPECT_EQ(c.tuning.criterion, CriterionKind::Relative);
  EXPECT_DOUBLE_EQ(c.tuning.criterion_value, 0.01);
  EXPECT_TRUE(c.tuning.higher_is_better);
  EXPECT_EQ(c.tuning.objective, "performance");
  EXPECT_DOUBLE_EQ(c.tuning.timeout_seconds, 0);
  EXPECT_EQ(c.tuning.max_trials, 100);
  EXPECT_EQ(c.tuning.random_seed, 1978u);
  EXPECT_EQ(c.tuning.workspace, "qtune_workspace");
}

TEST(TuneConfig, RelativePathsResolveAgainstTheConfigFolder) {
  const TuneConfig c = parse_tune_config("model: {path: ../models/m.onnx}\ntuning: {workspace: runs/ws}\n", "/a/conf/t.yaml");
  EXPECT_EQ(c.model.path, "/a/models/m.onnx");
  EXPECT_EQ(c.tuning.workspace, "/a/conf/runs/ws");
  const TuneConfig absolute = parse_tune_config("model: {path: /m/x.onnx}\ntuning: {workspace: {path: /ws}}\n", "/a/t.yaml");
  EXPECT_EQ(absolute.model.path, "/m/x.onnx");
  EXPECT_EQ(absolute.tuning.workspace, "/ws");
  EXPECT_EQ(parse_tune_config("version: 1\n", "rel/dir/t.yaml").tuning.workspace, "rel/dir/qtune_workspace");
}

TEST(TuneConfig, ModelNamesAcceptListsAndCommaSeparatedStrings) {
  const TuneConfig c = parse("model: {inputs: 'input_ids, attention_mask,token_type_ids', outputs: [start, end]}\n");
  EXPECT_EQ(c.model.inputs, (std::vector<std::string>{"input_ids", "attention_mask", "token_type_ids"}));
  EXPECT_EQ(c.model.outputs, (std::vector<std::string>{"start", "end"}));
  expect_config_error("model: {inputs: 'a,,b'}\n", {"cfg.yaml: model.inputs: empty tensor name"});
  expect_config_error("model: {outputs: {a: 1}}\n", {"cfg.yaml: model.outputs", "expected a list of strings"});
}

TEST(TuneConfig, ApproachAcceptsTheSeedsSynonyms) {
  EXPECT_TRUE(parse("quantization: {approach: dynamic}\n").quantization.dynamic);
  EXPECT_TRUE(parse("quantization: {approach: post_training_dynamic_quant}\n").quantization.dynamic);
  EXPECT_FALSE(parse("quantization: {approach: static}\n").quantization.dynamic);
  expect_config_error("quantization: {approach: quant_aware_training}\n",
                      {"cfg.yaml: quantization.approach: 'quant_aware_training' is not an approach",
                       "allowed: static, dynamic, post_training_static_quant, post_training_dynamic_quant"});
}

TEST(TuneConfig, SamplingSizeIsOneOrMorePositiveIntegers) {
  EXPECT_EQ(parse("quantization: {calibration: {sampling_size: 300}}\n").quantization.sampling_sizes, std::vector<int64_t>{300});
  EXPECT_EQ(parse("quantization: {calibration: {sampling_size: [10, 50, 10]}}\n").quantization.sampling_sizes,
            (std::vector<int64_t>{10, 50}));
  expect_config_error("quantization: {calibration: {sampling_size: [10, 0]}}\n",
                      {"quantization.calibration.sampling_size: expected positive integers, got 0"});
  expect_config_error("quantization: {calibration: {sampling_size: []}}\n", {"quantization.calibration.sampling_size", "empty list"});
  expect_config_error("quantization: {calibration: {dataloader: [a]}}\n",
                      {"quantization.calibration.dataloader: expected a map", "a sequence"});
}

TEST(TuneConfig, WeightListsExpandSchemeOuterGranularityInner) {
  const auto w = parse("quantization: {model_wise: {weight: {scheme: [sym, asym], granularity: [per_tensor, per_channel]}}}\n")
                     .quantization.model_wise.weight;
  EXPECT_EQ(w, (std::vector<WeightConfig>{{Scheme::Int8Symmetric, false},
                                          {Scheme::Int8Symmetric, true},
                                          {Scheme::Int8Asymmetric, false},
                                          {Scheme::Int8Asymmetric, true}}));
  // dtype outermost; a dtype without a scheme takes its usual one (uint8 -> asym); repeats drop.
  const auto d = parse("quantization: {model_wise: {weight: {dtype: [uint8, int8, uint8]}}}\n").quantization.model_wise.weight;
  EXPECT_EQ(d, (std::vector<WeightConfig>{{Scheme::UInt8Asymmetric, true}, {Scheme::Int8Symmetric, true}}));
}

TEST(TuneConfig, ActivationListsExpandSchemeOuterAlgorithmInner) {
  const auto a = parse("quantization: {model_wise: {activation: {dtype: int8, scheme: [asym, sym], "
                       "algorithm: [mse, entropy, kl], percentile: 99.5}}}\n")
                     .quantization.model_wise.activation;
  EXPECT_EQ(a, (std::vector<ActivationConfig>{{Scheme::Int8Asymmetric, RangeMethod::MSE, 99.5},
                                              {Scheme::Int8Asymmetric, RangeMethod::KL, 99.5},
                                              {Scheme::Int8Symmetric, RangeMethod::MSE, 99.5},
                                              {Scheme::Int8Symmetric, RangeMethod::KL, 99.5}}));
  // int8 without a scheme is symmetric.
  EXPECT_EQ(parse("quantization: {model_wise: {activation: {dtype: int8}}}\n").quantization.model_wise.activation,
            (std::vector<ActivationConfig>{{Scheme::Int8Symmetric, RangeMethod::MinMax, 99.99}}));
}

TEST(TuneConfig, ModelWiseErrorsNameTheKeyAndTheAllowedValues) {
  expect_config_error("quantization: {model_wise: {weight: {dtype: uint8, scheme: sym}}}\n",
                      {"cfg.yaml: quantization.model_wise.weight.scheme: 'sym' cannot go with dtype 'uint8'",
                       "allowed: sym or asym with int8, asym with uint8"});
  expect_config_error("quantization: {model_wise: {activation: {dtype: uint8, scheme: [asym, sym]}}}\n",
                      {"quantization.model_wise.activation.scheme: 'sym' cannot go with dtype 'uint8'"});
  expect_config_error("quantization: {model_wise: {weight: {dtype: fp32}}}\n",
                      {"quantization.model_wise.weight.dtype: 'fp32' is not allowed model-wise", "allowed: int8, uint8",
                       "quantization.op_wise"});
  expect_config_error("quantization: {model_wise: {activation: {dtype: [uint8, fp32]}}}\n",
                      {"quantization.model_wise.activation.dtype: 'fp32' is not allowed model-wise"});
  expect_config_error("quantization: {model_wise: {activation: {granularity: per_channel}}}\n",
                      {"quantization.model_wise.activation.granularity", "activations are quantized per tensor",
                       "allowed: per_tensor"});
  expect_config_error("quantization: {model_wise: {activation: {algorithm: [minmax, kll]}}}\n",
                      {"quantization.model_wise.activation.algorithm[1]: 'kll' is not a range algorithm",
                       "did you mean 'kl'?", "allowed: minmax, percentile, kl, entropy, mse"});
  expect_config_error("quantization: {model_wise: {weight: {algorithm: kl}}}\n",
                      {"quantization.model_wise.weight.algorithm: 'kl' is not a weight range algorithm", "allowed: minmax"});
  expect_config_error("quantization: {model_wise: {weight: {granularity: per_layer}}}\n",
                      {"quantization.model_wise.weight.granularity", "allowed: per_channel, per_tensor"});
  expect_config_error("quantization: {model_wise: {weight: {dtype: int4}}}\n",
                      {"quantization.model_wise.weight.dtype: 'int4' is not a weight dtype", "did you mean 'int8'?",
                       "allowed: int8, uint8, fp32"});
  expect_config_error("quantization: {model_wise: {activation: {percentile: 50}}}\n",
                      {"quantization.model_wise.activation.percentile: expected a number in (50, 100]", "'50'"});
  expect_config_error("quantization: {model_wise: {activation: {percentile: 100.5}}}\n",
                      {"quantization.model_wise.activation.percentile", "'100.5'"});
  expect_config_error("quantization: {model_wise: {weight: {scheme: []}}}\n",
                      {"quantization.model_wise.weight.scheme: expected at least one value (allowed: sym, asym)"});
}

TEST(TuneConfig, OpWiseKeysAreOpTypesOrNodeNameRegexes) {
  const auto op_wise = parse(R"(quantization:
  op_wise:
    Conv: {weight: {granularity: per_tensor}}
    'p2o.MatMul.*': {activation: {dtype: fp32}}
    conv: {activation: {algorithm: kl}}
)")
                           .quantization.op_wise;
  ASSERT_EQ(op_wise.size(), 3u);  // file order
  EXPECT_EQ(op_wise[0].key, "Conv");
  EXPECT_TRUE(op_wise[0].is_op_type);
  EXPECT_EQ(op_wise[1].key, "p2o.MatMul.*");
  EXPECT_FALSE(op_wise[1].is_op_type);
  EXPECT_FALSE(op_wise[2].is_op_type);  // op types are case-sensitive: "conv" is a node name
  expect_config_error("quantization: {op_wise: {'conv(': {activation: {dtype: fp32}}}}\n",
                      {"cfg.yaml: quantization.op_wise.conv(: 'conv(' is neither an op type qtune implements nor a valid "
                       "regular expression"});
  expect_config_error("quantization: {op_wise: {Conv: {}}}\n",
                      {"quantization.op_wise.Conv: expected weight and/or activation settings"});
  expect_config_error("quantization: {op_wise: {Conv: {activaton: {dtype: fp32}}}}\n",
                      {"quantization.op_wise.Conv.activaton: unknown key; did you mean 'activation'?",
                       "allowed: weight, activation"});
  expect_config_error("quantization: {op_wise: {Conv: {weight: {dtype: fp16}}}}\n",
                      {"quantization.op_wise.Conv.weight.dtype: 'fp16' is not a weight dtype", "did you mean 'fp32'?"});
  expect_config_error("quantization:\n  op_wise:\n    Conv: {weight: {dtype: fp32}}\n    Conv: {weight: {dtype: int8}}\n",
                      {"quantization.op_wise.Conv: key given twice"});
}

TEST(TuneConfig, OpWiseChoicesFillGivenSectionsFromModelWiseAndLeaveTheOthersUnset) {
  const auto op_wise = parse(R"(quantization:
  model_wise:
    weight: {scheme: asym, granularity: per_tensor}
    activation: {dtype: int8, algorithm: percentile, percentile: 99.9}
  op_wise:
    Conv: {weight: {granularity: per_channel}}
    Gemm: {activation: {algorithm: [mse, minmax]}}
    MatMul: {weight: {dtype: [int8, fp32]}, activation: {scheme: asym}}
    'head.*': {activation: {dtype: ['fp32']}}
)")
                           .quantization.op_wise;
  ASSERT_EQ(op_wise.size(), 4u);
  // Weight given (scheme from model-wise), activation not: left unset.
  EXPECT_EQ(op_wise[0].choices,
            (std::vector<NodeOverride>{NodeOverride{Precision::INT8, WeightConfig{Scheme::Int8Asymmetric, true}, std::nullopt}}));
  // Activation only: the model-wise dtype/scheme/percentile with each algorithm, in list order.
  EXPECT_EQ(op_wise[1].choices,
            (std::vector<NodeOverride>{
                NodeOverride{Precision::INT8, std::nullopt, ActivationConfig{Scheme::Int8Symmetric, RangeMethod::MSE, 99.9}},
                NodeOverride{Precision::INT8, std::nullopt, ActivationConfig{Scheme::Int8Symmetric, RangeMethod::MinMax, 99.9}}}));
  // Weight outer, activation inner; a fp32 side makes the whole choice FP32.
  EXPECT_EQ(op_wise[2].choices,
            (std::vector<NodeOverride>{NodeOverride{Precision::INT8, WeightConfig{Scheme::Int8Asymmetric, false},
                                                    ActivationConfig{Scheme::Int8Asymmetric, RangeMethod::Percentile, 99.9}},
                                       NodeOverride{Precision::FP32, std::nullopt, std::nullopt}}));
  EXPECT_EQ(op_wise[3].choices, (std::vector<NodeOverride>{NodeOverride{Precision::FP32, std::nullopt, std::nullopt}}));
}

TEST(TuneConfig, RecipesMapToPlanSwitches) {
  const Recipes r = parse(R"(quantization:
  recipes:
    first_conv_or_matmul_quantization: false
    last_conv_or_matmul_quantization: false
    bias_quantization: false
    input_quantization: false
    reduce_range: true
    activation_matmul_quantization: true
)")
                        .quantization.recipes;
  EXPECT_TRUE(r.first_layer_fp32);
  EXPECT_TRUE(r.last_layer_fp32);
  EXPECT_FALSE(r.quantize_bias);
  EXPECT_FALSE(r.quantize_inputs);
  EXPECT_EQ(r.reduce_range, std::optional<bool>(true));
  EXPECT_TRUE(r.quantize_activation_matmul);
  EXPECT_EQ(parse("quantization: {recipes: {reduce_range: false}}\n").quantization.recipes.reduce_range, std::optional<bool>(false));
  EXPECT_EQ(parse("quantization: {recipes: {reduce_range: auto}}\n").quantization.recipes.reduce_range, std::nullopt);
  expect_config_error("quantization: {recipes: {reduce_range: sometimes}}\n",
                      {"cfg.yaml: quantization.recipes.reduce_range: expected auto, true or false, got 'sometimes'"});
  expect_config_error("quantization: {recipes: {fold_batchnorm: false}}\n",
                      {"quantization.recipes.fold_batchnorm: false is not supported", "always folded", "allowed: true"});
  expect_config_error("quantization: {recipes: {bias_quantization: maybe}}\n",
                      {"quantization.recipes.bias_quantization: expected true or false, got 'maybe'"});
}

TEST(TuneConfig, AccuracyIsAMetricOrACommand) {
  const TuneConfig c = parse("evaluation: {accuracy: {command: './score.sh {model} --fast'}}\n");
  EXPECT_TRUE(has_accuracy(c));
  EXPECT_EQ(c.evaluation.command, "./score.sh {model} --fast");
  EXPECT_FALSE(c.evaluation.metric.IsDefined() && !c.evaluation.metric.IsNull());
  expect_config_error("evaluation: {accuracy: {command: ./score.sh}}\n",
                      {"cfg.yaml: evaluation.accuracy.command: './score.sh' does not contain {model}"});
  expect_config_error("evaluation: {accuracy: {command: 'x {model}', metric: {topk: {}}}}\n",
                      {"evaluation.accuracy: give either metric", "not both"});
  expect_config_error("evaluation: {accuracy: {dataloader: {batch_size: 1}}}\n",
                      {"evaluation.accuracy: expected metric (with a dataloader) or command"});
  expect_config_error("evaluation: {accuracy: {metric: }}\n", {"evaluation.accuracy.metric: expected a metric"});
  expect_config_error("evaluation: {accuracy: {metric: {topk: {}}, dataloader: 3}}\n",
                      {"evaluation.accuracy.dataloader: expected a map"});
  // Only performance: an evaluation section without accuracy.
  const TuneConfig perf = parse("evaluation: {performance: {iters: 7}}\n");
  EXPECT_TRUE(perf.has_evaluation);
  EXPECT_FALSE(has_accuracy(perf));
  EXPECT_EQ(perf.evaluation.performance.iters, 7);
  EXPECT_EQ(perf.evaluation.performance.warmup, 5);
  EXPECT_EQ(perf.evaluation.performance.threads, 1);
}

TEST(TuneConfig, PerformanceValuesAreBounded) {
  const auto p = parse("evaluation: {performance: {warmup: 0, iters: 1, threads: 0, shape: {x: [1, 3, 48, 320], y: [2]}}}\n")
                     .evaluation.performance;
  EXPECT_EQ(p.warmup, 0);
  EXPECT_EQ(p.iters, 1);
  EXPECT_EQ(p.threads, 0);
  EXPECT_EQ(p.shapes.size(), 2u);
  EXPECT_EQ(p.shapes.at("y"), std::vector<int64_t>{2});
  expect_config_error("evaluation: {performance: {iters: 0}}\n",
                      {"cfg.yaml: evaluation.performance.iters: expected an integer >= 1, got 0"});
  expect_config_error("evaluation: {performance: {warmup: -1}}\n", {"evaluation.performance.warmup: expected an integer >= 0"});
  expect_config_error("evaluation: {performance: {threads: -2}}\n", {"evaluation.performance.threads: expected an integer >= 0"});
  expect_config_error("evaluation: {performance: {shape: {x: [1, -1, 48]}}}\n",
                      {"evaluation.performance.shape.x: expected positive dimensions, got -1"});
  expect_config_error("evaluation: {performance: {shape: [1, 3]}}\n", {"evaluation.performance.shape: expected a map"});
}

TEST(TuneConfig, StrategyTypoGetsTheExactMessage) {
  EXPECT_EQ(error_of("tuning: {strategy: basik}\n"),
            "cfg.yaml: tuning.strategy: 'basik' is not a strategy; did you mean 'basic'? "
            "(allowed: basic, mse, conservative, exhaustive, random, bayesian)");
  for (const auto& name : strategy_names()) EXPECT_EQ(parse("tuning: {strategy: " + name + "}\n").tuning.strategy, name);
  EXPECT_EQ(parse("tuning: {strategy: {name: bayesian}}\n").tuning.strategy, "bayesian");  // the later seeds' form
  expect_config_error("tuning: {strategy: {name: bayes}}\n", {"tuning.strategy.name: 'bayes' is not a strategy"});
}

TEST(TuneConfig, AccuracyCriterionAndTuningValues) {
  const TuningSection t = parse(R"(tuning:
  accuracy_criterion: {absolute: 0.5}
  higher_is_better: false
  objective: modelsize
  exit_policy: {timeout: 1.5}
  random_seed: 0
)")
                              .tuning;
  EXPECT_EQ(t.criterion, CriterionKind::Absolute);
  EXPECT_DOUBLE_EQ(t.criterion_value, 0.5);
  EXPECT_FALSE(t.higher_is_better);
  EXPECT_EQ(t.objective, "modelsize");
  EXPECT_DOUBLE_EQ(t.timeout_seconds, 1.5);
  EXPECT_EQ(t.max_trials, 100);
  EXPECT_EQ(t.random_seed, 0u);
  EXPECT_FALSE(parse("tuning: {accuracy_criterion: {relative: 0, higher_is_better: false}}\n").tuning.higher_is_better);

  expect_config_error("tuning: {accuracy_criterion: {relative: 0.01, absolute: 0.01}}\n",
                      {"cfg.yaml: tuning.accuracy_criterion: expected exactly one of relative", "or absolute"});
  expect_config_error("tuning: {accuracy_criterion: {higher_is_better: true}}\n",
                      {"tuning.accuracy_criterion: expected exactly one of relative"});
  expect_config_error("tuning: {accuracy_criterion: {relative: 1}}\n",
                      {"tuning.accuracy_criterion.relative: expected a fraction in [0, 1)", "'1'"});
  expect_config_error("tuning: {accuracy_criterion: {absolute: -0.1}}\n",
                      {"tuning.accuracy_criterion.absolute: expected a number >= 0, got '-0.1'"});
  expect_config_error("tuning: {higher_is_better: true, accuracy_criterion: {relative: 0.01, higher_is_better: false}}\n",
                      {"tuning.accuracy_criterion.higher_is_better: contradicts tuning.higher_is_better"});
  expect_config_error("tuning: {objective: latency}\n",
                      {"tuning.objective: 'latency' is not an objective", "allowed: performance, modelsize"});
  expect_config_error("tuning: {exit_policy: {max_trials: 0}}\n", {"tuning.exit_policy.max_trials: expected an integer >= 1, got 0"});
  expect_config_error("tuning: {exit_policy: {timeout: -5}}\n", {"tuning.exit_policy.timeout: expected a number >= 0"});
  expect_config_error("tuning: {random_seed: -1}\n", {"tuning.random_seed: expected an integer >= 0, got -1"});
  expect_config_error("tuning: {workspace: {path: ''}}\n", {"tuning.workspace: expected a folder path"});
}

TEST(TuneConfig, KeysOneLevelTooHighPointToTheirPlace) {
  expect_config_error("tuning: {timeout: 100}\n",
                      {"cfg.yaml: tuning.timeout: unknown key; it lives under tuning.exit_policy.timeout"});
  expect_config_error("tuning: {max_trials: 3}\n", {"tuning.max_trials: unknown key; it lives under tuning.exit_policy.max_trials"});
  expect_config_error("tuning: {relative: 0.01}\n",
                      {"tuning.relative: unknown key; it lives under tuning.accuracy_criterion.relative"});
}

TEST(TuneConfig, UnknownKeysGetADidYouMeanAtEveryLevel) {
  expect_config_error("tunning: {}\n",
                      {"cfg.yaml: tunning: unknown key; did you mean 'tuning'?",
                       "allowed: model, quantization, evaluation, tuning, version"});
  expect_config_error("model: {inptus: [x]}\n", {"cfg.yaml: model.inptus: unknown key; did you mean 'inputs'?"});
  expect_config_error("quantization: {aproach: static}\n", {"quantization.aproach: unknown key; did you mean 'approach'?"});
  expect_config_error("quantization: {calibration: {sampling_sizes: 10}}\n",
                      {"quantization.calibration.sampling_sizes: unknown key; did you mean 'sampling_size'?"});
  expect_config_error("quantization: {model_wise: {weight: {shceme: sym}}}\n",
                      {"quantization.model_wise.weight.shceme: unknown key; did you mean 'scheme'?",
                       "allowed: dtype, scheme, granularity, algorithm"});
  expect_config_error("quantization: {recipes: {bias_quantisation: true}}\n",
                      {"quantization.recipes.bias_quantisation: unknown key; did you mean 'bias_quantization'?"});
  expect_config_error("evaluation: {performance: {iter: 3}}\n",
                      {"evaluation.performance.iter: unknown key; did you mean 'iters'?"});
  expect_config_error("evaluation: {acuracy: {command: 'x {model}'}}\n",
                      {"evaluation.acuracy: unknown key; did you mean 'accuracy'?"});
  expect_config_error("tuning: {exit_policy: {max_trial: 3}}\n",
                      {"tuning.exit_policy.max_trial: unknown key; did you mean 'max_trials'?", "allowed: timeout, max_trials"});
  expect_config_error("tuning: {accuracy_criterion: {relatve: 0.01}}\n",
                      {"tuning.accuracy_criterion.relatve: unknown key; did you mean 'relative'?"});
}

TEST(TuneConfig, FileLevelErrorsNameTheFile) {
  expect_config_error("model: {path: [unclosed\n", {"cfg.yaml: not valid YAML", "line"});
  expect_config_error("", {"cfg.yaml: the file is empty"});
  expect_config_error("- model\n", {"cfg.yaml: expected a map", "got a sequence"});
  expect_config_error("model: {path: a.onnx}\nmodel: {path: b.onnx}\n", {"cfg.yaml: model: key given twice"});
  expect_config_error("version: [1]\n", {"cfg.yaml: version: expected a scalar"});
  expect_config_error("quantization: [static]\n", {"cfg.yaml: quantization: expected a map"});
  EXPECT_NO_THROW(parse("version: '2.0'\nmodel: {framework: onnxrt_qlinearops}\n"));
}

TEST(TuneConfig, BasePlanTakesTheFirstChoices) {
  const TuneConfig c = parse_tune_config(kPpOcrRecognizer, "/srv/ocr/rec.yaml");
  const quant::QuantPlan plan = base_plan(c);
  const quant::QuantPlan defaults = quant::default_plan();
  EXPECT_EQ(plan.weight, (WeightConfig{Scheme::Int8Symmetric, true}));
  EXPECT_EQ(plan.activation, (ActivationConfig{Scheme::UInt8Asymmetric, RangeMethod::MinMax, 99.9}));
  EXPECT_EQ(plan.reduce_range, defaults.reduce_range);  // auto follows the CPU
  EXPECT_FALSE(plan.first_layer_fp32);
  EXPECT_TRUE(plan.last_layer_fp32);
  EXPECT_TRUE(plan.quantize_bias);
  EXPECT_TRUE(plan.quantize_inputs);
  EXPECT_FALSE(plan.quantize_activation_matmul);
  EXPECT_TRUE(plan.exclude_op_types.empty());
  EXPECT_TRUE(plan.exclude_node_regex.empty());
  EXPECT_TRUE(plan.nodes.empty());
  ASSERT_EQ(plan.op_wise.size(), 2u);
  EXPECT_EQ(plan.op_wise[0].op_type, "MatMul");
  EXPECT_EQ(plan.op_wise[0].name_regex, "");
  EXPECT_EQ(plan.op_wise[0].config, c.quantization.op_wise[0].choices[0]);
  EXPECT_EQ(plan.op_wise[1].op_type, "");
  EXPECT_EQ(plan.op_wise[1].name_regex, "p2o\\.Conv\\.0");
  EXPECT_EQ(plan.op_wise[1].config.precision, Precision::FP32);

  const quant::QuantPlan forced = base_plan(parse(R"(quantization:
  recipes: {reduce_range: true, bias_quantization: false, input_quantization: false,
            first_conv_or_matmul_quantization: false, activation_matmul_quantization: true}
)"));
  EXPECT_TRUE(forced.reduce_range);
  EXPECT_FALSE(forced.quantize_bias);
  EXPECT_FALSE(forced.quantize_inputs);
  EXPECT_TRUE(forced.first_layer_fp32);
  EXPECT_FALSE(forced.last_layer_fp32);
  EXPECT_TRUE(forced.quantize_activation_matmul);
  EXPECT_FALSE(base_plan(parse("quantization: {recipes: {reduce_range: false}}\n")).reduce_range);
  EXPECT_EQ(base_plan(parse("version: 1\n")), defaults);  // nothing configured: the default plan
}

TEST(TuneConfig, LoadReadsTheFileAndResolvesAgainstItsFolder) {
  TempDir dir;
  const std::string path = dir / "conf/tune.yaml";
  write_bytes(path, "model: {path: model.onnx, inputs: x}\ntuning: {strategy: mse, workspace: out}\n");
  const TuneConfig c = load_tune_config(path);
  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.base_dir, dir / "conf");
  EXPECT_EQ(c.model.path, dir / "conf/model.onnx");
  EXPECT_EQ(c.model.inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(c.tuning.strategy, "mse");
  EXPECT_EQ(c.tuning.workspace, dir / "conf/out");

  write_bytes(path, "tuning: {strategy: basic\n");
  expect_error([&] { load_tune_config(path); }, {path + ": not valid YAML"});
  write_bytes(path, "tuning: {stratgy: basic}\n");
  expect_error([&] { load_tune_config(path); }, {path + ": tuning.stratgy: unknown key; did you mean 'strategy'?"});
  expect_error([&] { load_tune_config(dir / "missing.yaml"); }, {dir / "missing.yaml", "no such file"});
}

}  // namespace
}  // namespace qtune::config
