#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "data/coco.h"
#include "data/dummy.h"
#include "data/image_folder.h"
#include "data/npy.h"
#include "data/npy_folder.h"
#include "data/text_lines.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

Tensor solid(int64_t h, int64_t w, uint8_t value) {
  Tensor t(DataType::UInt8, {h, w, 3});
  std::fill_n(t.data<uint8_t>(), t.numel(), value);
  return t;
}

void make_dirs(const std::string& path) { std::filesystem::create_directories(path); }

TEST(DataImageFolder, ClassFoldersAreSortedAndIndexed) {
  TempDir dir;
  make_dirs(dir / "val/b_dog/nested");
  make_dirs(dir / "val/a_cat");
  make_dirs(dir / "val/c_empty");
  make_dirs(dir / "val/d_fox");
  write_png(testing::mk(dir / "val/b_dog/2.png"), solid(2, 3, 20));
  write_png(testing::mk(dir / "val/b_dog/nested/1.PNG"), solid(2, 3, 21));
  write_jpeg(testing::mk(dir / "val/a_cat/x.JPEG"), solid(8, 8, 200));
  write_png(testing::mk(dir / "val/d_fox/f.png"), solid(5, 4, 40));
  write_bytes(dir / "val/a_cat/readme.txt", "not an image");
  ImageFolderDataset ds({dir / "val", "", ColorMode::RGB, std::nullopt});
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"a_cat", "b_dog", "c_empty", "d_fox"}));
  // Sorted by class, then path: a_cat/x.JPEG, b_dog/2.png, b_dog/nested/1.PNG, d_fox/f.png;
  // the empty class keeps index 2, so d_fox is 3 (as torchvision/Keras number them).
  EXPECT_EQ(ds.get(0).label.class_id, 0);
  EXPECT_EQ(ds.get(1).label.class_id, 1);
  EXPECT_EQ(ds.get(1).inputs[0].data<uint8_t>()[0], 20);
  EXPECT_EQ(ds.get(2).inputs[0].data<uint8_t>()[0], 21);
  Sample fox = ds.get(3);
  EXPECT_EQ(fox.label.class_id, 3);
  EXPECT_EQ(fox.label.image_width, 4);
  EXPECT_EQ(fox.label.source, dir / "val/d_fox/f.png");
  EXPECT_EQ(ds.describe(), "image_folder " + (dir / "val") + " (4 images, 4 classes, RGB)");
  EXPECT_EQ(ImageFolderDataset({dir / "val", "", ColorMode::Gray, std::nullopt}).get(0).inputs[0].dim(2), 1);
}

TEST(DataImageFolder, ListFileAndUnlabeledFolder) {
  TempDir dir;
  write_png(testing::mk(dir / "imgs/a b.png"), solid(2, 2, 1));  // a space in the name: the label is the last field
  write_png(testing::mk(dir / "imgs/c.png"), solid(2, 2, 2));
  write_bytes(dir / "val.txt", "a b.png 7\r\n\nc.png\t0\n");
  ImageFolderDataset listed({dir / "imgs", dir / "val.txt", ColorMode::RGB, 10});
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed.get(0).label.class_id, 7);
  EXPECT_EQ(listed.get(1).label.class_id, 0);
  ImageFolderDataset flat({dir / "imgs", "", ColorMode::RGB, std::nullopt});
  EXPECT_EQ(flat.size(), 2u);
  EXPECT_FALSE(flat.get(0).label.class_id.has_value());

  write_bytes(dir / "range.txt", "a b.png 7\nc.png 10\n");
  expect_error([&] { ImageFolderDataset({dir / "imgs", dir / "range.txt", ColorMode::RGB, 10}); },
               {dir / "range.txt" + ":2", "label 10 is out of range [0, 10)"});
  write_bytes(dir / "neg.txt", "c.png -1\n");
  expect_error([&] { ImageFolderDataset({dir / "imgs", dir / "neg.txt", ColorMode::RGB, std::nullopt}); },
               {dir / "neg.txt" + ":1", "label -1 is out of range"});
  write_bytes(dir / "text.txt", "c.png seven\n");
  expect_error([&] { ImageFolderDataset({dir / "imgs", dir / "text.txt", ColorMode::RGB, std::nullopt}); },
               {dir / "text.txt" + ":1", "label 'seven' is not an integer"});
  write_bytes(dir / "gone.txt", "c.png 1\nmissing.png 2\n");
  expect_error([&] { ImageFolderDataset({dir / "imgs", dir / "gone.txt", ColorMode::RGB, std::nullopt}); },
               {dir / "gone.txt" + ":2", "missing.png", "does not exist"});
  write_bytes(dir / "imgs/broken.png", "\x89PNG\r\n\x1a\nbroken");
  ImageFolderDataset with_broken({dir / "imgs", "", ColorMode::RGB, std::nullopt});
  expect_error([&] { with_broken.get(1); }, {dir / "imgs/broken.png", "corrupt PNG"});
}

