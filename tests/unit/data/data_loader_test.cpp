#include "data/data_loader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "data/dummy.h"
#include "data/random.h"
#include "data/transforms_geometry.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;

// Sample i is a float32 [2] tensor {i, -i}; get() sleeps a pseudo-random time so
// workers finish out of order, and can be told to fail at one index.
class IndexDataset : public Dataset {
 public:
  IndexDataset(size_t n, std::optional<size_t> fail_at = std::nullopt, bool batched = false)
      : n_(n), fail_at_(fail_at), batched_(batched) {}
  size_t size() const override { return n_; }
  Sample get(size_t i) const override {
    ++calls;
    std::this_thread::sleep_for(std::chrono::microseconds(Rng::for_sample(7, i).below(2000)));
    if (fail_at_ && i == *fail_at_) throw Error("/data/sample" + std::to_string(i) + ".npy: corrupt");
    Sample s;
    std::vector<int64_t> dims = batched_ ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{2};
    s.inputs.push_back(Tensor::from_vector<float>(dims, {float(i), -float(i)}));
    s.label.sample_index = static_cast<int64_t>(i);
    s.label.class_id = static_cast<int64_t>(i % 3);
    return s;
  }
  bool inputs_have_batch_dim() const override { return batched_; }
  std::string describe() const override { return "index"; }
  mutable std::atomic<int> calls{0};

 private:
  size_t n_;
  std::optional<size_t> fail_at_;
  bool batched_;
};

// Every batch's row values, in order.
std::vector<std::vector<float>> drain(DataLoader& loader) {
  std::vector<std::vector<float>> out;
  while (auto batch = loader.next()) {
    EXPECT_EQ(batch->inputs[0].dim(0), static_cast<int64_t>(batch->labels.size()));
    std::vector<float> rows;
    for (int64_t r = 0; r < batch->inputs[0].dim(0); ++r) rows.push_back(batch->inputs[0].data<float>()[r * 2]);
    out.push_back(rows);
  }
  return out;
}

TEST(DataLoader, SameBatchesInTheSameOrderWhateverTheThreadCount) {
  auto ds = std::make_shared<IndexDataset>(23);
  std::vector<std::vector<std::vector<float>>> runs;
  for (int workers : {0, 1, 4}) {
    DataLoader loader(ds, {5, true, 99, LastBatch::Keep, workers, 2, BatchMode::Auto});
    runs.push_back(drain(loader));
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);
  ASSERT_EQ(runs[0].size(), 5u);  // 23 = 4 * 5 + 3
  EXPECT_EQ(runs[0].back().size(), 3u);
  std::vector<float> all;
  for (auto& b : runs[0]) all.insert(all.end(), b.begin(), b.end());
  std::vector<float> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], float(i));  // a permutation
  std::vector<float> identity(sorted);
  EXPECT_NE(all, identity);  // and actually shuffled
}

