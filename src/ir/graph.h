// The model IR: Graph, Node, Value. A Graph owns its nodes and values; nodes point at
// values, values know their producer and every use, so passes can walk both ways.
// All mutation goes through Graph so producer/use links never go stale.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ir/attribute.h"
#include "ir/shape.h"
#include "qtune/tensor.h"

namespace qtune::ir {

class Graph;
class Node;

struct OpsetImport {
  std::string domain;  // "" = default ONNX domain
  int64_t version = 0;
  bool operator==(const OpsetImport&) const = default;
};

struct Use {
  Node* node;
  int input_index;
  bool operator==(const Use&) const = default;
};

class Value {
 public:
  const std::string& name() const { return name_; }
  Graph* graph() const { return graph_; }

  DataType dtype = DataType::Undefined;
  Shape shape;
  std::string doc_string;
  // Serialized onnx TypeProto for non-tensor values (sequences, maps, optionals).
  std::string opaque_type;

  Node* producer() const { return producer_; }
  int producer_output_index() const { return producer_index_; }
  const std::vector<Use>& uses() const { return uses_; }
  // True for a value used by a subgraph but defined in an enclosing graph.
  bool is_outer_scope() const { return outer_scope_; }
  bool is_graph_input() const;
  bool is_graph_output() const;
  bool has_initializer() const { return initializer_.has_value(); }
  const Tensor& initializer() const;  // throws if none
  // A constant: an initializer that is not also a graph input (which could override it).
  bool is_constant() const { return has_initializer() && !is_graph_input(); }

 private:
  friend class Graph;
  Value(Graph* graph, std::string name) : graph_(graph), name_(std::move(name)) {}

  Graph* graph_;
  std::string name_;
  Node* producer_ = nullptr;
  int producer_index_ = -1;
  std::vector<Use> uses_;
  std::optional<Tensor> initializer_;
  bool outer_scope_ = false;
};

class Node {
 public:
  const std::string& name() const { return name_; }
  const std::string& op_type() const { return op_type_; }
  // "" for the default ONNX domain ("ai.onnx" is normalized to "").
  const std::string& domain() const { return domain_; }
  Graph* graph() const { return graph_; }
  std::string doc_string;

  // Omitted optional inputs/outputs are nullptr (ONNX's empty name).
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* input(int i) const;   // nullptr when absent or out of range
  Value* output(int i) const;  // nullptr when absent or out of range
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }

  std::vector<Attribute>& attributes() { return attributes_; }
  const std::vector<Attribute>& attributes() const { return attributes_; }
  const Attribute* find_attr(const std::string& name) const;
  bool has_attr(const std::string& name) const { return find_attr(name) != nullptr; }
  // Typed getters; the default is returned when absent, a wrong kind throws qtune::Error.
  int64_t attr_int(const std::string& name, int64_t def) const;
  float attr_float(const std::string& name, float def) const;
  std::string attr_string(const std::string& name, const std::string& def) const;
  std::vector<int64_t> attr_ints(const std::string& name, const std::vector<int64_t>& def) const;
  std::vector<float> attr_floats(const std::string& name, const std::vector<float>& def) const;
  const Tensor* attr_tensor(const std::string& name) const;
  void set_attr(Attribute attr);  // replaces an attribute of the same name
  bool remove_attr(const std::string& name);
  // Subgraphs held by this node's graph attributes (If/Loop/Scan bodies).
  std::vector<Graph*> subgraphs() const;

  // The opset version the model imports for this node's domain (-1 if none): ops whose
  // semantics changed across versions (Softmax axis, Clip, Squeeze...) read it.
  int64_t opset_version() const;

  // "Conv 'conv1'" — how error messages name a node.
  std::string describe() const;

 private:
  friend class Graph;
  Node(Graph* graph, std::string op_type, std::string domain, std::string name)
      : graph_(graph), op_type_(std::move(op_type)), domain_(std::move(domain)), name_(std::move(name)) {}

  Graph* graph_;
  std::string op_type_;
  std::string domain_;
  std::string name_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Attribute> attributes_;
};

class Graph {
 public:
  explicit Graph(Graph* parent = nullptr) : parent_(parent) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  std::string name;
  std::string doc_string;
  // Parts of a GraphProto qtune does not interpret, kept for a faithful round trip.
  std::vector<std::string> opaque_sparse_initializers;
  std::vector<std::string> opaque_quantization_annotations;

  Graph* parent() const { return parent_; }
  const Graph& root() const { return parent_ ? parent_->root() : *this; }
  // Opsets the model imports; kept on the root graph so every node can see them.
  std::vector<OpsetImport> opset_imports;
  // The imported version for a domain ("" / "ai.onnx" = default); -1 if not imported.
  int64_t opset_version(const std::string& domain) const;

