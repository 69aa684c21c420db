// NpyFolderSamples: the CLI's calibration data layout and its errors.
#include <gtest/gtest.h>

#include "../data/data_test_util.h"
#include "data/npy.h"
#include "ir/graph_builder.h"
#include "quant/calibration.h"

namespace qtune::quant {
namespace {

using data::testing::expect_error;
using data::testing::mk;
using data::testing::TempDir;

ir::Model single_input_model(std::vector<int64_t> dims = {1, 3, 4, 4}) {
  ir::GraphBuilder b;
  b.output(b.node("Relu", {b.input("x", DataType::Float32, dims)}, {}, "relu"));
  return b.build();
}

ir::Model two_input_model() {
  ir::GraphBuilder b;
  auto* a = b.input("a", DataType::Float32, {1, 2});
  auto* c = b.input("b", DataType::Float32, {1, 2});
  b.output(b.node("Add", {a, c}, {}, "add"));
  return b.build();
}

// A tensor filled with `value` (so tests can tell samples apart).
Tensor filled(const std::vector<int64_t>& dims, float value, DataType type = DataType::Float32) {
  Tensor t(type, dims);
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (type == DataType::Float32)
      t.data<float>()[i] = value;
    else
      t.data<double>()[i] = value;
  }
  return t;
}

std::vector<Feeds> drain(SampleSource& source) {
  std::vector<Feeds> out;
  while (auto f = source.next()) out.push_back(std::move(*f));
  return out;
}

TEST(CalibrationSamples, OneFilePerSampleInSortedOrder) {
  TempDir dir;
  for (int i : {2, 0, 1})
    data::write_npy(dir / (std::string("s") + std::to_string(i) + ".npy"), filled({1, 3, 4, 4}, static_cast<float>(i)));
  const ir::Model model = single_input_model();
  NpyFolderSamples samples(dir.path(), model);
  EXPECT_EQ(samples.size_hint(), 3);
  const auto all = drain(samples);
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(all[i].at("x").data<float>()[0], static_cast<float>(i));
  EXPECT_EQ(samples.last_source(), dir / "s2.npy");

  NpyFolderSamples again(dir.path(), model);
  CalibrationOptions options;
  options.quiet = true;
  options.threads = 1;
  const CalibrationStats stats = calibrate(model, again, options);
  EXPECT_EQ(stats.samples, 3);
  EXPECT_EQ(stats.at("x").max(), 2.0f);
}

TEST(CalibrationSamples, FilesWithoutTheBatchDimGetOne) {
  TempDir dir;
  data::write_npy(dir / "a.npy", filled({3, 4, 4}, 1.0f));
  NpyFolderSamples samples(dir.path(), single_input_model());
  const auto all = drain(samples);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("x").dims(), (std::vector<int64_t>{1, 3, 4, 4}));
}

TEST(CalibrationSamples, AFileOfHigherRankIsAStackOfSamples) {
  TempDir dir;
  Tensor stack(DataType::Float32, {4, 1, 3, 4, 4});
  for (int64_t i = 0; i < stack.numel(); ++i) stack.data<float>()[i] = static_cast<float>(i / 48);
  data::write_npy(dir / "stack.npy", stack);
  data::write_npy(dir / "z.npy", filled({1, 3, 4, 4}, 9.0f));
  NpyFolderSamples samples(dir.path(), single_input_model());
  EXPECT_EQ(samples.size_hint(), 8);  // an estimate: 2 files x the first file's 4 samples
  const auto all = drain(samples);
  ASSERT_EQ(all.size(), 5u);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(all[k].at("x").dims(), (std::vector<int64_t>{1, 3, 4, 4}));
    EXPECT_EQ(all[k].at("x").data<float>()[47], static_cast<float>(k));
  }
  EXPECT_EQ(all[4].at("x").data<float>()[0], 9.0f);
}

