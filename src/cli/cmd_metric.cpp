// qtune metric coco-map --annotations instances.json --detections results.json [--json]
// qtune metric squad --dataset dev-v1.1.json --predictions predictions.json
// qtune metric ocr --labels labels.txt --predictions predictions.txt [--keys keys.txt]
//                  [--ignore-case] [--ignore-space]
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "metrics/coco_eval.h"
#include "metrics/coco_json.h"
#include "metrics/ocr_files.h"
#include "metrics/squad_eval.h"

namespace qtune::cli {
namespace {

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void add_coco_map(CLI::App& metric) {
  struct Options {
    std::string annotations, detections;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      metric.add_subcommand("coco-map", "COCO bbox mAP of detection results, as pycocotools' COCOeval prints it");
  cmd->add_option("--annotations", opts->annotations, "Ground truth (instances_*.json)")->required();
  cmd->add_option("--detections", opts->detections, "Results: [{image_id, category_id, bbox, score}, ...]")->required();
  cmd->add_flag("--json", opts->json, "Print the 12 statistics as one JSON object");
  cmd->footer(
      "Results on images the annotation file lacks are refused (as pycocotools' loadRes does); results on "
      "categories it lacks are ignored. An empty result list scores 0 wherever ground truth exists and -1 "
      "where an area range has none (pycocotools itself fails on an empty list).");
  cmd->callback([opts] {
    const auto gt = metrics::coco::load_ground_truth(opts->annotations);
    const auto detections = metrics::coco::load_detections(opts->detections, gt);
    const auto result = metrics::coco::evaluate(gt, detections);
    if (!opts->json) return print(metrics::coco::format_summary(result.stats));
    nlohmann::ordered_json j;
    for (size_t i = 0; i < metrics::coco::kNumStats; ++i) j[metrics::coco::kStatNames[i]] = result.stats[i];
    print(j.dump() + "\n");
  });
}

void add_squad(CLI::App& metric) {
  struct Options {
    std::string dataset, predictions;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      metric.add_subcommand("squad", "SQuAD v1.1 exact match and F1, as the official evaluate-v1.1.py prints them");
  cmd->add_option("--dataset", opts->dataset, "dev-v1.1.json")->required();
  cmd->add_option("--predictions", opts->predictions, "{\"question id\": \"answer\", ...}")->required();
  cmd->callback([opts] {
    const auto score = metrics::squad::evaluate_files(opts->dataset, opts->predictions);
    for (const auto& warning : score.warnings) std::fprintf(stderr, "%s\n", warning.c_str());
    print(metrics::squad::format_score_json(score) + "\n");
  });
}

void add_ocr(CLI::App& metric) {
  struct Options {
    std::string labels, predictions;
    metrics::OcrOptions ocr;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = metric.add_subcommand("ocr", "Word accuracy and CER of recognized text lines");
  cmd->add_option("--labels", opts->labels, "Ground truth: '<image>\\t<text>' per line")->required();
  cmd->add_option("--predictions", opts->predictions, "Results in the same format")->required();
  cmd->add_option("--keys", opts->ocr.keys_path, "Keys file: also count labels with characters the model lacks");
  cmd->add_flag("--ignore-case", opts->ocr.ignore_case, "Compare lower-cased text");
  cmd->add_flag("--ignore-space", opts->ocr.ignore_space, "Remove spaces before comparing (PaddleOCR's default)");
  cmd->callback([opts] {
    const auto score = metrics::evaluate_ocr_files(opts->labels, opts->predictions, opts->ocr);
    for (const auto& warning : score.warnings) std::fprintf(stderr, "%s\n", warning.c_str());
    nlohmann::ordered_json j = {{"word_accuracy", score.word_accuracy}, {"cer", score.cer}, {"samples", score.samples}};
    if (!opts->ocr.keys_path.empty()) j["labels_with_unknown_characters"] = score.labels_with_unknown_characters;
    print(j.dump() + "\n");
  });
}

}  // namespace

void add_metric_command(CLI::App& app) {
  auto* metric = app.add_subcommand("metric", "Score saved results with a standard metric (COCO mAP, SQuAD, OCR)");
  metric->require_subcommand(1);
  add_coco_map(*metric);
  add_squad(*metric);
  add_ocr(*metric);
}

}  // namespace qtune::cli
