// The hardware vocabulary of hw_plan.h: slot spellings, product kinds,
// parameter words, and the one precision resolution rule.
#include "hlsforge/ir/hw_plan.h"

#include <algorithm>
#include <array>
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
  if (input.is_signed()) return FixedType(std::max(1, input.width() - 1), input.integer() - 1, false);
  return FixedType(input.width(), input.integer(), false);
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

}  // namespace hlsforge::ir
