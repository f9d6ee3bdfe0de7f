// zero_pruned_inputs: the weight rows of a Dense layer that read a 0-bit
// element of an HGQ quantizer (graph.h Layer::element_types: the element is
// the constant 0 in float and bit-exact mode alike) become zero, so the
// hardware plan counts them as zero weights (hls4ml n_zeros) that cost no
// multiplier. The Dense may read the quantizer directly or through Reshape
// layers without a permutation. Results are unchanged in both modes: the
// products removed were 0 * w.
#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

/// The HGQ quantizer whose output `tensor` is, element for element.
const ir::Layer* ElementQuantizerOf(const ir::Graph& g, const std::string& tensor) {
  const ir::Layer* p = g.Producer(tensor);
  while (p && p->kind == ir::LayerKind::Reshape && !p->flatten_channels_first && p->inputs.size() == 1)
    p = g.Producer(p->inputs[0]);
  if (p && p->kind == ir::LayerKind::Quantize && !p->element_types.empty()) return p;
  return nullptr;
}

StatusOr<bool> Run(ir::Graph& g) {
  bool changed = false;
  for (ir::Layer& d : g.layers) {
    if (d.kind != ir::LayerKind::Dense || d.inputs.size() != 1) continue;
    const ir::Layer* q = ElementQuantizerOf(g, d.inputs[0]);
    ir::Param* w = d.param(ir::Slot::Weight);
    if (!q || !w || w->shape.size() != 2) continue;
    const int64_t n_in = w->shape[0], n_out = w->shape[1];
    const auto& et = q->element_types;
    if (static_cast<int64_t>(et.size()) != n_in && et.size() != 1) continue;
    for (int64_t i = 0; i < n_in; ++i) {
      if (et[et.size() == 1 ? 0 : static_cast<size_t>(i)]) continue;
      for (int64_t j = 0; j < n_out; ++j) {
        double& v = w->values[static_cast<size_t>(i * n_out + j)];
        changed = changed || v != 0.0;
        v = 0.0;
      }
    }
  }
  return changed;
}

}  // namespace

PassInfo ZeroPrunedInputsPass() {
  return {"zero_pruned_inputs",
          "Dense weight rows reading a 0-bit element of an HGQ quantizer -> zero weights (no multiplier)", Run};
}

}  // namespace hlsforge::passes
