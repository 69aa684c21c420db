// File-system helpers shared by the folder datasets: sorted listings (byte order, as
// Python's sorted(), so class indices match torchvision/Keras), extension filters,
// and line-oriented text files with line numbers for error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qtune::data {

// Case-insensitive extension test: has_extension("a.JPEG", {".jpg", ".jpeg"}).
bool has_extension(std::string_view path, const std::vector<std::string>& extensions);

// Regular files (symlinks followed) directly in `dir`, or in all its subfolders when
// `recursive`, filtered by extension (empty: all), sorted by full path.
std::vector<std::string> list_files(const std::string& dir, const std::vector<std::string>& extensions, bool recursive);
// Immediate subdirectory names, sorted.
std::vector<std::string> list_subdirectories(const std::string& dir);
// Throws "<what>: '<dir>' is not a directory" unless `dir` is one.
void require_directory(const std::string& dir, const std::string& what);

struct TextLine {
  size_t number;  // 1-based
  std::string text;  // without the line ending (\n or \r\n)
};
// Non-empty lines of a UTF-8 text file (a leading BOM is dropped).
std::vector<TextLine> read_text_lines(const std::string& path);

// Joins a path relative to `root` unless it is already absolute.
std::string resolve_path(const std::string& root, const std::string& relative);

}  // namespace qtune::data
