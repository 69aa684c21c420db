// Channels-last layout for the oneDNN backend. oneDNN's fast convolutions read and write
// NHWC (or blocked) activations; with plain NCHW tensors every Conv pays a reorder in and
// one out. This pass turns every 2-D Conv/FusedConv into com.qtune NhwcConv and carries
// the NHWC layout through the ops between convolutions (elementwise ops and activations,
// per-channel constants permuted once here, GlobalAveragePool as ReduceMean over H and W,
// MaxPool/AveragePool as com.qtune NhwcPool, channel Concat, Resize), inserting a Transpose
// only where a consumer needs NCHW. Value names, graph inputs and graph outputs keep their NCHW meaning.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace qtune::passes {

// Returns how many nodes now compute in NHWC.
size_t convert_to_channels_last(ir::Graph& graph);

}  // namespace qtune::passes
