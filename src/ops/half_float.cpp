#include "ops/half_float.h"

#include <cstring>

namespace qtune::ops {

Tensor widen_half(const Tensor& t) {
  if (!is_half_type(t.dtype())) return t;
  Tensor out(DataType::Float32, t.dims());
  const auto* src = static_cast<const uint16_t*>(t.raw());
  float* dst = out.data<float>();
  const int64_t n = t.numel();
  const bool bf16 = t.dtype() == DataType::BFloat16;
  for (int64_t i = 0; i < n; ++i) dst[i] = bf16 ? bfloat16_to_float(src[i]) : float16_to_float(src[i]);
  return out;
}

void narrow_half_into(const Tensor& src, Tensor& dst) {
  if (!is_half_type(dst.dtype()) || src.numel() != dst.numel())
    throw Error("narrow_half_into: cannot write " + src.describe() + " into " + dst.describe());
  const float* from = src.data<float>();
  auto* to = static_cast<uint16_t*>(dst.raw());
  const int64_t n = src.numel();
  const bool bf16 = dst.dtype() == DataType::BFloat16;
  for (int64_t i = 0; i < n; ++i) to[i] = bf16 ? bfloat16_from(from[i]) : float16_from(from[i]);
}

bool any_half_input(std::span<const Tensor> inputs) {
  for (const Tensor& t : inputs)
    if (t.defined() && is_half_type(t.dtype())) return true;
  return false;
}

void run_half_via_float(Kernel& kernel, std::span<const Tensor> inputs, std::span<Tensor> outputs,
                        KernelContext& ctx) {
  // Float outputs follow input 0's type (the data input of every op that uses this).
  const DataType half = !inputs.empty() && is_half_type(inputs[0].dtype()) ? inputs[0].dtype() : DataType::Undefined;
  std::vector<Tensor> wide;
  wide.reserve(inputs.size());
  for (const Tensor& t : inputs) wide.push_back(t.defined() ? widen_half(t) : t);
  KernelContext scratch;  // float32 intermediates live only here
  scratch.threads = ctx.threads;
  std::vector<Tensor> results(outputs.size());
  kernel.run(wide, results, scratch);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& r = results[i];
    if (!r.defined()) continue;
    if (r.dtype() == DataType::Float32 && half != DataType::Undefined) {
      outputs[i] = ctx.allocate(static_cast<int>(i), half, r.dims());
      narrow_half_into(r, outputs[i]);
    } else {
      outputs[i] = ctx.allocate(static_cast<int>(i), r.dtype(), r.dims());
      if (r.dtype() == DataType::String) outputs[i].string_data() = r.string_data();
      else if (r.byte_size() > 0) std::memcpy(outputs[i].raw(), r.raw(), r.byte_size());
    }
  }
}

}  // namespace qtune::ops
