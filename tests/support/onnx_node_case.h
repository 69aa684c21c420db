// Runs one ONNX backend test case (model.onnx + test_data_set_N/{input,output}_K.pb from
// Debian's libonnx-testdata) through qtune's reference (or oneDNN) kernels, node by node, and
// compares every output with the expected tensor.
#pragma once

#include <string>
#include <vector>

#include "qtune/tensor.h"

namespace qtune::testing {

constexpr const char* kOnnxTestData = "/usr/share/libonnx-testdata/data";

struct NodeCaseResult {
  bool ran = false;         // false: the model uses an op qtune does not implement
  std::string failure;      // empty when every output matched
  std::vector<std::string> unsupported_ops;
};

// Tolerance: |got - want| <= atol + rtol * |want| (ONNX's backend tests use 1e-3/1e-7
// for float32); integer and bool outputs must match exactly.
// With `dnnl`, nodes the oneDNN backend has a kernel for run on it (the rest on ref).
NodeCaseResult run_onnx_node_case(const std::string& case_dir, double rtol = 1e-3, double atol = 1e-5,
                                  bool dnnl = false);

// Compares two tensors with the same rule; returns "" when they match, else a message
// naming the first mismatching element.
std::string compare_tensors(const Tensor& got, const Tensor& want, double rtol, double atol);

Tensor read_tensor_pb(const std::string& path);

}  // namespace qtune::testing
