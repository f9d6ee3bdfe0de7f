// The model's fixed-point type family (see include/hlsforge/ir/family.h).
#include "hlsforge/ir/family.h"

#include <algorithm>
#include <cctype>

namespace hlsforge::ir {

const char* FamilyName(Family f) { return f == Family::AC ? "ac" : "ap"; }

std::optional<Family> ParseFamily(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "ap" || t == "vitis" || t == "vivado") return Family::AP;
  if (t == "ac" || t == "catapult") return Family::AC;
  return std::nullopt;
}

namespace {

/// Calls fn(type, where) on every type held by the graph (G: Graph or const Graph).
template <class G, class Fn>
void ForEachType(G& g, Fn&& fn) {
  for (auto& [name, t] : g.tensors)
    if (t.type) fn(*t.type, "tensor '" + name + "'");
  for (auto& l : g.layers) {
    const std::string where = "layer '" + l.name + "' (" + ToString(l.kind) + ")";
    for (auto& [key, p] : l.params)
      if (p.type) fn(*p.type, where + ": parameter '" + key + "'");
    for (auto& [slot, p] : l.config.precision)
      if (p.type) fn(*p.type, where + ": precision '" + std::string(SlotKey(slot)) + "'");
    for (size_t e = 0; e < l.element_types.size(); ++e)
      if (l.element_types[e]) fn(*l.element_types[e], where + ": format of element " + std::to_string(e));
    for (auto& [slot, t] : l.embedded_precision)
      fn(t, where + ": embedded precision '" + std::string(SlotKey(slot)) + "'");
    if (!l.plan) continue;
    for (auto& t : l.plan->tables) {
      fn(t.value_type, where + ": table '" + std::string(SlotKey(t.slot)) + "'");
      if (t.index_type) fn(*t.index_type, where + ": index of table '" + std::string(SlotKey(t.slot)) + "'");
    }
    if (l.plan->softmax_inp_norm) fn(*l.plan->softmax_inp_norm, where + ": precision 'inp_norm'");
    if (l.plan->activation_param) fn(l.plan->activation_param->type, where + ": activation parameter");
  }
}

}  // namespace

Status SetFamily(Graph& g, Family f) {
  return CatchStatus([&] {
    ForEachType(g, [&](FixedType& t, const std::string& where) {
      if (t.family() == f) return;
      if (f == Family::AP && t.quant() == Quant::RND_CONV_ODD)
        throw Error(where + ": " + t.ToString() +
                    ": quantization mode RND_CONV_ODD has no ap_fixed equivalent (set Model: {Family: ac} "
                    "or choose another mode)");
      t = t.WithFamily(f);
    });
  });
}

Family FamilyOf(const Graph& g) {
  // The model's default precision, which ApplyConfig gives every layer, was
  // put in the family before any pass ran; passes may add default (ap) types.
  for (const Layer& l : g.layers)
    if (auto it = l.config.precision.find(Slot::Default); it != l.config.precision.end() && it->second.type)
      return it->second.type->family();
  std::optional<Family> f;
  ForEachType(g, [&](const FixedType& t, const std::string&) {
    if (!f) f = t.family();
  });
  return f.value_or(Family::AP);
}

std::string TypeName(const Graph& g, const FixedType& t) {
  const Family f = FamilyOf(g);
  if (t.family() == f || (f == Family::AP && t.quant() == Quant::RND_CONV_ODD)) return t.ToString();
  return t.WithFamily(f).ToString();
}

std::optional<std::string> FamilyMismatch(const Graph& g) {
  const Family f = FamilyOf(g);
  std::optional<std::string> r;
  ForEachType(g, [&](const FixedType& t, const std::string& where) {
    if (!r && t.family() != f) r = where + ": " + t.ToString();
  });
  return r;
}

}  // namespace hlsforge::ir
