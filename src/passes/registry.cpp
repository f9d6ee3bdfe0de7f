// Pass registry, pipelines and helpers shared by the passes.
#include <algorithm>
#include <cmath>

#include "hlsforge/passes/graph_edit.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {

const std::vector<PassInfo>& Registry() {
  static const std::vector<PassInfo> kPasses = {
      FoldFlattenOrderPass(), FoldConstantsPass(), FuseBatchnormPass(), BinaryThresholdPass(),
      FoldQuantizersPass(), ZeroPrunedInputsPass(), InferPrecisionPass(), LowerHardwarePass(),
  };
  return kPasses;
}

const PassInfo* FindPass(const std::string& name) {
  for (const PassInfo& p : Registry())
    if (p.name == name) return &p;
  return nullptr;
}

const std::vector<std::string>& DefaultPipeline() {
  static const std::vector<std::string> kDefault = {
      "fold_flatten_order", "fold_constants", "fuse_batchnorm", "binary_threshold", "fold_quantizers",
      "zero_pruned_inputs", "infer_precision", "lower_hardware"};
  return kDefault;
}

Status RunPipeline(ir::Graph& g, const std::vector<std::string>& names) {
  for (const std::string& n : names)
    if (!FindPass(n)) {
      std::string known;
      for (const PassInfo& p : Registry()) known += (known.empty() ? "" : ", ") + p.name;
      return Status::Fail("unknown pass '" + n + "' (known: " + known + ")");
    }
  for (const std::string& n : names) {
    const PassInfo* p = FindPass(n);
    StatusOr<bool> r = [&]() -> StatusOr<bool> {
      try {
        return p->run(g);
      } catch (const std::exception& e) {
        return Status::Fail(e.what());
      }
    }();
    if (!r.ok()) return r.status().WithContext("pass " + n);
    HLSFORGE_RETURN_IF_ERROR(g.Validate().WithContext("after pass " + n));
  }
  return Status::Ok();
}

// ---- helpers -----------------------------------------------------------------

std::optional<FixedType> QuantToFixed(const ir::QuantParams& q) {
  if (q.bipolar || q.trunc || q.negative_slope != 0) return std::nullopt;
  if (q.scale.empty()) return std::nullopt;
  const double s = q.scale[0];
  for (double v : q.scale)
    if (v != s) return std::nullopt;
  for (double z : q.zero_point)
    if (z != 0.0) return std::nullopt;
  if (!(s > 0) || !std::isfinite(s)) return std::nullopt;
  int e = 0;
  const double m = std::frexp(s, &e);  // s = m * 2^e, m in [0.5, 1)
  if (m != 0.5) return std::nullopt;
  const int log2s = e - 1;
  const double bw = q.bit_width;
  if (bw != std::floor(bw) || bw < 1 || bw > 64) return std::nullopt;
  const int w = static_cast<int>(bw);
  Quant qm;
  if (q.rounding_mode == "ROUND") qm = Quant::RND_CONV;
  else if (q.rounding_mode == "ROUND_TO_ZERO") qm = Quant::TRN_ZERO;
  else if (q.rounding_mode == "FLOOR") qm = Quant::TRN;
  else return std::nullopt;
  Overflow om = Overflow::SAT;
  if (q.narrow) {
    if (!q.is_signed || w < 2) return std::nullopt;
    om = Overflow::SAT_SYM;
  }
  return FixedType(w, w + log2s, q.is_signed, qm, om);
}

bool IsXnorTensor(const ir::Graph& g, const std::string& tensor) {
  const ir::Layer* p = g.Producer(tensor);
  if (!p) return false;
  if (p->kind == ir::LayerKind::Activation) return p->activation == ir::ActivationKind::BinaryTanh;
  if (p->kind == ir::LayerKind::Quantize) return p->quant && p->quant->bipolar;
  if (p->kind == ir::LayerKind::Threshold) return p->params.count(ir::SlotKey(ir::Slot::Threshold)) > 0;
  return false;
}

bool IsXnorParam(const ir::Param& p) {
  if (!p.type_from_quantizer || p.values.empty()) return false;
  // The ONNX frontend types a BipolarQuant constant ap_fixed<2, e+2> (TRN,
  // WRAP); a 2-bit QONNX Quant gets RND_CONV / SAT modes, so it never matches.
  if (p.type) {
    const FixedType& t = *p.type;
    const bool xnor1 = ir::IsXnorType(t);
    const bool bipolar2 = t.width() == 2 && t.is_signed() && t.quant() == Quant::TRN &&
                          t.overflow() == Overflow::WRAP;
    if (!xnor1 && !bipolar2) return false;
  }
  const double a = std::fabs(p.values[0]);
  for (double v : p.values)
    if (std::fabs(v) != a || a == 0) return false;
  return true;
}

int LayerIndex(const ir::Graph& g, const std::string& name) {
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].name == name) return static_cast<int>(i);
  return -1;
}

int UseCount(const ir::Graph& g, const std::string& tensor) {
  int n = static_cast<int>(g.Consumers(tensor).size());
  n += static_cast<int>(std::count(g.outputs.begin(), g.outputs.end(), tensor));
  return n;
}

void InheritNames(ir::Layer& dst, const ir::Layer& src) {
  auto add = [&](const std::string& a) {
    if (a != dst.name && std::find(dst.aliases.begin(), dst.aliases.end(), a) == dst.aliases.end())
      dst.aliases.push_back(a);
  };
  add(src.name);
  for (const std::string& a : src.aliases) add(a);
  for (const auto& [a, k] : src.alias_param) dst.alias_param.emplace(a, "");
}

void BypassLayer(ir::Graph& g, size_t idx, const std::string& heir) {
  ir::Layer victim = g.layers[idx];
  const std::string in = victim.inputs.at(0);
  const std::string out = victim.output;
  g.layers.erase(g.layers.begin() + static_cast<long>(idx));
  for (ir::Layer& l : g.layers)
    for (std::string& t : l.inputs)
      if (t == out) t = in;
  for (std::string& t : g.outputs)
    if (t == out) t = in;
  g.tensors.erase(out);
  if (!heir.empty()) {
    const int h = LayerIndex(g, heir);
    if (h >= 0) InheritNames(g.layers[static_cast<size_t>(h)], victim);
  }
}

}  // namespace hlsforge::passes
