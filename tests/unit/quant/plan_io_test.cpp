// Plan files: YAML and JSON round trips of a plan with every field off its default (node
// names that need quoting, regexes full of YAML syntax, floats that need all 17 digits),
// defaults for what a file leaves out, strict errors naming the source and key path,
// trial keys that are stable yet change with any field, and one-line plan differences.
#include "quant/plan_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <regex>
#include <set>

#include "../data/data_test_util.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;
using data::testing::TempDir;
using data::testing::write_bytes;

// 99.99's neighbour: only an exact (17-digit) round trip keeps it.
const double kOddPercentile = std::nextafter(99.99, 100.0);

QuantPlan full_plan() {
  QuantPlan p;
  p.weight = {Scheme::Int8Asymmetric, false};
  p.activation = {Scheme::Int8Symmetric, RangeMethod::Percentile, kOddPercentile};
  p.quantize_bias = false;
  p.quantize_inputs = false;
  p.reduce_range = true;
  p.first_layer_fp32 = true;
  p.last_layer_fp32 = true;
  p.quantize_activation_matmul = true;
  p.dynamic = true;
  p.channel_equalization = false;
  p.exclude_op_types = {"Softmax", "LayerNormalization"};
  p.exclude_node_regex = {R"(p2o\.Conv\.\d+)", R"(it's a "node": [x]{2}, #1 .*|\\)"};
  p.op_wise = {
      {"Conv", "", NodeOverride{Precision::FP32, std::nullopt, std::nullopt}},
      {"", R"(^(a|b)\.[0-9]+: \{x\}$)",
       NodeOverride{std::nullopt, WeightConfig{Scheme::Int8Symmetric, false},
                    ActivationConfig{Scheme::UInt8Asymmetric, RangeMethod::KL, 99.9}}},
      {"MatMul", "", NodeOverride{Precision::INT8, std::nullopt, ActivationConfig{Scheme::Int8Asymmetric, RangeMethod::MSE, 50}}},
  };
  p.nodes["p2o.Conv.1"] = {Precision::FP32, std::nullopt, std::nullopt};
  p.nodes["name with spaces"] = {Precision::INT8, WeightConfig{Scheme::Int8Asymmetric, true}, std::nullopt};
  p.nodes[R"(quote"d 'name')"] = {std::nullopt, std::nullopt,
                                  ActivationConfig{Scheme::UInt8Asymmetric, RangeMethod::Percentile, 100}};
  for (const char* name : {"key: value, {x}", "null", "~", "-dash", "#hash", "true", "123", "a\nb\ttab", " lead", "tail ",
                           "[x]*+?", "&anchor", "*alias", "!tag", "%pct", "@at", "`tick", "|pipe", ">fold", "\xc3\xbcnicode"})
    p.nodes[name] = {Precision::FP32, std::nullopt, std::nullopt};
  p.nodes["empty override"] = {};
  return p;
}

LoadedPlan from_yaml(const std::string& text) { return plan_from_yaml(text, "deploy.yaml"); }

// Expects reading `text` as deploy.yaml to fail with every fragment in the message.
void expect_yaml_error(const std::string& text, const std::vector<std::string>& fragments) {
  expect_error([&] { from_yaml(text); }, fragments);
}

void expect_json_error(const std::string& text, const std::vector<std::string>& fragments) {
  expect_error([&] { plan_from_json(nlohmann::json::parse(text), "history.jsonl:3"); }, fragments);
}

const std::string kHeader = "format: qtune-plan\nversion: 1\n";

// ---- YAML ----

TEST(PlanIoYaml, RoundTripsEveryField) {
  const QuantPlan plan = full_plan();
  const std::string text = plan_to_yaml(plan, 37);
  const LoadedPlan loaded = from_yaml(text);
  EXPECT_EQ(loaded.sampling_size, 37);
  EXPECT_TRUE(loaded.plan == plan) << text;
  EXPECT_EQ(loaded.plan.activation.percentile, kOddPercentile);  // bit-exact, not just close
  // Writing what was read gives the same document.
  EXPECT_EQ(plan_to_yaml(loaded.plan, loaded.sampling_size), text);
}

