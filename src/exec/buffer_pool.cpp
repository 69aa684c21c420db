#include "exec/buffer_pool.h"

namespace qtune::exec {

namespace {
constexpr size_t kGranule = 4096;  // round sizes so near-equal requests share buffers
}

Tensor BufferPool::allocate(DataType type, const std::vector<int64_t>& dims) {
  if (type == DataType::String || dtype_size(type) == 0) return Tensor(type, dims);
  size_t bytes = static_cast<size_t>(shape_numel(dims)) * dtype_size(type);
  size_t want = (bytes + kGranule - 1) / kGranule * kGranule;
  if (want == 0) want = kGranule;
  // Best fit, but never waste more than half a buffer on a small tensor.
  auto it = free_.lower_bound(want);
  Block block;
  if (it != free_.end() && it->first <= 2 * want) {
    block = std::move(it->second);
    free_.erase(it);
  } else {
    Tensor fresh = Tensor::uninitialized(DataType::UInt8, {static_cast<int64_t>(want)});
    block = {fresh.storage(), want};
  }
  void* data = block.storage.get();
  capacity_of_[data] = block.capacity;
  live_bytes_ += static_cast<int64_t>(block.capacity);
  if (live_bytes_ > peak_bytes_) peak_bytes_ = live_bytes_;
  return Tensor::view(type, dims, data, std::move(block.storage));
}

void BufferPool::release(Tensor&& tensor) {
  std::shared_ptr<void> storage = tensor.storage();
  tensor = Tensor();
  if (!storage) return;
  auto it = capacity_of_.find(storage.get());
  if (it == capacity_of_.end()) return;  // not ours (an input, a constant, a view)
  if (storage.use_count() != 1) return;  // still referenced (an output, an alias)
  size_t capacity = it->second;
  capacity_of_.erase(it);
  live_bytes_ -= static_cast<int64_t>(capacity);
  free_.emplace(capacity, Block{std::move(storage), capacity});
}

void BufferPool::forget(const Tensor& tensor) {
  auto it = capacity_of_.find(tensor.storage().get());
  if (it == capacity_of_.end()) return;
  live_bytes_ -= static_cast<int64_t>(it->second);
  capacity_of_.erase(it);
}

}  // namespace qtune::exec
