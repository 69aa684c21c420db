#include "ort_peer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cli_runner.h"
#include "data/npy.h"
#include "test_paths.h"
#include "util/atomic_file.h"

namespace qtune::testing {

std::map<std::string, Tensor> run_onnxruntime(const std::string& model, const std::map<std::string, Tensor>& inputs,
                                              int threads) {
  TempDir dir("ort");
  std::string cmd = "node '" + source_dir() + "/tools/ort/run.mjs' '" + model + "' '" + dir.file("out") + "'";
  for (const auto& [name, t] : inputs) {
    std::string path = dir.file(name + ".npy");
    data::write_npy(path, t);
    cmd += " '" + name + "=" + path + "'";
  }
  cmd += " --threads " + std::to_string(threads) + " 2>'" + dir.file("err") + "'";
  if (std::system(cmd.c_str()) != 0) throw Error("onnxruntime failed on " + model + ": " + read_file_bytes(dir.file("err")));
  std::map<std::string, Tensor> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("out")))
    out[e.path().stem().string()] = data::read_npy(e.path().string());
  return out;
}

double max_error_over_range(const Tensor& got, const Tensor& want) {
  double lo = INFINITY, hi = -INFINITY, err = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    double w = want.value_as_double(i);
    lo = std::min(lo, w);
    hi = std::max(hi, w);
    err = std::max(err, std::fabs(got.value_as_double(i) - w));
  }
  double range = hi - lo;
  return range > 0 ? err / range : err;
}

}  // namespace qtune::testing
