#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <filesystem>

#include "data/idx.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(f);
}

// Inflates a whole .gz file (hand-written, independent of the library's reader).
std::string gunzip(const std::string& path) {
  std::string in = testing::read_bytes(path), out;
  z_stream s{};
  inflateInit2(&s, 16 + MAX_WBITS);
  s.next_in = reinterpret_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  char buffer[65536];
  int status = Z_OK;
  while (status == Z_OK) {
    s.next_out = reinterpret_cast<Bytef*>(buffer);
    s.avail_out = sizeof(buffer);
    status = inflate(&s, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - s.avail_out);
  }
  inflateEnd(&s);
  return out;
}

TEST(DataIdx, ReadsGzippedAndPlainFilesWithBigEndianHeaders) {
  TempDir dir;
  // 3 images of 2x2: pixel values 10*i + k; labels 7, 0, 9.
  std::string images = std::string("\0\0\x08\x03", 4) + be32(3) + be32(2) + be32(2);
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k) images += static_cast<char>(10 * i + k);
  write_gz(dir / "img.gz", images);
  write_bytes(dir / "lab", std::string("\0\0\x08\x01", 4) + be32(3) + std::string("\x07\x00\x09", 3));
  IdxDataset ds({dir / "img.gz", dir / "lab", false});
  ASSERT_EQ(ds.size(), 3u);
  Sample s = ds.get(1);
  EXPECT_EQ(s.inputs[0].describe(), "uint8[1,2,2]");
  EXPECT_EQ(s.inputs[0].data<uint8_t>()[3], 13);
  EXPECT_EQ(s.label.class_id, 0);
  EXPECT_EQ(ds.get(2).label.class_id, 9);
  IdxDataset hwc({dir / "img.gz", "", true});
  EXPECT_EQ(hwc.get(0).inputs[0].describe(), "uint8[2,2,1]");
  EXPECT_FALSE(hwc.get(0).label.class_id.has_value());

  // Multi-byte types are big-endian on disk: int16 0x0102 = 258, float 0x3FC00000 = 1.5.
  write_bytes(dir / "i16", std::string("\0\0\x0B\x01", 4) + be32(1) + std::string("\x01\x02", 2));
  EXPECT_EQ(read_idx(dir / "i16").data<int16_t>()[0], 258);
  write_bytes(dir / "f32", std::string("\0\0\x0D\x01", 4) + be32(1) + be32(0x3FC00000));
  EXPECT_EQ(read_idx(dir / "f32").data<float>()[0], 1.5f);
}

TEST(DataIdx, BadFilesAreErrorsNamingTheFiles) {
  TempDir dir;
  std::string images = std::string("\0\0\x08\x03", 4) + be32(3) + be32(2) + be32(2) + std::string(12, '\0');
  write_bytes(dir / "img", images);
  write_bytes(dir / "lab2", std::string("\0\0\x08\x01", 4) + be32(2) + std::string(2, '\0'));
  expect_error([&] { IdxDataset({dir / "img", dir / "lab2", false}); }, {dir / "lab2", "2 labels", dir / "img", "3 images"});
  write_bytes(dir / "short", images.substr(0, images.size() - 1));
  expect_error([&] { read_idx(dir / "short"); }, {dir / "short", "11 bytes", "needs 12"});
  write_bytes(dir / "type", std::string("\0\0\x07\x01", 4) + be32(1) + "x");
  expect_error([&] { read_idx(dir / "type"); }, {dir / "type", "unknown IDX data type code 0x07"});
  std::string gz_path = dir / "cut.gz";
  write_gz(gz_path, images);
  std::string gz = testing::read_bytes(gz_path);
  write_bytes(gz_path, gz.substr(0, gz.size() - 12));  // lose the end of the deflate stream and the trailer
  expect_error([&] { read_idx(gz_path); }, {gz_path});
}

// The real Fashion-MNIST test split from Debian's dataset-fashion-mnist package.
TEST(DataIdx, RealFashionMnistTestSplit) {
  const std::string root = "/usr/share/datasets/fashion-mnist/";
  if (!std::filesystem::exists(root + "t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  IdxDataset ds({root + "t10k-images-idx3-ubyte.gz", root + "t10k-labels-idx1-ubyte.gz", false});
  ASSERT_EQ(ds.size(), 10000u);
  // Hand-decoded: label file = magic 0x00000801, count, then one byte per label.
  std::string labels = gunzip(root + "t10k-labels-idx1-ubyte.gz");
  ASSERT_EQ(labels.substr(0, 4), std::string("\0\0\x08\x01", 4));
  ASSERT_EQ(labels.size(), 8u + 10000u);
  std::string images = gunzip(root + "t10k-images-idx3-ubyte.gz");
  ASSERT_EQ(images.size(), 16u + 10000u * 784u);
  Sample first = ds.get(0);
  EXPECT_EQ(first.label.class_id, static_cast<unsigned char>(labels[8]));
  EXPECT_EQ(labels[8], 9);  // the first test image is an ankle boot (class 9)
  EXPECT_EQ(first.inputs[0].describe(), "uint8[1,28,28]");
  for (int k = 0; k < 784; ++k) ASSERT_EQ(first.inputs[0].data<uint8_t>()[k], static_cast<unsigned char>(images[16 + k])) << k;
  std::array<int, 10> histogram{};
  for (size_t i = 0; i < ds.size(); ++i) {
    int64_t label = *ds.get(i).label.class_id;
    ASSERT_GE(label, 0);
    ASSERT_LE(label, 9);
    ++histogram[static_cast<size_t>(label)];
  }
  for (int count : histogram) EXPECT_EQ(count, 1000);  // the test split is balanced: 1000 per class
}

}  // namespace
}  // namespace qtune::data
