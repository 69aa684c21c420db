#include "data/npz.h"

#include "data/npy.h"
#include "data/zip_reader.h"
#include "util/atomic_file.h"

namespace qtune::data {

std::vector<NamedTensor> parse_npz(std::string bytes, const std::string& source) {
  ZipArchive archive(std::move(bytes), source);
  std::vector<NamedTensor> arrays;
  arrays.reserve(archive.entries().size());
  for (const ZipEntry& entry : archive.entries()) {
    if (entry.name.size() < 4 || entry.name.compare(entry.name.size() - 4, 4, ".npy") != 0)
      throw Error(source + ": entry '" + entry.name + "' is not a .npy array (an .npz must contain only .npy files)");
    std::string name = entry.name.substr(0, entry.name.size() - 4);
    arrays.push_back({name, parse_npy(archive.extract(entry), source + ": " + entry.name)});
  }
  if (arrays.empty()) throw Error(source + ": .npz archive contains no arrays");
  return arrays;
}

std::vector<NamedTensor> read_npz(const std::string& path) { return parse_npz(read_file_bytes(path), path); }

}  // namespace qtune::data
