#include "ir/graph.h"

#include <algorithm>
#include <queue>
#include <unordered_set>

#include "qtune/error.h"

namespace qtune::ir {

// ---------------- Value ----------------

bool Value::is_graph_input() const {
  const auto& ins = graph_->inputs();
  return std::find(ins.begin(), ins.end(), this) != ins.end();
}

bool Value::is_graph_output() const {
  const auto& outs = graph_->outputs();
  return std::find(outs.begin(), outs.end(), this) != outs.end();
}

const Tensor& Value::initializer() const {
  if (!initializer_) throw Error("value '" + name_ + "' has no initializer");
  return *initializer_;
}

// ---------------- Node ----------------

Value* Node::input(int i) const { return i >= 0 && i < num_inputs() ? inputs_[static_cast<size_t>(i)] : nullptr; }

Value* Node::output(int i) const { return i >= 0 && i < num_outputs() ? outputs_[static_cast<size_t>(i)] : nullptr; }

const Attribute* Node::find_attr(const std::string& name) const {
  for (const auto& a : attributes_)
    if (a.name == name) return &a;
  return nullptr;
}

namespace {

const Attribute* typed_attr(const Node& node, const std::string& name, AttrKind kind) {
  const Attribute* a = node.find_attr(name);
  if (a && a->kind != kind)
    throw Error(node.describe() + ": attribute '" + name + "' is " + attr_kind_name(a->kind) + ", expected " +
                attr_kind_name(kind));
  return a;
}

}  // namespace

int64_t Node::attr_int(const std::string& name, int64_t def) const {
  const Attribute* a = typed_attr(*this, name, AttrKind::Int);
  return a ? a->i : def;
}

float Node::attr_float(const std::string& name, float def) const {
  const Attribute* a = typed_attr(*this, name, AttrKind::Float);
  return a ? a->f : def;
}

std::string Node::attr_string(const std::string& name, const std::string& def) const {
  const Attribute* a = typed_attr(*this, name, AttrKind::String);
  return a ? a->s : def;
}

std::vector<int64_t> Node::attr_ints(const std::string& name, const std::vector<int64_t>& def) const {
  const Attribute* a = typed_attr(*this, name, AttrKind::Ints);
  return a ? a->ints : def;
}

std::vector<float> Node::attr_floats(const std::string& name, const std::vector<float>& def) const {
  const Attribute* a = typed_attr(*this, name, AttrKind::Floats);
  return a ? a->floats : def;
}

const Tensor* Node::attr_tensor(const std::string& name) const {
  const Attribute* a = typed_attr(*this, name, AttrKind::Tensor);
  return a ? &a->t : nullptr;
}

void Node::set_attr(Attribute attr) {
  for (auto& a : attributes_) {
    if (a.name == attr.name) {
      a = std::move(attr);
      return;
    }
  }
  attributes_.push_back(std::move(attr));
}

bool Node::remove_attr(const std::string& name) {
  auto it = std::find_if(attributes_.begin(), attributes_.end(), [&](const Attribute& a) { return a.name == name; });
  if (it == attributes_.end()) return false;
  attributes_.erase(it);
  return true;
}

std::vector<Graph*> Node::subgraphs() const {
  std::vector<Graph*> out;
  for (const auto& a : attributes_) {
    if (a.kind == AttrKind::Graph && a.g) out.push_back(a.g.get());
    if (a.kind == AttrKind::Graphs)
      for (const auto& g : a.graphs) out.push_back(g.get());
  }
  return out;
}

std::string Node::describe() const {
  std::string op = domain_.empty() ? op_type_ : domain_ + "." + op_type_;
  return name_.empty() ? op + " node (unnamed)" : op + " node '" + name_ + "'";
}

// ---------------- Graph: values ----------------

Value* Graph::find_value(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : it->second.get();
}

Value* Graph::value(const std::string& name) const {
  Value* v = find_value(name);
  if (!v) throw Error("no value named '" + name + "' in graph '" + this->name + "'");
  return v;
}

Value* Graph::add_value(const std::string& name) {
  if (name.empty()) throw Error("a value needs a non-empty name");
  auto [it, inserted] = values_.try_emplace(name);
  if (!inserted) throw Error("value '" + name + "' already exists in graph '" + this->name + "'");
  it->second.reset(new Value(this, name));
  value_order_.push_back(it->second.get());
  return it->second.get();
}

Value* Graph::get_or_add_value(const std::string& name) {
  Value* v = find_value(name);
  return v ? v : add_value(name);
}

Value* Graph::add_outer_scope_value(const std::string& name) {
  Value* v = add_value(name);
  v->outer_scope_ = true;
  return v;
}

void Graph::check_owned(const Value* v, const char* what) const {
  if (v && v->graph_ != this) throw Error(std::string(what) + ": value '" + v->name() + "' belongs to another graph");
}

void Graph::add_input(Value* v) {
  check_owned(v, "add_input");
  inputs_.push_back(v);
}

void Graph::add_output(Value* v) {
  check_owned(v, "add_output");
  outputs_.push_back(v);
}

void Graph::set_inputs(std::vector<Value*> values) {
  for (auto* v : values) check_owned(v, "set_inputs");
  inputs_ = std::move(values);
}

void Graph::set_outputs(std::vector<Value*> values) {
  for (auto* v : values) check_owned(v, "set_outputs");
  outputs_ = std::move(values);
}

void Graph::replace_output(int index, Value* v) {
  check_owned(v, "replace_output");
  outputs_.at(static_cast<size_t>(index)) = v;
}

Value* Graph::add_initializer(const std::string& name, Tensor tensor) {
  Value* v = get_or_add_value(name);
  set_initializer(v, std::move(tensor));
  return v;
}

void Graph::set_initializer(Value* v, Tensor tensor) {
  check_owned(v, "set_initializer");
  if (!v->initializer_) initializer_order_.push_back(v);
  v->dtype = tensor.dtype();
  v->shape = Shape::of(tensor.dims());
  v->initializer_ = std::move(tensor);
}

void Graph::remove_initializer(Value* v) {
  if (!v->initializer_) return;
  v->initializer_.reset();
  std::erase(initializer_order_, v);
}

// ---------------- Graph: nodes ----------------

std::vector<Node*> Graph::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

void Graph::attach_output(Node* node, int index, Value* v) {
  if (!v) return;
  check_owned(v, "node output");
  if (v->producer_ && v->producer_ != node)
    throw Error("value '" + v->name() + "' is produced by both " + v->producer_->describe() + " and " +
                node->describe());
  v->producer_ = node;
  v->producer_index_ = index;
}

Node* Graph::create_node(const std::string& op_type, const std::vector<Value*>& inputs,
                         const std::vector<Value*>& outputs, const std::string& name, const std::string& domain) {
  std::string dom = domain == "ai.onnx" ? "" : domain;
  auto* node = new Node(this, op_type, dom, name);
  std::unique_ptr<Node> owner(node);
  for (auto* v : inputs) check_owned(v, "node input");
  node->inputs_ = inputs;
  for (size_t i = 0; i < outputs.size(); ++i) attach_output(node, static_cast<int>(i), outputs[i]);
  node->outputs_ = outputs;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i]) inputs[i]->uses_.push_back({node, static_cast<int>(i)});
  return owner.release();
}

