#include "data/text_lines.h"

#include <filesystem>

#include "data/file_list.h"

namespace qtune::data {

TextLinesDataset::TextLinesDataset(TextLinesOptions options) : options_(std::move(options)) {
  require_directory(options_.root, "text lines root");
  if (options_.labels.empty()) options_.labels = options_.root + "/labels.txt";
  for (const TextLine& line : read_text_lines(options_.labels)) {
    std::string where = options_.labels + ":" + std::to_string(line.number);
    size_t tab = line.text.find('\t');
    if (tab == std::string::npos)
      throw Error(where + ": expected 'relative/path<TAB>text' (a tab, not spaces, separates path and text), got '" +
                  line.text + "'");
    std::string path = resolve_path(options_.root, line.text.substr(0, tab));
    std::string text = line.text.substr(tab + 1);
    if (text.empty()) throw Error(where + ": empty text for '" + line.text.substr(0, tab) + "'");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(where + ": image '" + path + "' does not exist");
    entries_.push_back({std::move(path), std::move(text)});
  }
  if (entries_.empty()) throw Error(options_.labels + ": no labeled lines");
}

Sample TextLinesDataset::get(size_t index) const {
  const Entry& entry = entries_.at(index);
  Sample sample;
  sample.inputs.push_back(read_image(entry.path, options_.color));
  sample.label.sample_index = static_cast<int64_t>(index);
  sample.label.source = entry.path;
  sample.label.text = entry.text;
  sample.label.image_height = sample.inputs[0].dim(0);
  sample.label.image_width = sample.inputs[0].dim(1);
  return sample;
}

std::string TextLinesDataset::describe() const {
  return "text_lines " + options_.root + " (" + std::to_string(entries_.size()) + " lines from " + options_.labels + ", " +
         std::string(color_mode_name(options_.color)) + ")";
}

}  // namespace qtune::data
