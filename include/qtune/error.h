// qtune::Error: the one exception type the library throws for bad input.
// Its message is complete and user-facing ("<file>: <what is wrong>"); the CLI
// prints it as "qtune: error: <message>" and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace qtune {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Prefixes an error message with a context such as a file path or a key:
// rethrow_with_context("model.onnx", e) -> "model.onnx: <e.what()>".
[[noreturn]] inline void rethrow_with_context(const std::string& context, const std::exception& e) {
  throw Error(context + ": " + e.what());
}

}  // namespace qtune
