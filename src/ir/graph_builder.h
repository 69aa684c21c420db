// Builds small graphs in code, for tests and examples:
//   GraphBuilder b;
//   auto* x = b.input("x", DataType::Float32, {1, 3, 8, 8});
//   auto* y = b.node("Conv", {x, b.weight("w", {4, 3, 3, 3}), b.weight("bias", {4})},
//                    {Attribute::make_ints("pads", {1, 1, 1, 1})});
//   b.output(b.node("Relu", {y}));
//   ir::Model m = b.build();
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qtune::ir {

class GraphBuilder {
 public:
  explicit GraphBuilder(int64_t opset = 17, uint64_t seed = 1);

  // A graph input; a dim of -1 becomes a symbolic dim named "<name>_d<i>".
  Value* input(const std::string& name, DataType type, const std::vector<int64_t>& dims);
  // A float32 initializer with values uniform in [-scale, scale] (seeded).
  Value* weight(const std::string& name, const std::vector<int64_t>& dims, float scale = 0.5f);
  Value* constant(const std::string& name, Tensor value);
  // A single-output node; the output value is named "<name>_out" (name defaults to op_N).
  Value* node(const std::string& op_type, const std::vector<Value*>& inputs, std::vector<Attribute> attributes = {},
              const std::string& name = "");
  std::vector<Value*> node_outputs(const std::string& op_type, const std::vector<Value*>& inputs, int num_outputs,
                                   std::vector<Attribute> attributes = {}, const std::string& name = "");
  void output(Value* v);

  Graph& graph() { return *model_.graph; }
  // Returns the model (validated); the builder is empty afterwards.
  Model build();

 private:
  Model model_;
  std::mt19937_64 rng_;
};

}  // namespace qtune::ir
