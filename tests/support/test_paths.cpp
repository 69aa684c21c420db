#include "test_paths.h"

#include <algorithm>

#include "onnx_node_case.h"

namespace qtune::testing {

std::vector<std::string> onnx_testdata_models() {
  std::vector<std::string> out;
  for (const char* sub : {"node", "pytorch-converted", "pytorch-operator", "simple"}) {
    std::filesystem::path dir = std::filesystem::path(kOnnxTestData) / sub;
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (std::filesystem::exists(e.path() / "model.onnx")) out.push_back((e.path() / "model.onnx").string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace qtune::testing
