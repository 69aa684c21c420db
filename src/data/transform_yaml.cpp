#include "data/transform_yaml.h"

#include "config/yaml_check.h"
#include "data/transforms_geometry.h"
#include "data/transforms_pixel.h"

namespace qtune::data {

using namespace qtune::config;

namespace {

// [h, w] or, where a square is unambiguous (crops), a single integer.
std::pair<int64_t, int64_t> read_size(const YAML::Node& o, const std::string& key, const std::string& path, bool allow_square) {
  auto values = get_ints(o, key, path);
  if (values.size() == 1 && allow_square) return {values[0], values[0]};
  if (values.size() != 2 || !o[key].IsSequence())
    throw Error(child_path(path, key) + ": expected [height, width], got " + describe_node(o[key]) +
                (allow_square ? "" : "; for a square write [N, N], to keep the aspect ratio use shorter_side: N"));
  return {values[0], values[1]};
}

Interpolation read_interpolation(const YAML::Node& o, const std::string& path) {
  return get_choice(o, "interpolation", path, {"bilinear", "nearest"}, "bilinear") == "nearest" ? Interpolation::Nearest
                                                                                                 : Interpolation::Bilinear;
}

std::unique_ptr<Transform> make_resize(const YAML::Node& o, const std::string& path) {
  check_keys(o, path, {"size", "shorter_side", "height", "max_width", "keep_ratio", "interpolation", "antialias", "pad_value",
                       "pad_position"});
  int modes = has_key(o, "size") + has_key(o, "shorter_side") + has_key(o, "height");
  if (modes != 1) throw Error(path + ": give exactly one of size: [h, w], shorter_side: N, or height: N (with optional max_width)");
  ResizeOptions r;
  r.interpolation = read_interpolation(o, path);
  r.antialias = get_bool(o, "antialias", path, false);
  bool keep_ratio = get_bool(o, "keep_ratio", path, false);
  if (has_key(o, "size")) {
    auto [h, w] = read_size(o, "size", path, false);
    r.mode = keep_ratio ? ResizeOptions::Mode::KeepRatioPad : ResizeOptions::Mode::Exact;
    r.height = h, r.width = w;
  } else if (has_key(o, "shorter_side")) {
    r.mode = ResizeOptions::Mode::ShorterSide;
    r.shorter_side = get_int(o, "shorter_side", path);
  } else {
    r.mode = ResizeOptions::Mode::Height;
    r.height = get_int(o, "height", path);
    r.max_width = get_int(o, "max_width", path, 0);
  }
  if (has_key(o, "max_width") && r.mode != ResizeOptions::Mode::Height) throw Error(child_path(path, "max_width") + ": only valid with height");
  if (keep_ratio && r.mode != ResizeOptions::Mode::KeepRatioPad) throw Error(child_path(path, "keep_ratio") + ": only valid with size");
  for (const char* key : {"pad_value", "pad_position"})
    if (has_key(o, key) && r.mode != ResizeOptions::Mode::KeepRatioPad)
      throw Error(child_path(path, key) + ": only valid with size and keep_ratio: true");
  r.pad_value = get_double(o, "pad_value", path, 0.0);
  r.pad_centered = get_choice(o, "pad_position", path, {"center", "top_left"}, "center") == "center";
  return std::make_unique<Resize>(r);
}

}  // namespace

const std::vector<std::string>& transform_names() {
  static const std::vector<std::string> names = {"Resize",    "CenterCrop", "RandomCrop", "RandomHorizontalFlip",
                                                 "Normalize", "Scale",      "Rescale",    "Cast",
                                                 "ChannelOrder", "Transpose", "PadToWidth"};
  return names;
}

std::unique_ptr<Transform> make_transform(const std::string& name, const YAML::Node& o, const std::string& path) {
  require_map(o, path, true);
  if (name == "Resize") return make_resize(o, path);
  if (name == "CenterCrop" || name == "RandomCrop") {
    check_keys(o, path, {"size"});
    auto [h, w] = read_size(o, "size", path, true);
    if (name == "CenterCrop") return std::make_unique<CenterCrop>(h, w);
    return std::make_unique<RandomCrop>(h, w);
  }
  if (name == "RandomHorizontalFlip") {
    check_keys(o, path, {"p"});
    return std::make_unique<RandomHorizontalFlip>(get_double(o, "p", path, 0.5));
  }
  if (name == "Normalize") {
    check_keys(o, path, {"mean", "std", "channel_axis"});
    return std::make_unique<Normalize>(get_doubles(o, "mean", path), get_doubles(o, "std", path),
                                       static_cast<int>(get_int(o, "channel_axis", path, -1)));
  }
  if (name == "Scale") {
    check_keys(o, path, {"factor"});
    return std::make_unique<Scale>(get_double(o, "factor", path));
  }
  if (name == "Rescale") {  // Intel Neural Compressor's name for x / 255
    check_keys(o, path, {});
    return std::make_unique<Scale>(1.0 / 255.0);
  }
  if (name == "Cast") {
    check_keys(o, path, {"dtype"});
    std::string dtype = get_choice(o, "dtype", path, {"float32", "float64", "uint8", "int8", "int32", "int64"}, "float32");
    return std::make_unique<Cast>(*dtype_from_name(dtype));
  }
  if (name == "ChannelOrder") {
    check_keys(o, path, {"order"});
    return std::make_unique<ChannelOrder>(get_ints(o, "order", path));
  }
  if (name == "Transpose") {
    check_keys(o, path, {"perm"});
    return std::make_unique<Transpose>(get_ints(o, "perm", path));
  }
  if (name == "PadToWidth") {
    check_keys(o, path, {"width", "height", "pad_value", "interpolation"});
    return std::make_unique<PadToWidth>(get_int(o, "width", path), get_int(o, "height", path, 0),
                                        get_double(o, "pad_value", path, 0.0), read_interpolation(o, path));
  }
  throw Error(path + ": unknown transform '" + name + "'");
}

TransformPipeline make_transform_pipeline(const YAML::Node& node, const std::string& path, uint64_t seed) {
  TransformPipeline pipeline({}, seed);
  if (!node.IsDefined() || node.IsNull()) return pipeline;
  auto wrap = [&](const std::string& item_path, const std::string& name, const YAML::Node& options) {
    try {
      pipeline.add(make_transform(name, options, item_path));
    } catch (const Error& e) {
      // Constructor checks (e.g. "Normalize: std[1] must be non-zero") do not know the key path.
      std::string message = e.what();
      if (message.starts_with(item_path)) throw;
      throw Error(item_path + ": " + message);
    }
  };
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item = path + "[" + std::to_string(i) + "]";
      auto [name, options] = single_key(node[i], item, transform_names(), "transform");
      wrap(child_path(item, name), name, options);
    }
  } else if (node.IsMap()) {
    check_keys(node, path, transform_names());
    for (auto it = node.begin(); it != node.end(); ++it) wrap(child_path(path, it->first.Scalar()), it->first.Scalar(), it->second);
  } else {
    throw Error(path + ": expected a list of transforms, got " + describe_node(node));
  }
  return pipeline;
}

}  // namespace qtune::data
