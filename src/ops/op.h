// The op table's contract. Each ONNX op qtune supports lives in one file under
// src/ops/ that defines an OpSpec: how to infer output types/shapes (and values, when
// every input is known — that is constant folding and shape propagation in one), and
// how to build its reference kernel. Backends (oneDNN) add faster kernels elsewhere.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::ops {

// What is known about a value before it is computed.
struct TensorInfo {
  DataType dtype = DataType::Undefined;
  ir::Shape shape;
  std::optional<Tensor> value;  // known contents (constants, shape computations)
  bool present = true;          // false for an omitted optional input

  static TensorInfo absent() { return TensorInfo{DataType::Undefined, {}, std::nullopt, false}; }
  static TensorInfo of(const Tensor& t) { return TensorInfo{t.dtype(), ir::Shape::of(t.dims()), t, true}; }
  static TensorInfo typed(DataType type, ir::Shape shape) { return TensorInfo{type, std::move(shape), std::nullopt, true}; }
};

// Run-time services for kernels: output allocation (the executor plans buffers) and threads.
class KernelContext {
 public:
  virtual ~KernelContext() = default;
  // A fresh output tensor; contents are unspecified (kernels write every element).
  virtual Tensor allocate(int output_index, DataType type, const std::vector<int64_t>& dims);
  int threads = 1;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  // `inputs` has one entry per node input (undefined Tensor for an omitted optional one);
  // `outputs` has one entry per node output and the kernel sets each present one.
  virtual void run(std::span<const Tensor> inputs, std::span<Tensor> outputs, KernelContext& ctx) = 0;
};

struct OpSpec {
  std::string_view domain;  // "" = default ONNX domain
  std::string_view op_type;
  // Validates the node (attributes, arity, input types) and returns one TensorInfo per
  // node output. Throws qtune::Error naming the node on invalid input.
  std::vector<TensorInfo> (*infer)(const ir::Node& node, std::span<const TensorInfo> inputs);
  // Builds the reference kernel (attributes parsed once here, not per run).
  std::unique_ptr<Kernel> (*make_ref_kernel)(const ir::Node& node);
  // False for ops whose result must not be folded at compile time (random generators).
  bool deterministic = true;
};

// The spec for a node's op, or nullptr when qtune does not implement it.
const OpSpec* find_op(std::string_view domain, std::string_view op_type);
// Every implemented op, for listings and tests.
std::span<const OpSpec* const> all_ops();

// Runs a node's reference kernel on concrete inputs (tests, constant folding).
std::vector<Tensor> run_reference(const ir::Node& node, std::span<const Tensor> inputs);

}  // namespace qtune::ops
