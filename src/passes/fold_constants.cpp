// fold_constants: merges consecutive ScaleShift layers, drops Linear
// activations with auto result and Reshape layers (float semantics unchanged);
// a Reshape that changes the shape read by a window / per-channel layer stays.
#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

bool ResultAuto(const ir::Layer& l) {
  auto it = l.config.precision.find(ir::Slot::Result);
  return it == l.config.precision.end() || it->second.is_auto();
}

bool FloatParams(const ir::Layer& l) {
  for (const auto& [k, p] : l.params)
    if (p.type_from_quantizer) return false;
  return true;
}

/// Per-channel value c of a [C] or [1] param (absent param: `dflt`).
double At(const ir::Param* p, size_t c, double dflt) {
  if (!p || p->values.empty()) return dflt;
  return p->values.size() == 1 ? p->values[0] : p->values.at(c);
}

/// (x*s1 + b1)*s2 + b2 = x*(s1*s2) + (b1*s2 + b2), per channel.
bool MergeScaleShifts(ir::Graph& g) {
  for (size_t i = 0; i + 1 <= g.layers.size(); ++i) {
    ir::Layer& a = g.layers[i];
    if (a.kind != ir::LayerKind::ScaleShift || !ResultAuto(a) || !FloatParams(a)) continue;
    if (UseCount(g, a.output) != 1) continue;
    auto cons = g.Consumers(a.output);
    if (cons.size() != 1 || cons[0]->kind != ir::LayerKind::ScaleShift || !FloatParams(*cons[0])) continue;
    const int bi = LayerIndex(g, cons[0]->name);
    ir::Layer& b = g.layers[static_cast<size_t>(bi)];
    auto size_of = [](const ir::Layer& l) {
      size_t n = 1;
      for (const auto& [k, p] : l.params) n = std::max(n, p.values.size());
      return n;
    };
    const size_t c = std::max(size_of(a), size_of(b));
    ir::Param scale, bias;
    scale.shape = {static_cast<int64_t>(c)};
    bias.shape = {static_cast<int64_t>(c)};
    for (size_t k = 0; k < c; ++k) {
      const double s1 = At(a.param(ir::Slot::Scale), k, 1.0), b1 = At(a.param(ir::Slot::Bias), k, 0.0);
      const double s2 = At(b.param(ir::Slot::Scale), k, 1.0), b2 = At(b.param(ir::Slot::Bias), k, 0.0);
      scale.values.push_back(s1 * s2);
      bias.values.push_back(b1 * s2 + b2);
    }
    // b keeps its name (it writes the result); explicit param precisions of b stay.
    if (const ir::Param* p = b.param(ir::Slot::Scale)) scale.type = p->type;
    if (const ir::Param* p = b.param(ir::Slot::Bias)) bias.type = p->type;
    b.params[ir::SlotKey(ir::Slot::Scale)] = std::move(scale);
    b.params[ir::SlotKey(ir::Slot::Bias)] = std::move(bias);
    b.inputs = a.inputs;
    InheritNames(b, a);
    g.tensors.erase(a.output);
    g.layers.erase(g.layers.begin() + static_cast<long>(i));
    return true;
  }
  return false;
}

/// A consumer that reads its input's shape (windows, merges, the softmax
/// axis), not only the flat element order: a Reshape it reads cannot be
/// dropped. Per-channel layers (ScaleShift, Threshold, PReLU) index their
/// params by flat position modulo the param size, whatever the shape.
bool ShapeSensitive(const ir::Layer& c) {
  switch (c.kind) {
    case ir::LayerKind::Conv:
    case ir::LayerKind::Pooling:
    case ir::LayerKind::ZeroPadding:
    case ir::LayerKind::Cropping:
    case ir::LayerKind::UpSampling:
    case ir::LayerKind::Merge:
    case ir::LayerKind::Softmax: return true;
    default: return false;
  }
}

bool DropNoOps(ir::Graph& g) {
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const ir::Layer& l = g.layers[i];
    const bool linear = l.kind == ir::LayerKind::Activation &&
                        l.activation == ir::ActivationKind::Linear && ResultAuto(l);
    const bool reshape = l.kind == ir::LayerKind::Reshape && !l.flatten_channels_first;  // that one permutes
    if (!linear && !reshape) continue;
    if (l.inputs.size() != 1) continue;
    if (reshape && g.tensor(l.inputs[0]).shape != g.tensor(l.output).shape) {
      // e.g. Keras Input [28, 28] -> Reshape [28, 28, 1] -> Conv2D: the
      // Conv needs the image shape, so the Reshape stays (a copy, no hardware)
      bool keep = false;
      for (const ir::Layer* c : g.Consumers(l.output)) keep = keep || ShapeSensitive(*c);
      if (keep) continue;
    }
    const ir::Layer* prod = g.Producer(l.inputs[0]);
    BypassLayer(g, i, prod ? prod->name : std::string());
    return true;
  }
  return false;
}

StatusOr<bool> Run(ir::Graph& g) {
  bool changed = false;
  while (MergeScaleShifts(g) || DropNoOps(g)) changed = true;
  return changed;
}

}  // namespace

PassInfo FoldConstantsPass() {
  return {"fold_constants",
          "merge consecutive ScaleShift layers; drop Reshape and auto-typed Linear activations",
          Run};
}

}  // namespace hlsforge::passes
