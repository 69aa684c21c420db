// Inputs the loader fuzzer once found (tests/fuzz/regressions/): each must now load or
// fail with a qtune::Error, under the sanitizer build too.
#include <gtest/gtest.h>

#include <filesystem>

#include "ir/model_io.h"
#include "test_paths.h"
#include "util/atomic_file.h"

namespace qtune {
namespace {

TEST(IrFuzzRegressions, EveryKeptInputFailsCleanly) {
  auto dir = std::filesystem::path(testing::source_dir()) / "tests/fuzz/regressions";
  ASSERT_TRUE(std::filesystem::exists(dir));
  int count = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    ++count;
    std::string bytes = read_file_bytes(e.path().string());
    try {
      ir::Model m = ir::load_model_from_bytes(bytes, e.path().string(), "/nonexistent");
      ir::serialize_model(m);
    } catch (const Error& err) {
      EXPECT_NE(std::string(err.what()).find(e.path().string()), std::string::npos) << err.what();
    }
  }
  RecordProperty("inputs", count);
}

}  // namespace
}  // namespace qtune
