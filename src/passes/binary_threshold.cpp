// binary_threshold: ScaleShift (or Dense bias) + binary/ternary activation ->
// Threshold layer (hls4ml BatchNormalizationQuantizedTanh).
//
// For y = x*s + b with s > 0:
//   BinaryTanh   (+1 iff y > 0):      +1 iff x >  t,  t = -b/s
//   BipolarQuant (+1 iff y >= 0):     +1 iff x >= t
//   TernaryTanh  (+1 iff y > 0.5, -1 iff y <= -0.5, as hls4ml's nnet ternary_tanh):
//                +1 iff x > (0.5-b)/s, -1 iff x <= (-0.5-b)/s
//   QONNX Quant with bit_width 2, signed, narrow, scale 1, zero_point 0 (its
//   values are exactly {-1, 0, +1}: y' = clamp(round(y), -1, 1)) after a
//   ScaleShift whose scale, bias and result precisions are all `auto`
//   (FINN MultiThreshold style; hls4ml does not do this for multi-bit Quant).
//   Every rounding_mode is a ternary threshold with its own tie rule:
//                   +1 iff          -1 iff
//     ROUND         y >  0.5        y <  -0.5   (half to even: +-0.5 -> 0)
//     HALF_DOWN     y >  0.5        y <  -0.5
//     HALF_UP       y >= 0.5        y <= -0.5
//     ROUND_TO_ZERO y >= 1          y <= -1     (also DOWN)
//     CEIL          y >  0          y <= -1
//     FLOOR         y >= 1          y <  0
//     UP            y >  0          y <  0
//   The pass stores (off - b)/s with off the boundaries above (informative);
//   infer_precision replaces them by the exact integer thresholds on the input
//   grid, found by evaluating float mode's double expression
//   (x*s + b, then the Quant) on the grid words, so that bit-exact and float
//   mode agree on every input value of the layer's input type.
//   When a config gives the ScaleShift explicit scale/bias/result types (e.g.
//   hls4ml's own config: a slot the config does not mention is the Model
//   default), the ScaleShift + Quantize stay as they are: hls4ml computes the
//   BN with those types, and the golden hls4ml vectors depend on it.
// The real thresholds are stored here; infer_precision snaps them to the
// input grid so that the Threshold semantics of pass.h (binary: x >= t,
// ternary: x > t_hi / x <= t_lo) are exact. Channels with s <= 0 block the
// rewrite (the comparison would flip) unless the ScaleShift reads a Dense
// whose columns can be negated instead (FlipNegativeChannels). The Threshold keeps the float affine
// map and the bipolar / ternary Quant (Layer::float_affine, Layer::quant), which
// float mode evaluates instead of the snapped thresholds.
#include <algorithm>
#include <cmath>

#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

double At(const ir::Param* p, size_t c, double dflt) {
  if (!p || p->values.empty()) return dflt;
  return p->values.size() == 1 ? p->values[0] : p->values.at(c);
}

enum class Mode { None, Strict, Bipolar, Ternary, QuantTernary };

/// The tie boundaries (+1 iff y above hi_off, -1 iff y below lo_off, strictness
/// per mode, see the table at the top) of a ternary QONNX Quant; false for a
/// rounding mode not in the QONNX spec.
bool QuantTernaryOffsets(const std::string& mode, double& hi_off, double& lo_off) {
  if (mode == "ROUND" || mode == "HALF_DOWN" || mode == "HALF_UP") hi_off = 0.5, lo_off = -0.5;
  else if (mode == "ROUND_TO_ZERO" || mode == "DOWN") hi_off = 1, lo_off = -1;
  else if (mode == "CEIL") hi_off = 0, lo_off = -1;
  else if (mode == "FLOOR") hi_off = 1, lo_off = 0;
  else if (mode == "UP") hi_off = 0, lo_off = 0;
  else return false;
  return true;
}

/// QONNX Quant whose outputs are exactly {-1, 0, +1}: bit_width 2, signed,
/// narrow, every scale 1, every zero_point 0, a known rounding mode.
bool IsTernaryQuant(const ir::QuantParams& q) {
  double h, l;
  if (q.bipolar || q.trunc || q.bit_width != 2 || !q.is_signed || !q.narrow) return false;
  for (double s : q.scale)
    if (s != 1.0) return false;
  for (double z : q.zero_point)
    if (z != 0.0) return false;
  return QuantTernaryOffsets(q.rounding_mode, h, l);
}

/// No explicit precision in the config slot `key` (absent or `auto`).
bool AutoSlot(const ir::Layer& l, ir::Slot key) {
  auto it = l.config.precision.find(key);
  return it == l.config.precision.end() || it->second.is_auto();
}

/// A ScaleShift whose arithmetic the config leaves to hlsforge: scale, bias
/// and result precisions `auto`, params not typed by a quantizer.
bool AutoScaleShift(const ir::Layer& ss) {
  for (const ir::Slot k : {ir::Slot::Scale, ir::Slot::Bias, ir::Slot::Result})
    if (!AutoSlot(ss, k)) return false;
  for (const auto& [k, p] : ss.params)
    if (p.type) return false;
  return true;
}

