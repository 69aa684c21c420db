#include "data/file_list.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "qtune/error.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;

namespace qtune::data {

bool has_extension(std::string_view path, const std::vector<std::string>& extensions) {
  if (extensions.empty()) return true;
  for (const auto& ext : extensions) {
    if (path.size() < ext.size()) continue;
    std::string_view tail = path.substr(path.size() - ext.size());
    bool same = std::equal(tail.begin(), tail.end(), ext.begin(), ext.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return true;
  }
  return false;
}

void require_directory(const std::string& dir, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw Error(what + ": '" + dir + "' does not exist");
  if (!fs::is_directory(dir, ec)) throw Error(what + ": '" + dir + "' is not a directory");
}

std::vector<std::string> list_files(const std::string& dir, const std::vector<std::string>& extensions, bool recursive) {
  std::vector<std::string> files;
  std::error_code ec;
  auto consider = [&](const fs::directory_entry& entry) {
    std::error_code e;
    if (entry.is_regular_file(e) && has_extension(entry.path().native(), extensions)) files.push_back(entry.path().string());
  };
  if (recursive) {
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end; !ec && it != end;
         it.increment(ec))
      consider(*it);
  } else {
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) consider(*it);
  }
  if (ec) throw Error(dir + ": cannot list directory: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> list_subdirectories(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    if (it->is_directory(e)) names.push_back(it->path().filename().string());
  }
  if (ec) throw Error(dir + ": cannot list directory: " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<TextLine> read_text_lines(const std::string& path) {
  std::string text = read_file_bytes(path);
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::vector<TextLine> lines;
  size_t number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++number;
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back({number, std::move(line)});
    start = end + 1;
  }
  return lines;
}

std::string resolve_path(const std::string& root, const std::string& relative) {
  fs::path p(relative);
  return p.is_absolute() ? relative : (fs::path(root) / p).string();
}

}  // namespace qtune::data