TEST(DataCoco, AnnotationsBecomeObjectBoxesPerImage) {
  TempDir dir;
  write_png(testing::mk(dir / "img/000000000139.png"), solid(4, 6, 9));
  write_png(testing::mk(dir / "img/000000000285.png"), solid(3, 3, 9));
  write_bytes(dir / "instances_val.json", R"({
    "images": [{"id": 139, "file_name": "000000000139.png", "width": 6, "height": 4},
               {"id": 285, "file_name": "000000000285.png", "width": 3, "height": 3}],
    "annotations": [
      {"id": 1, "image_id": 139, "bbox": [1.5, 0.5, 2, 3], "category_id": 18, "iscrowd": 0, "area": 5.5},
      {"id": 2, "image_id": 285, "bbox": [0, 0, 3, 3], "category_id": 1, "iscrowd": 1, "area": 9},
      {"id": 3, "image_id": 139, "bbox": [0, 0, 1, 1], "category_id": 1, "iscrowd": 0, "area": 1}],
    "categories": [{"id": 1, "name": "person"}, {"id": 18, "name": "dog"}]})");
  CocoDataset ds({dir / "instances_val.json", dir / "img", ColorMode::RGB, false});
  ASSERT_EQ(ds.size(), 2u);
  Sample s = ds.get(0);
  EXPECT_EQ(s.label.image_id, 139);
  ASSERT_EQ(s.label.objects.size(), 2u);
  EXPECT_EQ(s.label.objects[0].x, 1.5);
  EXPECT_EQ(s.label.objects[0].height, 3);
  EXPECT_EQ(s.label.objects[0].category_id, 18);
  EXPECT_EQ(s.label.objects[0].area, 5.5);
  EXPECT_TRUE(ds.get(1).label.objects[0].is_crowd);
  EXPECT_EQ(ds.categories().at(18), "dog");
  EXPECT_EQ(ds.describe(), "coco " + (dir / "instances_val.json") + " (2 images, 3 annotations, 2 categories)");
}

TEST(DataCoco, MissingFieldsAndMismatchesAreNamed) {
  TempDir dir;
  make_dirs(dir / "img");
  write_png(testing::mk(dir / "img/a.png"), solid(4, 6, 9));
  const std::string head = R"({"images": [{"id": 1, "file_name": "a.png", "width": 6, "height": 4}], "categories": [{"id": 1, "name": "x"}], )";
  write_bytes(dir / "no_area.json", head + R"("annotations": [
      {"image_id": 1, "bbox": [0, 0, 1, 1], "category_id": 1, "iscrowd": 0, "area": 1},
      {"image_id": 1, "bbox": [0, 0, 1, 1], "category_id": 1, "iscrowd": 0}]})");
  expect_error([&] { CocoDataset({dir / "no_area.json", dir / "img", ColorMode::RGB, false}); },
               {dir / "no_area.json", "annotations[1]", "missing field 'area'"});
  write_bytes(dir / "bad_cat.json", head + R"("annotations": [{"image_id": 1, "bbox": [0, 0, 1, 1], "category_id": 7, "iscrowd": 0, "area": 1}]})");
  expect_error([&] { CocoDataset({dir / "bad_cat.json", dir / "img", ColorMode::RGB, false}); },
               {dir / "bad_cat.json", "annotations[0]", "category_id 7"});
  write_bytes(dir / "bbox.json", head + R"("annotations": [{"image_id": 1, "bbox": [0, 0, 1], "category_id": 1, "iscrowd": 0, "area": 1}]})");
  expect_error([&] { CocoDataset({dir / "bbox.json", dir / "img", ColorMode::RGB, false}); },
               {dir / "bbox.json", "annotations[0]", "'bbox' must be [x, y, width, height]"});
  write_bytes(dir / "size.json", R"({"images": [{"id": 1, "file_name": "a.png", "width": 60, "height": 4}], "categories": [], "annotations": []})");
  CocoDataset wrong_size({dir / "size.json", dir / "img", ColorMode::RGB, false});
  expect_error([&] { wrong_size.get(0); }, {dir / "img/a.png", "image is 6x4", "says 60x4"});
  write_bytes(dir / "broken.json", "{\"images\": [");
  expect_error([&] { CocoDataset({dir / "broken.json", dir / "img", ColorMode::RGB, false}); }, {dir / "broken.json", "not valid JSON"});
}

