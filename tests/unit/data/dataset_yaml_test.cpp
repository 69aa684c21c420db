#include "data/dataset_yaml.h"

#include <gtest/gtest.h>

#include "data/image_decode.h"
#include "data/npy.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;

YAML::Node dataloader(const std::string& text) { return YAML::Load(text)["dataloader"]; }

TEST(DataYaml, ImageFolderWithTransformsAsTheBriefShowsIt) {
  TempDir dir;
  Tensor img(DataType::UInt8, {300, 400, 3});
  std::fill_n(img.data<uint8_t>(), img.numel(), 124);
  write_png(testing::mk(dir / "val/n01440764/a.png"), img);
  write_png(testing::mk(dir / "val/n01443537/b.png"), img);
  auto node = dataloader(R"(
dataloader:
  batch_size: 2
  dataset:
    ImageFolder: {root: val, color: RGB}
  transform:
    - Resize: {size: [224, 224], interpolation: bilinear}
    - Scale: {factor: 0.00392156862745098}
    - Normalize: {mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
    - Transpose: {perm: [2, 0, 1]}
)");
  auto ds = make_dataset(node, "evaluation.dataloader", dir.path());
  ASSERT_EQ(ds->size(), 2u);
  Sample s = ds->get(1);
  EXPECT_EQ(s.inputs[0].describe(), "float32[3,224,224]");
  EXPECT_EQ(s.label.class_id, 1);
  // Solid 124 everywhere: (124 / 255 - 0.485) / 0.229 = 0.0055655 on the red plane.
  EXPECT_NEAR(s.inputs[0].data<float>()[0], 0.0055655, 1e-5);
  EXPECT_NE(ds->describe().find("Resize(224x224, bilinear) -> Scale"), std::string::npos);
  DataLoaderOptions options = make_loader_options(node, "evaluation.dataloader");
  EXPECT_EQ(options.batch_size, 2u);
  DataLoader loader(std::shared_ptr<const Dataset>(std::move(ds)), options);
  EXPECT_EQ(loader.next()->inputs[0].describe(), "float32[2,3,224,224]");
}

TEST(DataYaml, TransformMapKeepsDocumentOrderAndDummyAcceptsSeveralShapes) {
  auto node = dataloader(R"(
dataloader:
  dataset:
    Dummy: {shape: [[4, 4, 3], [7]], dtype: [uint8, int64], names: [image, ids], count: 3, low: 0, high: 255, seed: 5}
  transform:
    Cast: {dtype: float32}
    Transpose: {perm: [2, 0, 1]}
)");
  auto ds = make_dataset(node, "calibration.dataloader");
  EXPECT_EQ(ds->size(), 3u);
  EXPECT_EQ(ds->input_names(), (std::vector<std::string>{"image", "ids"}));
  Sample s = ds->get(2);
  EXPECT_EQ(s.inputs[0].describe(), "float32[3,4,4]");  // Cast ran before Transpose
  EXPECT_EQ(s.inputs[1].describe(), "int64[7]");
}

TEST(DataYaml, ErrorsNameTheFullKeyPathAndSuggest) {
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {ImageFolder: {rooot: /x}}}"), "evaluation.dataloader"); },
               {"evaluation.dataloader.dataset.ImageFolder.rooot: unknown key", "did you mean 'root'?"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {ImageFolder: {root: /x, color: RGBA}}}"), "evaluation.dataloader"); },
               {"evaluation.dataloader.dataset.ImageFolder.color", "'RGBA' is not allowed", "gray, RGB, BGR"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {ImageFolder: {color: RGB}}}"), "evaluation.dataloader"); },
               {"evaluation.dataloader.dataset.ImageFolder.root: missing required key"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {ImageFolder: {root: /nonexistent/val}}}"), "evaluation.dataloader"); },
               {"evaluation.dataloader.dataset.ImageFolder.root: '/nonexistent/val' does not exist"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {ImagFolder: {root: /x}}}"), "e.dataloader"); },
               {"e.dataloader.dataset: unknown dataset type 'ImagFolder'", "did you mean 'ImageFolder'?"});
  expect_error([] { make_dataset(dataloader("dataloader: {batch_sise: 3, dataset: Dummy}"), "e.dataloader"); },
               {"e.dataloader.batch_sise: unknown key", "did you mean 'batch_size'?"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {Dummy: {shape: [2]}}, transform: [{Normalise: {mean: [0], std: [1]}}]}"), "e.dataloader"); },
               {"e.dataloader.transform[0]: unknown transform 'Normalise'", "did you mean 'Normalize'?"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {Dummy: {shape: [2]}}, transform: [{Resize: {size: 256}}]}"), "e.dataloader"); },
               {"e.dataloader.transform[0].Resize.size", "expected [height, width]", "shorter_side: N"});
  expect_error([] { make_dataset(dataloader("dataloader: {dataset: {Dummy: {shape: [2]}}, transform: [{Normalize: {mean: [0], std: [0]}}]}"), "e.dataloader"); },
               {"e.dataloader.transform[0].Normalize", "std[0] must be a non-zero number"});
  expect_error([] { make_loader_options(dataloader("dataloader: {last_batch: fill}"), "e.dataloader"); },
               {"e.dataloader.last_batch", "'fill' is not allowed", "keep, drop, pad"});
  expect_error([] { make_loader_options(dataloader("dataloader: {batch_size: 0}"), "e.dataloader"); },
               {"e.dataloader.batch_size: must be at least 1"});
}

TEST(DataYaml, NpyFolderAndTextLinesBuildFromConfig) {
  TempDir dir;
  write_npy(testing::mk(dir / "npy/0.npy"), Tensor::from_vector<float>({3}, {1, 2, 3}));
  auto ds = make_dataset(dataloader("dataloader: {dataset: {NpyFolder: {root: npy, batch_dim: false}}}"), "q", dir.path());
  EXPECT_FALSE(ds->inputs_have_batch_dim());
  EXPECT_EQ(ds->get(0).inputs[0].data<float>()[2], 3.0f);
  Tensor line(DataType::UInt8, {32, 100, 3});
  write_png(testing::mk(dir / "ocr/images/1.png"), line);
  testing::write_bytes(dir / "ocr/labels.txt", "images/1.png\tqtune\n");
  auto ocr = make_dataset(dataloader(R"(
dataloader:
  dataset: {TextLines: {root: ocr}}
  transform:
    - Resize: {height: 48, max_width: 320}
    - Normalize: {mean: [127.5], std: [127.5]}
    - PadToWidth: {width: 320}
    - Transpose: {perm: [2, 0, 1]}
)"), "q", dir.path());
  Sample s = ocr->get(0);
  EXPECT_EQ(s.label.text, "qtune");
  EXPECT_EQ(s.inputs[0].describe(), "float32[3,48,320]");
}

}  // namespace
}  // namespace qtune::data
