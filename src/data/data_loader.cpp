#include "data/data_loader.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <numeric>
#include <thread>

#include "data/random.h"

namespace qtune::data {

// Workers claim positions in order and fill slot (position % capacity); a worker
// never claims a position more than `capacity` ahead of the consumer, so a slot is
// always empty when claimed and memory stays bounded.
class DataLoader::Prefetcher {
 public:
  Prefetcher(const Dataset& dataset, const std::vector<size_t>& order, size_t total, size_t capacity, int workers)
      : dataset_(dataset), order_(order), total_(total), slots_(capacity) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  ~Prefetcher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    for (auto& t : threads_) t.join();
  }

  // Blocks until position `p` (the next unconsumed one) is ready; re-throws its error.
  Sample take(size_t p) {
    std::unique_lock lock(mutex_);
    Slot& slot = slots_[p % slots_.size()];
    ready_.wait(lock, [&] { return slot.ready; });
    slot.ready = false;
    consumed_ = p + 1;
    std::exception_ptr error = std::move(slot.error);
    Sample sample = std::move(slot.sample);
    lock.unlock();
    space_.notify_all();
    if (error) std::rethrow_exception(error);
    return sample;
  }

 private:
  struct Slot {
    bool ready = false;
    Sample sample;
    std::exception_ptr error;
  };

  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      space_.wait(lock, [&] { return stop_ || claimed_ >= total_ || claimed_ < consumed_ + slots_.size(); });
      if (stop_ || claimed_ >= total_) return;
      size_t p = claimed_++;
      lock.unlock();
      Sample sample;
      std::exception_ptr error;
      try {
        sample = dataset_.get(order_[p]);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      Slot& slot = slots_[p % slots_.size()];
      slot.sample = std::move(sample);
      slot.error = std::move(error);
      slot.ready = true;
      ready_.notify_all();
    }
  }

  const Dataset& dataset_;
  const std::vector<size_t>& order_;
  const size_t total_;
  std::vector<Slot> slots_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  size_t claimed_ = 0, consumed_ = 0;
  bool stop_ = false;
};

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  if (!dataset_) throw Error("DataLoader: no dataset");
  if (options_.batch_size == 0) throw Error("DataLoader: batch_size must be at least 1");
  if (options_.num_workers < -1) throw Error("DataLoader: num_workers must be -1 (auto), 0 or positive");
  if (options_.num_workers == -1) options_.num_workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options_.prefetch_batches = std::max<size_t>(1, options_.prefetch_batches);
}

DataLoader::~DataLoader() = default;

size_t DataLoader::num_batches() const {
  size_t n = dataset_->size(), b = options_.batch_size;
  return options_.last_batch == LastBatch::Drop ? n / b : (n + b - 1) / b;
}

std::vector<size_t> DataLoader::epoch_order(uint64_t epoch) const {
  std::vector<size_t> order(dataset_->size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (options_.shuffle) {  // Fisher-Yates with a stream per (seed, epoch)
    Rng rng = Rng::for_sample(options_.seed, epoch, 0x5eed);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  }
  return order;
}

void DataLoader::start_epoch(uint64_t epoch) {
  prefetcher_.reset();  // joins the previous epoch's workers before order_ changes
  order_ = epoch_order(epoch);
  samples_to_load_ = std::min(order_.size(), num_batches() * options_.batch_size);
  next_batch_ = 0;
  started_ = true;
  failed_ = false;
  if (options_.num_workers > 0 && samples_to_load_ > 0) {
    size_t capacity = std::max<size_t>(options_.prefetch_batches * options_.batch_size, static_cast<size_t>(options_.num_workers));
    int workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(options_.num_workers), samples_to_load_));
    prefetcher_ = std::make_unique<Prefetcher>(*dataset_, order_, samples_to_load_, capacity, workers);
  }
}

Sample DataLoader::take(size_t position) {
  size_t index = order_[position];
  try {
    return prefetcher_ ? prefetcher_->take(position) : dataset_->get(index);
  } catch (const std::exception& e) {
    failed_ = true;
    prefetcher_.reset();
    throw Error("sample " + std::to_string(index) + ": " + e.what());
  }
}

std::optional<Batch> DataLoader::next() {
  if (!started_) start_epoch(0);
  if (failed_) throw Error("DataLoader: the epoch stopped after an error; call start_epoch() to start again");
  if (next_batch_ >= num_batches()) return std::nullopt;
  Batch batch;
  batch.batch_index = next_batch_;
  const size_t begin = next_batch_ * options_.batch_size;
  const size_t end = std::min(begin + options_.batch_size, samples_to_load_);
  std::vector<Sample> samples;
  samples.reserve(options_.batch_size);
  for (size_t p = begin; p < end; ++p) {
    samples.push_back(take(p));
    samples.back().label.sample_index = static_cast<int64_t>(order_[p]);
    batch.indices.push_back(order_[p]);
  }
  batch.valid = samples.size();
  if (options_.last_batch == LastBatch::Pad)
    while (samples.size() < options_.batch_size) {
      samples.push_back(samples[batch.valid - 1]);
      batch.indices.push_back(batch.indices[batch.valid - 1]);
    }
  bool concatenate = options_.batch_mode == BatchMode::Concat ||
                     (options_.batch_mode == BatchMode::Auto && dataset_->inputs_have_batch_dim());
  try {
    batch.inputs = collate_inputs(samples, concatenate);
  } catch (const Error&) {
    failed_ = true;  // the samples are consumed; retrying this batch would wait forever
    prefetcher_.reset();
    throw;
  }
  for (auto& s : samples) batch.labels.push_back(std::move(s.label));
  ++next_batch_;
  return batch;
}

}  // namespace qtune::data