Node* Graph::add_node(const std::string& op_type, const std::vector<Value*>& inputs,
                      const std::vector<Value*>& outputs, const std::string& name, const std::string& domain) {
  nodes_.emplace_back(create_node(op_type, inputs, outputs, name, domain));
  return nodes_.back().get();
}

Node* Graph::insert_node_before(Node* position, const std::string& op_type, const std::vector<Value*>& inputs,
                                const std::vector<Value*>& outputs, const std::string& name,
                                const std::string& domain) {
  auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n.get() == position; });
  if (it == nodes_.end()) throw Error("insert_node_before: position node is not in this graph");
  it = nodes_.emplace(it, create_node(op_type, inputs, outputs, name, domain));
  return it->get();
}

void Graph::set_node_input(Node* node, int index, Value* v) {
  check_owned(v, "set_node_input");
  if (index < 0 || index > node->num_inputs()) throw Error("set_node_input: index out of range");
  if (index == node->num_inputs()) {
    node->inputs_.push_back(nullptr);
  } else if (Value* old = node->inputs_[static_cast<size_t>(index)]) {
    std::erase(old->uses_, Use{node, index});
  }
  node->inputs_[static_cast<size_t>(index)] = v;
  if (v) v->uses_.push_back({node, index});
}

void Graph::set_node_output(Node* node, int index, Value* v) {
  if (index < 0 || index > node->num_outputs()) throw Error("set_node_output: index out of range");
  if (index == node->num_outputs()) node->outputs_.push_back(nullptr);
  if (Value* old = node->outputs_[static_cast<size_t>(index)]) {
    old->producer_ = nullptr;
    old->producer_index_ = -1;
  }
  attach_output(node, index, v);
  node->outputs_[static_cast<size_t>(index)] = v;
}