TEST(PlanIoYaml, RoundTripsDefaults) {
  const LoadedPlan loaded = from_yaml(plan_to_yaml(QuantPlan{}, 0));
  EXPECT_TRUE(loaded.plan == QuantPlan{});
  EXPECT_EQ(loaded.sampling_size, 0);
}

TEST(PlanIoYaml, DefaultPlanLayout) {
  QuantPlan plan;
  plan.nodes["p2o.Conv.1"] = {Precision::FP32, std::nullopt, std::nullopt};
  plan.op_wise = {{"Conv", "", NodeOverride{Precision::FP32, std::nullopt, std::nullopt}},
                  {"", "p2o.Conv.1", NodeOverride{std::nullopt, WeightConfig{}, std::nullopt}}};
  EXPECT_EQ(plan_to_yaml(plan, 100),
            "# qtune quantization plan (format: qtune-plan, version 1). Replay it with:\n"
            "#   qtune quantize MODEL --plan deploy.yaml --calib DATA\n"
            "format: qtune-plan\n"
            "version: 1\n"
            "calibration: {sampling_size: 100}\n"
            "weight: {scheme: int8_sym, per_channel: true}\n"
            "activation: {scheme: uint8_asym, algorithm: minmax, percentile: 99.99}\n"
            "recipes: {quantize_bias: true, quantize_inputs: true, reduce_range: false, first_layer_fp32: false, "
            "last_layer_fp32: false, quantize_activation_matmul: false, dynamic: false, channel_equalization: true}\n"
            "exclude_op_types: []\n"
            "exclude_node_regex: []\n"
            "op_wise:\n"
            "  - {op_type: Conv, precision: fp32}\n"
            "  - {name_regex: 'p2o.Conv.1', weight: {scheme: int8_sym, per_channel: true}}\n"
            "nodes:\n"
            "  p2o.Conv.1: {precision: fp32}\n");
}

TEST(PlanIoYaml, EmptyListsAndMapsStayOnTheirLine) {
  const std::string text = plan_to_yaml(QuantPlan{}, 5);
  EXPECT_NE(text.find("\nop_wise: []\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nnodes: {}\n"), std::string::npos) << text;
}

TEST(PlanIoYaml, MissingSectionsTakeDefaults) {
  const LoadedPlan loaded = from_yaml(kHeader);
  EXPECT_TRUE(loaded.plan == QuantPlan{});
  EXPECT_EQ(loaded.sampling_size, 0);

  const LoadedPlan partial = from_yaml(kHeader + "activation: {algorithm: entropy}\nrecipes: {reduce_range: true}\nweight:\n");
  QuantPlan expected;
  expected.activation.algorithm = RangeMethod::KL;
  expected.reduce_range = true;
  EXPECT_TRUE(partial.plan == expected);
}

TEST(PlanIoYaml, OverrideFieldsDefaultToTheModelWiseValues) {
  const LoadedPlan loaded = from_yaml(kHeader +
                                      "weight: {scheme: int8_asym, per_channel: false}\n"
                                      "activation: {scheme: int8_sym, algorithm: mse, percentile: 99.5}\n"
                                      "op_wise:\n"
                                      "  - {op_type: Gemm, weight: {per_channel: true}}\n"
                                      "nodes:\n"
                                      "  a: {activation: {algorithm: kl}}\n"
                                      "  b: {weight: {}}\n");
  const auto& nodes = loaded.plan.nodes;
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes.at("a").activation, (ActivationConfig{Scheme::Int8Symmetric, RangeMethod::KL, 99.5}));
  EXPECT_FALSE(nodes.at("a").weight.has_value());
  EXPECT_FALSE(nodes.at("a").precision.has_value());
  EXPECT_EQ(nodes.at("b").weight, (WeightConfig{Scheme::Int8Asymmetric, false}));
  ASSERT_EQ(loaded.plan.op_wise.size(), 1u);
  EXPECT_EQ(loaded.plan.op_wise[0].config.weight, (WeightConfig{Scheme::Int8Asymmetric, true}));
}

