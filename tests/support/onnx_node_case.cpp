#include "onnx_node_case.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "backends/dnnl/dnnl_kernels.h"
#include "ir/model_io.h"
#include "ir/onnx_tensor.h"
#include "ops/op.h"
#include "util/atomic_file.h"

namespace qtune::testing {

Tensor read_tensor_pb(const std::string& path) {
  onnx::TensorProto proto;
  std::string bytes = read_file_bytes(path);
  if (!proto.ParseFromString(bytes)) throw Error(path + ": not a TensorProto");
  return ir::tensor_from_onnx(proto, path, std::filesystem::path(path).parent_path().string());
}

std::string compare_tensors(const Tensor& got, const Tensor& want, double rtol, double atol) {
  if (got.dtype() != want.dtype())
    return "type " + std::string(dtype_name(got.dtype())) + " != expected " + std::string(dtype_name(want.dtype()));
  if (got.dims() != want.dims()) return "shape " + got.describe() + " != expected " + want.describe();
  if (got.dtype() == DataType::String) return got.string_data() == want.string_data() ? "" : "strings differ";
  bool exact = got.dtype() != DataType::Float32 && got.dtype() != DataType::Float64 &&
               got.dtype() != DataType::Float16 && got.dtype() != DataType::BFloat16;
  for (int64_t i = 0; i < got.numel(); ++i) {
    double g = got.value_as_double(i), w = want.value_as_double(i);
    if (std::isnan(w) && std::isnan(g)) continue;
    if (std::isinf(w) && g == w) continue;
    bool ok = exact ? g == w : std::fabs(g - w) <= atol + rtol * std::fabs(w);
    if (!ok) return "element " + std::to_string(i) + ": got " + std::to_string(g) + ", expected " + std::to_string(w);
  }
  return "";
}

NodeCaseResult run_onnx_node_case(const std::string& case_dir, double rtol, double atol, bool dnnl) {
  NodeCaseResult result;
  ir::Model model = ir::load_model(case_dir + "/model.onnx");
  const ir::Graph& g = *model.graph;
  std::set<std::string> missing;
  for (const ir::Node* n : g.nodes())
    if (!ops::find_op(n->domain(), n->op_type())) missing.insert(n->op_type());
  if (!missing.empty()) {
    result.unsupported_ops.assign(missing.begin(), missing.end());
    return result;
  }
  result.ran = true;
  for (const auto& entry : std::filesystem::directory_iterator(case_dir)) {
    if (!entry.is_directory() || entry.path().filename().string().rfind("test_data_set_", 0) != 0) continue;
    std::map<const ir::Value*, Tensor> values;
    for (const ir::Value* v : g.values())
      if (v->has_initializer()) values[v] = v->initializer();
    int k = 0;
    for (const ir::Value* in : g.inputs()) {
      if (in->has_initializer()) continue;
      std::string path = entry.path().string() + "/input_" + std::to_string(k++) + ".pb";
      if (std::filesystem::exists(path)) values[in] = read_tensor_pb(path);
    }
    try {
      for (const ir::Node* n : g.nodes()) {
        std::vector<Tensor> inputs;
        for (const ir::Value* in : n->inputs()) inputs.push_back(in && values.count(in) ? values[in] : Tensor());
        std::unique_ptr<ops::Kernel> kernel = dnnl ? backends::dnnl_backend::make_dnnl_kernel(*n) : nullptr;
        std::vector<Tensor> outs;
        if (kernel) {
          outs.resize(static_cast<size_t>(n->num_outputs()));
          ops::KernelContext ctx;
          kernel->run(inputs, outs, ctx);
        } else {
          outs = ops::run_reference(*n, inputs);
        }
        for (int i = 0; i < n->num_outputs(); ++i)
          if (n->output(i)) values[n->output(i)] = outs[static_cast<size_t>(i)];
      }
    } catch (const std::exception& e) {
      result.failure = entry.path().filename().string() + ": " + e.what();
      return result;
    }
    for (size_t i = 0; i < g.outputs().size(); ++i) {
      std::string path = entry.path().string() + "/output_" + std::to_string(i) + ".pb";
      if (!std::filesystem::exists(path)) continue;
      Tensor want = read_tensor_pb(path);
      std::string diff = compare_tensors(values[g.outputs()[i]], want, rtol, atol);
      if (!diff.empty()) {
        result.failure = entry.path().filename().string() + " output '" + g.outputs()[i]->name() + "': " + diff;
        return result;
      }
    }
  }
  return result;
}

}  // namespace qtune::testing
