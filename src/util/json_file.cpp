#include "util/json_file.h"

#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune {

nlohmann::json read_json_file(const std::string& path) {
  std::string bytes = read_file_bytes(path);
  try {
    return nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
}

}  // namespace qtune
