// TFRecord files: a sequence of records, each framed as
//   uint64 length | uint32 masked CRC-32C of the length | data | uint32 masked CRC-32C of the data
// (all little-endian). TFRecordIndex scans the framing of every file once (reading
// only the 12-byte headers) so records can then be read by index, from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qtune::data {

// A file, a directory (its regular files, sorted) or a glob pattern such as
// "/data/val-*-of-00128" (matches sorted). Throws naming the pattern when nothing matches.
std::vector<std::string> expand_file_pattern(const std::string& pattern);

class TFRecordIndex {
 public:
  // Scans all files; throws "<file>: record <k>: ..." for a truncated record or a
  // bad length CRC.
  explicit TFRecordIndex(std::vector<std::string> files);

  size_t size() const { return records_.size(); }
  const std::vector<std::string>& files() const { return files_; }
  // "<file>: record <k>" with k counted within that file (what a user can inspect).
  std::string where(size_t index) const;
  // The record's data, after checking its CRC. Thread-safe (opens the file per call).
  std::string read(size_t index) const;

 private:
  struct Location {
    uint32_t file;
    uint32_t record_in_file;
    uint64_t data_offset;
    uint64_t length;
  };
  void scan(uint32_t file);

  std::vector<std::string> files_;
  std::vector<Location> records_;
};

// Frames one record (length, masked CRCs) ready to append to a TFRecord file.
std::string frame_tfrecord(std::string_view data);
// Writes a whole TFRecord file atomically.
void write_tfrecord_file(const std::string& path, const std::vector<std::string>& records);

}  // namespace qtune::data
