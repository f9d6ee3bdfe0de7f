// HGQ proxy models: the FixedPointQuantizer layer (hls4ml
// utils/fixed_point_quantizer.py, written by HGQ's to_proxy_model).
//
// Semantics (HGQ gfixed_quantizer, hls4ml FixedPointQuantizer): per element
// with keep_negative k, bits b and integers i (b and i count the sign bit
// when k = 1, as ap_fixed's W and I do), the input is scaled by 2^(b - i),
// rounded by the layer's RND mode, wrapped or saturated by its SAT mode into
// the range of ap_fixed<b, i> (k = 1) or ap_ufixed<b, i> (k = 0), and scaled
// back; an element with b = 0 is the constant 0. That is exactly the cast to
// the element's fixed-point format, which is how the layer enters the IR: a
// Quantize layer with one format per element (ir::Layer::element_types).
//
// The weights file holds the arrays `keep_negative`, `bits`, `integers`
// (the layer's config `shape`, batch axis first, broadcast over the input as
// NumPy broadcasts). The config's `overrides` give the firmware precisions
// HGQ computed for this and the preceding layers ({"layers": {name:
// {"result_t": ..., "accum_t": ..., "weight_t": ..., "bias_t": ...,
// "table_t": ..., "table_size": ...}}}); they become the layers'
// ir::Layer::embedded_precision, which ApplyConfig applies over the user's
// config.
#include <cmath>
#include <iostream>

#include "keras_builder.h"

