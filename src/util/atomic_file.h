// Atomic output: write to "<path>.tmp-<pid>" in the same folder, flush, then rename
// over `path`, so a crash or error never leaves a partial file under the real name.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace qtune {

// Calls `write` with a stream to the temp file; renames only if it returns normally
// and the stream is still good. Throws qtune::Error naming `path` otherwise.
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& write);
void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole file; throws qtune::Error "<path>: <reason>" for a missing file,
// a directory, or a read failure.
std::string read_file_bytes(const std::string& path);

}  // namespace qtune