TEST(DataTextLines, ReadsPaddleStyleLabels) {
  TempDir dir;
  write_png(testing::mk(dir / "images/1.png"), solid(48, 100, 240));
  write_png(testing::mk(dir / "images/2.png"), solid(48, 60, 240));
  write_bytes(dir / "labels.txt", "images/1.png\tHello world\nimages/2.png\t识别\n");
  TextLinesDataset ds({dir.path(), "", ColorMode::RGB});
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds.get(0).label.text, "Hello world");  // spaces stay part of the text
  EXPECT_EQ(ds.get(1).label.text, "识别");
  EXPECT_EQ(ds.get(1).inputs[0].describe(), "uint8[48,60,3]");
  write_bytes(dir / "spaces.txt", "images/1.png\tok\nimages/2.png text\n");
  expect_error([&] { TextLinesDataset({dir.path(), dir / "spaces.txt", ColorMode::RGB}); },
               {dir / "spaces.txt" + ":2", "relative/path<TAB>text"});
}

TEST(DataNpyFolder, OneInputPerFileOrPairedInputFolders) {
  TempDir dir;
  for (int i = 0; i < 3; ++i) write_npy(testing::mk(dir / ("single/s" + std::to_string(i) + ".npy")), Tensor::from_vector<float>({1, 2}, {float(i), 0}));
  NpyFolderDataset single({dir / "single", {}, "", BatchDim::Auto});
  ASSERT_EQ(single.size(), 3u);
  EXPECT_EQ(single.get(2).inputs[0].data<float>()[0], 2.0f);
  EXPECT_TRUE(single.inputs_have_batch_dim());  // [1,2]: leading 1 and rank >= 2
  EXPECT_TRUE(single.input_names().empty());

  for (int i = 0; i < 2; ++i) {
    write_npy(testing::mk(dir / ("multi/input_ids/" + std::to_string(i) + ".npy")), Tensor::from_vector<int64_t>({4}, {i, 1, 2, 3}));
    write_npy(testing::mk(dir / ("multi/attention_mask/" + std::to_string(i) + ".npy")), Tensor::from_vector<int64_t>({4}, {1, 1, 1, i}));
  }
  write_bytes(dir / "labels.txt", "3\n5\n");
  NpyFolderDataset multi({dir / "multi", {"input_ids", "attention_mask"}, dir / "labels.txt", BatchDim::Auto});
  EXPECT_EQ(multi.input_names(), (std::vector<std::string>{"input_ids", "attention_mask"}));
  Sample s = multi.get(1);
  EXPECT_EQ(s.inputs[0].data<int64_t>()[0], 1);
  EXPECT_EQ(s.inputs[1].data<int64_t>()[3], 1);
  EXPECT_EQ(s.label.class_id, 5);
  EXPECT_FALSE(multi.inputs_have_batch_dim());

  write_npy(testing::mk(dir / "multi/attention_mask/2.npy"), Tensor::from_vector<int64_t>({4}, {0, 0, 0, 0}));
  expect_error([&] { NpyFolderDataset({dir / "multi", {}, "", BatchDim::Auto}); },
               {dir / "multi/attention_mask has 3", dir / "multi/input_ids has 2"});
  write_bytes(dir / "short_labels.txt", "1\n");
  expect_error([&] { NpyFolderDataset({dir / "single", {}, dir / "short_labels.txt", BatchDim::Auto}); },
               {dir / "short_labels.txt", "1 labels", "3 samples"});
}

TEST(DataDummy, DeterministicPerSampleAndWithinRange) {
  DummyDataset ds({{{"x", {2, 3}, DataType::Float32}, {"", {5}, DataType::Int32}}, 4, -1.0, 1.0, 42});
  Sample a = ds.get(3), b = ds.get(3), c = ds.get(2);
  EXPECT_EQ(std::memcmp(a.inputs[0].raw(), b.inputs[0].raw(), a.inputs[0].byte_size()), 0);
  EXPECT_NE(std::memcmp(a.inputs[0].raw(), c.inputs[0].raw(), a.inputs[0].byte_size()), 0);
  for (float v : a.inputs[0].values<float>()) EXPECT_TRUE(v >= -1.0f && v < 1.0f);
  for (int32_t v : a.inputs[1].values<int32_t>()) EXPECT_TRUE(v >= -1 && v <= 1);
  EXPECT_TRUE(ds.input_names().empty());  // one unnamed input: positional
  expect_error([] { DummyDataset({{{"", {2}, DataType::Float32}}, 1, 1.0, 1.0, 0}); }, {"low", "must be less than high"});
}

}  // namespace
}  // namespace qtune::data
