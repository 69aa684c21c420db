// Helpers the graph-rewriting passes share: recognizing ops and constants, deciding
// whether an intermediate value may disappear, and replacing a matched group of nodes by
// one node. Passes rewrite the graph they are given (not its subgraphs).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "qtune/tensor.h"

namespace qtune::passes {

// A node of the default ONNX domain with this op type.
bool is_onnx_op(const ir::Node* node, std::string_view op_type);
// A com.qtune node with this op type.
bool is_qtune_op(const ir::Node* node, std::string_view op_type);
// The producer of v when it is an ONNX op of this type, else nullptr.
ir::Node* onnx_producer(const ir::Value* v, std::string_view op_type);

bool is_float32(const ir::Value* v);

// The contents of a constant (an initializer no graph input can override), else nullptr.
const Tensor* constant_of(const ir::Value* v);
// The number held by a one-element float32 constant.
std::optional<float> scalar_constant(const ir::Value* v);
// True when v is a one-element float32 constant within `rel_tol` of `expected`.
bool is_scalar(const ir::Value* v, float expected, float rel_tol = 0.0f);

// A value rewrites must keep: a graph output, or a name a subgraph reads.
bool is_pinned(const ir::Graph& graph, const ir::Value* v);
// True when v may vanish together with `nodes`: every use is by one of them, none pinned.
bool used_only_by(const ir::Graph& graph, const ir::Value* v, std::span<ir::Node* const> nodes);
// The node that reads v when v has exactly one use and is not pinned, else nullptr.
ir::Node* sole_reader(const ir::Graph& graph, const ir::Value* v);
// The nodes reading v with this ONNX op type (each once, in node order).
std::vector<ir::Node*> onnx_readers(const ir::Graph& graph, const ir::Value* v, std::string_view op_type);

// The other operand of a two-input node, or nullptr when `one` is not an operand.
ir::Value* other_input(const ir::Node* node, const ir::Value* one);

// True when the node has a non-empty activation attribute (a com.qtune Fused* node).
bool has_activation(const ir::Node* node);

// [min, max] of a Clip node: constant inputs (opset 11+) or attributes (before 11); a
// missing bound is the lowest / highest float. nullopt when a bound is not constant.
std::optional<std::pair<float, float>> clip_bounds(const ir::Node* clip);

struct NewNode {
  std::string op_type;
  std::string domain;
  std::vector<ir::Value*> inputs;
  std::vector<ir::Attribute> attributes;
  std::string name;
};

// Replaces `nodes` (a matched group computing root's outputs from values outside it) by
// one new node that produces root's output values, so names consumers and graph outputs
// see never change. The new node takes root's place in node order: every input of the
// group is computed before root. Returns the new node.
ir::Node* replace_with_node(ir::Graph& graph, std::span<ir::Node* const> nodes, ir::Node* root, NewNode spec);

// Removes `node` (one input x, one output y) so that its readers read x instead. When y
// is pinned, x's producer is made to produce y instead, if x has no other use; returns
// false (graph unchanged) when neither is possible.
bool bypass_node(ir::Graph& graph, ir::Node* node, ir::Value* x);

// Sets input `index` of `node` to constant `t`: rewrites the initializer in place when
// the node is its only reader, else adds a new initializer (shared weights stay intact).
void set_constant_input(ir::Graph& graph, ir::Node* node, int index, Tensor t, const std::string& base_name);

// Adds the com.qtune opset import (version 1) to the root graph when it lacks it.
void import_qtune_domain(ir::Graph& graph);

// Drops initializers nothing reads (unless graph inputs/outputs) and orphaned values.
void drop_unused(ir::Graph& graph);

// Runs `try_rewrite` on every node until it finds nothing more to do (rescanning after
// each rewrite, since a rewrite invalidates the node list); returns how many it made.
size_t rewrite_until_done(ir::Graph& graph, bool (*try_rewrite)(ir::Graph&, ir::Node*));

}  // namespace qtune::passes