TEST(PlanIoYaml, LoadPlanReadsAFileAndNamesItInErrors) {
  TempDir dir;
  write_bytes(dir / "deploy.yaml", plan_to_yaml(full_plan(), 12));
  const LoadedPlan loaded = load_plan(dir / "deploy.yaml");
  EXPECT_TRUE(loaded.plan == full_plan());
  EXPECT_EQ(loaded.sampling_size, 12);

  expect_error([&] { load_plan(dir / "missing.yaml"); }, {dir / "missing.yaml", "no such file"});
  write_bytes(dir / "bad.yaml", kHeader + "weight: {sheme: int8_sym}\n");
  expect_error([&] { load_plan(dir / "bad.yaml"); }, {dir / "bad.yaml" + ": weight.sheme: unknown key; did you mean 'scheme'?"});
}

TEST(PlanIoYaml, RejectsBadDocuments) {
  expect_yaml_error("format: [qtune\n", {"deploy.yaml: not valid YAML"});
  expect_yaml_error("- a\n- b\n", {"deploy.yaml: expected a qtune plan", "a sequence"});
  expect_yaml_error("", {"deploy.yaml: expected a qtune plan", "nothing"});
  expect_yaml_error("version: 1\n", {"deploy.yaml: format: missing required key"});
  expect_yaml_error("format: qtune-config\nversion: 1\n", {"deploy.yaml: format: 'qtune-config' is not a qtune plan", "'qtune-plan'"});
  expect_yaml_error("format: qtune-plan\n", {"deploy.yaml: version: missing required key"});
  expect_yaml_error("format: qtune-plan\nversion: 2\n", {"deploy.yaml: version: 2 is not supported", "version 1"});
  expect_yaml_error("format: qtune-plan\nversion: one\n", {"deploy.yaml: version: expected an integer, got 'one'"});
}

TEST(PlanIoYaml, RejectsUnknownKeysWithASuggestion) {
  expect_yaml_error(kHeader + "exclude_op_type: [Softmax]\n",
                    {"deploy.yaml: exclude_op_type: unknown key; did you mean 'exclude_op_types'?", "allowed: format"});
  expect_yaml_error(kHeader + "activation: {algoritm: kl}\n", {"deploy.yaml: activation.algoritm: unknown key; did you mean 'algorithm'?"});
  expect_yaml_error(kHeader + "recipes: {reduce_rang: true}\n", {"recipes.reduce_rang: unknown key; did you mean 'reduce_range'?"});
  expect_yaml_error(kHeader + "calibration: {sampling_sise: 3}\n", {"calibration.sampling_sise: unknown key; did you mean 'sampling_size'?"});
  expect_yaml_error(kHeader + "nodes: {x: {precison: fp32}}\n", {"deploy.yaml: nodes.x.precison: unknown key; did you mean 'precision'?"});
  expect_yaml_error(kHeader + "op_wise: [{op_type: Conv, weigth: {}}]\n", {"deploy.yaml: op_wise[0].weigth: unknown key; did you mean 'weight'?"});
  expect_yaml_error(kHeader + "nodes: {x: {weight: {per_chanel: true}}}\n", {"nodes.x.weight.per_chanel: unknown key; did you mean 'per_channel'?"});
}

