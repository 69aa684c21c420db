#pragma once
// Reads a whole file as one JSON document; errors name the file and where parsing failed.
#include <nlohmann/json.hpp>
#include <string>

namespace qtune {

nlohmann::json read_json_file(const std::string& path);

}  // namespace qtune
