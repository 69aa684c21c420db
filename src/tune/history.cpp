#include "tune/history.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "quant/plan_io.h"
#include "qtune/error.h"

namespace qtune::tune {

History::History(std::string path, std::string run) : path_(std::move(path)), run_(std::move(run)) {}

History::~History() {
  if (file_) std::fclose(file_);
}

std::map<std::string, TrialResult> History::load() const {
  std::map<std::string, TrialResult> out;
  std::ifstream in(path_);
  if (!in) return out;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = path_ + ":" + std::to_string(i + 1);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(lines[i]);
    } catch (const nlohmann::json::exception&) {
      if (i + 1 == lines.size()) break;  // torn by a kill mid-write
      throw Error(where + ": not a JSON record");
    }
    try {
      if (j.at("run").get<std::string>() != run_)
        throw Error(where + ": this trial was run on another model or calibration set; use another workspace");
      TrialResult r;
      r.index = j.at("trial").get<int>();
      r.spec.description = j.at("description").get<std::string>();
      r.spec.sampling_size = j.at("sampling_size").get<int64_t>();
      r.spec.plan = quant::plan_from_json(j.at("plan"), where + ": plan");
      r.accuracy = j.at("accuracy").get<double>();
      r.meets = j.at("meets").get<bool>();
      if (!j.at("latency_ms").is_null()) r.latency_ms = j.at("latency_ms").get<double>();
      r.model_bytes = j.at("model_bytes").get<double>();
      r.seconds = j.at("seconds").get<double>();
      r.reused = true;
      out[j.at("key").get<std::string>()] = std::move(r);
    } catch (const nlohmann::json::exception& e) {
      throw Error(where + ": " + e.what());
    }
  }
  return out;
}

void History::append(const TrialResult& r, const std::string& change) {
  if (!file_) {
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
    cut_torn_last_line();
    file_ = std::fopen(path_.c_str(), "a");
    if (!file_) throw Error(path_ + ": cannot open for appending");
  }
  nlohmann::json j = {{"trial", r.index},
                      {"run", run_},
                      {"key", quant::plan_key(r.spec.plan, r.spec.sampling_size)},
                      {"description", r.spec.description},
                      {"change", change},
                      {"sampling_size", r.spec.sampling_size},
                      {"accuracy", r.accuracy},
                      {"meets", r.meets},
                      {"latency_ms", std::isnan(r.latency_ms) ? nlohmann::json(nullptr) : nlohmann::json(r.latency_ms)},
                      {"model_bytes", r.model_bytes},
                      {"seconds", r.seconds},
                      {"plan", quant::plan_to_json(r.spec.plan)}};
  const std::string line = j.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0 ||
      ::fsync(::fileno(file_)) != 0)
    throw Error(path_ + ": cannot write the trial record (disk full?)");
}

void History::cut_torn_last_line() const {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return;
  std::ifstream in(path_, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty() || text.back() == '\n') return;
  const size_t keep = text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1;
  std::filesystem::resize_file(path_, keep, ec);
  if (ec) throw Error(path_ + ": cannot cut the torn last record (" + ec.message() + ")");
}

void History::clear() {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

}  // namespace qtune::tune
