// Conversion between onnx::TensorProto and qtune::Tensor.
#pragma once

#include <string>

#include <onnx/onnx_pb.h>

#include "qtune/tensor.h"

namespace qtune::ir {

// `what` names the tensor in errors ("initializer 'conv1.weight'"); `base_dir` resolves
// external data locations. Throws qtune::Error on a malformed or inconsistent proto.
Tensor tensor_from_onnx(const onnx::TensorProto& proto, const std::string& what, const std::string& base_dir);
// Writes dims, type and raw_data (string_data for strings); does not set the name.
void tensor_to_onnx(const Tensor& tensor, onnx::TensorProto& proto);

}  // namespace qtune::ir
