// onnx::ModelProto -> qtune IR. Values are created before they are wired so that
// files whose nodes are not in topological order still load (then get sorted).
#include <filesystem>
#include <unordered_set>

#include "ir/model_io.h"
#include "ir/onnx_tensor.h"
#include "util/atomic_file.h"

namespace qtune::ir {
namespace {

void read_type(const onnx::TypeProto& type, Value& v) {
  if (type.value_case() != onnx::TypeProto::kTensorType) {
    if (type.value_case() != onnx::TypeProto::VALUE_NOT_SET) v.opaque_type = type.SerializeAsString();
    return;
  }
  const auto& tt = type.tensor_type();
  if (tt.elem_type() != 0) {
    if (!dtype_is_known(tt.elem_type()))
      throw Error("value '" + v.name() + "' has unknown element type code " + std::to_string(tt.elem_type()));
    v.dtype = static_cast<DataType>(tt.elem_type());
  }
  if (!tt.has_shape()) return;
  v.shape.dims.emplace();
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value()) {
      if (d.dim_value() < 0)
        throw Error("value '" + v.name() + "' has negative dimension " + std::to_string(d.dim_value()));
      v.shape.dims->push_back(Dim::known(d.dim_value()));
    } else {
      v.shape.dims->push_back(Dim::symbolic(d.has_dim_param() ? d.dim_param() : ""));
    }
  }
}

void read_value_info(const onnx::ValueInfoProto& info, Value& v) {
  read_type(info.type(), v);
  v.doc_string = info.doc_string();
}

std::shared_ptr<Graph> read_graph(const onnx::GraphProto& proto, Graph* parent, const std::string& base_dir);

Attribute read_attribute(const onnx::AttributeProto& proto, Graph& graph, const std::string& node_what,
                         const std::string& base_dir) {
  Attribute a;
  a.name = proto.name();
  a.doc_string = proto.doc_string();
  a.ref_attr_name = proto.ref_attr_name();
  a.kind = static_cast<AttrKind>(proto.type());
  std::string what = node_what + " attribute '" + proto.name() + "'";
  switch (a.kind) {
    case AttrKind::Float: a.f = proto.f(); break;
    case AttrKind::Int: a.i = proto.i(); break;
    case AttrKind::String: a.s = proto.s(); break;
    case AttrKind::Tensor:
      a.t = tensor_from_onnx(proto.t(), what, base_dir);
      a.t_name = proto.t().name();
      break;
    case AttrKind::Graph: a.g = read_graph(proto.g(), &graph, base_dir); break;
    case AttrKind::Floats: a.floats.assign(proto.floats().begin(), proto.floats().end()); break;
    case AttrKind::Ints: a.ints.assign(proto.ints().begin(), proto.ints().end()); break;
    case AttrKind::Strings: a.strings.assign(proto.strings().begin(), proto.strings().end()); break;
    case AttrKind::Tensors:
      for (const auto& t : proto.tensors()) {
        a.tensors.push_back(tensor_from_onnx(t, what, base_dir));
        a.tensor_names.push_back(t.name());
      }
      break;
    case AttrKind::Graphs:
      for (const auto& g : proto.graphs()) a.graphs.push_back(read_graph(g, &graph, base_dir));
      break;
    case AttrKind::SparseTensor:
    case AttrKind::SparseTensors:
    case AttrKind::TypeProto:
    case AttrKind::TypeProtos: a.opaque_proto = proto.SerializeAsString(); break;
    default:
      throw Error(what + " has unknown attribute type " + std::to_string(proto.type()));
  }
  return a;
}

bool defined_in_ancestor(const Graph* graph, const std::string& name) {
  for (const Graph* g = graph->parent(); g; g = g->parent())
    if (g->find_value(name)) return true;
  return false;
}

std::string node_label(const onnx::NodeProto& n, int index) {
  std::string op = n.domain().empty() || n.domain() == "ai.onnx" ? n.op_type() : n.domain() + "." + n.op_type();
  return n.name().empty() ? op + " node #" + std::to_string(index) : op + " node '" + n.name() + "'";
}

