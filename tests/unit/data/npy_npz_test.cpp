#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

#include "data/npy.h"
#include "data/npz.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

std::string le(uint64_t v, int width) {
  std::string s;
  for (int i = 0; i < width; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A .npy file as the NumPy format spec describes it: magic, version, header length
// (2 bytes for 1.0, 4 for 2.0/3.0), the dict padded with spaces and a final '\n'.
std::string npy_bytes(int major, const std::string& dict, const std::string& data) {
  size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0' + le(header.size(), major == 1 ? 2 : 4) + header + data;
}

template <class T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

TEST(DataNpy, ParsesVersion1Float32InCOrder) {
  std::string file = npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                               raw<float>({0.5f, 1.5f, -2.0f, 3.25f, 4.0f, 1e-3f}));
  Tensor t = parse_npy(file, "a.npy");
  EXPECT_EQ(t.describe(), "float32[2,3]");
  EXPECT_EQ(t.data<float>()[1], 1.5f);
  EXPECT_EQ(t.data<float>()[3], 3.25f);  // row 1, column 0 in C order
}

TEST(DataNpy, ParsesVersion2And3HeadersAndKeyOrderDoesNotMatter) {
  Tensor v2 = parse_npy(npy_bytes(2, "{'shape': (4,), 'fortran_order': False, 'descr': '<i8'}", raw<int64_t>({-1, 2, 1LL << 40, 7})), "b.npy");
  EXPECT_EQ(v2.describe(), "int64[4]");
  EXPECT_EQ(v2.data<int64_t>()[2], 1LL << 40);
  Tensor v3 = parse_npy(npy_bytes(3, "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": ()}", std::string(1, '\xC8')), "c.npy");
  EXPECT_EQ(v3.describe(), "uint8[]");
  EXPECT_EQ(v3.data<uint8_t>()[0], 200);
}

TEST(DataNpy, WriterMatchesNumPyHeaderLayoutAndRoundTripsEveryDtype) {
  Tensor t = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  std::string bytes = encode_npy(t);
  // The exact dict numpy.save writes, data 64-byte aligned.
  EXPECT_NE(bytes.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), std::string::npos);
  EXPECT_EQ((bytes.size() - 24) % 64, 0u);
  EXPECT_NE(encode_npy(Tensor::from_vector<int16_t>({3}, {1, 2, 3})).find("'shape': (3,), }"), std::string::npos);

  TempDir dir;
  auto round_trip = [&](const Tensor& original) {
    write_npy(testing::mk(dir / "t.npy"), original);
    Tensor back = read_npy(dir / "t.npy");
    EXPECT_EQ(back.describe(), original.describe());
    EXPECT_EQ(std::memcmp(back.raw(), original.raw(), original.byte_size()), 0) << original.describe();
  };
  round_trip(t);
  round_trip(Tensor::from_vector<double>({1, 2}, {1e300, -0.0}));
  round_trip(Tensor::from_vector<int8_t>({2}, {-128, 127}));
  round_trip(Tensor::from_vector<uint8_t>({2}, {0, 255}));
  round_trip(Tensor::from_vector<int16_t>({1}, {-300}));
  round_trip(Tensor::from_vector<uint16_t>({1}, {60000}));
  round_trip(Tensor::from_vector<int32_t>({1}, {-70000}));
  round_trip(Tensor::from_vector<uint32_t>({1}, {4000000000u}));
  round_trip(Tensor::from_vector<int64_t>({0, 3}, {}));
  round_trip(Tensor::from_vector<uint64_t>({1}, {~0ull}));
  round_trip(Tensor::from_vector<bool>({3}, {true, false, true}));
  Tensor half(DataType::Float16, {2});
  const uint16_t bits[2] = {0x3C00, 0x7BFF};  // 1.0 and the largest half, 65504
  std::memcpy(half.raw(), bits, 4);
  round_trip(half);
}

TEST(DataNpy, RejectsFortranOrderBigEndianTruncationAndUnknownTypes) {
  TempDir dir;
  write_bytes(dir / "f.npy", npy_bytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", std::string(16, '\0')));
  expect_error([&] { read_npy(dir / "f.npy"); }, {dir / "f.npy", "Fortran-order", "np.ascontiguousarray"});
  write_bytes(dir / "be.npy", npy_bytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')));
  expect_error([&] { read_npy(dir / "be.npy"); }, {dir / "be.npy", "big-endian dtype '>f4'"});
  write_bytes(dir / "short.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", std::string(16, '\0')));
  expect_error([&] { read_npy(dir / "short.npy"); }, {dir / "short.npy", "16 bytes, expected 24", "truncated"});
  write_bytes(dir / "c.npy", npy_bytes(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')));
  expect_error([&] { read_npy(dir / "c.npy"); }, {dir / "c.npy", "unsupported .npy dtype '<c8'", "f4 f8 f2"});
  write_bytes(dir / "s.npy", npy_bytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", ""));
  expect_error([&] { read_npy(dir / "s.npy"); }, {dir / "s.npy", "structured dtypes"});
  write_bytes(dir / "bad.npy", "PK\x03\x04 not numpy");
  expect_error([&] { read_npy(dir / "bad.npy"); }, {dir / "bad.npy", "not a .npy file"});
}

TEST(DataNpy, Float16IsReadAsIs) {
  // 0x3C00 = 1.0, 0xC000 = -2.0 in IEEE half precision.
  Tensor t = parse_npy(npy_bytes(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", raw<uint16_t>({0x3C00, 0xC000})), "h.npy");
  EXPECT_EQ(t.dtype(), DataType::Float16);
  EXPECT_EQ(t.value_as_double(0), 1.0);
  EXPECT_EQ(t.value_as_double(1), -2.0);
}

// --- .npz: real ZIP archives built here with zlib, in the layout numpy.savez uses.

std::string deflate_raw(const std::string& data) {
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, data.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

struct ZipItem {
  std::string name, data;
  bool deflate;
  bool zip64_local;  // numpy.savez writes sizes 0xFFFFFFFF + a ZIP64 extra in local headers only
};

std::string build_zip(const std::vector<ZipItem>& items) {
  std::string zip, central;
  for (const auto& item : items) {
    std::string stored = item.deflate ? deflate_raw(item.data) : item.data;
    uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(item.data.data()), static_cast<uInt>(item.data.size())));
    uint16_t method = item.deflate ? 8 : 0;
    std::string extra = item.zip64_local ? le(1, 2) + le(16, 2) + le(item.data.size(), 8) + le(stored.size(), 8) : "";
    uint64_t offset = zip.size();
    zip += le(0x04034b50, 4) + le(45, 2) + le(0, 2) + le(method, 2) + le(0, 2) + le(0x21, 2) + le(crc, 4) +
           le(item.zip64_local ? 0xFFFFFFFF : stored.size(), 4) + le(item.zip64_local ? 0xFFFFFFFF : item.data.size(), 4) +
           le(item.name.size(), 2) + le(extra.size(), 2) + item.name + extra + stored;
    central += le(0x02014b50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(method, 2) + le(0, 2) + le(0x21, 2) + le(crc, 4) +
               le(stored.size(), 4) + le(item.data.size(), 4) + le(item.name.size(), 2) + le(0, 2) + le(0, 2) + le(0, 2) +
               le(0, 2) + le(0, 4) + le(offset, 4) + item.name;
  }
  uint64_t cd_offset = zip.size();
  zip += central;
  zip += le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(items.size(), 2) + le(items.size(), 2) + le(central.size(), 4) +
         le(cd_offset, 4) + le(0, 2);
  return zip;
}

TEST(DataNpz, ReadsStoredAndDeflatedEntriesInArchiveOrder) {
  TempDir dir;
  std::string a = encode_npy(Tensor::from_vector<float>({2}, {1.5f, -3.0f}));
  Tensor big(DataType::Int32, {1000});
  for (int i = 0; i < 1000; ++i) big.data<int32_t>()[i] = i % 17;  // compressible
  std::string b = encode_npy(big);
  write_bytes(dir / "x.npz", build_zip({{"input_ids.npy", b, true, true}, {"scale.npy", a, false, false}}));
  auto arrays = read_npz(dir / "x.npz");
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays[0].name, "input_ids");
  EXPECT_EQ(arrays[0].tensor.describe(), "int32[1000]");
  EXPECT_EQ(arrays[0].tensor.data<int32_t>()[999], 999 % 17);
  EXPECT_EQ(arrays[1].name, "scale");
  EXPECT_EQ(arrays[1].tensor.data<float>()[1], -3.0f);
}

TEST(DataNpz, CorruptArchivesAreErrorsNamingFileAndEntry) {
  TempDir dir;
  Tensor big(DataType::Int32, {1000});
  std::string zip = build_zip({{"w.npy", encode_npy(big), true, false}});
  zip[30 + 5 + deflate_raw(encode_npy(big)).size() / 2] ^= 0x20;  // middle of the entry's deflate stream
  write_bytes(dir / "bad.npz", zip);
  expect_error([&] { read_npz(dir / "bad.npz"); }, {dir / "bad.npz", "entry 'w.npy'"});
  write_bytes(dir / "txt.npz", build_zip({{"notes.txt", "hello", false, false}}));
  expect_error([&] { read_npz(dir / "txt.npz"); }, {dir / "txt.npz", "'notes.txt' is not a .npy array"});
  write_bytes(dir / "plain.npz", "this is not a zip file at all, just some text");
  expect_error([&] { read_npz(dir / "plain.npz"); }, {dir / "plain.npz", "not a ZIP archive"});
  std::string good = build_zip({{"a.npy", encode_npy(big), false, false}});
  write_bytes(dir / "cut.npz", good.substr(0, 100) + good.substr(good.size() - 120));  // data cut out
  expect_error([&] { read_npz(dir / "cut.npz"); }, {dir / "cut.npz"});
}

}  // namespace
}  // namespace qtune::data
