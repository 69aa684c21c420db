#include "data/batch.h"

#include <cstring>

namespace qtune::data {
namespace {

std::string sample_name(const Sample& s) {
  return "sample " + std::to_string(s.label.sample_index) + (s.label.source.empty() ? "" : " (" + s.label.source + ")");
}

}  // namespace

std::vector<Tensor> collate_inputs(const std::vector<Sample>& samples, bool concatenate) {
  if (samples.empty()) throw Error("collate: empty batch");
  const Sample& first = samples[0];
  const size_t inputs = first.inputs.size();
  std::vector<Tensor> out;
  out.reserve(inputs);
  for (const Sample& s : samples)
    if (s.inputs.size() != inputs)
      throw Error("cannot batch " + sample_name(s) + ": it has " + std::to_string(s.inputs.size()) + " inputs, " +
                  sample_name(first) + " has " + std::to_string(inputs));
  for (size_t k = 0; k < inputs; ++k) {
    const Tensor& t0 = first.inputs[k];
    if (concatenate && t0.rank() == 0) throw Error("cannot concatenate scalar input " + std::to_string(k) + " of " + sample_name(first));
    int64_t rows = 0;
    for (const Sample& s : samples) {
      const Tensor& t = s.inputs[k];
      bool same_rest = t.dtype() == t0.dtype() && t.rank() == t0.rank() &&
                       std::equal(t.dims().begin() + (concatenate ? 1 : 0), t.dims().end(), t0.dims().begin() + (concatenate ? 1 : 0));
      if (!same_rest)
        throw Error("cannot batch input " + std::to_string(k) + ": " + sample_name(s) + " is " + t.describe() + " but " +
                    sample_name(first) + " is " + t0.describe() + " (resize/pad samples to one shape, or use batch_size 1)");
      rows += concatenate ? t.dim(0) : 1;
    }
    std::vector<int64_t> dims = t0.dims();
    if (concatenate) {
      dims[0] = rows;
    } else {
      dims.insert(dims.begin(), rows);
    }
    if (samples.size() == 1) {  // nothing to copy
      out.push_back(t0.reshaped(dims));
      continue;
    }
    Tensor batch(t0.dtype(), dims);
    if (t0.dtype() == DataType::String) {
      auto& strings = batch.string_data();
      size_t at = 0;
      for (const Sample& s : samples)
        for (const auto& v : s.inputs[k].string_data()) strings[at++] = v;
    } else {
      auto* dst = static_cast<unsigned char*>(batch.raw());
      for (const Sample& s : samples) {
        size_t bytes = s.inputs[k].byte_size();
        if (bytes) std::memcpy(dst, s.inputs[k].raw(), bytes);
        dst += bytes;
      }
    }
    out.push_back(std::move(batch));
  }
  return out;
}

}  // namespace qtune::data
