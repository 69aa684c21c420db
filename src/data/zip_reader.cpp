#include "data/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

#include "qtune/error.h"

namespace qtune::data {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndOfCentralDir = 0x06054b50,
                   kZip64EndOfCentralDir = 0x06064b50, kZip64Locator = 0x07064b50;

uint64_t load_le(const std::string& bytes, uint64_t offset, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return v;
}

// Inflates a raw deflate stream (no zlib header) of known output size.
bool inflate_raw(const char* in, uint64_t in_size, char* out, uint64_t out_size, std::string& error) {
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return error = "cannot initialize zlib", false;
  int status = Z_OK;
  uint64_t in_left = in_size, out_left = out_size;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
  stream.next_out = reinterpret_cast<Bytef*>(out);
  while (status == Z_OK) {
    // zlib counts in uInt; feed huge entries in chunks.
    if (stream.avail_in == 0) {
      stream.avail_in = static_cast<uInt>(std::min<uint64_t>(in_left, UINT_MAX));
      in_left -= stream.avail_in;
    }
    if (stream.avail_out == 0) {
      stream.avail_out = static_cast<uInt>(std::min<uint64_t>(out_left, UINT_MAX));
      out_left -= stream.avail_out;
    }
    status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_BUF_ERROR && stream.avail_in == 0 && in_left == 0) break;  // input ended early
    if (status == Z_BUF_ERROR && stream.avail_out == 0 && out_left == 0) break;  // more output than declared
    if (status == Z_BUF_ERROR) status = Z_OK;
  }
  bool ok = status == Z_STREAM_END && stream.total_out == out_size;
  if (!ok)
    error = status == Z_STREAM_END ? "inflated to " + std::to_string(stream.total_out) + " bytes, central directory says " +
                                         std::to_string(out_size)
            : stream.msg           ? std::string("deflate stream is corrupt: ") + stream.msg
                                   : std::string("deflate stream is truncated or longer than declared");
  inflateEnd(&stream);
  return ok;
}

}  // namespace

ZipArchive::ZipArchive(std::string bytes, std::string source) : bytes_(std::move(bytes)), source_(std::move(source)) {
  read_central_directory();
}

void ZipArchive::read_central_directory() {
  const uint64_t size = bytes_.size();
  if (size < 22) throw Error(source_ + ": not a ZIP archive (file is only " + std::to_string(size) + " bytes)");
  // The end record is the last 22 bytes plus a comment of at most 64 KiB.
  uint64_t eocd = UINT64_MAX;
  for (uint64_t p = size - 22;; --p) {
    if (load_le(bytes_, p, 4) == kEndOfCentralDir) {
      eocd = p;
      break;
    }
    if (p == 0 || size - 22 - p >= 65535) break;
  }
  if (eocd == UINT64_MAX) throw Error(source_ + ": not a ZIP archive (no end-of-central-directory record)");
  if (load_le(bytes_, eocd + 4, 2) != 0 || load_le(bytes_, eocd + 6, 2) != 0)
    throw Error(source_ + ": multi-disk ZIP archives are not supported");
  uint64_t count = load_le(bytes_, eocd + 10, 2), cd_size = load_le(bytes_, eocd + 12, 4),
           cd_offset = load_le(bytes_, eocd + 16, 4);
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    if (eocd < 20 || load_le(bytes_, eocd - 20, 4) != kZip64Locator)
      throw Error(source_ + ": ZIP64 archive without a ZIP64 end-of-central-directory locator");
    uint64_t record = load_le(bytes_, eocd - 20 + 8, 8);
    if (size < 56 || record > size - 56 || load_le(bytes_, record, 4) != kZip64EndOfCentralDir)
      throw Error(source_ + ": ZIP64 end-of-central-directory record is missing or corrupt");
    count = load_le(bytes_, record + 32, 8);
    cd_size = load_le(bytes_, record + 40, 8);
    cd_offset = load_le(bytes_, record + 48, 8);
  }
  if (cd_offset > size || cd_size > size - cd_offset)
    throw Error(source_ + ": central directory lies outside the file (truncated archive?)");

  uint64_t p = cd_offset;
  const uint64_t end = cd_offset + cd_size;
  for (uint64_t i = 0; i < count; ++i) {
    std::string where = source_ + ": central directory entry " + std::to_string(i);
    if (end - p < 46 || load_le(bytes_, p, 4) != kCentralHeader) throw Error(where + ": bad signature or truncated");
    ZipEntry e;
    e.flags = static_cast<uint16_t>(load_le(bytes_, p + 8, 2));
    e.method = static_cast<uint16_t>(load_le(bytes_, p + 10, 2));
    e.crc32 = static_cast<uint32_t>(load_le(bytes_, p + 16, 4));
    e.compressed_size = load_le(bytes_, p + 20, 4);
    e.uncompressed_size = load_le(bytes_, p + 24, 4);
    uint64_t name_length = load_le(bytes_, p + 28, 2), extra_length = load_le(bytes_, p + 30, 2),
             comment_length = load_le(bytes_, p + 32, 2);
    e.local_header_offset = load_le(bytes_, p + 42, 4);
    if (end - p - 46 < name_length + extra_length + comment_length) throw Error(where + ": truncated");
    e.name = bytes_.substr(p + 46, name_length);
    // ZIP64 extended information (header id 1) holds, in this order, only the fields
    // whose 32-bit values are saturated.
    for (uint64_t x = p + 46 + name_length, x_end = x + extra_length; x_end - x >= 4;) {
      uint64_t id = load_le(bytes_, x, 2), length = load_le(bytes_, x + 2, 2);
      if (x_end - x - 4 < length) throw Error(where + " ('" + e.name + "'): truncated extra field");
      if (id == 1) {
        uint64_t q = x + 4, q_end = q + length;
        for (uint64_t* field : {&e.uncompressed_size, &e.compressed_size, &e.local_header_offset}) {
          if (*field != 0xFFFFFFFF) continue;
          if (q_end - q < 8) throw Error(where + " ('" + e.name + "'): truncated ZIP64 extra field");
          *field = load_le(bytes_, q, 8);
          q += 8;
        }
      }
      x += 4 + length;
    }
    entries_.push_back(std::move(e));
    p += 46 + name_length + extra_length + comment_length;
  }
}

