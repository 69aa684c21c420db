#include "tune/workspace.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::tune {
namespace {

std::optional<nlohmann::json> read_json(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    return nlohmann::json::parse(read_file_bytes(path));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged cache is recomputed, not fatal
  }
}

}  // namespace

Workspace::Workspace(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec || !std::filesystem::is_directory(dir_))
    throw Error(dir_ + ": cannot create the tuning workspace (" + ec.message() + ")");
}

std::string Workspace::file(const std::string& name) const { return (std::filesystem::path(dir_) / name).string(); }

std::optional<double> Workspace::baseline(const std::string& fingerprint) const {
  std::optional<nlohmann::json> j = read_json(file("baseline.json"));
  if (!j || !j->contains("fingerprint") || (*j)["fingerprint"] != fingerprint || !(*j)["accuracy"].is_number())
    return std::nullopt;
  return (*j)["accuracy"].get<double>();
}

void Workspace::save_baseline(const std::string& fingerprint, double accuracy, double seconds) const {
  const nlohmann::json j = {{"fingerprint", fingerprint}, {"accuracy", accuracy}, {"seconds", seconds}};
  write_file_atomic(file("baseline.json"), j.dump(2) + "\n");
}

std::string Workspace::stats_file(int64_t sampling_size, const std::string& run) const {
  return file("calibration_" + std::to_string(sampling_size) + "_" + run + ".json");
}

std::optional<std::vector<quant::UnitSensitivity>> Workspace::sensitivity(const std::string& key) const {
  std::optional<nlohmann::json> j = read_json(file("sensitivity_" + key + ".json"));
  if (!j || !j->is_array()) return std::nullopt;
  std::vector<quant::UnitSensitivity> out;
  try {
    for (const nlohmann::json& e : *j)
      out.push_back({e.at("unit").get<std::string>(), e.at("label").get<std::string>(), e.at("sqnr_db").get<double>(),
                     e.at("nmse").get<double>()});
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return out;
}

void Workspace::save_sensitivity(const std::string& key, const std::vector<quant::UnitSensitivity>& ranking) const {
  nlohmann::json j = nlohmann::json::array();
  for (const quant::UnitSensitivity& s : ranking)
    j.push_back({{"unit", s.name}, {"label", s.label}, {"sqnr_db", s.sqnr_db}, {"nmse", s.nmse}});
  write_file_atomic(file("sensitivity_" + key + ".json"), j.dump(1) + "\n");
}

}  // namespace qtune::tune
