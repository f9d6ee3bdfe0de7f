// The hardware vocabulary of hw_plan.h: slot spellings, product kinds,
// parameter words, and the one precision resolution rule.
#include "hlsforge/ir/hw_plan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "hlsforge/ir/graph.h"

namespace hlsforge::ir {
namespace {

// The YAML spellings, in Slot order (hls4ml's Precision keys).
constexpr std::array<std::pair<Slot, const char*>, 15> kSlotKeys = {{
    {Slot::Default, "default"},
    {Slot::Result, "result"},
    {Slot::Accum, "accum"},
    {Slot::Weight, "weight"},
    {Slot::Bias, "bias"},
    {Slot::Scale, "scale"},
    {Slot::Param, "param"},
    {Slot::Threshold, "threshold"},
    {Slot::ThresholdLo, "threshold_lo"},
    {Slot::ThresholdHi, "threshold_hi"},
    {Slot::Table, "table"},
    {Slot::ExpTable, "exp_table"},
    {Slot::InvTable, "inv_table"},
    {Slot::InvInp, "inv_inp"},
    {Slot::InpNorm, "inp_norm"},
}};

}  // namespace

const char* SlotKey(Slot s) {
  for (const auto& [slot, key] : kSlotKeys)
    if (slot == s) return key;
  return "?";
}

std::optional<Slot> SlotFromKey(std::string_view key) {
  for (const auto& [slot, k] : kSlotKeys)
    if (key == k) return slot;
  return std::nullopt;
}

const char* ToString(ProductKind k) {
  switch (k) {
    case ProductKind::Multiplier: return "multiplier";
    case ProductKind::Xnor: return "xnor";
    case ProductKind::WeightBinary: return "weight_binary";
    case ProductKind::DataBinary: return "data_binary";
    case ProductKind::Ternary: return "ternary";
  }
  return "?";
}

const char* ToString(Schedule s) { return s == Schedule::Pipeline ? "pipeline" : "loop_pipeline"; }

bool IsXnorType(const FixedType& t) { return t.width() == 1 && !t.is_signed(); }

ProductKind DecideProductKind(const FixedType& data, const FixedType& weight) {
  const bool dx = IsXnorType(data), wx = IsXnorType(weight);
  if (dx && wx) return ProductKind::Xnor;
  if (wx) return ProductKind::WeightBinary;
  if (dx) return ProductKind::DataBinary;
  if (weight.is_integer_type() && weight.is_signed() && weight.width() == 2) return ProductKind::Ternary;
  return ProductKind::Multiplier;
}

bool ZeroWeightIsFree(ProductKind k) {
  return k == ProductKind::Multiplier || k == ProductKind::DataBinary || k == ProductKind::Ternary;
}

int64_t ParamWord(double v, const FixedType& t) {
  if (IsXnorType(t)) return v > 0 ? 1 : 0;
  return t.Quantize(v);
}

int64_t StreamWordElements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  const int64_t w = shape.size() >= 2 ? shape.back() : n;
  return w < 1 ? 1 : w;
}

int64_t MultiplierLimit(int64_t products, int64_t zeros, int reuse_factor) {
  const int64_t r = std::max(1, reuse_factor);
  return std::max<int64_t>(0, (products + r - 1) / r - zeros / r);
}

FixedType SoftmaxInpNormDefault(const FixedType& input) {
  const Family f = input.family();
  if (input.is_signed()) return FixedType(std::max(1, input.width() - 1), input.integer() - 1, false, Quant::TRN, Overflow::WRAP, f);
  return FixedType(input.width(), input.integer(), false, Quant::TRN, Overflow::WRAP, f);
}

std::optional<FixedType> ResolvedType(const Layer& l, Slot s) {
  if (const Param* p = l.param(s); p && p->type) return p->type;
  return l.config.precision.type(s);
}

Precision& PrecisionMap::operator[](std::string_view key) {
  std::optional<Slot> s = SlotFromKey(key);
  if (!s) throw Error("unknown precision slot '" + std::string(key) + "'");
  return m_[*s];
}

Precision& PrecisionMap::at(Slot s) {
  auto it = m_.find(s);
  if (it == m_.end()) throw Error("precision slot '" + std::string(SlotKey(s)) + "' is not set");
  return it->second;
}
const Precision& PrecisionMap::at(Slot s) const { return const_cast<PrecisionMap*>(this)->at(s); }

Precision& PrecisionMap::at(std::string_view key) {
  std::optional<Slot> s = SlotFromKey(key);
  if (!s) throw Error("unknown precision slot '" + std::string(key) + "'");
  return at(*s);
}
const Precision& PrecisionMap::at(std::string_view key) const { return const_cast<PrecisionMap*>(this)->at(key); }

