#include "data/npy.h"

#include <cctype>
#include <cstring>
#include <optional>

#include "util/atomic_file.h"

namespace qtune::data {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct Descr {
  const char* code;  // NumPy type code without the byte-order character
  DataType type;
};
constexpr Descr kDescrs[] = {
    {"f4", DataType::Float32}, {"f8", DataType::Float64}, {"f2", DataType::Float16}, {"i1", DataType::Int8},
    {"u1", DataType::UInt8},   {"i2", DataType::Int16},   {"u2", DataType::UInt16},  {"i4", DataType::Int32},
    {"u4", DataType::UInt32},  {"i8", DataType::Int64},   {"u8", DataType::UInt64},  {"b1", DataType::Bool},
};

// A tiny reader for the Python dict literal in the header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  std::string descr, order;
  std::optional<bool> fortran_order;
  std::optional<std::vector<int64_t>> shape;

  void parse() {
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        skip_space();
        if (peek() == '[') fail("structured dtypes (a list in 'descr') are not supported; save a plain numeric array");
        descr = parse_string();
      } else if (key == "fortran_order") {
        fortran_order = parse_bool();
      } else if (key == "shape") {
        shape = parse_tuple();
      } else {
        fail("unexpected key '" + key + "' in the header");
      }
      skip_space();
      if (peek() == ',') ++pos_;
    }
    if (descr.empty()) fail("header has no 'descr'");
    if (!fortran_order) fail("header has no 'fortran_order'");
    if (!shape) fail("header has no 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(source_ + ": invalid .npy header: " + what); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "' at offset " + std::to_string(pos_));
    ++pos_;
  }
  std::string parse_string() {
    skip_space();
    char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string at offset " + std::to_string(pos_));
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool parse_bool() {
    skip_space();
    if (text_.substr(pos_, 4) == "True") return pos_ += 4, true;
    if (text_.substr(pos_, 5) == "False") return pos_ += 5, false;
    fail("expected True or False for 'fortran_order'");
  }
  std::vector<int64_t> parse_tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a dimension in 'shape'");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > (int64_t{1} << 50)) fail("dimension too large in 'shape'");
        v = v * 10 + (text_[pos_++] - '0');
      }
      dims.push_back(v);
      skip_space();
      if (peek() == ',') ++pos_;
    }
    ++pos_;
    return dims;
  }

  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
};

DataType dtype_from_descr(const std::string& descr, const std::string& source) {
  if (descr.size() == 3) {
    char order = descr[0];
    std::string code = descr.substr(1);
    if (order == '>' && code != "i1" && code != "u1" && code != "b1")
      throw Error(source + ": big-endian dtype '" + descr +
                  "' is not supported; re-save with arr.astype(arr.dtype.newbyteorder('<'))");
    if (order == '<' || order == '|' || order == '=' || order == '>')
      for (const auto& d : kDescrs)
        if (code == d.code) return d.type;
  }
  throw Error(source + ": unsupported .npy dtype '" + descr +
              "'; supported: f4 f8 f2 i1 u1 i2 u2 i4 u4 i8 u8 b1 (little-endian)");
}

const char* descr_for(DataType type, const std::string& what) {
  switch (type) {
    case DataType::Float32: return "<f4";
    case DataType::Float64: return "<f8";
    case DataType::Float16: return "<f2";
    case DataType::Int8: return "|i1";
    case DataType::UInt8: return "|u1";
    case DataType::Int16: return "<i2";
    case DataType::UInt16: return "<u2";
    case DataType::Int32: return "<i4";
    case DataType::UInt32: return "<u4";
    case DataType::Int64: return "<i8";
    case DataType::UInt64: return "<u8";
    case DataType::Bool: return "|b1";
    default: throw Error(what + ": cannot save a " + std::string(dtype_name(type)) + " tensor as .npy (no NumPy dtype)");
  }
}

uint32_t read_le(std::string_view bytes, size_t offset, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return v;
}

}  // namespace

Tensor parse_npy(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    throw Error(source + ": not a .npy file (missing the \\x93NUMPY magic)");
  int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3)
    throw Error(source + ": unsupported .npy format version " + std::to_string(major) + "." +
                std::to_string(static_cast<unsigned char>(bytes[7])) + " (expected 1.0, 2.0 or 3.0)");
  size_t length_width = major == 1 ? 2 : 4;
  size_t header_start = 8 + length_width;
  if (bytes.size() < header_start) throw Error(source + ": .npy file is truncated inside the header");
  size_t header_length = read_le(bytes, 8, length_width);
  if (bytes.size() - header_start < header_length)
    throw Error(source + ": .npy file is truncated: header says " + std::to_string(header_length) +
                " header bytes, file has " + std::to_string(bytes.size() - header_start));
  HeaderParser header(bytes.substr(header_start, header_length), source);
  header.parse();
  DataType type = dtype_from_descr(header.descr, source);
  if (*header.fortran_order)
    throw Error(source + ": Fortran-order (column-major) arrays are not supported; re-save with np.ascontiguousarray(arr)");

  // Check the size against the file before allocating: a corrupt shape must not allocate.
  int64_t numel = 0;
  try {
    numel = shape_numel(*header.shape);
  } catch (const Error& e) {
    rethrow_with_context(source, e);
  }
  if (numel > (int64_t{1} << 56)) throw Error(source + ": .npy shape [" + format_dims(*header.shape) + "] is too large");
  size_t expected = static_cast<size_t>(numel) * dtype_size(type);
  size_t data_offset = header_start + header_length;
  size_t available = bytes.size() - data_offset;
  if (available != expected)
    throw Error(source + ": .npy data is " + std::to_string(available) + " bytes, expected " + std::to_string(expected) +
                " for " + std::string(dtype_name(type)) + "[" + format_dims(*header.shape) + "]" +
                (available < expected ? " (file truncated)" : " (trailing bytes)"));
  Tensor tensor(type, *header.shape);
  if (tensor.byte_size() > 0) std::memcpy(tensor.raw(), bytes.data() + data_offset, tensor.byte_size());
  return tensor;
}

Tensor read_npy(const std::string& path) { return parse_npy(read_file_bytes(path), path); }

std::string encode_npy(const Tensor& tensor, const std::string& what) {
  // Python tuple syntax: "()", "(3,)", "(3, 4)".
  std::string shape;
  for (size_t i = 0; i < tensor.dims().size(); ++i) shape += (i ? ", " : "") + std::to_string(tensor.dims()[i]);
  if (tensor.rank() == 1) shape += ',';
  std::string header = std::string("{'descr': '") + descr_for(tensor.dtype(), what) +
                       "', 'fortran_order': False, 'shape': (" + shape + "), }";
  int major = header.size() + 11 <= 65535 ? 1 : 2;
  size_t prefix = major == 1 ? 10 : 12;
  size_t padded = (prefix + header.size() + 1 + 63) / 64 * 64;  // + 1 for the closing '\n'
  header.append(padded - prefix - header.size() - 1, ' ');
  header += '\n';
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out.append(static_cast<const char*>(tensor.raw()), tensor.byte_size());
  return out;
}

void write_npy(const std::string& path, const Tensor& tensor) { write_file_atomic(path, encode_npy(tensor, path)); }

}  // namespace qtune::data
