// qtune IR -> onnx::ModelProto, and the file-level load/save entry points.
#include <filesystem>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "ir/model_io.h"
#include "ir/onnx_tensor.h"
#include "util/atomic_file.h"

namespace qtune::ir {
namespace {

void write_type(const Value& v, onnx::TypeProto& type) {
  if (!v.opaque_type.empty()) {
    type.ParseFromString(v.opaque_type);
    return;
  }
  auto* tt = type.mutable_tensor_type();
  if (v.dtype != DataType::Undefined) tt->set_elem_type(static_cast<int32_t>(v.dtype));
  if (!v.shape.has_rank()) return;
  auto* shape = tt->mutable_shape();
  for (const Dim& d : *v.shape.dims) {
    auto* dim = shape->add_dim();
    if (d.is_known()) {
      dim->set_dim_value(d.value);
    } else if (!d.symbol.empty()) {
      dim->set_dim_param(d.symbol);
    }
  }
}

void write_value_info(const Value& v, onnx::ValueInfoProto& info) {
  info.set_name(v.name());
  if (!v.doc_string.empty()) info.set_doc_string(v.doc_string);
  if (v.dtype != DataType::Undefined || v.shape.has_rank() || !v.opaque_type.empty()) write_type(v, *info.mutable_type());
}

void write_graph(const Graph& g, onnx::GraphProto& proto);

void write_attribute(const Attribute& a, onnx::AttributeProto& proto) {
  if (!a.opaque_proto.empty()) {
    proto.ParseFromString(a.opaque_proto);
    return;
  }
  proto.set_name(a.name);
  proto.set_type(static_cast<onnx::AttributeProto::AttributeType>(a.kind));
  if (!a.doc_string.empty()) proto.set_doc_string(a.doc_string);
  if (!a.ref_attr_name.empty()) proto.set_ref_attr_name(a.ref_attr_name);
  switch (a.kind) {
    case AttrKind::Float: proto.set_f(a.f); break;
    case AttrKind::Int: proto.set_i(a.i); break;
    case AttrKind::String: proto.set_s(a.s); break;
    case AttrKind::Tensor:
      tensor_to_onnx(a.t, *proto.mutable_t());
      if (!a.t_name.empty()) proto.mutable_t()->set_name(a.t_name);
      break;
    case AttrKind::Graph: write_graph(*a.g, *proto.mutable_g()); break;
    case AttrKind::Floats: proto.mutable_floats()->Add(a.floats.begin(), a.floats.end()); break;
    case AttrKind::Ints: proto.mutable_ints()->Add(a.ints.begin(), a.ints.end()); break;
    case AttrKind::Strings:
      for (const auto& s : a.strings) proto.add_strings(s);
      break;
    case AttrKind::Tensors:
      for (size_t i = 0; i < a.tensors.size(); ++i) {
        auto* t = proto.add_tensors();
        tensor_to_onnx(a.tensors[i], *t);
        if (i < a.tensor_names.size() && !a.tensor_names[i].empty()) t->set_name(a.tensor_names[i]);
      }
      break;
    case AttrKind::Graphs:
      for (const auto& g : a.graphs) write_graph(*g, *proto.add_graphs());
      break;
    default: break;
  }
}

void write_graph(const Graph& g, onnx::GraphProto& proto) {
  proto.set_name(g.name);
  if (!g.doc_string.empty()) proto.set_doc_string(g.doc_string);
  for (const Value* v : g.inputs()) write_value_info(*v, *proto.add_input());
  for (const Value* v : g.initializers()) {
    auto* t = proto.add_initializer();
    t->set_name(v->name());
    tensor_to_onnx(v->initializer(), *t);
  }
  for (const auto& s : g.opaque_sparse_initializers) proto.add_sparse_initializer()->ParseFromString(s);
  for (const auto& q : g.opaque_quantization_annotations) proto.add_quantization_annotation()->ParseFromString(q);
  for (const Node* n : g.nodes()) {
    auto* np = proto.add_node();
    for (const Value* in : n->inputs()) np->add_input(in ? in->name() : "");
    for (const Value* out : n->outputs()) np->add_output(out ? out->name() : "");
    if (!n->name().empty()) np->set_name(n->name());
    np->set_op_type(n->op_type());
    if (!n->domain().empty()) np->set_domain(n->domain());
    if (!n->doc_string.empty()) np->set_doc_string(n->doc_string);
    for (const auto& a : n->attributes()) write_attribute(a, *np->add_attribute());
  }
  for (const Value* v : g.outputs()) write_value_info(*v, *proto.add_output());
  // value_info: typed intermediate values, in creation order.
  for (const Value* v : g.values()) {
    if (v->is_graph_input() || v->is_graph_output() || v->has_initializer() || v->is_outer_scope()) continue;
    if (!v->producer()) continue;
    if (v->dtype == DataType::Undefined && !v->shape.has_rank() && v->opaque_type.empty()) continue;
    write_value_info(*v, *proto.add_value_info());
  }
}

}  // namespace

onnx::ModelProto model_to_onnx(const Model& m) {
  onnx::ModelProto proto;
  proto.set_ir_version(m.ir_version);
  for (const auto& op : m.opset_imports()) {
    auto* o = proto.add_opset_import();
    if (!op.domain.empty()) o->set_domain(op.domain);
    o->set_version(op.version);
  }
  if (!m.producer_name.empty()) proto.set_producer_name(m.producer_name);
  if (!m.producer_version.empty()) proto.set_producer_version(m.producer_version);
  if (!m.domain.empty()) proto.set_domain(m.domain);
  if (m.model_version) proto.set_model_version(m.model_version);
  if (!m.doc_string.empty()) proto.set_doc_string(m.doc_string);
  for (const auto& [k, v] : m.metadata_props) {
    auto* kv = proto.add_metadata_props();
    kv->set_key(k);
    kv->set_value(v);
  }
  for (const auto& f : m.opaque_functions) proto.add_functions()->ParseFromString(f);
  for (const auto& t : m.opaque_training_info) proto.add_training_info()->ParseFromString(t);
  write_graph(*m.graph, *proto.mutable_graph());
  return proto;
}

std::string serialize_model(const Model& model) {
  onnx::ModelProto proto = model_to_onnx(model);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!proto.SerializeToCodedStream(&coded)) throw Error("the model could not be serialized (over 2 GiB?)");
  }
  return bytes;
}

void save_model(const Model& model, const std::string& path) { write_file_atomic(path, serialize_model(model)); }

Model clone_model(const Model& model) { return model_from_onnx(model_to_onnx(model), "."); }

Model load_model_from_bytes(std::string_view bytes, const std::string& source, const std::string& base_dir) {
  if (bytes.empty()) throw Error(source + ": the file is empty, expected an ONNX model");
  onnx::ModelProto proto;
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT32_MAX);
  if (bytes.size() > static_cast<size_t>(INT32_MAX) || !proto.ParseFromCodedStream(&coded) ||
      !coded.ConsumedEntireMessage())
    throw Error(source + ": not a valid ONNX model (protobuf parse failed: truncated or not an ONNX file)");
  if (!proto.has_graph() || proto.ir_version() <= 0)
    throw Error(source + ": not an ONNX model (no graph or no ir_version)");
  try {
    Model m = model_from_onnx(proto, base_dir);
    validate_model(m);
    return m;
  } catch (const Error& e) {
    rethrow_with_context(source, e);
  }
}

Model load_model(const std::string& path) {
  std::string bytes = read_file_bytes(path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  return load_model_from_bytes(bytes, path, dir.empty() ? "." : dir);
}

}  // namespace qtune::ir
