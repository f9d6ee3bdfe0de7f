// fuse_batchnorm: folds a ScaleShift into the float Dense layer before it.
#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

bool ResultAuto(const ir::Layer& l) {
  auto it = l.config.precision.find(ir::Slot::Result);
  return it == l.config.precision.end() || it->second.is_auto();
}

double At(const ir::Param* p, size_t c, double dflt) {
  if (!p || p->values.empty()) return dflt;
  return p->values.size() == 1 ? p->values[0] : p->values.at(c);
}

StatusOr<bool> Run(ir::Graph& g) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < g.layers.size(); ++i) {
      ir::Layer& d = g.layers[i];
      if (d.kind != ir::LayerKind::Dense || !ResultAuto(d)) continue;
      bool float_params = true;
      for (const auto& [k, p] : d.params) float_params = float_params && !p.type_from_quantizer;
      if (!float_params || !d.param(ir::Slot::Weight)) continue;
      if (UseCount(g, d.output) != 1) continue;
      auto cons = g.Consumers(d.output);
      if (cons.size() != 1 || cons[0]->kind != ir::LayerKind::ScaleShift) continue;
      const ir::Layer& bn = *cons[0];
      bool bn_float = true;
      for (const auto& [k, p] : bn.params) bn_float = bn_float && !p.type_from_quantizer;
      if (!bn_float) continue;
      ir::Param& w = *d.param(ir::Slot::Weight);
      if (w.shape.size() != 2) continue;
      const size_t n_in = static_cast<size_t>(w.shape[0]), n_out = static_cast<size_t>(w.shape[1]);
      for (size_t r = 0; r < n_in; ++r)
        for (size_t c = 0; c < n_out; ++c) w.values[r * n_out + c] *= At(bn.param(ir::Slot::Scale), c, 1.0);
      ir::Param bias;
      if (const ir::Param* b = d.param(ir::Slot::Bias)) bias = *b;
      bias.shape = {static_cast<int64_t>(n_out)};
      bias.values.resize(n_out, 0.0);
      for (size_t c = 0; c < n_out; ++c)
        bias.values[c] = bias.values[c] * At(bn.param(ir::Slot::Scale), c, 1.0) + At(bn.param(ir::Slot::Bias), c, 0.0);
      d.params[ir::SlotKey(ir::Slot::Bias)] = std::move(bias);
      // The fused layer writes the ScaleShift's tensor with its result precision.
      auto rp = bn.config.precision.find(ir::Slot::Result);
      if (rp != bn.config.precision.end()) d.config.precision[ir::Slot::Result] = rp->second;
      const std::string old_out = d.output;
      d.output = bn.output;
      const ir::Layer bn_copy = bn;
      InheritNames(d, bn_copy);
      g.layers.erase(g.layers.begin() + LayerIndex(g, bn_copy.name));
      g.tensors.erase(old_out);
      changed = again = true;
      break;
    }
  }
  return changed;
}

}  // namespace

PassInfo FuseBatchnormPass() {
  return {"fuse_batchnorm",
          "fold a ScaleShift (BatchNormalization) into the float Dense before it", Run};
}

}  // namespace hlsforge::passes
