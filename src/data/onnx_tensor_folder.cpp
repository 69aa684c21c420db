#include "data/onnx_tensor_folder.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "data/file_list.h"
#include "ir/onnx_tensor.h"
#include "util/atomic_file.h"

namespace qtune::data {
namespace {

// The N in "<prefix>N<suffix>", or nothing when the name has another form.
std::optional<int64_t> numbered(const std::string& name, const std::string& prefix, const std::string& suffix) {
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
  std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(digits);
}

std::vector<std::string> numbered_inputs(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  for (const auto& path : list_files(dir, {".pb"}, false)) {
    auto k = numbered(std::filesystem::path(path).filename().string(), "input_", ".pb");
    if (k) found.emplace_back(*k, path);
  }
  std::sort(found.begin(), found.end());
  for (size_t k = 0; k < found.size(); ++k)
    if (found[k].first != static_cast<int64_t>(k))
      throw Error(dir + ": input files are not numbered input_0.pb .. input_" + std::to_string(found.size() - 1) +
                  ".pb (input_" + std::to_string(k) + ".pb is missing)");
  std::vector<std::string> files;
  for (auto& f : found) files.push_back(std::move(f.second));
  return files;
}

}  // namespace

Tensor read_onnx_tensor_file(const std::string& path, std::string* name) {
  std::string bytes = read_file_bytes(path);
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) throw Error(path + ": not a valid serialized onnx.TensorProto");
  if (name) *name = proto.name();
  return ir::tensor_from_onnx(proto, path, std::filesystem::path(path).parent_path().string());
}

OnnxTensorFolderDataset::OnnxTensorFolderDataset(std::string root) : root_(std::move(root)) {
  require_directory(root_, "ONNX test data folder");
  std::vector<std::pair<int64_t, std::string>> sets;
  for (const auto& name : list_subdirectories(root_))
    if (auto n = numbered(name, "test_data_set_", "")) sets.emplace_back(*n, root_ + "/" + name);
  std::sort(sets.begin(), sets.end());
  for (auto& s : sets) sets_.push_back(std::move(s.second));
  if (sets_.empty()) {
    if (numbered_inputs(root_).empty())
      throw Error(root_ + ": no test_data_set_N folders and no input_K.pb files (expected the ONNX test data layout)");
    sets_.push_back(root_);  // the root is itself one test_data_set folder
  }
  for (const auto& set : sets_) {
    files_.push_back(numbered_inputs(set));
    if (files_.back().empty()) throw Error(set + ": contains no input_K.pb files");
    if (files_.back().size() != files_[0].size())
      throw Error(set + ": has " + std::to_string(files_.back().size()) + " input files, but " + sets_[0] + " has " +
                  std::to_string(files_[0].size()));
  }
  // Input names come from the first set; unnamed tensors mean positional inputs.
  for (const auto& path : files_[0]) {
    std::string name;
    read_onnx_tensor_file(path, &name);
    names_.push_back(name);
  }
  if (std::any_of(names_.begin(), names_.end(), [](const std::string& n) { return n.empty(); })) names_.clear();
}

Sample OnnxTensorFolderDataset::get(size_t index) const {
  Sample sample;
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = sets_.at(index);
  for (size_t k = 0; k < files_[index].size(); ++k) {
    std::string name;
    sample.inputs.push_back(read_onnx_tensor_file(files_[index][k], &name));
    if (!names_.empty() && name != names_[k])
      throw Error(files_[index][k] + ": tensor is named '" + name + "', but input " + std::to_string(k) + " of " +
                  sets_[0] + " is named '" + names_[k] + "'");
  }
  return sample;
}

std::string OnnxTensorFolderDataset::describe() const {
  std::string text = "onnx_tensor_folder " + root_ + " (" + std::to_string(sets_.size()) + " test data sets, " +
                     std::to_string(files_[0].size()) + " inputs";
  if (!names_.empty()) {
    text += ": ";
    for (size_t i = 0; i < names_.size(); ++i) text += (i ? "," : "") + names_[i];
  }
  return text + ")";
}

}  // namespace qtune::data