/// A ScaleShift with negative scales on some channels, fed by a Dense it alone
/// reads: negates those channels' Dense columns (weights and bias; every
/// negated value must stay exact in its type, e.g. bipolar +-1 weights) and
/// their scales, so y = x*s + b = (-x)*(-s) + b keeps its value with s > 0 and
/// the threshold rewrite applies (TFC_1W1A: BatchNormalization with negative
/// gammas). Returns false (graph untouched) when that is not possible; true
/// when no scale is negative.
bool FlipNegativeChannels(ir::Graph& g, const ir::Layer& ss, std::vector<double>& scale) {
  bool any = false;
  for (double s : scale) {
    if (s == 0 || !std::isfinite(s)) return true;  // not rewritten anyway
    any = any || s < 0;
  }
  if (!any) return true;
  const ir::Layer* d = ss.inputs.size() == 1 ? g.Producer(ss.inputs[0]) : nullptr;
  if (!d || d->kind != ir::LayerKind::Dense || d->quant || UseCount(g, ss.inputs[0]) != 1) return false;
  const ir::Param* w = d->param(ir::Slot::Weight);
  if (!w || w->shape.size() != 2 || w->shape[1] != static_cast<int64_t>(scale.size())) return false;
  const int64_t n_in = w->shape[0], n_out = w->shape[1];
  auto exact_neg = [](const ir::Param& p, size_t k) {
    return !p.type || p.type->ToDouble(p.type->Quantize(-p.values[k])) == -p.values[k];
  };
  const ir::Param* b = d->param(ir::Slot::Bias);
  for (int64_t c = 0; c < n_out; ++c) {
    if (scale[static_cast<size_t>(c)] >= 0) continue;
    for (int64_t i = 0; i < n_in; ++i)
      if (!exact_neg(*w, static_cast<size_t>(i * n_out + c))) return false;
    if (b && b->size() == static_cast<size_t>(n_out) && !exact_neg(*b, static_cast<size_t>(c))) return false;
    if (b && b->size() != static_cast<size_t>(n_out)) return false;
  }
  ir::Layer& dm = g.layers[static_cast<size_t>(LayerIndex(g, d->name))];
  ir::Param& wm = *dm.param(ir::Slot::Weight);
  ir::Param* bm = dm.param(ir::Slot::Bias);
  for (int64_t c = 0; c < n_out; ++c) {
    if (scale[static_cast<size_t>(c)] >= 0) continue;
    for (int64_t i = 0; i < n_in; ++i) wm.values[static_cast<size_t>(i * n_out + c)] *= -1;
    if (bm) bm->values[static_cast<size_t>(c)] *= -1;
    scale[static_cast<size_t>(c)] = -scale[static_cast<size_t>(c)];
  }
  return true;
}

Mode ModeOf(const ir::Layer& a) {
  if (a.kind == ir::LayerKind::Activation && a.activation == ir::ActivationKind::BinaryTanh)
    return Mode::Strict;
  if (a.kind == ir::LayerKind::Activation && a.activation == ir::ActivationKind::TernaryTanh)
    return Mode::Ternary;
  if (a.kind == ir::LayerKind::Quantize && a.quant && !a.quant->bipolar && IsTernaryQuant(*a.quant))
    return Mode::QuantTernary;
  if (a.kind == ir::LayerKind::Quantize && a.quant && a.quant->bipolar) {
    for (double s : a.quant->scale)
      if (s <= 0) return Mode::None;
    return Mode::Bipolar;
  }
  return Mode::None;
}

