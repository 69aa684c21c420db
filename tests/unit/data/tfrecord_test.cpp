#include <gtest/gtest.h>

#include "data/crc32c.h"
#include "data/image_decode.h"
#include "data/tf_example.h"
#include "data/tfrecord.h"
#include "data/tfrecord_datasets.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

// Bit-at-a-time CRC-32C straight from the definition (reflected 0x82F63B78,
// init and final XOR 0xFFFFFFFF): an independent reference for the table version.
uint32_t crc32c_bitwise(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
  }
  return ~crc;
}

TEST(DataTFRecord, Crc32cMatchesPublishedVectorsAndBitwiseReference) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);            // the standard check value
  EXPECT_EQ(crc32c(std::string(32, '\0').data(), 32), 0x8A9136AAu);     // RFC 3720 B.4: 32 zero bytes
  EXPECT_EQ(crc32c(std::string(32, '\xFF').data(), 32), 0x62A8AB43u);   // 32 bytes of 0xFF
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending += static_cast<char>(i);
  EXPECT_EQ(crc32c(ascending.data(), 32), 0x46DD794Eu);                 // 0x00..0x1F
  std::string text;
  for (int n = 0; n < 200; ++n) {  // every length mod 8 and offset, so both the 8-byte and the tail loops run
    EXPECT_EQ(crc32c(text.data(), text.size()), crc32c_bitwise(text)) << n;
    EXPECT_EQ(crc32c_extend(crc32c(text.data(), n / 2), text.data() + n / 2, text.size() - n / 2), crc32c_bitwise(text));
    text += static_cast<char>(n * 37 + 11);
  }
  EXPECT_EQ(crc32c_mask(0), 0xa282ead8u);  // rotate(0) + constant
  EXPECT_EQ(crc32c_unmask(crc32c_mask(0x12345678u)), 0x12345678u);
}

