// CalibrationStats <-> JSON (format in calibration.h).
#include <nlohmann/json.hpp>

#include "quant/calibration.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

namespace qtune::quant {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "qtune-calibration";
constexpr int kVersion = 1;

json tensor_to_json(const TensorStats& s) {
  const auto& hist = s.histogram();
  size_t first = 0, end = hist.size();
  while (first < end && hist[first] == 0) ++first;
  while (end > first && hist[end - 1] == 0) --end;
  return json{{"count", s.count()},
              {"min", s.min()},
              {"max", s.max()},
              {"range", s.range()},
              {"offset", first},
              {"counts", std::vector<int64_t>(hist.begin() + static_cast<std::ptrdiff_t>(first),
                                              hist.begin() + static_cast<std::ptrdiff_t>(end))}};
}

// Reads typed fields; errors say "<file>: key '<a.b.c>': <what>".
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error(path_ + ": key '" + key + "': " + what);
  }
  const json& field(const json& obj, const std::string& name, const std::string& key) const {
    if (!obj.is_object()) fail(key, "expected an object");
    auto it = obj.find(name);
    if (it == obj.end()) fail(key.empty() ? name : key + "." + name, "missing");
    return *it;
  }
  int64_t integer(const json& v, const std::string& key) const {
    if (!v.is_number_integer()) fail(key, "expected an integer, got " + v.dump());
    return v.get<int64_t>();
  }
  double number(const json& v, const std::string& key) const {
    if (!v.is_number()) fail(key, "expected a number, got " + v.dump());
    return v.get<double>();
  }
  std::string string(const json& v, const std::string& key) const {
    if (!v.is_string()) fail(key, "expected a string, got " + v.dump());
    return v.get<std::string>();
  }
  const json& array(const json& v, const std::string& key) const {
    if (!v.is_array()) fail(key, "expected an array");
    return v;
  }
  // field() + a typed read, with the dotted key built once.
  int64_t int_field(const json& obj, const std::string& name, const std::string& key) const {
    return integer(field(obj, name, key), join(key, name));
  }
  double number_field(const json& obj, const std::string& name, const std::string& key) const {
    return number(field(obj, name, key), join(key, name));
  }
  static std::string join(const std::string& key, const std::string& name) {
    return key.empty() ? name : key + "." + name;
  }

 private:
  std::string path_;
};

TensorStats tensor_from_json(const Reader& r, const json& obj, int bins_per_side, const std::string& key) {
  const int64_t count = r.int_field(obj, "count", key);
  const double min = r.number_field(obj, "min", key), max = r.number_field(obj, "max", key);
  const double range = r.number_field(obj, "range", key);
  const int64_t offset = r.int_field(obj, "offset", key);
  const std::string counts_key = Reader::join(key, "counts");
  const json& counts = r.array(r.field(obj, "counts", key), counts_key);
  const auto bins = static_cast<size_t>(2 * bins_per_side);
  if (offset < 0 || static_cast<size_t>(offset) + counts.size() > bins)
    r.fail(counts_key, "offset " + std::to_string(offset) + " and " + std::to_string(counts.size()) +
                           " counts do not fit in " + std::to_string(bins) + " bins");
  std::vector<int64_t> hist(bins, 0);
  for (size_t i = 0; i < counts.size(); ++i)
    hist[static_cast<size_t>(offset) + i] = r.integer(counts[i], counts_key + "[" + std::to_string(i) + "]");
  try {
    return TensorStats::from_parts(bins_per_side, count, static_cast<float>(min), static_cast<float>(max), range,
                                   std::move(hist));
  } catch (const Error& e) {
    r.fail(key, e.what());
  }
}

}  // namespace

void CalibrationStats::save(const std::string& path) const {
  json doc{{"format", kFormat}, {"version", kVersion}, {"samples", samples}, {"bins_per_side", bins_per_side}};
  json in = json::array();
  for (const CalibrationInput& i : inputs)
    in.push_back({{"name", i.name}, {"dtype", std::string(dtype_name(i.dtype))}, {"shape", i.dims}});
  doc["inputs"] = std::move(in);
  json ts = json::object();
  for (const auto& [name, stats] : tensors) ts[name] = tensor_to_json(stats);
  doc["tensors"] = std::move(ts);
  json cs = json::object();
  for (const auto& [name, ranges] : channels) cs[name] = {{"min", ranges.min}, {"max", ranges.max}};
  doc["channels"] = std::move(cs);
  write_file_atomic(path, doc.dump() + "\n");
}

CalibrationStats CalibrationStats::load(const std::string& path) {
  const json doc = read_json_file(path);
  const Reader r(path);
  if (!doc.is_object()) throw Error(path + ": expected a JSON object (qtune calibration statistics)");
  if (r.string(r.field(doc, "format", ""), "format") != kFormat)
    r.fail("format", std::string("expected \"") + kFormat + "\" (not a qtune calibration file)");
  if (const int64_t v = r.int_field(doc, "version", ""); v != kVersion)
    r.fail("version", "version " + std::to_string(v) + " is not supported (expected " + std::to_string(kVersion) + ")");
  CalibrationStats stats;
  const int64_t bins = r.int_field(doc, "bins_per_side", "");
  if (bins < 2 || bins > (1 << 20) || bins % 2 != 0) r.fail("bins_per_side", "expected an even number in [2, 1048576]");
  stats.bins_per_side = static_cast<int>(bins);
  stats.samples = r.int_field(doc, "samples", "");
  if (stats.samples < 0) r.fail("samples", "is negative");
  const json& inputs = r.array(r.field(doc, "inputs", ""), "inputs");
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string key = "inputs[" + std::to_string(i) + "]";
    CalibrationInput in;
    in.name = r.string(r.field(inputs[i], "name", key), key + ".name");
    const std::string type = r.string(r.field(inputs[i], "dtype", key), key + ".dtype");
    auto dtype = dtype_from_name(type);
    if (!dtype) r.fail(key + ".dtype", "unknown element type '" + type + "'");
    in.dtype = *dtype;
    const json& shape = r.array(r.field(inputs[i], "shape", key), key + ".shape");
    for (size_t d = 0; d < shape.size(); ++d)
      in.dims.push_back(r.integer(shape[d], key + ".shape[" + std::to_string(d) + "]"));
    stats.inputs.push_back(std::move(in));
  }
  const json& tensors = r.field(doc, "tensors", "");
  if (!tensors.is_object()) r.fail("tensors", "expected an object");
  for (const auto& [name, obj] : tensors.items())
    stats.tensors.emplace(name, tensor_from_json(r, obj, stats.bins_per_side, "tensors." + name));
  if (doc.contains("channels")) {  // absent in files written before channel equalization
    const json& channels = doc["channels"];
    if (!channels.is_object()) r.fail("channels", "expected an object");
    for (const auto& [name, obj] : channels.items()) {
      const std::string key = "channels." + name;
      ChannelRanges ranges;
      for (auto [field, out] : {std::pair{"min", &ranges.min}, std::pair{"max", &ranges.max}}) {
        const json& values = r.array(r.field(obj, field, key), key + "." + field);
        for (size_t i = 0; i < values.size(); ++i)
          out->push_back(static_cast<float>(r.number(values[i], key + "." + field + "[" + std::to_string(i) + "]")));
      }
      if (ranges.min.size() != ranges.max.size()) r.fail(key, "min and max have different lengths");
      stats.channels.emplace(name, std::move(ranges));
    }
  }
  return stats;
}

}  // namespace qtune::quant
