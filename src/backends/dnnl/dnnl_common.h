// Shared pieces of the oneDNN backend: the CPU engine and stream, dims and memory
// descriptors for qtune tensors, fused activations as post-ops, and the fallback to the
// reference kernel for cases a primitive does not cover.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <memory>
#include <span>
#include <vector>

#include "ops/fused_activation.h"
#include "ops/op.h"

namespace qtune::backends::dnnl_backend {

dnnl::engine& cpu_engine();
// True when oneDNN's INT8 kernels multiply-add with VNNI (it honours DNNL_MAX_CPU_ISA). Without
// VNNI they sum pairs of u8*s8 products in 16 bits, which saturates once |weight| > 64.
bool int8_kernels_have_vnni();
// One stream per thread: kernels of concurrent sessions never share a stream.
dnnl::stream& cpu_stream();

dnnl::memory::dims to_dims(std::span<const int64_t> dims);
// Row-major ("abcd...") format for a rank.
dnnl::memory::format_tag plain_tag(int rank);
dnnl::memory::desc plain_desc(std::span<const int64_t> dims);

// A float32 memory over a tensor's buffer, without copying.
dnnl::memory wrap(const Tensor& t);

// Appends the activation as post-ops; false when oneDNN 2.x has no exact equivalent.
bool append_activation(dnnl::post_ops& ops, const ops::FusedActivation& act);

// True when every present input of `node` is known to be float32 (or of unknown type).
bool inputs_are_float32(const ir::Node& node);

// Runs the node's reference kernel; dnnl kernels keep one for shapes or types the
// primitive they build cannot handle.
class RefFallback {
 public:
  explicit RefFallback(const ir::Node& node) : node_(node) {}
  void run(std::span<const Tensor> in, std::span<Tensor> out, ops::KernelContext& ctx);

 private:
  const ir::Node& node_;
  std::unique_ptr<ops::Kernel> kernel_;
};

// How many times any dnnl kernel fell back to its reference kernel in this process
// (tests use it to tell that a case really ran on oneDNN).
int64_t fallback_runs();

// Output dims of `node` for concrete inputs, from the op's own shape rule.
std::vector<int64_t> output_dims(const ir::Node& node, std::span<const Tensor> in);

// Copies `src` (laid out as `src_md`) into `dst` (laid out as `dst_md`) when they differ.
void reorder(const dnnl::memory& src, const dnnl::memory& dst);

}  // namespace qtune::backends::dnnl_backend
