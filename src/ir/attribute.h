// A node attribute, holding exactly one of ONNX's attribute kinds. Subgraphs (If/Loop
// bodies) are full qtune graphs, so they round-trip and passes can walk them. Kinds
// qtune never interprets (sparse tensors, type protos) keep their serialized proto.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qtune/tensor.h"

namespace qtune::ir {

class Graph;

// Same numbering as ONNX's AttributeProto.AttributeType.
enum class AttrKind : int32_t {
  Undefined = 0,
  Float = 1,
  Int = 2,
  String = 3,
  Tensor = 4,
  Graph = 5,
  Floats = 6,
  Ints = 7,
  Strings = 8,
  Tensors = 9,
  Graphs = 10,
  SparseTensor = 11,
  SparseTensors = 12,
  TypeProto = 13,
  TypeProtos = 14,
};

struct Attribute {
  std::string name;
  AttrKind kind = AttrKind::Undefined;
  std::string doc_string;
  std::string ref_attr_name;  // inside function bodies: refers to the caller's attribute

  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::string t_name;  // a tensor attribute's own name (usually empty)
  std::shared_ptr<Graph> g;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::string> tensor_names;
  std::vector<std::shared_ptr<Graph>> graphs;
  std::string opaque_proto;  // serialized AttributeProto for kinds stored as-is

  static Attribute make_float(std::string name, float v);
  static Attribute make_int(std::string name, int64_t v);
  static Attribute make_string(std::string name, std::string v);
  static Attribute make_floats(std::string name, std::vector<float> v);
  static Attribute make_ints(std::string name, std::vector<int64_t> v);
  static Attribute make_tensor(std::string name, Tensor v);
  static Attribute make_graph(std::string name, std::shared_ptr<Graph> v);
};

const char* attr_kind_name(AttrKind kind);

}  // namespace qtune::ir