  // ---- values ----
  Value* find_value(const std::string& name) const;
  Value* value(const std::string& name) const;  // throws when absent
  // Creates a new value; throws if the name is taken in this graph.
  Value* add_value(const std::string& name);
  // The value named `name`, created if absent.
  Value* get_or_add_value(const std::string& name);
  // A value for a name defined in an enclosing graph (subgraphs only).
  Value* add_outer_scope_value(const std::string& name);
  // Values in creation order (stable, deterministic iteration).
  const std::vector<Value*>& values() const { return value_order_; }

  // ---- graph inputs, outputs, initializers ----
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  void add_input(Value* v);
  void add_output(Value* v);
  void set_inputs(std::vector<Value*> values);
  void set_outputs(std::vector<Value*> values);
  void replace_output(int index, Value* v);
  // Initializers in file order.
  const std::vector<Value*>& initializers() const { return initializer_order_; }
  Value* add_initializer(const std::string& name, Tensor tensor);
  void set_initializer(Value* v, Tensor tensor);
  void remove_initializer(Value* v);

  // ---- nodes ----
  // Nodes in their current order (topological after load and after sort_topologically()).
  std::vector<Node*> nodes() const;
  size_t num_nodes() const { return nodes_.size(); }
  // Appends a node. Outputs must not already have a producer.
  Node* add_node(const std::string& op_type, const std::vector<Value*>& inputs, const std::vector<Value*>& outputs,
                 const std::string& name = "", const std::string& domain = "");
  // Same, inserted right before `position` in node order.
  Node* insert_node_before(Node* position, const std::string& op_type, const std::vector<Value*>& inputs,
                           const std::vector<Value*>& outputs, const std::string& name = "",
                           const std::string& domain = "");
  void set_node_input(Node* node, int index, Value* v);  // index may equal num_inputs() to append
  void set_node_output(Node* node, int index, Value* v);
  // Removes a node; its outputs lose their producer (they stay as values).
  void remove_node(Node* node);
  // Renames a node (node names need not be unique in ONNX; callers use unique_name()).
  void set_node_name(Node* node, std::string name);
  Node* find_node(const std::string& name) const;
  // Redirects every use of `from` to `to`; graph outputs too when asked.
  void replace_all_uses(Value* from, Value* to, bool including_graph_outputs);

  // ---- analysis and cleanup ----
  // Nodes ordered so every producer precedes its consumers (stable w.r.t. current order).
  // Throws qtune::Error naming a node on a cycle.
  std::vector<Node*> topological_order() const;
  void sort_topologically();
  // Removes nodes whose outputs reach no graph output (nor subgraph use); returns how many.
  size_t eliminate_dead_nodes();
  // Removes values with no producer, no use, no initializer and not a graph input/output.
  size_t remove_unused_values();
  // A node or value name not used yet in this graph (nor enclosing graphs): base, base_1, ...
  std::string unique_name(const std::string& base);
  // Consumers of a value's producer output, in node order (helpers for passes).
  std::vector<Node*> consumers(const Value* v) const;

 private:
  Node* create_node(const std::string& op_type, const std::vector<Value*>& inputs, const std::vector<Value*>& outputs,
                    const std::string& name, const std::string& domain);
  void attach_output(Node* node, int index, Value* v);
  void check_owned(const Value* v, const char* what) const;
  bool name_taken(const std::string& name) const;

  Graph* parent_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, std::unique_ptr<Value>> values_;
  std::vector<Value*> value_order_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Value*> initializer_order_;
  std::unordered_map<std::string, int> name_counters_;
};

// A whole model: the main graph plus the ModelProto fields around it.

struct Model {
  Model() = default;
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;
  Model(const Model&) = delete;  // graphs are shared by pointer: copy with clone_model()
  Model& operator=(const Model&) = delete;

  int64_t ir_version = 8;
  std::vector<OpsetImport>& opset_imports() { return graph->opset_imports; }
  const std::vector<OpsetImport>& opset_imports() const { return graph->opset_imports; }
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc_string;
  std::vector<std::pair<std::string, std::string>> metadata_props;
  std::shared_ptr<Graph> graph = std::make_shared<Graph>();
  // Model-local functions and training info: serialized protos, kept as-is.
  std::vector<std::string> opaque_functions;
  std::vector<std::string> opaque_training_info;

  int64_t opset_version(const std::string& domain) const { return graph->opset_version(domain); }
};

// Names a node's subgraphs (recursively) read from enclosing graphs: hidden inputs.
std::vector<std::string> names_captured_by_subgraphs(const Node& node);

// Visits a graph and all subgraphs below it, parents before children.
void for_each_graph(Graph& graph, const std::function<void(Graph&)>& visit);

}  // namespace qtune::ir
