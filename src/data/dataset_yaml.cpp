#include "data/dataset_yaml.h"

#include <filesystem>

#include "config/yaml_check.h"
#include "data/coco.h"
#include "data/dummy.h"
#include "data/file_list.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "data/npy_folder.h"
#include "data/onnx_tensor_folder.h"
#include "data/text_lines.h"
#include "data/tfrecord_datasets.h"
#include "data/transform_yaml.h"

namespace qtune::data {

using namespace qtune::config;

namespace {

const std::vector<std::string> kLoaderKeys = {"batch_size", "shuffle",          "seed",       "last_batch", "num_workers",
                                              "prefetch_batches", "batch_mode", "dataset", "transform"};

struct Reader {
  const YAML::Node& node;
  const std::string& path;
  const std::string& base_dir;

  // A path that must exist; the error names the key, not just the file.
  std::string file(const std::string& key) const {
    std::string p = resolve(get_string(node, key, path));
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) throw Error(child_path(path, key) + ": '" + p + "' does not exist");
    return p;
  }
  // A file, folder or glob pattern (checked by the dataset).
  std::string pattern(const std::string& key) const { return resolve(get_string(node, key, path)); }
  std::string optional_file(const std::string& key) const {
    return has_key(node, key) ? file(key) : std::string();
  }
  std::string resolve(const std::string& p) const { return base_dir.empty() ? p : resolve_path(base_dir, p); }
  ColorMode color() const { return *color_mode_from_name(get_choice(node, "color", path, {"gray", "RGB", "BGR"}, "RGB")); }
  std::optional<int64_t> num_classes() const {
    if (!has_key(node, "num_classes")) return std::nullopt;
    int64_t n = get_int(node, "num_classes", path);
    if (n <= 0) throw Error(child_path(path, "num_classes") + ": must be positive, got " + std::to_string(n));
    return n;
  }
};

std::vector<DummyInput> dummy_inputs(const YAML::Node& o, const std::string& path) {
  std::vector<DummyInput> inputs;
  const YAML::Node& shape = o["shape"];
  if (!shape.IsDefined()) throw Error(child_path(path, "shape") + ": missing required key");
  bool nested = shape.IsSequence() && shape.size() > 0 && shape[0].IsSequence();
  if (nested) {
    for (size_t i = 0; i < shape.size(); ++i)
      inputs.push_back({"", node_ints(shape[i], child_path(path, "shape") + "[" + std::to_string(i) + "]"), DataType::Float32});
  } else {
    inputs.push_back({"", get_ints(o, "shape", path), DataType::Float32});
  }
  const std::vector<std::string> dtypes = {"float32", "float64", "uint8", "int8", "int32", "int64", "bool"};
  if (has_key(o, "dtype")) {
    std::vector<std::string> names = get_strings(o, "dtype", path);
    if (names.size() != 1 && names.size() != inputs.size())
      throw Error(child_path(path, "dtype") + ": give one dtype or one per shape (" + std::to_string(inputs.size()) + ")");
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string& name = names[names.size() == 1 ? 0 : i];
      if (std::find(dtypes.begin(), dtypes.end(), name) == dtypes.end())
        throw Error(child_path(path, "dtype") + ": '" + name + "' is not allowed; expected one of: " + join_words(dtypes));
      inputs[i].type = *dtype_from_name(name);
    }
  }
  if (has_key(o, "names")) {
    std::vector<std::string> names = get_strings(o, "names", path);
    if (names.size() != inputs.size())
      throw Error(child_path(path, "names") + ": has " + std::to_string(names.size()) + " names for " + std::to_string(inputs.size()) + " shapes");
    for (size_t i = 0; i < names.size(); ++i) inputs[i].name = names[i];
  }
  return inputs;
}

BatchDim read_batch_dim(const YAML::Node& o, const std::string& path) {
  if (!has_key(o, "batch_dim")) return BatchDim::Auto;
  const YAML::Node& v = o["batch_dim"];
  if (v.IsScalar() && v.Scalar() == "auto") return BatchDim::Auto;
  return get_bool(o, "batch_dim", path, false) ? BatchDim::Yes : BatchDim::No;
}