namespace hlsforge::frontends::keras {
namespace {

/// NumPy broadcasting of an array of shape `a` to `target` (both with the
/// batch axis first): the source index of every target element, row-major.
/// Empty optional when the shapes do not broadcast.
std::optional<std::vector<int64_t>> BroadcastIndex(const std::vector<int64_t>& a, const std::vector<int64_t>& target) {
  if (a.size() > target.size()) return std::nullopt;
  const size_t off = target.size() - a.size();
  for (size_t d = 0; d < a.size(); ++d)
    if (a[d] != 1 && a[d] != target[off + d]) return std::nullopt;
  const int64_t n = Product(target);
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::vector<int64_t> coord(target.size(), 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t src = 0;
    for (size_t d = 0; d < a.size(); ++d) src = src * a[d] + (a[d] == 1 ? 0 : coord[off + d]);
    idx[static_cast<size_t>(e)] = src;
    for (size_t d = target.size(); d-- > 0;) {
      if (++coord[d] < target[d]) break;
      coord[d] = 0;
    }
  }
  return idx;
}

/// An array value that must be an integer in [lo, hi].
int IntValue(double v, double lo, double hi, const std::string& where, const std::string& what, int64_t index) {
  if (!std::isfinite(v) || v != std::floor(v) || v < lo || v > hi)
    throw Error(where + ": '" + what + "'[" + std::to_string(index) + "] = " + std::to_string(v) +
                " is not an integer in [" + std::to_string(static_cast<int64_t>(lo)) + ", " +
                std::to_string(static_cast<int64_t>(hi)) + "]");
  return static_cast<int>(v);
}

/// "fixed<W,I,RND,SAT>" / "ufixed<...>" (hls4ml spelling) as an ap type;
/// ApplyConfig puts it in the model's family.
FixedType ParseType(const std::string& text, const std::string& where, const std::string& field) {
  StatusOr<FixedType> t = FixedType::Parse(text, Family::AP);
  if (!t.ok()) throw Error(where + ": " + field + ": bad precision '" + text + "': " + t.status().message());
  return *t;
}

/// The `overrides` of a FixedPointQuantizer: embedded precisions of the
/// layers it names. Keys starting with '_' are HGQ's bookkeeping, and
/// parallelization_factor 1 is the default; other keys without a precision
/// slot (a parallelization factor above 1, ...) are ignored with a warning
/// (the config sets those).
void ApplyOverrides(Builder& b, const KLayer& k, const json& overrides) {
  const std::string where = b.Where(k);
  if (!overrides.is_object()) throw Error(where + ": field 'overrides' must be an object");
  const json* layers = Get(overrides, "layers");
  if (!layers) return;
  if (!layers->is_object()) throw Error(where + ": field 'overrides.layers' must be an object");
  for (const auto& [name, fields] : layers->items()) {
    const std::string field_where = "overrides.layers." + name;
    if (!fields.is_object()) throw Error(where + ": field '" + field_where + "' must be an object");
    ir::Layer* l = b.graph().FindLayer(name);
    if (!l) {
      std::cerr << "hlsforge: warning: " << where << ": " << field_where
                << " names no layer of the converted graph; ignored\n";
      continue;
    }
    for (const auto& [key, value] : fields.items()) {
      const std::string f = field_where + "." + key;
      if (!key.empty() && key[0] == '_') continue;
      if (key == "table_size") {
        if (!value.is_number_integer() || value.get<int64_t>() <= 0 || value.get<int64_t>() > (1 << 24))
          throw Error(where + ": field '" + f + "' must be a positive integer");
        l->embedded_table_size = value.get<int>();
        continue;
      }
      // HGQ writes the parallelization factor it assumed; 1 is hls4ml's default
      if (key == "parallelization_factor" && value.is_number() && value.get<double>() == 1) continue;
      std::optional<ir::Slot> slot;
      if (key.size() > 2 && key.compare(key.size() - 2, 2, "_t") == 0)
        slot = ir::SlotFromKey(key.substr(0, key.size() - 2));
      if (!slot || *slot == ir::Slot::Default) {
        std::cerr << "hlsforge: warning: " << where << ": field '" << f << "' ignored\n";
        continue;
      }
      if (!value.is_string()) throw Error(where + ": field '" + f + "' must be a precision string");
      l->embedded_precision[*slot] = ParseType(value.get<std::string>(), where, f);
    }
  }
}

}  // namespace

void AddFixedPointQuantizer(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  ir::Graph& g = b.graph();
  const std::string& in = b.InputOf(k);
  const std::vector<int64_t> shape = g.tensor(in).shape;
  std::vector<int64_t> full = {1};
  full.insert(full.end(), shape.begin(), shape.end());

  auto mode = [&](const char* key, const char* dflt) {
    const json* v = Get(k.config, key);
    if (!v) return std::string(dflt);
    if (!v->is_string()) throw Error(where + ": field '" + std::string(key) + "' must be a string");
    return v->get<std::string>();
  };
  const std::string rnd = mode("RND", "TRN"), sat = mode("SAT", "WRAP");

  std::map<std::string, Array> ws =
      b.Weights(k, {"keep_negative", "bits", "integers"}, {"keep_negative", "bits", "integers"});
  std::optional<std::vector<int64_t>> declared;
  if (const json* s = Get(k.config, "shape")) {
    if (!s->is_array()) throw Error(where + ": field 'shape' must be a list of integers");
    declared.emplace();
    for (const json& d : *s) {
      if (!d.is_number_integer() || d.get<int64_t>() < 1)
        throw Error(where + ": field 'shape' must be a list of positive integers");
      declared->push_back(d.get<int64_t>());
    }
  }
  std::map<std::string, std::vector<int64_t>> index;
  for (const char* name : {"keep_negative", "bits", "integers"}) {
    const Array& a = ws.at(name);
    if (declared && a.shape != *declared)
      throw Error(where + ": array '" + name + "' has shape " + ShapeStr(a.shape) + ", but the layer's 'shape' is " +
                  ShapeStr(*declared));
    std::optional<std::vector<int64_t>> idx = BroadcastIndex(a.shape, full);
    if (!idx)
      throw Error(where + ": array '" + name + "' of shape " + ShapeStr(a.shape) +
                  " does not broadcast to the layer's input shape " + ShapeStr(full));
    index[name] = std::move(*idx);
  }

  const int64_t n = Product(shape);
  std::vector<std::optional<FixedType>> types(static_cast<size_t>(n));
  for (int64_t e = 0; e < n; ++e) {
    const size_t u = static_cast<size_t>(e);
    const int kneg = IntValue(ws.at("keep_negative").values[static_cast<size_t>(index["keep_negative"][u])], 0, 1,
                              where, "keep_negative", index["keep_negative"][u]);
    const int bits = IntValue(ws.at("bits").values[static_cast<size_t>(index["bits"][u])], 0, 64, where, "bits",
                              index["bits"][u]);
    const int ints = IntValue(ws.at("integers").values[static_cast<size_t>(index["integers"][u])], -1024, 1024,
                              where, "integers", index["integers"][u]);
    if (bits == 0) continue;  // constant zero
    const std::string text = std::string(kneg ? "fixed<" : "ufixed<") + std::to_string(bits) + "," +
                             std::to_string(ints) + "," + rnd + "," + sat + ">";
    types[u] = ParseType(text, where, "element " + std::to_string(e) + " (RND/SAT/bits/integers)");
  }
  bool uniform = true;
  for (const auto& t : types) uniform = uniform && t == types[0];

  ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Quantize, in, shape, k.cls);
  if (uniform && !types.empty()) types.resize(1);
  l.element_types = std::move(types);
  b.SetOutput(k, k.name);
  if (const json* o = Get(k.config, "overrides")) ApplyOverrides(b, k, *o);
}

}  // namespace hlsforge::frontends::keras
