// Recycles activation buffers inside one session: a value's buffer goes back to the pool
// once its last consumer ran (and nothing else holds it), and the next allocation of a
// similar size takes it instead of calling the allocator. Tracks live and peak bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "qtune/tensor.h"

namespace qtune::exec {

class BufferPool {
 public:
  // Uninitialized tensor backed by a recycled or fresh buffer.
  Tensor allocate(DataType type, const std::vector<int64_t>& dims);
  // Offers a dead tensor's buffer back; kept only if the pool is its last owner.
  void release(Tensor&& tensor);
  // A buffer that leaves the session (a run's output, now the caller's): it no longer
  // counts as live and is never recycled.
  void forget(const Tensor& tensor);

  int64_t live_bytes() const { return live_bytes_; }
  int64_t peak_bytes() const { return peak_bytes_; }
  // Starts a run's accounting: nothing handed out earlier is live any more (outputs were
  // forgotten; a run that threw dropped its tensors), so live and peak bytes restart at 0.
  void begin_run() {
    handed_out_.clear();
    live_bytes_ = 0;
    peak_bytes_ = 0;
  }

 private:
  struct Block {
    std::shared_ptr<void> storage;
    size_t capacity;
  };
  // Flat lists searched linearly: a run holds a few dozen buffers at most, and the tree
  // nodes of a map cost an allocation per call (PP-OCR cls: ~170 pool calls a run).
  std::vector<Block> free_;
  struct HandedOut {
    const void* data;
    size_t capacity;
  };
  std::vector<HandedOut> handed_out_;
  std::vector<HandedOut>::iterator find_handed_out(const void* data);
  int64_t live_bytes_ = 0;
  int64_t peak_bytes_ = 0;
};

}  // namespace qtune::exec
