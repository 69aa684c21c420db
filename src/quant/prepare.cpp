#include "quant/prepare.h"

#include <set>

#include "ir/model_io.h"
#include "passes/eliminate_dead_nodes.h"
#include "passes/fold_batch_norm.h"
#include "passes/fold_constants.h"
#include "passes/fold_conv_mul.h"
#include "passes/fuse_bias_add.h"
#include "passes/infer_shapes.h"
#include "passes/remove_identity_like.h"
#include "passes/upgrade_opset.h"
#include "qtune/error.h"

namespace qtune::quant {
namespace {

constexpr int kMaxRounds = 4;

// Plans, statistics and reports refer to nodes by name: every node gets one, and names
// ONNX allowed to repeat are made unique (the later ones get a suffix).
void name_every_node(ir::Graph& g) {
  std::set<std::string> seen;
  for (ir::Node* n : g.nodes()) {
    if (!n->name().empty() && seen.insert(n->name()).second) continue;
    const std::string base = n->name().empty() ? n->op_type() : n->name();
    g.set_node_name(n, "");  // so that its own name does not count as taken
    g.set_node_name(n, g.unique_name(base));
    seen.insert(n->name());
  }
}

}  // namespace

ir::Model prepare_for_quantization(const ir::Model& model, const std::string& source) {
  ir::Model prepared = ir::clone_model(model);
  ir::Graph& g = *prepared.graph;
  try {
    passes::ShapeInferenceOptions lenient;
    lenient.lenient = true;
    passes::infer_shapes(g, lenient);  // the opset upgrade checks input types
    if (g.opset_version("") < kQdqOpset) passes::upgrade_opset(g, kQdqOpset);
    passes::fold_constants(g);
    passes::infer_shapes(g, lenient);
    for (int round = 0; round < kMaxRounds; ++round) {
      size_t changed = passes::remove_identity_like(g);
      changed += passes::fold_batch_norm(g);
      changed += passes::fold_conv_mul(g);
      changed += passes::fuse_conv_bias_add(g);
      changed += passes::eliminate_dead_nodes(g);
      if (!changed) break;
    }
    name_every_node(g);
    passes::infer_shapes(g, lenient);
  } catch (const Error& e) {
    rethrow_with_context(source, e);
  }
  return prepared;
}

}  // namespace qtune::quant