std::string ZipArchive::extract(const ZipEntry& e) const {
  std::string where = source_ + ": entry '" + e.name + "'";
  if (e.flags & 1) throw Error(where + " is encrypted; encrypted archives are not supported");
  const uint64_t size = bytes_.size();
  uint64_t p = e.local_header_offset;
  if (p > size || size - p < 30 || load_le(bytes_, p, 4) != kLocalHeader)
    throw Error(where + ": local header is missing or corrupt (truncated archive?)");
  // The local extra field may differ from the central one (NumPy writes ZIP64 extras
  // only locally), so the data offset must come from the local header itself.
  uint64_t data = p + 30 + load_le(bytes_, p + 26, 2) + load_le(bytes_, p + 28, 2);
  if (data > size || size - data < e.compressed_size) throw Error(where + ": data extends past the end of the file (truncated archive?)");
  std::string out;
  if (e.method == 0) {
    if (e.compressed_size != e.uncompressed_size) throw Error(where + ": stored entry has different compressed and uncompressed sizes");
    out = bytes_.substr(data, e.compressed_size);
  } else if (e.method == 8) {
    // Deflate expands at most ~1032:1; a larger claim is a corrupt (or hostile) header.
    if (e.uncompressed_size > e.compressed_size * 1032 + 1024)
      throw Error(where + ": uncompressed size " + std::to_string(e.uncompressed_size) + " is impossible for " +
                  std::to_string(e.compressed_size) + " compressed bytes");
    out.resize(e.uncompressed_size);
    std::string error;
    if (!inflate_raw(bytes_.data() + data, e.compressed_size, out.data(), e.uncompressed_size, error))
      throw Error(where + ": " + error);
  } else {
    throw Error(where + ": compression method " + std::to_string(e.method) + " is not supported (only stored and deflate)");
  }
  uLong crc = crc32(0L, Z_NULL, 0);
  for (uint64_t done = 0; done < out.size();) {
    uInt chunk = static_cast<uInt>(std::min<uint64_t>(out.size() - done, UINT_MAX));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data() + done), chunk);
    done += chunk;
  }
  if (crc != e.crc32) throw Error(where + ": CRC-32 mismatch (archive is corrupt)");
  return out;
}

}  // namespace qtune::data
