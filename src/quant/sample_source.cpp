#include "quant/sample_source.h"

#include <algorithm>

#include "data/file_list.h"
#include "data/npy.h"

namespace qtune::quant {
namespace {

bool fixed_dims_match(const ir::Shape& shape, std::span<const int64_t> dims) {
  if (!shape.has_rank()) return true;
  if (shape.rank() != static_cast<int>(dims.size())) return false;
  for (size_t i = 0; i < dims.size(); ++i) {
    const ir::Dim& d = (*shape.dims)[i];
    if (d.is_known() && d.value != dims[i]) return false;
  }
  return true;
}

std::string join_names(const std::vector<InputSpec>& inputs) {
  std::string out;
  for (const InputSpec& in : inputs) out += (out.empty() ? "" : ", ") + in.name;
  return out;
}

// A file's contents for one input: one sample with the model's rank, or a stack of them.
struct FileTensor {
  Tensor tensor;
  bool stacked = false;
};

FileTensor normalize_file_tensor(const Tensor& t, const InputSpec& spec, const std::string& file) {
  const std::string prefix = file + ": input '" + spec.name + "' ";
  if (spec.dtype != DataType::Undefined && t.dtype() != spec.dtype)
    throw Error(prefix + "is " + t.describe() + ", the model expects " + spec.describe() + " (save the array as " +
                std::string(dtype_name(spec.dtype)) + ")");
  const int rank = spec.shape.rank();
  FileTensor out{t, false};
  std::vector<int64_t> sample_dims = t.dims();
  if (rank >= 0 && t.rank() == rank + 1) {
    out.stacked = true;
    sample_dims.erase(sample_dims.begin());
  } else if (rank >= 1 && t.rank() == rank - 1) {
    const ir::Dim& batch = (*spec.shape.dims)[0];
    if (!batch.is_known() || batch.value == 1) {
      sample_dims.insert(sample_dims.begin(), 1);
      out.tensor = t.reshaped(sample_dims);
    }
  }
  if (!fixed_dims_match(spec.shape, sample_dims))
    throw Error(prefix + "has shape [" + format_dims(t.dims()) + "], the model expects " + spec.describe() +
                " (one sample per file, optionally without the batch dim, or a stack [N," +
                spec.shape.to_string().substr(1) + ")");
  return out;
}

// Sample k of a stack: a view into the file's buffer.
Tensor stack_slice(const Tensor& stack, int64_t k) {
  std::vector<int64_t> dims(stack.dims().begin() + 1, stack.dims().end());
  const size_t bytes = stack.byte_size() / static_cast<size_t>(stack.dim(0));
  auto* base = static_cast<char*>(const_cast<void*>(stack.raw()));
  return Tensor::view(stack.dtype(), dims, base + static_cast<size_t>(k) * bytes, stack.storage());
}

}  // namespace

std::string InputSpec::describe() const { return std::string(dtype_name(dtype)) + shape.to_string(); }

std::vector<InputSpec> input_specs(const ir::Model& model) {
  std::vector<InputSpec> out;
  for (const ir::Value* v : model.graph->inputs())
    if (!v->has_initializer()) out.push_back({v->name(), v->dtype, v->shape});
  return out;
}

void check_feeds(const std::vector<InputSpec>& inputs, const Feeds& feeds, const std::string& where) {
  for (const auto& [name, tensor] : feeds)
    if (std::none_of(inputs.begin(), inputs.end(), [&](const InputSpec& in) { return in.name == name; }))
      throw Error(where + ": the model has no input '" + name + "' (inputs: " + join_names(inputs) + ")");
  for (const InputSpec& in : inputs) {
    auto it = feeds.find(in.name);
    if (it == feeds.end())
      throw Error(where + ": input '" + in.name + "' is missing (the model expects " + in.describe() + ")");
    const Tensor& t = it->second;
    if ((in.dtype != DataType::Undefined && t.dtype() != in.dtype) || !fixed_dims_match(in.shape, t.dims()))
      throw Error(where + ": input '" + in.name + "' is " + t.describe() + ", the model expects " + in.describe());
  }
}

std::optional<Feeds> VectorSamples::next() {
  if (pos_ >= samples_.size()) return std::nullopt;
  return samples_[pos_++];
}

NpyFolderSamples::NpyFolderSamples(const std::string& root, const ir::Model& model)
    : root_(root), inputs_(input_specs(model)) {
  data::require_directory(root, "calibration data");
  if (inputs_.empty()) throw Error(root + ": the model has no inputs to feed");
  auto direct = data::list_files(root, {".npy"}, false);
  if (!direct.empty()) {
    if (inputs_.size() != 1)
      throw Error(root + ": .npy files directly in the folder feed a single-input model, but the model has inputs " +
                  join_names(inputs_) + ": put each input's files in " + root + "/<input name>/");
    files_.push_back(std::move(direct));
  } else {
    const auto folders = data::list_subdirectories(root);
    for (const std::string& folder : folders)
      if (std::none_of(inputs_.begin(), inputs_.end(), [&](const InputSpec& in) { return in.name == folder; }))
        throw Error(root + "/" + folder + ": folder does not name a model input (inputs: " + join_names(inputs_) + ")");
    for (const InputSpec& in : inputs_) {
      const std::string dir = root + "/" + in.name;
      if (std::find(folders.begin(), folders.end(), in.name) == folders.end())
        throw Error(root + ": no .npy files for input '" + in.name + "' (expected " + dir + "/*.npy, " + in.describe() +
                    ")");
      files_.push_back(data::list_files(dir, {".npy"}, false));
      if (files_.back().empty()) throw Error(dir + ": no .npy files for input '" + in.name + "'");
      if (files_.back().size() != files_[0].size())
        throw Error(root + ": input folders hold different numbers of files: " + root + "/" + inputs_[0].name +
                    " has " + std::to_string(files_[0].size()) + ", " + dir + " has " +
                    std::to_string(files_.back().size()) + " (the i-th files of all folders form sample i)");
    }
  }
  load_file_group(0);
  size_hint_ = current_count_ * static_cast<int64_t>(file_count());
}

bool NpyFolderSamples::load_file_group(size_t index) {
  if (index >= file_count()) return false;
  current_.clear();
  current_stacked_.clear();
  current_source_.clear();
  int64_t count = -1;
  for (size_t k = 0; k < inputs_.size(); ++k) {
    const std::string& file = files_[k][index];
    FileTensor ft = normalize_file_tensor(data::read_npy(file), inputs_[k], file);
    const int64_t n = ft.stacked ? ft.tensor.dim(0) : 1;
    if (count >= 0 && n != count)
      throw Error(file + ": holds " + std::to_string(n) + " samples, but " + files_[0][index] + " holds " +
                  std::to_string(count) + " (paired files must hold the same number of samples)");
    count = n;
    current_source_ += (current_source_.empty() ? "" : ", ") + file;
    current_.push_back(std::move(ft.tensor));
    current_stacked_.push_back(ft.stacked);
  }
  current_count_ = count;
  current_pos_ = 0;
  next_file_ = index + 1;
  return true;
}

std::optional<Feeds> NpyFolderSamples::next() {
  while (current_pos_ >= current_count_)
    if (!load_file_group(next_file_)) return std::nullopt;
  Feeds feeds;
  for (size_t k = 0; k < inputs_.size(); ++k)
    feeds[inputs_[k].name] = current_stacked_[k] ? stack_slice(current_[k], current_pos_) : current_[k];
  const bool stacked = std::find(current_stacked_.begin(), current_stacked_.end(), true) != current_stacked_.end();
  last_source_ = stacked ? current_source_ + " [" + std::to_string(current_pos_) + "]" : current_source_;
  ++current_pos_;
  return feeds;
}

}  // namespace qtune::quant
