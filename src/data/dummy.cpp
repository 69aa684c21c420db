#include "data/dummy.h"

#include <cmath>

#include "data/random.h"

namespace qtune::data {
namespace {

template <class T>
void fill_integers(Tensor& t, Rng& rng, double low, double high) {
  auto lo = static_cast<int64_t>(std::ceil(low)), hi = static_cast<int64_t>(std::floor(high));
  T* p = t.data<T>();
  auto span = static_cast<uint64_t>(hi - lo) + 1;
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(lo + static_cast<int64_t>(rng.below(span)));
}

}  // namespace

DummyDataset::DummyDataset(DummyOptions options) : options_(std::move(options)) {
  if (options_.inputs.empty()) throw Error("dummy dataset: needs at least one input shape");
  if (!(options_.low < options_.high))
    throw Error("dummy dataset: low (" + std::to_string(options_.low) + ") must be less than high (" +
                std::to_string(options_.high) + ")");
  for (const auto& input : options_.inputs) {
    shape_numel(input.shape);
    switch (input.type) {
      case DataType::Float32: case DataType::Float64: break;
      case DataType::UInt8: case DataType::Int8: case DataType::Int32: case DataType::Int64: case DataType::Bool:
        if (std::floor(options_.high) < std::ceil(options_.low))
          throw Error("dummy dataset: no integer lies in [" + std::to_string(options_.low) + ", " + std::to_string(options_.high) + "]");
        break;
      default: throw Error("dummy dataset: unsupported dtype " + std::string(dtype_name(input.type)) +
                           " (use float32, float64, uint8, int8, int32, int64 or bool)");
    }
  }
}

Sample DummyDataset::get(size_t index) const {
  Sample sample;
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = "dummy sample " + std::to_string(index);
  for (size_t k = 0; k < options_.inputs.size(); ++k) {
    const DummyInput& input = options_.inputs[k];
    Tensor t(input.type, input.shape);
    Rng rng = Rng::for_sample(options_.seed, index, k);
    const double low = options_.low, range = options_.high - options_.low;
    switch (input.type) {
      case DataType::Float32: {
        float* p = t.data<float>();
        for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<float>(low + range * rng.uniform());
        break;
      }
      case DataType::Float64: {
        double* p = t.data<double>();
        for (int64_t i = 0; i < t.numel(); ++i) p[i] = low + range * rng.uniform();
        break;
      }
      case DataType::UInt8: fill_integers<uint8_t>(t, rng, low, options_.high); break;
      case DataType::Int8: fill_integers<int8_t>(t, rng, low, options_.high); break;
      case DataType::Int32: fill_integers<int32_t>(t, rng, low, options_.high); break;
      case DataType::Int64: fill_integers<int64_t>(t, rng, low, options_.high); break;
      case DataType::Bool: fill_integers<bool>(t, rng, std::max(low, 0.0), std::min(options_.high, 1.0)); break;
      default: break;
    }
    sample.inputs.push_back(std::move(t));
  }
  return sample;
}

std::vector<std::string> DummyDataset::input_names() const {
  std::vector<std::string> names;
  for (const auto& input : options_.inputs) {
    if (input.name.empty()) return {};
    names.push_back(input.name);
  }
  return names;
}

std::string DummyDataset::describe() const {
  std::string text = "dummy (" + std::to_string(options_.count) + " samples";
  for (const auto& input : options_.inputs)
    text += ", " + (input.name.empty() ? std::string() : input.name + ":") + std::string(dtype_name(input.type)) + "[" +
            format_dims(input.shape) + "]";
  return text + ", uniform [" + std::to_string(options_.low) + ", " + std::to_string(options_.high) + "), seed " +
         std::to_string(options_.seed) + ")";
}

}  // namespace qtune::data