TEST(PlanIoYaml, RejectsBadValues) {
  expect_yaml_error(kHeader + "weight: {scheme: int8_symm}\n",
                    {"deploy.yaml: weight.scheme: 'int8_symm' is not allowed", "uint8_asym, int8_sym, int8_asym", "did you mean 'int8_sym'"});
  expect_yaml_error(kHeader + "nodes: {'a b': {activation: {scheme: int4}}}\n", {"deploy.yaml: nodes.a b.activation.scheme: 'int4' is not allowed"});
  expect_yaml_error(kHeader + "activation: {algorithm: kll}\n", {"activation.algorithm: 'kll' is not allowed", "minmax, percentile, kl"});
  expect_yaml_error(kHeader + "nodes: {x: {precision: bf16}}\n", {"nodes.x.precision: 'bf16' is not allowed", "fp32, int8"});
  expect_yaml_error(kHeader + "activation: {percentile: 30}\n", {"activation.percentile: expected a number in [50, 100]", "got 30"});
  expect_yaml_error(kHeader + "activation: {percentile: .nan}\n", {"activation.percentile: expected a number in [50, 100]"});
  expect_yaml_error(kHeader + "calibration: {sampling_size: -1}\n", {"calibration.sampling_size: expected a sample count >= 0", "got -1"});
  expect_yaml_error(kHeader + "exclude_op_types: [Softmax, '']\n", {"exclude_op_types[1]: empty"});
  expect_yaml_error(kHeader + "nodes: {'': {precision: fp32}}\n", {"deploy.yaml: nodes: empty node name"});
  expect_yaml_error(kHeader + "nodes: {~: {precision: fp32}}\n", {"deploy.yaml: nodes: expected node names as keys"});
  expect_yaml_error(kHeader + "nodes:\n  a: {precision: fp32}\n  a: {precision: int8}\n", {"deploy.yaml: nodes.a: node listed twice"});
}

TEST(PlanIoYaml, RejectsBadRegexesNamingTheKey) {
  expect_yaml_error(kHeader + "exclude_node_regex: ['ok.*', '(unclosed']\n",
                    {"deploy.yaml: exclude_node_regex[1]: '(unclosed' is not a valid regular expression"});
  expect_yaml_error(kHeader + "op_wise: [{op_type: Conv}, {name_regex: '[a-'}]\n", {"deploy.yaml: op_wise[1].name_regex: '[a-' is not a valid"});
  expect_yaml_error(kHeader + "op_wise: [{name_regex: ''}]\n", {"op_wise[0].name_regex: empty regular expression"});
}

TEST(PlanIoYaml, OpWiseRulesMatchByExactlyOneKey) {
  expect_yaml_error(kHeader + "op_wise: [{op_type: Conv, name_regex: 'x', precision: fp32}]\n",
                    {"deploy.yaml: op_wise[0]: has both op_type and name_regex"});
  expect_yaml_error(kHeader + "op_wise: [{precision: fp32}]\n", {"deploy.yaml: op_wise[0]: missing op_type or name_regex"});
  expect_yaml_error(kHeader + "op_wise: [{op_type: ''}]\n", {"op_wise[0].op_type: empty"});
}

TEST(PlanIoYaml, RejectsWrongTypes) {
  expect_yaml_error(kHeader + "recipes: {reduce_range: maybe}\n", {"deploy.yaml: recipes.reduce_range: expected true or false, got 'maybe'"});
  expect_yaml_error(kHeader + "weight: [int8_sym]\n", {"deploy.yaml: weight: expected a map", "a sequence"});
  expect_yaml_error(kHeader + "recipes: true\n", {"deploy.yaml: recipes: expected a map"});
  expect_yaml_error(kHeader + "op_wise: {Conv: fp32}\n", {"deploy.yaml: op_wise: expected a list, got a map"});
  expect_yaml_error(kHeader + "op_wise: [Conv]\n", {"deploy.yaml: op_wise[0]: expected a map", "'Conv'"});
  expect_yaml_error(kHeader + "exclude_op_types: [Softmax, [x]]\n", {"deploy.yaml: exclude_op_types[1]: expected strings"});
  expect_yaml_error(kHeader + "activation: {percentile: high}\n", {"activation.percentile: expected a number, got 'high'"});
  expect_yaml_error(kHeader + "nodes: [a, b]\n", {"deploy.yaml: nodes: expected a map", "a sequence"});
  expect_yaml_error(kHeader + "nodes: {x: fp32}\n", {"deploy.yaml: nodes.x: expected a map", "'fp32'"});
  expect_yaml_error(kHeader + "nodes: {x: {precision: [fp32]}}\n", {"nodes.x.precision: expected a string"});
  expect_yaml_error(kHeader + "calibration: {sampling_size: 1.5}\n", {"calibration.sampling_size: expected an integer"});
}

// ---- JSON ----