void Graph::remove_node(Node* node) {
  for (size_t i = 0; i < node->inputs_.size(); ++i)
    if (Value* v = node->inputs_[i]) std::erase(v->uses_, Use{node, static_cast<int>(i)});
  for (Value* v : node->outputs_) {
    if (v && v->producer_ == node) {
      v->producer_ = nullptr;
      v->producer_index_ = -1;
    }
  }
  auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n.get() == node; });
  if (it != nodes_.end()) nodes_.erase(it);
}

void Graph::set_node_name(Node* node, std::string name) { node->name_ = std::move(name); }

Node* Graph::find_node(const std::string& name) const {
  for (const auto& n : nodes_)
    if (n->name() == name) return n.get();
  return nullptr;
}

void Graph::replace_all_uses(Value* from, Value* to, bool including_graph_outputs) {
  check_owned(to, "replace_all_uses");
  auto uses = from->uses_;  // copy: set_node_input edits the list
  for (const Use& u : uses) set_node_input(u.node, u.input_index, to);
  if (including_graph_outputs)
    for (auto& out : outputs_)
      if (out == from) out = to;
}

std::vector<Node*> Graph::consumers(const Value* v) const {
  std::vector<Node*> out;
  for (const Use& u : v->uses())
    if (std::find(out.begin(), out.end(), u.node) == out.end()) out.push_back(u.node);
  return out;
}

// ---------------- analysis ----------------

namespace {

// Names a subgraph uses from enclosing scopes, recursively: those are hidden inputs of the node.
void collect_outer_uses(const Graph& g, std::vector<const Value*>& out) {
  for (const Node* n : g.nodes())
    for (Graph* sub : n->subgraphs()) collect_outer_uses(*sub, out);
  for (const Value* v : g.values())
    if (v->is_outer_scope()) out.push_back(v);
}

// The values of `graph` a node depends on: its inputs plus names its subgraphs capture.
std::vector<Value*> node_dependencies(const Graph& graph, const Node* node) {
  std::vector<Value*> deps;
  for (Value* v : node->inputs())
    if (v) deps.push_back(v);
  for (Graph* sub : node->subgraphs()) {
    std::vector<const Value*> outer;
    collect_outer_uses(*sub, outer);
    for (const Value* o : outer)
      if (Value* v = graph.find_value(o->name())) deps.push_back(v);
  }
  return deps;
}

}  // namespace

