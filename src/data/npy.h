// NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian numeric and
// bool dtypes in C order. Fortran order, big-endian, structured, string and object
// arrays are rejected with a message saying how to re-save the file.
#pragma once

#include <string>
#include <string_view>

#include "qtune/tensor.h"

namespace qtune::data {

// Parses a whole .npy file held in memory; `source` names it in error messages.
Tensor parse_npy(std::string_view bytes, const std::string& source);
Tensor read_npy(const std::string& path);

// Serializes as format 1.0 (2.0 when the header does not fit in 64 KiB), with the
// header padded so the data starts on a 64-byte boundary, as NumPy does.
std::string encode_npy(const Tensor& tensor, const std::string& what = "tensor");
// Atomic (temp file + rename).
void write_npy(const std::string& path, const Tensor& tensor);

}  // namespace qtune::data
