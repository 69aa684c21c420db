#include "data/tfrecord.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "data/crc32c.h"
#include "qtune/error.h"
#include "util/atomic_file.h"

namespace qtune::data {
namespace {

class FileHandle {
 public:
  explicit FileHandle(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  }
  ~FileHandle() { ::close(fd_); }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  uint64_t size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw Error(path_ + ": cannot stat: " + std::strerror(errno));
    return static_cast<uint64_t>(st.st_size);
  }
  // Reads exactly `n` bytes at `offset` (pread: no shared file position, so threads can share nothing).
  void read_at(uint64_t offset, void* out, size_t n) const {
    auto* p = static_cast<char*>(out);
    while (n > 0) {
      ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw Error(path_ + ": read failed at offset " + std::to_string(offset) + (got < 0 ? std::string(": ") + std::strerror(errno) : ": unexpected end of file"));
      p += got, offset += static_cast<uint64_t>(got), n -= static_cast<size_t>(got);
    }
  }

 private:
  std::string path_;
  int fd_;
};

uint64_t load_u64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint32_t load_u32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }

void store_le(std::string& out, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::vector<std::string> expand_file_pattern(const std::string& pattern) {
  std::vector<std::string> files;
  std::error_code ec;
  if (std::filesystem::is_directory(pattern, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(pattern, ec))
      if (entry.is_regular_file()) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error(pattern + ": directory contains no files");
    return files;
  }
  glob_t matches{};
  int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
  if (status == 0)
    for (size_t i = 0; i < matches.gl_pathc; ++i)
      if (std::filesystem::is_regular_file(matches.gl_pathv[i], ec)) files.emplace_back(matches.gl_pathv[i]);
  globfree(&matches);
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(pattern + ": no files match");
  return files;
}

TFRecordIndex::TFRecordIndex(std::vector<std::string> files) : files_(std::move(files)) {
  if (files_.empty()) throw Error("TFRecord dataset: no files given");
  for (uint32_t f = 0; f < files_.size(); ++f) scan(f);
}

void TFRecordIndex::scan(uint32_t file) {
  const std::string& path = files_[file];
  FileHandle handle(path);
  const uint64_t size = handle.size();
  uint64_t offset = 0;
  for (uint32_t k = 0; offset < size; ++k) {
    std::string where = path + ": record " + std::to_string(k);
    if (size - offset < 12)
      throw Error(where + " (offset " + std::to_string(offset) + "): truncated: only " + std::to_string(size - offset) +
                  " bytes left, a record header needs 12");
    unsigned char header[12];
    handle.read_at(offset, header, 12);
    uint64_t length = load_u64(header);
    if (crc32c_mask(crc32c(header, 8)) != load_u32(header + 8))
      throw Error(where + " (offset " + std::to_string(offset) + "): length CRC mismatch (corrupt file or not a TFRecord)");
    if (size - offset - 12 < 4 || length > size - offset - 12 - 4)
      throw Error(where + " (offset " + std::to_string(offset) + "): truncated: header says " + std::to_string(length) +
                  " data bytes + 4 CRC bytes, only " + std::to_string(size - offset - 12) + " bytes left");
    records_.push_back({file, k, offset + 12, length});
    offset += 12 + length + 4;
  }
}

std::string TFRecordIndex::where(size_t index) const {
  const Location& r = records_.at(index);
  return files_[r.file] + ": record " + std::to_string(r.record_in_file);
}

std::string TFRecordIndex::read(size_t index) const {
  const Location& r = records_.at(index);
  FileHandle handle(files_[r.file]);
  std::string data(r.length + 4, '\0');
  handle.read_at(r.data_offset, data.data(), data.size());
  uint32_t stored = load_u32(reinterpret_cast<const unsigned char*>(data.data()) + r.length);
  data.resize(r.length);
  if (crc32c_mask(crc32c(data.data(), data.size())) != stored) throw Error(where(index) + ": data CRC mismatch (corrupt record)");
  return data;
}

std::string frame_tfrecord(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  store_le(out, data.size(), 8);
  store_le(out, crc32c_mask(crc32c(out.data(), 8)), 4);
  out.append(data);
  store_le(out, crc32c_mask(crc32c(data.data(), data.size())), 4);
  return out;
}

void write_tfrecord_file(const std::string& path, const std::vector<std::string>& records) {
  write_file_atomic(path, [&](std::ostream& out) {
    for (const auto& record : records) {
      std::string framed = frame_tfrecord(record);
      out.write(framed.data(), static_cast<std::streamsize>(framed.size()));
    }
  });
}

}  // namespace qtune::data
