// fold_quantizers: a Quantize that is exactly a fixed-point cast becomes the
// result precision of the auto-typed layer it alone follows.
//
// Why this is exact: a layer whose result precision is `auto` stands for its
// exact value (Dense / ScaleShift: the lossless accumulator type; element-wise
// activations: the value of the function), so "layer, then Quant" is "cast the
// exact value to the Quant's type" -- precisely what a layer whose result type
// is that type computes. hls4ml does the same (a QONNX Quant after a layer
// sets the layer's result type; golden qkeras_jettagging Relu_0 ->
// ap_ufixed<6,0,AP_RND_CONV,AP_SAT>, TFC_2W2A BatchNormalization_0 ->
// ap_fixed<2,2,AP_RND_CONV,AP_SAT_SYM>).
// The folded QuantParams stay on the layer (Layer::quant): float mode applies
// them to its output, so float results do not depend on the config.
#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

bool Foldable(const ir::Layer& p) {
  switch (p.kind) {
    case ir::LayerKind::Dense:
    case ir::LayerKind::ScaleShift:
      return true;
    case ir::LayerKind::Activation:
      return p.activation != ir::ActivationKind::BinaryTanh &&
             p.activation != ir::ActivationKind::TernaryTanh;
    default:
      return false;  // Input (hls4ml keeps a separate quantizer layer), Softmax, Quantize, ...
  }
}

StatusOr<bool> Run(ir::Graph& g) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < g.layers.size(); ++i) {
      const ir::Layer& q = g.layers[i];
      if (q.kind != ir::LayerKind::Quantize || !q.quant || q.inputs.size() != 1) continue;
      const std::optional<FixedType> t = QuantToFixed(*q.quant);
      if (!t) continue;
      auto qr = q.config.precision.find(ir::Slot::Result);
      if (qr != q.config.precision.end() && qr->second.type && *qr->second.type != *t) continue;
      const ir::Layer* prod = g.Producer(q.inputs[0]);
      if (!prod || !Foldable(*prod) || prod->quant || UseCount(g, q.inputs[0]) != 1) continue;
      auto pr = prod->config.precision.find(ir::Slot::Result);
      if (pr != prod->config.precision.end() && !pr->second.is_auto()) continue;
      const int pi = LayerIndex(g, prod->name);
      ir::Layer& p = g.layers[static_cast<size_t>(pi)];
      const ir::Layer qc = q;
      p.config.precision[ir::Slot::Result].type = *t;
      p.quant = qc.quant;  // float mode applies it to p's output (graph.h Layer::quant)
      const std::string old_out = p.output;
      p.output = qc.output;
      g.tensors.erase(old_out);
      InheritNames(p, qc);
      g.layers.erase(g.layers.begin() + static_cast<long>(i));
      changed = again = true;
      break;
    }
  }
  return changed;
}

}  // namespace

PassInfo FoldQuantizersPass() {
  return {"fold_quantizers",
          "fold a fixed-point-cast Quantize into the auto result precision of the layer before it",
          Run};
}

}  // namespace hlsforge::passes
