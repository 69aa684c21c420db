#include "ir/shape_inference.h"

namespace qtune::ir {

std::string graph_input_names(const Graph& g) {
  std::string s;
  for (const Value* v : g.inputs())
    if (!v->has_initializer()) s += (s.empty() ? "" : ", ") + v->name();
  return s.empty() ? "none" : s;
}

std::pair<std::string, std::vector<int64_t>> parse_shape_arg(const std::string& arg) {
  auto eq = arg.rfind('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--shape '" + arg + "': expected NAME=DIMS, e.g. x=1,3,224,224");
  std::string name = arg.substr(0, eq);
  return {name, parse_dims(arg.substr(eq + 1), "--shape " + name)};
}

void apply_input_shapes(Graph& g, const InputShapes& input_shapes) {
  for (const auto& [name, dims] : input_shapes) {
    Value* v = g.find_value(name);
    if (!v || !v->is_graph_input())
      throw Error("input '" + name + "': the model has no such input (inputs: " + graph_input_names(g) + ")");
    if (v->shape.has_rank()) {
      const auto& declared = *v->shape.dims;
      if (declared.size() != dims.size())
        throw Error("input '" + name + "': the model declares rank " + std::to_string(declared.size()) + " " +
                    v->shape.to_string() + ", got " + std::to_string(dims.size()) + " dims [" + format_dims(dims) + "]");
      for (size_t i = 0; i < dims.size(); ++i)
        if (declared[i].is_known() && declared[i].value != dims[i])
          throw Error("input '" + name + "': dim " + std::to_string(i) + " is fixed to " +
                      std::to_string(declared[i].value) + " " + v->shape.to_string() + ", got " +
                      std::to_string(dims[i]));
    }
    v->shape = Shape::of(dims);
  }
}

}  // namespace qtune::ir
