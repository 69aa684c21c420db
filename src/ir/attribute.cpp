#include "ir/attribute.h"

namespace qtune::ir {

const char* attr_kind_name(AttrKind kind) {
  switch (kind) {
    case AttrKind::Float: return "float";
    case AttrKind::Int: return "int";
    case AttrKind::String: return "string";
    case AttrKind::Tensor: return "tensor";
    case AttrKind::Graph: return "graph";
    case AttrKind::Floats: return "floats";
    case AttrKind::Ints: return "ints";
    case AttrKind::Strings: return "strings";
    case AttrKind::Tensors: return "tensors";
    case AttrKind::Graphs: return "graphs";
    case AttrKind::SparseTensor: return "sparse_tensor";
    case AttrKind::SparseTensors: return "sparse_tensors";
    case AttrKind::TypeProto: return "type_proto";
    case AttrKind::TypeProtos: return "type_protos";
    default: return "undefined";
  }
}

Attribute Attribute::make_float(std::string name, float v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::Float;
  a.f = v;
  return a;
}

Attribute Attribute::make_int(std::string name, int64_t v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::Int;
  a.i = v;
  return a;
}

Attribute Attribute::make_string(std::string name, std::string v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::String;
  a.s = std::move(v);
  return a;
}

Attribute Attribute::make_floats(std::string name, std::vector<float> v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::Floats;
  a.floats = std::move(v);
  return a;
}

Attribute Attribute::make_ints(std::string name, std::vector<int64_t> v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::Ints;
  a.ints = std::move(v);
  return a;
}

Attribute Attribute::make_tensor(std::string name, Tensor v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::Tensor;
  a.t = std::move(v);
  return a;
}

Attribute Attribute::make_graph(std::string name, std::shared_ptr<Graph> v) {
  Attribute a;
  a.name = std::move(name);
  a.kind = AttrKind::Graph;
  a.g = std::move(v);
  return a;
}

}  // namespace qtune::ir