std::unique_ptr<Dataset> build(const std::string& type, const YAML::Node& o, const std::string& path, const std::string& base_dir) {
  Reader r{o, path, base_dir};
  if (type == "ImageFolder") {
    check_keys(o, path, {"root", "list", "color", "num_classes"});
    ImageFolderOptions f{"", "", r.color(), r.num_classes()};  // values first, then the file system
    f.root = r.file("root");
    f.list_file = r.optional_file("list");
    return std::make_unique<ImageFolderDataset>(f);
  }
  if (type == "NpyFolder") {
    check_keys(o, path, {"root", "inputs", "labels", "batch_dim"});
    NpyFolderOptions n{"", {}, "", read_batch_dim(o, path)};
    if (has_key(o, "inputs")) n.inputs = get_strings(o, "inputs", path);
    n.root = r.file("root");
    n.labels = r.optional_file("labels");
    return std::make_unique<NpyFolderDataset>(n);
  }
  if (type == "OnnxTensorFolder") {
    check_keys(o, path, {"root"});
    return std::make_unique<OnnxTensorFolderDataset>(r.file("root"));
  }
  if (type == "IDX") {
    check_keys(o, path, {"images", "labels", "layout"});
    bool hwc = get_choice(o, "layout", path, {"CHW", "HWC"}, "CHW") == "HWC";
    IdxOptions idx{"", "", hwc};
    idx.images = r.file("images");
    idx.labels = r.optional_file("labels");
    return std::make_unique<IdxDataset>(idx);
  }
  if (type == "TFRecordImageNet") {
    check_keys(o, path, {"pattern", "color", "label_shift", "num_classes"});
    TFRecordImageNetOptions t{"", r.color(), get_int(o, "label_shift", path, 0), r.num_classes()};
    t.pattern = r.pattern("pattern");
    return std::make_unique<TFRecordImageNetDataset>(t);
  }
  if (type == "TFRecordCOCO") {
    check_keys(o, path, {"pattern", "color"});
    TFRecordCocoOptions t{"", r.color()};
    t.pattern = r.pattern("pattern");
    return std::make_unique<TFRecordCocoDataset>(t);
  }
  if (type == "COCO") {
    check_keys(o, path, {"annotations", "images", "color", "skip_empty"});
    CocoOptions c{"", "", r.color(), get_bool(o, "skip_empty", path, false)};
    c.annotations = r.file("annotations");
    c.images = r.file("images");
    return std::make_unique<CocoDataset>(c);
  }
  if (type == "TextLines") {
    check_keys(o, path, {"root", "labels", "color"});
    TextLinesOptions t{"", "", r.color()};
    t.root = r.file("root");
    t.labels = r.optional_file("labels");
    return std::make_unique<TextLinesDataset>(t);
  }
  if (type == "Dummy") {
    check_keys(o, path, {"shape", "dtype", "names", "count", "low", "high", "seed"});
    int64_t count = get_int(o, "count", path, 1);
    if (count <= 0) throw Error(child_path(path, "count") + ": must be positive, got " + std::to_string(count));
    return std::make_unique<DummyDataset>(DummyOptions{dummy_inputs(o, path), static_cast<size_t>(count),
                                                       get_double(o, "low", path, 0.0), get_double(o, "high", path, 1.0),
                                                       static_cast<uint64_t>(get_int(o, "seed", path, 0))});
  }
  throw Error(path + ": unknown dataset type '" + type + "'");
}

}  // namespace

const std::vector<std::string>& dataset_type_names() {
  static const std::vector<std::string> names = {"ImageFolder",  "NpyFolder", "OnnxTensorFolder", "IDX", "TFRecordImageNet",
                                                 "TFRecordCOCO", "COCO",      "TextLines",        "Dummy"};
  return names;
}

std::unique_ptr<Dataset> make_dataset(const YAML::Node& node, const std::string& key_path, const std::string& base_dir) {
  require_map(node, key_path);
  check_keys(node, key_path, kLoaderKeys);
  std::string dataset_path = child_path(key_path, "dataset");
  if (!has_key(node, "dataset")) throw Error(dataset_path + ": missing required key (one of: " + join_words(dataset_type_names()) + ")");
  auto [type, options] = single_key(node["dataset"], dataset_path, dataset_type_names(), "dataset type");
  std::string type_path = child_path(dataset_path, type);
  require_map(options, type_path, true);
  std::unique_ptr<Dataset> base;
  try {
    base = build(type, options, type_path, base_dir);
  } catch (const Error& e) {
    // File errors name the file; add where in the config that file came from.
    std::string message = e.what();
    if (message.starts_with(type_path)) throw;
    throw Error(type_path + ": " + message);
  }
  uint64_t seed = static_cast<uint64_t>(get_int(node, "seed", key_path, 0));
  TransformPipeline pipeline = make_transform_pipeline(node["transform"], child_path(key_path, "transform"), seed);
  if (pipeline.empty()) return base;
  return std::make_unique<TransformedDataset>(std::shared_ptr<const Dataset>(std::move(base)), std::move(pipeline));
}

DataLoaderOptions make_loader_options(const YAML::Node& node, const std::string& key_path) {
  require_map(node, key_path);
  check_keys(node, key_path, kLoaderKeys);
  DataLoaderOptions o;
  int64_t batch = get_int(node, "batch_size", key_path, 1);
  if (batch <= 0) throw Error(child_path(key_path, "batch_size") + ": must be at least 1, got " + std::to_string(batch));
  o.batch_size = static_cast<size_t>(batch);
  o.shuffle = get_bool(node, "shuffle", key_path, false);
  o.seed = static_cast<uint64_t>(get_int(node, "seed", key_path, 0));
  std::string last = get_choice(node, "last_batch", key_path, {"keep", "drop", "pad"}, "keep");
  o.last_batch = last == "drop" ? LastBatch::Drop : last == "pad" ? LastBatch::Pad : LastBatch::Keep;
  int64_t workers = get_int(node, "num_workers", key_path, -1);
  if (workers < -1 || workers > 1024)
    throw Error(child_path(key_path, "num_workers") + ": must be -1 (one per CPU), 0 (no threads) or a thread count, got " + std::to_string(workers));
  o.num_workers = static_cast<int>(workers);
  int64_t prefetch = get_int(node, "prefetch_batches", key_path, 2);
  if (prefetch < 1) throw Error(child_path(key_path, "prefetch_batches") + ": must be at least 1");
  o.prefetch_batches = static_cast<size_t>(prefetch);
  std::string mode = get_choice(node, "batch_mode", key_path, {"auto", "stack", "concat"}, "auto");
  o.batch_mode = mode == "stack" ? BatchMode::Stack : mode == "concat" ? BatchMode::Concat : BatchMode::Auto;
  return o;
}

}  // namespace qtune::data