TEST(PlanIoJson, RoundTripsEveryField) {
  const QuantPlan plan = full_plan();
  EXPECT_TRUE(plan_from_json(plan_to_json(plan), "j") == plan);
  // Through text, as the history journal stores it (one compact line).
  const std::string line = plan_to_json(plan).dump();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const QuantPlan back = plan_from_json(nlohmann::json::parse(line), "j");
  EXPECT_TRUE(back == plan) << line;
  EXPECT_EQ(back.activation.percentile, kOddPercentile);
  EXPECT_TRUE(plan_from_json(plan_to_json(QuantPlan{}), "j") == QuantPlan{});
}

TEST(PlanIoJson, SameKeysAsTheYamlFile) {
  const nlohmann::json j = plan_to_json(full_plan());
  std::set<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"weight", "activation", "recipes", "exclude_op_types", "exclude_node_regex", "op_wise", "nodes"}));
  EXPECT_EQ(j["op_wise"][0], nlohmann::json::parse(R"({"op_type": "Conv", "precision": "fp32"})"));
  EXPECT_EQ(j["nodes"]["p2o.Conv.1"], nlohmann::json::parse(R"({"precision": "fp32"})"));
  EXPECT_EQ(j["activation"]["algorithm"], "percentile");
}

TEST(PlanIoJson, MissingKeysTakeDefaults) {
  EXPECT_TRUE(plan_from_json(nlohmann::json::object(), "j") == QuantPlan{});
  const QuantPlan p = plan_from_json(nlohmann::json::parse(R"({"weight": {"per_channel": false}, "nodes": {"n": {"weight": {}}}})"), "j");
  EXPECT_EQ(p.weight, (WeightConfig{Scheme::Int8Symmetric, false}));
  EXPECT_EQ(p.nodes.at("n").weight, (WeightConfig{Scheme::Int8Symmetric, false}));
}

TEST(PlanIoJson, RejectsBadContentNamingTheKeyPath) {
  expect_json_error("[1, 2]", {"history.jsonl:3: expected a JSON object holding a plan, got an array"});
  expect_json_error(R"({"weigth": {}})", {"history.jsonl:3: weigth: unknown key; did you mean 'weight'?"});
  expect_json_error(R"({"format": "qtune-plan"})", {"history.jsonl:3: format: unknown key"});
  expect_json_error(R"({"activation": {"percentil": 99}})", {"activation.percentil: unknown key; did you mean 'percentile'?"});
  expect_json_error(R"({"recipes": {"reduce_range": "true"}})",
                    {"history.jsonl:3: recipes.reduce_range: expected true or false, got \"true\""});
  expect_json_error(R"({"activation": {"percentile": "99"}})", {"activation.percentile: expected a number"});
  expect_json_error(R"({"activation": {"percentile": 101}})", {"activation.percentile: expected a number in [50, 100]"});
  expect_json_error(R"({"weight": {"scheme": "int8_sim"}})", {"weight.scheme: 'int8_sim' is not allowed", "did you mean 'int8_sym'"});
  expect_json_error(R"({"weight": {"scheme": 8}})", {"weight.scheme: expected a string, got 8"});
  expect_json_error(R"({"nodes": {"x y": {"precision": "fp16"}}})", {"history.jsonl:3: nodes.x y.precision: 'fp16' is not allowed"});
  expect_json_error(R"({"nodes": {"x": {"precison": "fp32"}}})", {"nodes.x.precison: unknown key; did you mean 'precision'?"});
  expect_json_error(R"({"nodes": []})", {"history.jsonl:3: nodes: expected an object, got an array"});
  expect_json_error(R"({"nodes": {"": {}}})", {"nodes: empty node name"});
  expect_json_error(R"({"op_wise": [{"op_type": "Conv"}, {"name_regex": "("}]})", {"history.jsonl:3: op_wise[1].name_regex: '(' is not a valid"});
  expect_json_error(R"({"op_wise": [{"op_type": "Conv", "name_regex": "x"}]})", {"op_wise[0]: has both op_type and name_regex"});
  expect_json_error(R"({"op_wise": [3]})", {"op_wise[0]: expected an object, got 3"});
  expect_json_error(R"({"op_wise": {}})", {"op_wise: expected an array"});
  expect_json_error(R"({"exclude_op_types": "Softmax"})", {"history.jsonl:3: exclude_op_types: expected an array"});
  expect_json_error(R"({"exclude_node_regex": ["a", 1]})", {"exclude_node_regex[1]: expected a string, got 1"});
  expect_json_error(R"j({"exclude_node_regex": ["a", "b)"]})j", {"exclude_node_regex[1]: 'b)' is not a valid regular expression"});
}