StatusOr<bool> Run(ir::Graph& g) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < g.layers.size(); ++i) {
      const ir::Layer& a = g.layers[i];
      const Mode mode = ModeOf(a);
      if (mode == Mode::None || a.inputs.size() != 1) continue;
      const ir::Layer* prod = g.Producer(a.inputs[0]);
      if (!prod || prod->quant || UseCount(g, a.inputs[0]) != 1) continue;
      // n = channels: the params' size when they are per channel of a larger
      // tensor ([H, W, C] channels-last, c = i % C), else the tensor size
      // (a ternary Quant after scalar params: 1).
      int n = static_cast<int>(g.tensor(a.output).size());
      if (prod->kind == ir::LayerKind::ScaleShift) {
        size_t nc = 1;
        for (const ir::Slot k : {ir::Slot::Scale, ir::Slot::Bias})
          if (const ir::Param* p = prod->param(k)) nc = std::max(nc, p->size());
        if (nc > 1 && n % static_cast<int>(nc) == 0) n = static_cast<int>(nc);
        if (nc == 1 && mode == Mode::QuantTernary) n = 1;  // scalar BN/affine: one threshold pair
        bool sizes_ok = n > 0;
        for (const ir::Slot k : {ir::Slot::Scale, ir::Slot::Bias})
          if (const ir::Param* p = prod->param(k); p && p->size() != 1 && p->size() != static_cast<size_t>(n))
            sizes_ok = false;
        if (!sizes_ok) continue;
      }
      std::vector<double> scale(static_cast<size_t>(n)), bias(static_cast<size_t>(n));
      bool from_dense = false;
      if (mode == Mode::QuantTernary && (prod->kind != ir::LayerKind::ScaleShift || !AutoScaleShift(*prod)))
        continue;
      if (prod->kind == ir::LayerKind::ScaleShift) {
        for (int c = 0; c < n; ++c) {
          scale[static_cast<size_t>(c)] = At(prod->param(ir::Slot::Scale), static_cast<size_t>(c), 1.0);
          bias[static_cast<size_t>(c)] = At(prod->param(ir::Slot::Bias), static_cast<size_t>(c), 0.0);
        }
      } else if (prod->kind == ir::LayerKind::Dense && prod->param(ir::Slot::Bias) && mode != Mode::Ternary &&
                 mode != Mode::QuantTernary) {
        from_dense = true;
        for (int c = 0; c < n; ++c) {
          scale[static_cast<size_t>(c)] = 1.0;
          bias[static_cast<size_t>(c)] = At(prod->param(ir::Slot::Bias), static_cast<size_t>(c), 0.0);
        }
      } else {
        continue;
      }
      if (!from_dense && !FlipNegativeChannels(g, *prod, scale)) continue;
      bool ok = true;
      for (double s : scale) ok = ok && s > 0 && std::isfinite(s);
      if (!ok) continue;

      ir::Layer t;
      t.kind = ir::LayerKind::Threshold;
      t.output = a.output;
      const bool ternary = mode == Mode::Ternary || mode == Mode::QuantTernary;
      t.source_op = mode == Mode::Strict    ? "BinaryTanh"
                    : mode == Mode::Bipolar ? "BipolarQuant"
                    : mode == Mode::Ternary ? "TernaryTanh"
                                            : "Quant";
      t.activation = ternary ? ir::ActivationKind::TernaryTanh : ir::ActivationKind::BinaryTanh;
      t.config = a.config;
      // Float semantics of what the Threshold replaces (graph.h Layer::float_affine).
      t.float_affine = ir::Layer::FloatAffine{scale, bias};
      if (a.quant && (a.quant->bipolar || mode == Mode::QuantTernary)) t.quant = a.quant;
      auto mk = [&](double off) {
        ir::Param p;
        p.shape = {n};
        for (int c = 0; c < n; ++c)
          p.values.push_back((off - bias[static_cast<size_t>(c)]) / scale[static_cast<size_t>(c)]);
        return p;
      };
      if (mode == Mode::QuantTernary) {
        double hi_off = 0.5, lo_off = -0.5;
        QuantTernaryOffsets(a.quant->rounding_mode, hi_off, lo_off);
        t.params[ir::SlotKey(ir::Slot::ThresholdHi)] = mk(hi_off);
        t.params[ir::SlotKey(ir::Slot::ThresholdLo)] = mk(lo_off);
      } else if (mode == Mode::Ternary) {
        t.params[ir::SlotKey(ir::Slot::ThresholdHi)] = mk(0.5);
        t.params[ir::SlotKey(ir::Slot::ThresholdLo)] = mk(-0.5);
      } else {
        t.params[ir::SlotKey(ir::Slot::Threshold)] = mk(0.0);
      }
      const ir::Layer act = a;
      const int pi = LayerIndex(g, prod->name);
      if (from_dense) {
        // The Dense keeps its place; its bias moves into the thresholds.
        ir::Layer& d = g.layers[static_cast<size_t>(pi)];
        d.params.erase(ir::SlotKey(ir::Slot::Bias));
        // hls4ml: the Dense of the fused pattern has bias_t = the model default.
        auto def = d.config.precision.find(ir::Slot::Default);
        d.config.precision[ir::Slot::Bias].type =
            def != d.config.precision.end() && def->second.type ? def->second.type : FixedType(16, 6);
        for (auto& [al, key] : d.alias_param)
          if (key == ir::SlotKey(ir::Slot::Bias)) key = "";
        t.name = act.name;
        t.aliases = act.aliases;
        t.inputs = act.inputs;
        g.layers[i] = std::move(t);
      } else {
        const ir::Layer ss = g.layers[static_cast<size_t>(pi)];
        t.name = act.name;
        t.aliases = act.aliases;
        InheritNames(t, ss);
        t.inputs = ss.inputs;
        g.tensors.erase(ss.output);
        g.layers[i] = std::move(t);
        g.layers.erase(g.layers.begin() + pi);
      }
      changed = again = true;
      break;
    }
  }
  return changed;
}

}  // namespace

PassInfo BinaryThresholdPass() {
  return {"binary_threshold",
          "ScaleShift/Dense bias + binary or ternary tanh -> integer Threshold layer", Run};
}

}  // namespace hlsforge::passes