PrecisionMap::iterator PrecisionMap::find(std::string_view key) {
  std::optional<Slot> s = SlotFromKey(key);
  return s ? m_.find(*s) : m_.end();
}
PrecisionMap::const_iterator PrecisionMap::find(std::string_view key) const {
  std::optional<Slot> s = SlotFromKey(key);
  return s ? m_.find(*s) : m_.end();
}
size_t PrecisionMap::count(std::string_view key) const { return find(key) == end() ? 0 : 1; }
size_t PrecisionMap::erase(std::string_view key) {
  std::optional<Slot> s = SlotFromKey(key);
  return s ? m_.erase(*s) : 0;
}

std::optional<FixedType> PrecisionMap::type(Slot s) const {
  auto it = m_.find(s);
  if (it == m_.end()) return std::nullopt;
  return it->second.type;
}

namespace {

/// The narrowest type (F >= 0 fractional bits, I >= 0; signed iff v < 0)
/// holding v exactly, within `max_width` bits; nullopt when there is none.
std::optional<FixedType> ExactType(double v, int max_width) {
  if (!std::isfinite(v)) return std::nullopt;
  for (int f = 0; f <= max_width; ++f) {
    const double m = std::ldexp(v, f);
    if (std::fabs(m) >= std::ldexp(1.0, 62)) return std::nullopt;
    if (m != std::floor(m)) continue;
    const int64_t mag = static_cast<int64_t>(std::fabs(m));
    int bits = 0;
    while (bits < 63 && (int64_t{1} << bits) <= mag) ++bits;
    const bool s = v < 0;
    const int w = std::max({1, bits + (s ? 1 : 0), f + (s ? 1 : 0)});
    if (w > max_width) return std::nullopt;
    return FixedType(w, w - f, s);
  }
  return std::nullopt;
}

}  // namespace

std::optional<ActivationParam> ActivationParamOf(const Layer& l, const std::optional<FixedType>& input) {
  if (l.kind != LayerKind::Activation) return std::nullopt;
  const ActivationKind k = l.activation;
  if (k != ActivationKind::LeakyReLU && k != ActivationKind::ThresholdedReLU && k != ActivationKind::ReLU6OrMax &&
      k != ActivationKind::ELU && k != ActivationKind::HardSigmoid && k != ActivationKind::HardTanh)
    return std::nullopt;
  const double v = l.alpha;
  ActivationParam p;
  if (std::optional<FixedType> t = ResolvedType(l, Slot::Param)) {
    p.type = *t;
    p.word = t->Quantize(v);
  } else if (k == ActivationKind::ThresholdedReLU && input && input->width() <= 62 && std::isfinite(v)) {
    const FixedType& in = *input;
    p.type = FixedType(in.width() + 1, in.integer() + 1, true);
    const int64_t lo = in.is_signed() ? -(int64_t{1} << (in.width() - 1)) - 1 : -1;
    const int64_t hi = in.is_signed() ? (int64_t{1} << (in.width() - 1)) - 1 : (int64_t{1} << in.width()) - 1;
    const double scaled = std::floor(std::ldexp(v, in.fractional()));
    p.word = scaled <= static_cast<double>(lo) ? lo : scaled >= static_cast<double>(hi) ? hi : static_cast<int64_t>(scaled);
    p.exact = p.type.ToDouble(p.word) == v;
    p.type = p.type.WithFamily(in.family());
    return p;
  } else if (std::optional<FixedType> t = ExactType(v, 40)) {
    p.type = *t;
    p.word = t->Quantize(v);
  } else if (std::optional<FixedType> f = ExactType(static_cast<float>(v), 40)) {
    p.type = *f;
    p.word = f->Quantize(static_cast<float>(v));
  } else {
    int ib = 1;
    while (ib < 40 && std::ldexp(1.0, ib - 1) <= std::fabs(v)) ++ib;
    p.type = FixedType(24 + ib, ib + 1, true, Quant::RND, Overflow::SAT);
    if (p.type.width() > 64) p.type = FixedType(64, std::min(ib + 1, 64), true, Quant::RND, Overflow::SAT);
    p.word = p.type.Quantize(v);
  }
  p.exact = p.type.ToDouble(p.word) == v;
  if (input) p.type = p.type.WithFamily(input->family());  // the model's family (ir/family.h)
  return p;
}

std::optional<ActivationParam> PlannedActivationParam(const Layer& l, const std::optional<FixedType>& input) {
  if (l.plan && l.plan->activation_param) return l.plan->activation_param;
  return ActivationParamOf(l, input);
}

std::optional<ActivationParam> ActivationShiftOf(const Layer& l) {
  if (l.kind != LayerKind::Activation ||
      (l.activation != ActivationKind::HardSigmoid && l.activation != ActivationKind::HardTanh))
    return std::nullopt;
  Layer slope = l;  // the automatic rule of ActivationParamOf applied to the shift
  slope.alpha = l.beta;
  slope.activation = ActivationKind::LeakyReLU;
  slope.config.precision.erase(Slot::Param);
  slope.params.clear();
  return ActivationParamOf(slope, std::nullopt);
}

}  // namespace hlsforge::ir
