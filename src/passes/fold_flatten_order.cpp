// fold_flatten_order: a channels-first Flatten (Reshape with
// flatten_channels_first, graph.h) read only by a Dense layer becomes a plain
// Reshape, and its permutation moves into the Dense weights: the Dense row for
// channels-last input index p*C + c is the source row c*P + p. The products
// and their order per output are those of the source model's row order
// permuted, and the values are the same floats, so both float and
// fixed-point results are unchanged except for the accumulation order, which
// follows the channels-last input order (as hls4ml's Transpose-free layout).
// No data movement is left in the firmware for the common PyTorch pattern
// Conv -> Flatten -> Linear.
#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

StatusOr<bool> Run(ir::Graph& g) {
  bool changed = false;
  for (ir::Layer& r : g.layers) {
    if (r.kind != ir::LayerKind::Reshape || !r.flatten_channels_first || r.inputs.size() != 1) continue;
    if (UseCount(g, r.output) != 1) continue;
    bool is_output = false;
    for (const auto& o : g.outputs) is_output = is_output || o == r.output;
    if (is_output) continue;
    const auto consumers = g.Consumers(r.output);
    if (consumers.size() != 1 || consumers[0]->kind != ir::LayerKind::Dense) continue;
    ir::Layer& d = g.layers[static_cast<size_t>(LayerIndex(g, consumers[0]->name))];
    ir::Param* w = d.param(ir::Slot::Weight);
    const auto& in_shape = g.tensor(r.inputs[0]).shape;
    if (!w || w->shape.size() != 2 || in_shape.size() < 2 || in_shape.back() <= 0) continue;
    const int64_t n_in = w->shape[0], n_out = w->shape[1], c = in_shape.back();
    if (n_in != g.tensor(r.inputs[0]).size() || n_in % c != 0) continue;
    const int64_t p = n_in / c;
    std::vector<double> v(w->values.size());
    for (int64_t q = 0; q < p; ++q)
      for (int64_t ch = 0; ch < c; ++ch) {
        const int64_t dst = q * c + ch, src = ch * p + q;
        std::copy(w->values.begin() + src * n_out, w->values.begin() + (src + 1) * n_out, v.begin() + dst * n_out);
      }
    w->values.swap(v);
    r.flatten_channels_first = false;
    changed = true;
  }
  return changed;
}

}  // namespace

PassInfo FoldFlattenOrderPass() {
  return {"fold_flatten_order",
          "channels-first Flatten read by a Dense -> plain Reshape, permutation folded into the Dense weight rows", Run};
}

}  // namespace hlsforge::passes