TEST(CalibrationSamples, SeveralInputsArePairedBySortedFileOrder) {
  TempDir dir;
  for (int i = 0; i < 3; ++i) {
    data::write_npy(mk(dir / (std::string("a/") + std::to_string(i) + ".npy")), filled({1, 2}, static_cast<float>(i)));
    data::write_npy(mk(dir / (std::string("b/") + std::to_string(i) + ".npy")),
                    filled({1, 2}, static_cast<float>(10 + i)));
  }
  NpyFolderSamples samples(dir.path(), two_input_model());
  const auto all = drain(samples);
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].at("a").data<float>()[0], static_cast<float>(i));
    EXPECT_EQ(all[i].at("b").data<float>()[0], static_cast<float>(10 + i));
  }
  EXPECT_NE(samples.last_source().find(dir / "b/2.npy"), std::string::npos);
}

TEST(CalibrationSamples, FolderLayoutErrors) {
  TempDir dir;
  for (int i = 0; i < 3; ++i)
    data::write_npy(mk(dir / (std::string("a/") + std::to_string(i) + ".npy")), filled({1, 2}, 0));
  for (int i = 0; i < 2; ++i)
    data::write_npy(mk(dir / (std::string("b/") + std::to_string(i) + ".npy")), filled({1, 2}, 0));
  expect_error([&] { NpyFolderSamples(dir.path(), two_input_model()); },
               {"different numbers of files", "has 3", "has 2"});

  TempDir unknown;
  data::write_npy(mk(unknown / "a/0.npy"), filled({1, 2}, 0));
  data::write_npy(mk(unknown / "c/0.npy"), filled({1, 2}, 0));
  expect_error([&] { NpyFolderSamples(unknown.path(), two_input_model()); }, {unknown / "c", "inputs: a, b"});

  TempDir missing;
  data::write_npy(mk(missing / "a/0.npy"), filled({1, 2}, 0));
  expect_error([&] { NpyFolderSamples(missing.path(), two_input_model()); }, {"input 'b'", missing / "b/*.npy"});

  TempDir flat;
  data::write_npy(flat / "0.npy", filled({1, 2}, 0));
  expect_error([&] { NpyFolderSamples(flat.path(), two_input_model()); }, {"single-input model", "a, b"});

  expect_error([&] { NpyFolderSamples(dir / "nope", two_input_model()); }, {"nope", "does not exist"});
}

TEST(CalibrationSamples, ShapeAndTypeErrorsNameTheFileInputAndExpectedShape) {
  TempDir dir;
  data::write_npy(dir / "bad.npy", filled({1, 3, 4, 5}, 0));
  expect_error([&] { NpyFolderSamples(dir.path(), single_input_model()); },
               {dir / "bad.npy", "input 'x'", "[1,3,4,5]", "expects float32[1,3,4,4]"});

  TempDir rank;
  data::write_npy(rank / "r.npy", filled({4, 4}, 0));
  expect_error([&] { NpyFolderSamples(rank.path(), single_input_model()); },
               {rank / "r.npy", "input 'x'", "float32[1,3,4,4]"});

  TempDir type;
  data::write_npy(type / "f64.npy", filled({1, 3, 4, 4}, 0, DataType::Float64));
  expect_error([&] { NpyFolderSamples(type.path(), single_input_model()); },
               {type / "f64.npy", "input 'x'", "float64", "expects float32[1,3,4,4]"});

  // A later file is checked when it is read, before it runs.
  TempDir later;
  data::write_npy(later / "0.npy", filled({1, 3, 4, 4}, 0));
  data::write_npy(later / "1.npy", filled({1, 3, 4, 3}, 0));
  const ir::Model model = single_input_model();
  NpyFolderSamples samples(later.path(), model);
  CalibrationOptions options;
  options.quiet = true;
  expect_error([&] { calibrate(model, samples, options); }, {later / "1.npy", "input 'x'", "[1,3,4,4]"});

  // Symbolic dims accept any size; a fixed batch of 2 does not take a file without batch dim.
  TempDir sym;
  data::write_npy(sym / "0.npy", filled({1, 3, 7, 9}, 0));
  NpyFolderSamples any(sym.path(), single_input_model({1, 3, -1, -1}));
  EXPECT_EQ(drain(any).size(), 1u);
  TempDir nobatch;
  data::write_npy(nobatch / "0.npy", filled({3, 4, 4}, 0));
  expect_error(
      [&] {
        NpyFolderSamples(nobatch.path(), single_input_model({2, 3, 4, 4}));
      },
      {"expects float32[2,3,4,4]"});
}

}  // namespace
}  // namespace qtune::quant