// ---- plan_key ----

// One change per field of a plan (applied to full_plan()), for the key and difference tests.
std::vector<std::pair<std::string, std::function<void(QuantPlan&)>>> single_changes() {
  std::vector<std::pair<std::string, std::function<void(QuantPlan&)>>> changes = {
      {"weight.scheme", [](QuantPlan& p) { p.weight.scheme = Scheme::Int8Symmetric; }},
      {"weight.per_channel", [](QuantPlan& p) { p.weight.per_channel = true; }},
      {"activation.scheme", [](QuantPlan& p) { p.activation.scheme = Scheme::UInt8Asymmetric; }},
      {"activation.algorithm", [](QuantPlan& p) { p.activation.algorithm = RangeMethod::MinMax; }},
      {"activation.percentile", [](QuantPlan& p) { p.activation.percentile = 99.99; }},
      {"exclude_op_types added", [](QuantPlan& p) { p.exclude_op_types.push_back("Add"); }},
      {"exclude_op_types reordered", [](QuantPlan& p) { std::swap(p.exclude_op_types[0], p.exclude_op_types[1]); }},
      {"exclude_node_regex removed", [](QuantPlan& p) { p.exclude_node_regex.pop_back(); }},
      {"op_wise reordered", [](QuantPlan& p) { std::swap(p.op_wise[0], p.op_wise[2]); }},
      {"op_wise op_type", [](QuantPlan& p) { p.op_wise[0].op_type = "Gemm"; }},
      {"op_wise regex", [](QuantPlan& p) { p.op_wise[1].name_regex = "b.*"; }},
      {"op_wise precision", [](QuantPlan& p) { p.op_wise[0].config.precision = Precision::INT8; }},
      {"op_wise weight", [](QuantPlan& p) { p.op_wise[1].config.weight->per_channel = true; }},
      {"op_wise activation", [](QuantPlan& p) { p.op_wise[2].config.activation.reset(); }},
      {"node added", [](QuantPlan& p) { p.nodes["p2o.Conv.9"].precision = Precision::FP32; }},
      {"node removed", [](QuantPlan& p) { p.nodes.erase("p2o.Conv.1"); }},
      {"node renamed", [](QuantPlan& p) { p.nodes["p2o.Conv.10"] = p.nodes.extract("p2o.Conv.1").mapped(); }},
      {"node precision", [](QuantPlan& p) { p.nodes["p2o.Conv.1"].precision = Precision::INT8; }},
      {"node weight", [](QuantPlan& p) { p.nodes["name with spaces"].weight->scheme = Scheme::Int8Symmetric; }},
      {"node activation", [](QuantPlan& p) { p.nodes["empty override"].activation = ActivationConfig{}; }},
  };
  for (const auto& recipe : kPlanRecipes)
    changes.emplace_back(recipe.key, [member = recipe.member](QuantPlan& p) { p.*member = !(p.*member); });
  return changes;
}

TEST(PlanIoKey, IsSixteenHexDigitsAndStable) {
  const std::string key = plan_key(full_plan(), 100);
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{16}"))) << key;
  EXPECT_EQ(plan_key(full_plan(), 100), key);
  // The key survives the journal: read back from JSON, the plan has the same key.
  EXPECT_EQ(plan_key(plan_from_json(nlohmann::json::parse(plan_to_json(full_plan()).dump()), "j"), 100), key);
  EXPECT_EQ(plan_key(from_yaml(plan_to_yaml(full_plan(), 100)).plan, 100), key);
  // Pinned: a resumed run must find the trials an earlier build recorded.
  EXPECT_EQ(plan_key(QuantPlan{}, 100), "0488963b88cba94d");  // checked with a Python FNV-1a
}

