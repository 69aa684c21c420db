// Helpers for the data tests: a temporary folder removed at the end of the test,
// raw file writing, and an assertion that a call throws qtune::Error whose message
// contains every given fragment.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "qtune/error.h"

namespace qtune::data::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "qtune-data-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Creates the parent folder of `path` and returns `path` (library writers do not create folders).
inline std::string mk(const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  return path;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Expects `call` to throw qtune::Error with all `fragments` in its message.
inline void expect_error(const std::function<void()>& call, const std::vector<std::string>& fragments) {
  try {
    call();
  } catch (const qtune::Error& e) {
    std::string message = e.what();
    for (const auto& f : fragments) EXPECT_NE(message.find(f), std::string::npos) << "missing '" << f << "' in: " << message;
    return;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected qtune::Error, got another exception: " << e.what();
    return;
  }
  ADD_FAILURE() << "expected qtune::Error, nothing was thrown";
}

}  // namespace qtune::data::testing