std::string le(uint64_t v, int width) {
  std::string s;
  for (int i = 0; i < width; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// Frames a record by hand, per the TFRecord format, with the reference CRC.
std::string hand_framed(const std::string& data) {
  auto masked = [](uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; };
  std::string length = le(data.size(), 8);
  return length + le(masked(crc32c_bitwise(length)), 4) + data + le(masked(crc32c_bitwise(data)), 4);
}

TEST(DataTFRecord, IndexReadsHandFramedRecordsAcrossSortedShards) {
  TempDir dir;
  EXPECT_EQ(frame_tfrecord("abc"), hand_framed("abc"));
  write_bytes(dir / "val-00001-of-00002", hand_framed("third") + hand_framed(""));
  write_bytes(dir / "val-00000-of-00002", hand_framed("first") + hand_framed(std::string(100000, 'x')));
  write_bytes(dir / "other", hand_framed("not matched"));
  TFRecordIndex index(expand_file_pattern(dir / "val-*-of-*"));
  ASSERT_EQ(index.size(), 4u);
  EXPECT_EQ(index.read(0), "first");
  EXPECT_EQ(index.read(1).size(), 100000u);
  EXPECT_EQ(index.read(2), "third");
  EXPECT_EQ(index.read(3), "");
  EXPECT_EQ(index.where(3), (dir / "val-00001-of-00002") + ": record 1");
  expect_error([&] { expand_file_pattern(dir / "test-*"); }, {dir / "test-*", "no files match"});
}

TEST(DataTFRecord, CorruptAndTruncatedRecordsNameFileAndRecord) {
  TempDir dir;
  std::string file = hand_framed("alpha") + hand_framed("bravo") + hand_framed("charlie");
  std::string bad_data = file;
  bad_data[hand_framed("alpha").size() + 12 + 2] ^= 0x01;  // a byte inside record 1's data
  write_bytes(dir / "data.tfrecord", bad_data);
  TFRecordIndex index({dir / "data.tfrecord"});
  EXPECT_EQ(index.read(0), "alpha");
  expect_error([&] { index.read(1); }, {dir / "data.tfrecord", "record 1", "data CRC mismatch"});

  std::string bad_length = file;
  bad_length[hand_framed("alpha").size() + hand_framed("bravo").size() + 9] ^= 0x40;  // record 2's length CRC
  write_bytes(dir / "len.tfrecord", bad_length);
  expect_error([&] { TFRecordIndex({dir / "len.tfrecord"}); }, {dir / "len.tfrecord", "record 2", "length CRC mismatch"});

  write_bytes(dir / "cut.tfrecord", file.substr(0, file.size() - 6));
  expect_error([&] { TFRecordIndex({dir / "cut.tfrecord"}); }, {dir / "cut.tfrecord", "record 2", "truncated"});
  write_bytes(dir / "head.tfrecord", file + std::string(5, '\0'));
  expect_error([&] { TFRecordIndex({dir / "head.tfrecord"}); }, {dir / "head.tfrecord", "record 3", "only 5 bytes left"});
}

// tf.train.Example builders.
void set_bytes(qtune::tf::Example& e, const std::string& key, const std::string& value) {
  (*e.mutable_features()->mutable_feature())[key].mutable_bytes_list()->add_value(value);
}
void set_ints(qtune::tf::Example& e, const std::string& key, const std::vector<int64_t>& values) {
  auto* list = (*e.mutable_features()->mutable_feature())[key].mutable_int64_list();
  for (int64_t v : values) list->add_value(v);
}
void set_floats(qtune::tf::Example& e, const std::string& key, const std::vector<float>& values) {
  auto* list = (*e.mutable_features()->mutable_feature())[key].mutable_float_list();
  for (float v : values) list->add_value(v);
}

Tensor solid(int64_t h, int64_t w, uint8_t value) {
  Tensor t(DataType::UInt8, {h, w, 3});
  std::fill_n(t.data<uint8_t>(), t.numel(), value);
  return t;
}

TEST(DataTFRecord, ImageNetLayoutGivesImagesAndShiftedLabels) {
  TempDir dir;
  std::vector<std::string> shard0, shard1;
  for (int i = 0; i < 3; ++i) {
    qtune::tf::Example e;
    set_bytes(e, "image/encoded", i == 1 ? encode_jpeg(solid(8, 12, 100)) : encode_png(solid(4 + i, 6, static_cast<uint8_t>(i))));
    set_ints(e, "image/class/label", {i + 1});  // TF-slim: 1..1000
    (i < 2 ? shard0 : shard1).push_back(e.SerializeAsString());
  }
  write_tfrecord_file(dir / "validation-00000-of-00002", shard0);
  write_tfrecord_file(dir / "validation-00001-of-00002", shard1);
  TFRecordImageNetDataset ds({dir / "validation-*-of-00002", ColorMode::RGB, 1, 1000});
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds.get(0).label.class_id, 0);
  EXPECT_EQ(ds.get(0).inputs[0].describe(), "uint8[4,6,3]");
  Sample jpeg = ds.get(1);
  EXPECT_EQ(jpeg.inputs[0].describe(), "uint8[8,12,3]");
  EXPECT_NEAR(jpeg.inputs[0].data<uint8_t>()[0], 100, 2);
  EXPECT_EQ(ds.get(2).label.class_id, 2);
  EXPECT_EQ(ds.get(2).inputs[0].data<uint8_t>()[0], 2);
  EXPECT_NE(ds.describe().find("3 records in 2 files"), std::string::npos);

  TFRecordImageNetDataset narrow({dir / "validation-*", ColorMode::RGB, 1, 2});
  expect_error([&] { narrow.get(2); }, {dir / "validation-00001-of-00002", "record 0", "label 3 - label_shift 1", "out of range [0, 2)"});
  qtune::tf::Example missing;
  set_ints(missing, "image/class/label", {5});
  write_tfrecord_file(dir / "missing.tfrecord", {missing.SerializeAsString()});
  TFRecordImageNetDataset no_image({dir / "missing.tfrecord", ColorMode::RGB, 0, std::nullopt});
  expect_error([&] { no_image.get(0); }, {dir / "missing.tfrecord", "record 0", "feature 'image/encoded'", "missing"});
}

TEST(DataTFRecord, CocoLayoutGivesAbsoluteBoxes) {
  TempDir dir;
  qtune::tf::Example e;
  set_bytes(e, "image/encoded", encode_png(solid(100, 200, 50)));
  set_bytes(e, "image/source_id", "397133");
  // Normalized corners -> absolute [x, y, w, h] in a 200x100 image:
  //   (0.1, 0.2)-(0.5, 0.6) -> x 20, y 20, w 80, h 40
  //   (0.0, 0.0)-(1.0, 1.0) -> x 0, y 0, w 200, h 100
  set_floats(e, "image/object/bbox/xmin", {0.1f, 0.0f});
  set_floats(e, "image/object/bbox/ymin", {0.2f, 0.0f});
  set_floats(e, "image/object/bbox/xmax", {0.5f, 1.0f});
  set_floats(e, "image/object/bbox/ymax", {0.6f, 1.0f});
  set_ints(e, "image/object/class/label", {18, 1});
  set_ints(e, "image/object/is_crowd", {0, 1});
  qtune::tf::Example bad = e;
  (*bad.mutable_features()->mutable_feature())["image/object/bbox/ymax"].mutable_float_list()->add_value(0.9f);
  write_tfrecord_file(dir / "coco.tfrecord", {e.SerializeAsString(), bad.SerializeAsString()});
  TFRecordCocoDataset ds({dir / "coco.tfrecord", ColorMode::RGB});
  Sample s = ds.get(0);
  EXPECT_EQ(s.label.image_id, 397133);
  EXPECT_EQ(s.label.image_width, 200);
  EXPECT_EQ(s.label.image_height, 100);
  ASSERT_EQ(s.label.objects.size(), 2u);
  EXPECT_NEAR(s.label.objects[0].x, 20, 1e-4);
  EXPECT_NEAR(s.label.objects[0].y, 20, 1e-4);
  EXPECT_NEAR(s.label.objects[0].width, 80, 1e-4);
  EXPECT_NEAR(s.label.objects[0].height, 40, 1e-4);
  EXPECT_EQ(s.label.objects[0].category_id, 18);
  EXPECT_FALSE(s.label.objects[0].is_crowd);
  EXPECT_NEAR(s.label.objects[1].width, 200, 1e-4);
  EXPECT_TRUE(s.label.objects[1].is_crowd);
  expect_error([&] { ds.get(1); }, {dir / "coco.tfrecord", "record 1", "image/object/bbox/ymax", "3 values"});
}

TEST(DataTFRecord, ExampleReaderChecksFeatureKinds) {
  qtune::tf::Example e;
  set_floats(e, "x", {1.0f});
  ExampleReader reader(e.SerializeAsString(), "f: record 4");
  expect_error([&] { reader.int64("x"); }, {"f: record 4: feature 'x'", "expected an int64_list, got float_list"});
  expect_error([&] { ExampleReader("\xff\xff\xff", "g: record 0"); }, {"g: record 0", "not a valid tf.train.Example"});
}

}  // namespace
}  // namespace qtune::data