TEST(DataLoader, RandomTransformsGiveTheSameBatchesWithOneOrFourThreads) {
  auto base = std::make_shared<DummyDataset>(DummyOptions{{{"", {16, 16, 3}, DataType::UInt8}}, 12, 0, 255, 3});
  TransformPipeline pipeline({}, 77);
  pipeline.add(std::make_unique<RandomCrop>(8, 8));
  pipeline.add(std::make_unique<RandomHorizontalFlip>(0.5));
  auto ds = std::make_shared<TransformedDataset>(base, std::move(pipeline));
  std::vector<std::vector<uint8_t>> runs;
  for (int workers : {1, 4}) {
    DataLoader loader(ds, {4, true, 5, LastBatch::Keep, workers, 1, BatchMode::Auto});
    std::vector<uint8_t> bytes;
    while (auto b = loader.next()) {
      EXPECT_EQ(b->inputs[0].describe(), "uint8[4,8,8,3]");
      bytes.insert(bytes.end(), b->inputs[0].values<uint8_t>().begin(), b->inputs[0].values<uint8_t>().end());
    }
    runs.push_back(bytes);
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(DataLoader, UnshuffledOrderEpochsAndSeeds) {
  auto ds = std::make_shared<IndexDataset>(6);
  DataLoader plain(ds, {4, false, 0, LastBatch::Keep, 2, 2, BatchMode::Auto});
  EXPECT_EQ(drain(plain), (std::vector<std::vector<float>>{{0, 1, 2, 3}, {4, 5}}));
  DataLoader shuffled(ds, {6, true, 1, LastBatch::Keep, 2, 1, BatchMode::Auto});
  EXPECT_EQ(shuffled.epoch_order(0), shuffled.epoch_order(0));
  EXPECT_NE(shuffled.epoch_order(0), shuffled.epoch_order(1));
  DataLoader other_seed(ds, {6, true, 2, LastBatch::Keep, 2, 1, BatchMode::Auto});
  EXPECT_NE(shuffled.epoch_order(3), other_seed.epoch_order(3));
  shuffled.start_epoch(1);
  auto batch = shuffled.next();
  ASSERT_TRUE(batch);
  std::vector<size_t> expected = shuffled.epoch_order(1);
  EXPECT_EQ(batch->indices, expected);
  for (size_t r = 0; r < 6; ++r) {
    EXPECT_EQ(batch->inputs[0].data<float>()[r * 2], float(expected[r]));
    EXPECT_EQ(batch->labels[r].sample_index, static_cast<int64_t>(expected[r]));
    EXPECT_EQ(batch->labels[r].class_id, static_cast<int64_t>(expected[r] % 3));
  }
}

TEST(DataLoader, LastBatchKeepDropPad) {
  auto ds = std::make_shared<IndexDataset>(10);
  DataLoader keep(ds, {4, false, 0, LastBatch::Keep, 2, 2, BatchMode::Auto});
  EXPECT_EQ(keep.num_batches(), 3u);
  DataLoader drop(ds, {4, false, 0, LastBatch::Drop, 2, 2, BatchMode::Auto});
  EXPECT_EQ(drain(drop), (std::vector<std::vector<float>>{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  DataLoader pad(ds, {4, false, 0, LastBatch::Pad, 3, 2, BatchMode::Auto});
  std::optional<Batch> last;
  while (auto b = pad.next()) last = std::move(b);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->valid, 2u);
  EXPECT_EQ(last->indices, (std::vector<size_t>{8, 9, 9, 9}));  // padded by repeating the last sample
  EXPECT_EQ(last->inputs[0].describe(), "float32[4,2]");
  EXPECT_EQ(last->inputs[0].data<float>()[3 * 2], 9.0f);
}

TEST(DataLoader, StacksOrConcatenatesTheBatchDimension) {
  auto plain = std::make_shared<IndexDataset>(4);
  DataLoader stack(plain, {3, false, 0, LastBatch::Keep, 0, 2, BatchMode::Auto});
  EXPECT_EQ(stack.next()->inputs[0].describe(), "float32[3,2]");
  auto batched = std::make_shared<IndexDataset>(4, std::nullopt, true);  // samples are [1,2]
  DataLoader concat(batched, {3, false, 0, LastBatch::Keep, 0, 2, BatchMode::Auto});
  Batch b = *concat.next();
  EXPECT_EQ(b.inputs[0].describe(), "float32[3,2]");
  EXPECT_EQ(b.inputs[0].data<float>()[4], 2.0f);
  DataLoader forced(batched, {3, false, 0, LastBatch::Keep, 0, 2, BatchMode::Stack});
  EXPECT_EQ(forced.next()->inputs[0].describe(), "float32[3,1,2]");
  DataLoader single(batched, {1, false, 0, LastBatch::Keep, 0, 2, BatchMode::Auto});
  EXPECT_EQ(single.next()->inputs[0].describe(), "float32[1,2]");
}

TEST(DataLoader, WorkerErrorsAreRethrownWithTheSampleIndex) {
  for (int workers : {0, 4}) {
    auto ds = std::make_shared<IndexDataset>(12, 7);
    DataLoader loader(ds, {4, false, 0, LastBatch::Keep, workers, 2, BatchMode::Auto});
    ASSERT_TRUE(loader.next());
    expect_error([&] { loader.next(); }, {"sample 7", "/data/sample7.npy: corrupt"});
    expect_error([&] { loader.next(); }, {"stopped after an error"});
    loader.start_epoch(0);  // a new epoch starts cleanly
    ASSERT_TRUE(loader.next());
  }
}

TEST(DataLoader, PrefetchIsBounded) {
  auto ds = std::make_shared<IndexDataset>(100);
  DataLoader loader(ds, {2, false, 0, LastBatch::Keep, 4, 2, BatchMode::Auto});
  ASSERT_TRUE(loader.next());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  // Consumed 2 samples; workers may hold at most capacity = max(2 batches * 2, 4 workers) = 4 more.
  EXPECT_LE(ds->calls.load(), 2 + 4);
  EXPECT_GE(ds->calls.load(), 2);
}

TEST(DataLoader, MismatchedShapesNameBothSamples) {
  struct Ragged : Dataset {
    size_t size() const override { return 2; }
    Sample get(size_t i) const override {
      Sample s;
      s.inputs.push_back(Tensor(DataType::UInt8, {2, static_cast<int64_t>(3 + i), 3}));
      s.label.sample_index = static_cast<int64_t>(i);
      s.label.source = "img" + std::to_string(i) + ".png";
      return s;
    }
    std::string describe() const override { return "ragged"; }
  };
  DataLoader loader(std::make_shared<Ragged>(), {2, false, 0, LastBatch::Keep, 0, 2, BatchMode::Auto});
  expect_error([&] { loader.next(); }, {"sample 1 (img1.png) is uint8[2,4,3]", "sample 0 (img0.png) is uint8[2,3,3]"});
  expect_error([&] { loader.next(); }, {"stopped after an error"});  // an error, not a hang
}

}  // namespace
}  // namespace qtune::data