TEST(PlanIoKey, IgnoresInsertionOrder) {
  QuantPlan a, b;
  for (const char* n : {"x", "b", "m"}) a.nodes[n].precision = Precision::FP32;
  for (const char* n : {"m", "x", "b"}) b.nodes[n].precision = Precision::FP32;
  EXPECT_EQ(plan_key(a, 10), plan_key(b, 10));
}

TEST(PlanIoKey, ChangesWithEveryField) {
  std::set<std::string> keys = {plan_key(full_plan(), 100), plan_key(full_plan(), 101)};
  EXPECT_EQ(keys.size(), 2u) << "sampling size ignored";
  for (const auto& [what, change] : single_changes()) {
    QuantPlan p = full_plan();
    change(p);
    ASSERT_FALSE(p == full_plan()) << what;
    EXPECT_TRUE(keys.insert(plan_key(p, 100)).second) << what << " did not change the key";
  }
}

// ---- describe_plan_difference ----

TEST(PlanIoDifference, EmptyWhenEqual) {
  EXPECT_EQ(describe_plan_difference(QuantPlan{}, QuantPlan{}), "");
  EXPECT_EQ(describe_plan_difference(full_plan(), full_plan()), "");
}

TEST(PlanIoDifference, SummarizesModelWiseAndFallbackChanges) {
  QuantPlan from, to;
  from.nodes["p2o.Conv.2"].precision = Precision::FP32;
  to.activation.algorithm = RangeMethod::KL;
  to.nodes["p2o.Conv.7"].precision = Precision::FP32;
  to.nodes["p2o.Conv.1"].precision = Precision::FP32;
  EXPECT_EQ(describe_plan_difference(from, to), "activation.algorithm minmax -> kl; +fp32 p2o.Conv.1, p2o.Conv.7; -fp32 p2o.Conv.2");
}

TEST(PlanIoDifference, DescribesEachKindOfChange) {
  QuantPlan from, to;
  to.weight = {Scheme::Int8Asymmetric, false};
  to.activation.percentile = 99.9;
  to.reduce_range = true;
  to.last_layer_fp32 = true;
  from.exclude_op_types = {"Add", "Mul"};
  to.exclude_op_types = {"Mul", "Softmax"};
  from.exclude_node_regex = {"a", "b"};
  to.exclude_node_regex = {"b", "a"};
  to.op_wise = {{"Conv", "", NodeOverride{Precision::FP32, std::nullopt, std::nullopt}}};
  from.nodes["n1"].precision = Precision::FP32;
  to.nodes["n1"].precision = Precision::INT8;
  to.nodes["n2"].weight = WeightConfig{Scheme::Int8Symmetric, false};
  from.nodes["n3"].activation = ActivationConfig{};
  to.nodes["n3"].activation = ActivationConfig{Scheme::UInt8Asymmetric, RangeMethod::Percentile, 99.9};
  EXPECT_EQ(describe_plan_difference(from, to),
            "weight.scheme int8_sym -> int8_asym; weight.per_channel true -> false; activation.percentile 99.99 -> 99.9; "
            "reduce_range false -> true; last_layer_fp32 false -> true; "
            "+exclude_op_types Softmax; -exclude_op_types Add; exclude_node_regex reordered; op_wise 0 rules -> 1 rules; "
            "-fp32 n1; +int8 n1; nodes[n2].weight none -> int8_sym per_tensor; "
            "nodes[n3].activation uint8_asym minmax -> uint8_asym percentile 99.9");
}

TEST(PlanIoDifference, NamesTheChangedOpWiseRule) {
  QuantPlan from = full_plan(), to = full_plan();
  to.op_wise[1].name_regex = "z";
  EXPECT_EQ(describe_plan_difference(from, to), "op_wise[1] changed");
}

TEST(PlanIoDifference, EverySingleChangeIsReported) {
  for (const auto& [what, change] : single_changes()) {
    QuantPlan p = full_plan();
    change(p);
    EXPECT_NE(describe_plan_difference(full_plan(), p), "") << what;
    EXPECT_NE(describe_plan_difference(p, full_plan()), "") << what;
  }
}

}  // namespace
}  // namespace qtune::quant
