#include "metrics/metric_factory.h"

#include <filesystem>

#include <fmt/format.h>

#include "config/yaml_check.h"
#include "metrics/coco_map_metric.h"
#include "metrics/compare.h"
#include "metrics/external.h"
#include "metrics/ocr.h"
#include "metrics/squad_metric.h"
#include "metrics/text_det.h"
#include "metrics/topk.h"
#include "qtune/error.h"

namespace qtune::metrics {
namespace {

using namespace qtune::config;

size_t get_index(const YAML::Node& map, const std::string& key, const std::string& path, int64_t fallback) {
  const int64_t v = get_int(map, key, path, fallback);
  if (v < 0) throw Error(child_path(path, key) + ": expected an output index >= 0, got " + std::to_string(v));
  return static_cast<size_t>(v);
}

double get_positive(const YAML::Node& map, const std::string& key, const std::string& path, double fallback) {
  const double v = get_double(map, key, path, fallback);
  if (!(v > 0)) throw Error(child_path(path, key) + ": expected a number > 0, got " + fmt::format("{}", v));
  return v;
}

std::unique_ptr<Metric> make_topk(const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"k", "output"});
  const int64_t k = get_int(o, "k", path, 1);
  if (k < 1) throw Error(child_path(path, "k") + ": expected an integer >= 1, got " + std::to_string(k));
  return std::make_unique<TopKAccuracy>(k, get_index(o, "output", path, 0));
}

std::unique_ptr<Metric> make_coco(const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"output_index_mapping", "categories", "map_key"});
  CocoMapMetric::Options options;
  if (has_key(o, "output_index_mapping")) {
    const std::string mp = child_path(path, "output_index_mapping");
    const YAML::Node m = o["output_index_mapping"];
    check_keys(m, mp, {"num_detections", "boxes", "scores", "classes"});
    SsdOutputs layout;
    layout.num_detections = static_cast<int>(get_int(m, "num_detections", mp, -1));
    layout.boxes = static_cast<int>(get_index(m, "boxes", mp, 0));
    layout.scores = static_cast<int>(get_index(m, "scores", mp, 1));
    layout.classes = static_cast<int>(get_index(m, "classes", mp, 2));
    options.outputs = layout;
  }
  if (has_key(o, "categories")) options.category_ids = get_ints(o, "categories", path);
  if (has_key(o, "map_key")) {
    try {
      options.result_stat = CocoMapMetric::stat_index(get_string(o, "map_key", path));
    } catch (const Error& e) {
      rethrow_with_context(child_path(path, "map_key"), e);
    }
  }
  return std::make_unique<CocoMapMetric>(options);
}

std::unique_ptr<Metric> make_squad(const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"start_logits", "end_logits", "n_best_size", "max_answer_length"});
  SquadF1Metric::Options options;
  options.start_logits_output = get_index(o, "start_logits", path, 0);
  options.end_logits_output = get_index(o, "end_logits", path, 1);
  options.postprocess.n_best_size = static_cast<size_t>(get_positive(o, "n_best_size", path, 20));
  options.postprocess.max_answer_length = static_cast<size_t>(get_positive(o, "max_answer_length", path, 30));
  return std::make_unique<SquadF1Metric>(options);
}

std::unique_ptr<Metric> make_ocr(OcrMetric::Kind kind, const YAML::Node& o, const std::string& path,
                                 const std::string& base_dir) {
  check_keys(o, path, {"keys", "use_space_char", "ignore_case", "ignore_space", "output"});
  OcrOptions options;
  options.keys_path = get_string(o, "keys", path);
  if (!base_dir.empty() && std::filesystem::path(options.keys_path).is_relative())
    options.keys_path = (std::filesystem::path(base_dir) / options.keys_path).lexically_normal().string();
  options.use_space_char = get_bool(o, "use_space_char", path, true);
  options.ignore_case = get_bool(o, "ignore_case", path, false);
  options.ignore_space = get_bool(o, "ignore_space", path, false);
  options.output_index = get_index(o, "output", path, 0);
  try {
    return std::make_unique<OcrMetric>(kind, options);
  } catch (const Error& e) {
    rethrow_with_context(child_path(path, "keys"), e);
  }
}

std::unique_ptr<Metric> make_text_det(const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"thresh", "box_thresh", "unclip_ratio", "max_candidates", "min_size", "iou", "output"});
  DbOptions db;
  db.thresh = get_double(o, "thresh", path, db.thresh);
  db.box_thresh = get_double(o, "box_thresh", path, db.box_thresh);
  db.unclip_ratio = get_positive(o, "unclip_ratio", path, db.unclip_ratio);
  db.max_candidates = static_cast<size_t>(get_positive(o, "max_candidates", path, 1000));
  db.min_size = get_double(o, "min_size", path, db.min_size);
  const double iou = get_double(o, "iou", path, 0.5);
  if (!(iou >= 0 && iou < 1)) throw Error(child_path(path, "iou") + ": expected a number in [0, 1)");
  return std::make_unique<TextDetMetric>(db, iou, get_index(o, "output", path, 0));
}

std::unique_ptr<Metric> make_comparison(OutputComparison::Kind kind, const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"output"});
  std::optional<size_t> output;
  if (has_key(o, "output")) output = get_index(o, "output", path, 0);
  return std::make_unique<OutputComparison>(kind, output);
}

std::unique_ptr<Metric> make_external(const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"command", "higher_is_better"});
  const std::string command = get_string(o, "command", path);
  if (command.find("{model}") == std::string::npos)
    throw Error(child_path(path, "command") + ": must contain {model}, the path of the model to score");
  return std::make_unique<ExternalMetric>(command, get_bool(o, "higher_is_better", path, true));
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {
      "topk", "COCOmAP", "SquadF1", "OCRWordAccuracy",  "CER",           "TextDetHmean", "MSE", "RMSE",
      "MAE",  "NMSE",    "SQNR",    "CosineSimilarity", "Top1Agreement", "External"};
  return names;
}

std::unique_ptr<Metric> make_metric(const YAML::Node& node, const std::string& path, const std::string& base_dir) {
  const auto [name, options] = single_key(node, path, metric_names(), "metric");
  const std::string p = child_path(path, name);
  using C = OutputComparison::Kind;
  if (name == "topk") return make_topk(options, p);
  if (name == "COCOmAP") return make_coco(options, p);
  if (name == "SquadF1") return make_squad(options, p);
  if (name == "OCRWordAccuracy") return make_ocr(OcrMetric::Kind::WordAccuracy, options, p, base_dir);
  if (name == "CER") return make_ocr(OcrMetric::Kind::CharacterErrorRate, options, p, base_dir);
  if (name == "TextDetHmean") return make_text_det(options, p);
  if (name == "MSE") return make_comparison(C::MSE, options, p);
  if (name == "RMSE") return make_comparison(C::RMSE, options, p);
  if (name == "MAE") return make_comparison(C::MAE, options, p);
  if (name == "NMSE") return make_comparison(C::NMSE, options, p);
  if (name == "SQNR") return make_comparison(C::SQNR, options, p);
  if (name == "CosineSimilarity") return make_comparison(C::Cosine, options, p);
  if (name == "Top1Agreement") return make_comparison(C::Top1Agreement, options, p);
  return make_external(options, p);
}

}  // namespace qtune::metrics
