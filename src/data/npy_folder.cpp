#include "data/npy_folder.h"

#include <algorithm>

#include "data/file_list.h"
#include "data/npy.h"
#include "data/npz.h"

namespace qtune::data {

NpyFolderDataset::NpyFolderDataset(NpyFolderOptions options) : options_(std::move(options)) {
  const std::string& root = options_.root;
  require_directory(root, "npy folder");
  auto npy = list_files(root, {".npy"}, false);
  auto npz = list_files(root, {".npz"}, false);
  if (!npy.empty() && !npz.empty())
    throw Error(root + ": contains both .npy and .npz files; keep one kind per dataset folder");
  if (!options_.inputs.empty() && (!npy.empty() || !npz.empty()))
    throw Error(root + ": 'inputs' names input subfolders, but the .npy/.npz files are directly in the folder");
  if (!npy.empty()) {
    files_.push_back(std::move(npy));
  } else if (!npz.empty()) {
    npz_ = true;
    files_.push_back(std::move(npz));
    for (const auto& array : read_npz(files_[0][0])) names_.push_back(array.name);
  } else {
    names_ = options_.inputs.empty() ? list_subdirectories(root) : options_.inputs;
    for (const auto& name : names_) {
      std::string dir = root + "/" + name;
      require_directory(dir, root + ": input folder '" + name + "'");
      files_.push_back(list_files(dir, {".npy"}, false));
      if (files_.back().empty()) throw Error(dir + ": input folder contains no .npy files");
      if (files_.back().size() != files_[0].size())
        throw Error(root + ": input folders have different file counts: " + root + "/" + names_[0] + " has " +
                    std::to_string(files_[0].size()) + " .npy files, " + dir + " has " +
                    std::to_string(files_.back().size()) + "; the i-th files of each folder form sample i");
    }
    if (names_.empty()) throw Error(root + ": no .npy or .npz files and no input subfolders with .npy files");
  }
  if (!options_.labels.empty()) read_labels();
  if (options_.batch_dim == BatchDim::Auto) {
    Sample first = get(0);
    has_batch_dim_ = std::all_of(first.inputs.begin(), first.inputs.end(),
                                 [](const Tensor& t) { return t.rank() >= 2 && t.dim(0) == 1; });
  } else {
    has_batch_dim_ = options_.batch_dim == BatchDim::Yes;
  }
}

void NpyFolderDataset::read_labels() {
  const std::string& path = options_.labels;
  if (has_extension(path, {".npy"})) {
    Tensor t = read_npy(path);
    bool integer = t.dtype() == DataType::Int64 || t.dtype() == DataType::Int32 || t.dtype() == DataType::UInt8 ||
                   t.dtype() == DataType::Int16 || t.dtype() == DataType::UInt16 || t.dtype() == DataType::Int8;
    if (!integer || t.rank() < 1 || t.numel() != t.dim(0))
      throw Error(path + ": labels must be an integer array of shape [N] or [N,1], got " + t.describe());
    for (int64_t i = 0; i < t.numel(); ++i) labels_.push_back(static_cast<int64_t>(t.value_as_double(i)));
  } else {
    for (const TextLine& line : read_text_lines(path)) {
      size_t used = 0;
      int64_t v = 0;
      try {
        v = std::stoll(line.text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || line.text.find_first_not_of(" \t", used) != std::string::npos)
        throw Error(path + ":" + std::to_string(line.number) + ": expected one integer label per line, got '" + line.text + "'");
      labels_.push_back(v);
    }
  }
  if (labels_.size() != size())
    throw Error(path + ": has " + std::to_string(labels_.size()) + " labels, but " + options_.root + " has " +
                std::to_string(size()) + " samples");
  for (size_t i = 0; i < labels_.size(); ++i)
    if (labels_[i] < 0) throw Error(path + ": label " + std::to_string(i) + " is negative (" + std::to_string(labels_[i]) + ")");
}

Sample NpyFolderDataset::get(size_t index) const {
  Sample sample;
  sample.label.sample_index = static_cast<int64_t>(index);
  if (npz_) {
    const std::string& path = files_[0].at(index);
    sample.label.source = path;
    auto arrays = read_npz(path);
    if (arrays.size() != names_.size()) throw Error(path + ": has " + std::to_string(arrays.size()) + " arrays, expected " + std::to_string(names_.size()) + " like " + files_[0][0]);
    for (size_t k = 0; k < arrays.size(); ++k) {
      if (arrays[k].name != names_[k])
        throw Error(path + ": array " + std::to_string(k) + " is named '" + arrays[k].name + "', expected '" + names_[k] + "' like " + files_[0][0]);
      sample.inputs.push_back(std::move(arrays[k].tensor));
    }
  } else {
    sample.label.source = files_[0].at(index);
    for (const auto& input_files : files_) sample.inputs.push_back(read_npy(input_files.at(index)));
  }
  if (!labels_.empty()) sample.label.class_id = labels_[index];
  return sample;
}

std::string NpyFolderDataset::describe() const {
  std::string text = std::string(npz_ ? "npz_folder " : "npy_folder ") + options_.root + " (" + std::to_string(size()) + " samples";
  if (!names_.empty()) {
    text += ", inputs ";
    for (size_t i = 0; i < names_.size(); ++i) text += (i ? "," : "") + names_[i];
  }
  if (!labels_.empty()) text += ", labels from " + options_.labels;
  return text + (has_batch_dim_ ? ", with batch dim)" : ")");
}

}  // namespace qtune::data