std::vector<Node*> Graph::topological_order() const {
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < nodes_.size(); ++i) position[nodes_[i].get()] = i;
  std::vector<std::vector<size_t>> successors(nodes_.size());
  std::vector<size_t> pending(nodes_.size(), 0);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (Value* v : node_dependencies(*this, nodes_[i].get())) {
      if (!v->producer_) continue;
      auto it = position.find(v->producer_);
      if (it == position.end()) continue;
      successors[it->second].push_back(i);
      ++pending[i];
    }
  }
  // Kahn's algorithm with a min-heap on the original position keeps the order stable.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    order.push_back(nodes_[i].get());
    for (size_t s : successors[i])
      if (--pending[s] == 0) ready.push(s);
  }
  if (order.size() != nodes_.size()) {
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (pending[i] != 0)
        throw Error("the graph has a cycle through " + nodes_[i]->describe());
  }
  return order;
}

void Graph::sort_topologically() {
  auto order = topological_order();
  std::unordered_map<const Node*, size_t> rank;
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::stable_sort(nodes_.begin(), nodes_.end(), [&](const auto& a, const auto& b) { return rank[a.get()] < rank[b.get()]; });
}

size_t Graph::eliminate_dead_nodes() {
  std::unordered_set<const Node*> live;
  std::vector<const Node*> stack;
  auto mark = [&](const Value* v) {
    if (v && v->producer_ && live.insert(v->producer_).second) stack.push_back(v->producer_);
  };
  for (const Value* v : outputs_) mark(v);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (Value* v : node_dependencies(*this, n)) mark(v);
  }
  size_t before = nodes_.size();
  std::vector<Node*> dead;
  for (const auto& n : nodes_)
    if (!live.count(n.get())) dead.push_back(n.get());
  // Detach links first, then drop all dead nodes in one pass (O(n), not O(n^2)).
  for (Node* n : dead) {
    for (size_t i = 0; i < n->inputs_.size(); ++i)
      if (Value* v = n->inputs_[i]) std::erase(v->uses_, Use{n, static_cast<int>(i)});
    for (Value* v : n->outputs_)
      if (v && v->producer_ == n) v->producer_ = nullptr;
  }
  std::erase_if(nodes_, [&](const auto& n) { return !live.count(n.get()); });
  return before - nodes_.size();
}

size_t Graph::remove_unused_values() {
  std::unordered_set<const Value*> keep(inputs_.begin(), inputs_.end());
  keep.insert(outputs_.begin(), outputs_.end());
  size_t removed = 0;
  std::vector<Value*> kept_order;
  for (Value* v : value_order_) {
    bool unused = !v->producer_ && v->uses_.empty() && !v->initializer_ && !keep.count(v);
    if (unused) {
      values_.erase(v->name());
      ++removed;
    } else {
      kept_order.push_back(v);
    }
  }
  value_order_ = std::move(kept_order);
  return removed;
}

bool Graph::name_taken(const std::string& name) const {
  for (const Graph* g = this; g; g = g->parent_) {
    if (g->values_.count(name)) return true;
    for (const auto& n : g->nodes_)
      if (n->name() == name) return true;
  }
  return false;
}

std::string Graph::unique_name(const std::string& base) {
  if (!name_taken(base)) return base;
  int& counter = name_counters_[base];
  std::string candidate;
  do {
    candidate = base + "_" + std::to_string(++counter);
  } while (name_taken(candidate));
  return candidate;
}

// ---------------- Model ----------------

int64_t Graph::opset_version(const std::string& dom) const {
  std::string want = dom == "ai.onnx" ? "" : dom;
  for (const auto& op : root().opset_imports)
    if (op.domain == want) return op.version;
  return -1;
}

int64_t Node::opset_version() const { return graph_->opset_version(domain_); }

std::vector<std::string> names_captured_by_subgraphs(const Node& node) {
  std::vector<const Value*> outer;
  for (Graph* sub : node.subgraphs()) collect_outer_uses(*sub, outer);
  std::vector<std::string> names;
  for (const Value* v : outer) names.push_back(v->name());
  return names;
}

void for_each_graph(Graph& graph, const std::function<void(Graph&)>& visit) {
  visit(graph);
  for (Node* n : graph.nodes())
    for (Graph* sub : n->subgraphs()) for_each_graph(*sub, visit);
}

}  // namespace qtune::ir
