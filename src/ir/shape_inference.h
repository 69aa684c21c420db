// Concrete input shapes given by the user (--shape NAME=DIMS), checked against the
// model's declared inputs. Propagation through the graph is passes::infer_shapes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qtune::ir {

using InputShapes = std::map<std::string, std::vector<int64_t>>;

// Parses "NAME=1,3,48,320"; throws qtune::Error naming the flag text on bad syntax.
std::pair<std::string, std::vector<int64_t>> parse_shape_arg(const std::string& arg);

// Sets the given graph-input shapes, checking names, rank and fixed dims against the
// model. Throws qtune::Error naming the input and what the model declares.
void apply_input_shapes(Graph& graph, const InputShapes& input_shapes);

// Names of the graph inputs that are not initializers: "x, y" (for error messages).
std::string graph_input_names(const Graph& graph);

}  // namespace qtune::ir
