// A minimal ZIP reader (PKWARE APPNOTE): finds the end-of-central-directory record,
// reads the central directory (with ZIP64 extensions, which NumPy's savez always
// uses for its entries), and extracts stored or deflated entries with CRC-32 checks.
// Enough for .npz archives; no encryption, no multi-disk archives.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qtune::data {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflate
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0, uncompressed_size = 0, local_header_offset = 0;
};

class ZipArchive {
 public:
  // Takes the whole archive in memory; `source` names it in error messages.
  ZipArchive(std::string bytes, std::string source);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  // The entry's uncompressed bytes (CRC-checked).
  std::string extract(const ZipEntry& entry) const;

 private:
  void read_central_directory();

  std::string bytes_;
  std::string source_;
  std::vector<ZipEntry> entries_;
};

}  // namespace qtune::data
