// DataLoader: batches a dataset in a (optionally shuffled) order, decoding and
// transforming samples ahead of the consumer on a pool of worker threads.
// The batch contents and order depend only on (seed, epoch), never on the number
// of threads or their scheduling: workers fill numbered slots of a bounded ring and
// the consumer takes them in order. An exception in a worker is re-thrown by next()
// as a qtune::Error naming the sample index.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "data/batch.h"
#include "data/dataset.h"

namespace qtune::data {

enum class LastBatch { Keep, Drop, Pad };  // short last batch: keep it, drop it, or pad by repeating its last sample
enum class BatchMode { Auto, Stack, Concat };  // Auto: Concat when dataset.inputs_have_batch_dim()

struct DataLoaderOptions {
  size_t batch_size = 1;
  bool shuffle = false;
  uint64_t seed = 0;
  LastBatch last_batch = LastBatch::Keep;
  int num_workers = -1;          // -1: one per hardware thread; 0: load in the calling thread
  size_t prefetch_batches = 2;   // how many batches workers may run ahead
  BatchMode batch_mode = BatchMode::Auto;
};

class DataLoader {
 public:
  DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options);
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  size_t num_batches() const;
  const DataLoaderOptions& options() const { return options_; }
  const Dataset& dataset() const { return *dataset_; }
  // Sample order of an epoch (a permutation of 0..size-1 when shuffling).
  std::vector<size_t> epoch_order(uint64_t epoch) const;

  // Starts an epoch (stopping any running one); next() starts epoch 0 if needed.
  void start_epoch(uint64_t epoch = 0);
  // The next batch of the current epoch, or nullopt after the last one.
  std::optional<Batch> next();

 private:
  class Prefetcher;
  Sample take(size_t position);

  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions options_;
  std::vector<size_t> order_;
  size_t samples_to_load_ = 0;  // order_ prefix that is loaded (Drop leaves out the tail)
  size_t next_batch_ = 0;
  bool started_ = false;
  bool failed_ = false;
  std::unique_ptr<Prefetcher> prefetcher_;
};

}  // namespace qtune::data