std::shared_ptr<Graph> read_graph(const onnx::GraphProto& proto, Graph* parent, const std::string& base_dir) {
  auto graph = std::make_shared<Graph>(parent);
  Graph& g = *graph;
  g.name = proto.name();
  g.doc_string = proto.doc_string();

  for (const auto& in : proto.input()) {
    if (in.name().empty()) throw Error("graph '" + g.name + "' has an input with an empty name");
    if (g.find_value(in.name())) throw Error("graph input '" + in.name() + "' is listed twice");
    Value* v = g.add_value(in.name());
    read_value_info(in, *v);
    g.add_input(v);
  }
  for (const auto& init : proto.initializer()) {
    if (init.name().empty()) throw Error("graph '" + g.name + "' has an initializer with an empty name");
    Value* v = g.get_or_add_value(init.name());
    if (v->has_initializer()) throw Error("initializer '" + init.name() + "' is defined twice");
    // A graph input's declared type survives; the initializer only supplies the default.
    DataType declared = v->dtype;
    Shape declared_shape = v->shape;
    g.set_initializer(v, tensor_from_onnx(init, "initializer '" + init.name() + "'", base_dir));
    if (v->is_graph_input() && declared != DataType::Undefined) {
      v->dtype = declared;
      v->shape = declared_shape;
    }
  }
  for (const auto& s : proto.sparse_initializer()) g.opaque_sparse_initializers.push_back(s.SerializeAsString());
  for (const auto& q : proto.quantization_annotation())
    g.opaque_quantization_annotations.push_back(q.SerializeAsString());

  // Pass 1: create every node output, rejecting a second producer of the same name.
  std::vector<std::vector<Value*>> node_outputs(static_cast<size_t>(proto.node_size()));
  std::unordered_map<std::string, int> produced_by;
  for (int i = 0; i < proto.node_size(); ++i) {
    const auto& n = proto.node(i);
    for (const auto& out : n.output()) {
      if (out.empty()) {
        node_outputs[static_cast<size_t>(i)].push_back(nullptr);
        continue;
      }
      auto [it, fresh] = produced_by.emplace(out, i);
      if (!fresh)
        throw Error("value '" + out + "' is produced twice: by " + node_label(proto.node(it->second), it->second) +
                    " and by " + node_label(n, i));
      Value* existing = g.find_value(out);
      if (existing && existing->is_graph_input())
        throw Error(node_label(n, i) + " output '" + out + "' has the same name as a graph input");
      if (existing && existing->has_initializer())
        throw Error(node_label(n, i) + " output '" + out + "' has the same name as an initializer");
      node_outputs[static_cast<size_t>(i)].push_back(g.get_or_add_value(out));
    }
  }
  // Pass 2: wire inputs (resolving names captured from enclosing graphs) and attributes.
  for (int i = 0; i < proto.node_size(); ++i) {
    const auto& n = proto.node(i);
    std::vector<Value*> inputs;
    for (int k = 0; k < n.input_size(); ++k) {
      const std::string& name = n.input(k);
      if (name.empty()) {
        inputs.push_back(nullptr);
        continue;
      }
      Value* v = g.find_value(name);
      if (!v && defined_in_ancestor(&g, name)) v = g.add_outer_scope_value(name);
      if (!v)
        throw Error(node_label(n, i) + " input #" + std::to_string(k) + " '" + name +
                    "' is not produced by any node and is not a graph input or initializer");
      inputs.push_back(v);
    }
    Node* node = g.add_node(n.op_type(), inputs, node_outputs[static_cast<size_t>(i)], n.name(), n.domain());
    node->doc_string = n.doc_string();
    for (const auto& a : n.attribute()) node->attributes().push_back(read_attribute(a, g, node_label(n, i), base_dir));
  }
  for (const auto& info : proto.value_info()) {
    if (Value* v = g.find_value(info.name()); v && !v->has_initializer()) read_value_info(info, *v);
  }
  std::unordered_set<std::string> output_names;
  for (const auto& out : proto.output()) {
    if (!output_names.insert(out.name()).second) throw Error("graph output '" + out.name() + "' is listed twice");
    Value* v = g.find_value(out.name());
    if (!v && defined_in_ancestor(&g, out.name())) v = g.add_outer_scope_value(out.name());
    if (!v || (!v->producer() && !v->is_graph_input() && !v->has_initializer() && !v->is_outer_scope()))
      throw Error("graph output '" + out.name() + "' is not produced by any node");
    read_value_info(out, *v);
    g.add_output(v);
  }
  g.sort_topologically();
  return graph;
}

}  // namespace

Model model_from_onnx(const onnx::ModelProto& proto, const std::string& base_dir) {
  Model m;
  m.ir_version = proto.ir_version();
  m.producer_name = proto.producer_name();
  m.producer_version = proto.producer_version();
  m.domain = proto.domain();
  m.model_version = proto.model_version();
  m.doc_string = proto.doc_string();
  for (const auto& kv : proto.metadata_props()) m.metadata_props.emplace_back(kv.key(), kv.value());
  for (const auto& f : proto.functions()) m.opaque_functions.push_back(f.SerializeAsString());
  for (const auto& t : proto.training_info()) m.opaque_training_info.push_back(t.SerializeAsString());
  if (!proto.has_graph()) throw Error("the model has no graph");
  m.graph = read_graph(proto.graph(), nullptr, base_dir);
  for (const auto& op : proto.opset_import()) {
    std::string dom = op.domain() == "ai.onnx" ? "" : op.domain();
    m.opset_imports().push_back({dom, op.version()});
  }
  return m;
}

}  // namespace qtune::ir
