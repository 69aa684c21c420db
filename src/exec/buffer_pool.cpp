#include "exec/buffer_pool.h"

#include <algorithm>

namespace qtune::exec {

namespace {
constexpr size_t kGranule = 4096;  // round sizes so near-equal requests share buffers
}

std::vector<BufferPool::HandedOut>::iterator BufferPool::find_handed_out(const void* data) {
  return std::find_if(handed_out_.begin(), handed_out_.end(), [&](const HandedOut& h) { return h.data == data; });
}

Tensor BufferPool::allocate(DataType type, const std::vector<int64_t>& dims) {
  if (type == DataType::String || dtype_size(type) == 0) return Tensor(type, dims);
  size_t bytes = static_cast<size_t>(shape_numel(dims)) * dtype_size(type);
  size_t want = (bytes + kGranule - 1) / kGranule * kGranule;
  if (want == 0) want = kGranule;
  // Best fit, but never waste more than half a buffer on a small tensor.
  size_t best = free_.size();
  for (size_t i = 0; i < free_.size(); ++i)
    if (free_[i].capacity >= want && (best == free_.size() || free_[i].capacity < free_[best].capacity)) best = i;
  Block block;
  if (best < free_.size() && free_[best].capacity <= 2 * want) {
    block = std::move(free_[best]);
    free_[best] = std::move(free_.back());
    free_.pop_back();
  } else {
    Tensor fresh = Tensor::uninitialized(DataType::UInt8, {static_cast<int64_t>(want)});
    block = {fresh.storage(), want};
  }
  void* data = block.storage.get();
  handed_out_.push_back({data, block.capacity});
  live_bytes_ += static_cast<int64_t>(block.capacity);
  if (live_bytes_ > peak_bytes_) peak_bytes_ = live_bytes_;
  return Tensor::view(type, dims, data, std::move(block.storage));
}

void BufferPool::release(Tensor&& tensor) {
  std::shared_ptr<void> storage = tensor.storage();
  tensor = Tensor();
  if (!storage) return;
  auto it = find_handed_out(storage.get());
  if (it == handed_out_.end()) return;   // not ours (an input, a constant, a view)
  if (storage.use_count() != 1) return;  // still referenced (an output, an alias)
  const size_t capacity = it->capacity;
  *it = handed_out_.back();
  handed_out_.pop_back();
  live_bytes_ -= static_cast<int64_t>(capacity);
  free_.push_back(Block{std::move(storage), capacity});
}

void BufferPool::forget(const Tensor& tensor) {
  auto it = find_handed_out(tensor.storage().get());
  if (it == handed_out_.end()) return;
  live_bytes_ -= static_cast<int64_t>(it->capacity);
  *it = handed_out_.back();
  handed_out_.pop_back();
}

}  // namespace qtune::exec
