// libFuzzer target: arbitrary bytes into the ONNX loader (parse, convert, validate) and,
// when that succeeds, a save/reload round trip. Bad input must throw qtune::Error, never
// crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ir/model_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    qtune::ir::Model m = qtune::ir::load_model_from_bytes(bytes, "fuzz-input", "/nonexistent-fuzz-dir");
    std::string saved = qtune::ir::serialize_model(m);
    qtune::ir::load_model_from_bytes(saved, "fuzz-resaved", "/nonexistent-fuzz-dir");
  } catch (const qtune::Error&) {
  }
  return 0;
}
