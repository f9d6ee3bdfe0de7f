// Overflow / saturation / rounded-to-zero counters of the result casts (see
// include/hlsforge/emu/numerics.h). Next to the emulator, not inside it: the
// emulator's own outputs come from emu::Trace; each layer is evaluated a
// second time with a wide result type by the same kernel factory, and the
// wide words are compared with the result type through fixed_core.h.
#include "hlsforge/emu/numerics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "cnn_kernels.h"
#include "hlsforge/emu/emulator.h"
#include "kernels.h"

namespace hlsforge::emu {
namespace {

using detail::Format;

constexpr int64_t kBlockRows = 4096;
constexpr int kWideBits = 62;      // wide type width: fixed_core.h and the kernels' 64-bit words
constexpr int kMaxWideFrac = 40;

/// What one tensor's counting needs.
struct Entry {
  TensorCounts c;
  const ir::Layer* layer = nullptr;
  bool countable = false;
  FixedType out_t;
  Format out_f{}, wide_f{};
  std::string in_layer, in2_layer;  // producers in the trace ("" = the graph input itself)
  FixedType in_t, in2_t;
  int64_t n_in = 0, n2 = 0, n_out = 0;
  std::unique_ptr<detail::Kernel> wide;
  std::unique_ptr<detail::BinaryKernel> wide2;
};

/// The wide signed TRN/SAT type the layer is re-evaluated with: integer bits
/// two above the widest of its types, fraction bits the sum of its two
/// largest (a product of two of them), capped so the word fits kWideBits.
FixedType WideType(const ir::Layer& l, const FixedType& in, const FixedType& out) {
  std::vector<int> fr{in.fractional(), out.fractional()};
  int ib = std::max(in.integer(), out.integer());
  for (int s = static_cast<int>(ir::Slot::Default); s <= static_cast<int>(ir::Slot::InpNorm); ++s)
    if (auto t = ir::ResolvedType(l, static_cast<ir::Slot>(s))) {
      fr.push_back(t->fractional());
      ib = std::max(ib, t->integer());
    }
  std::sort(fr.rbegin(), fr.rend());
  int f = std::max(0, fr[0]) + std::max(0, fr.size() > 1 ? fr[1] : 0);
  ib = std::min(std::max(ib + 2, 2), kWideBits - 1);
  f = std::clamp(f, std::max(0, out.fractional()), kMaxWideFrac);
  f = std::min(f, kWideBits - ib);
  return FixedType(kWideBits, kWideBits - f, true, fx::Quant::TRN, fx::Overflow::SAT, out.family());
}

/// Counts one element: `w` in wide format `wf` (the value before the cast),
/// `word` the emulator's word in `to`.
void Count(int64_t w, Format wf, int64_t word, Format to, TensorCounts& c) {
  const fx::i128 r = fx::shift_round(fx::widen(w, wf.s), fx::frac(wf) - fx::frac(to), to.q);
  const fx::i128 hi = fx::max_exact(to.w, to.s);
  const fx::i128 lo = fx::min_exact(to.w, to.s) + ((to.o == fx::Overflow::SAT_SYM && to.s && to.w > 1) ? 1 : 0);
  const double v = fx::to_double(w, wf);
  c.min = std::min(c.min, v);
  c.max = std::max(c.max, v);
  ++c.values;
  if (v == 0) {
    ++c.zeros;
  } else {
    const double b = std::floor(std::log2(std::fabs(v)) * kLog2BinsPerOctave) - kLog2MinBin;
    ++c.log2_hist[static_cast<size_t>(std::clamp(b, 0.0, static_cast<double>(kLog2Bins - 1)))];
  }
  if (r > hi || r < lo) ++(to.o == fx::Overflow::WRAP ? c.wrapped : c.saturated);
  else if (r == 0 && w != 0) ++c.rounded_to_zero;
  if (fx::cast(w, wf, to) != word) c.exact = false;
}

std::string TypeName(const FixedType& t) { return t.ToString(); }

}  // namespace

StatusOr<std::vector<TensorCounts>> CountNumerics(const ir::Graph& g, const NDArray& input) {
  std::vector<TensorCounts> result;
  Status st = CatchStatus([&] {
    const std::string gname = g.source_path.empty() ? g.name : g.source_path;
    if (g.inputs.size() != 1) throw Error(gname + ": the emulator needs exactly one graph input");
    // The graph input's type: its tensor's, else the Input layer's result.
    std::optional<FixedType> in_type = g.tensor(g.inputs[0]).type;
    std::string input_layer;
    for (const ir::Layer& l : g.layers)
      if (l.kind == ir::LayerKind::Input && (l.output == g.inputs[0] || l.output.empty())) {
        input_layer = l.name;
        if (!in_type) in_type = ir::ResolvedType(l, ir::Slot::Result);
      }
    if (!in_type) throw Error(gname + ": graph input '" + g.inputs[0] + "': precision 'result' unresolved");
    std::map<std::string, std::string> producer{{g.inputs[0], input_layer}};
    std::map<std::string, FixedType> type_of{{g.inputs[0], *in_type}};

    std::vector<Entry> entries;
    for (const ir::Layer& l : g.layers) {
      Entry e;
      e.layer = &l;
      e.c.layer = l.name;
      e.c.min = std::numeric_limits<double>::infinity();
      e.c.max = -std::numeric_limits<double>::infinity();
      if (l.kind == ir::LayerKind::Input) {
        e.c.tensor = g.inputs[0];
        e.out_t = *in_type;
        e.c.type = TypeName(e.out_t);
        e.c.result = e.out_t;
        e.countable = !ir::IsXnorType(e.out_t);
        if (!l.output.empty() && l.output != g.inputs[0]) {  // an alias of the graph input
          producer[l.output] = l.name;
          type_of[l.output] = *in_type;
        }
        entries.push_back(std::move(e));
        continue;
      }
      e.c.tensor = l.output;
      const ir::Tensor& ot = g.tensor(l.output);
      if (!ot.type) throw Error("layer \"" + l.name + "\": output tensor '" + l.output + "': precision unresolved");
      e.out_t = *ot.type;
      e.c.type = TypeName(e.out_t);
      e.c.result = e.out_t;
      auto in_of = [&](const std::string& t, std::string* prod, FixedType* ty, int64_t* n) {
        auto p = producer.find(t);
        if (p == producer.end()) throw Error("layer \"" + l.name + "\": input tensor '" + t + "' not produced before it");
        *prod = p->second;
        *ty = type_of.at(t);
        *n = g.tensor(t).size();
      };
      in_of(l.inputs.at(0), &e.in_layer, &e.in_t, &e.n_in);
      e.n_out = ot.size();
      producer[l.output] = l.name;
      type_of[l.output] = e.out_t;
      if (l.kind == ir::LayerKind::Threshold || ir::IsXnorType(e.out_t) || (l.plan && l.plan->skip)) {
        entries.push_back(std::move(e));
        continue;
      }
      detail::LayerIO io;
      io.g = &g;
      io.layer = &l;
      io.in_type = e.in_t;
      io.out_type = WideType(l, e.in_t, e.out_t);
      io.in_shape = g.tensor(l.inputs[0]).shape;
      io.out_shape = ot.shape;
      io.n_in = e.n_in;
      io.n_out = e.n_out;
      e.wide_f = detail::Fmt(io.out_type);
      e.out_f = detail::Fmt(e.out_t);
      if (l.kind == ir::LayerKind::Merge) {
        detail::SecondInput b;
        in_of(l.inputs.at(1), &e.in2_layer, &e.in2_t, &e.n2);
        b.type = e.in2_t;
        b.shape = g.tensor(l.inputs[1]).shape;
        b.n = e.n2;
        auto k = detail::MakeMerge(io, b);
        e.countable = k.ok();
        if (k.ok()) e.wide2 = std::move(k).value();
      } else {
        auto k = detail::MakeKernel(io);
        e.countable = k.ok();
        if (k.ok()) e.wide = std::move(k).value();
      }
      entries.push_back(std::move(e));
    }

    for (Entry& e : entries)
      if (e.countable) e.c.log2_hist.assign(kLog2Bins, 0);
    Options opt;
    std::vector<int64_t> a, b, w, ref;
    detail::Scratch scratch;
    const int64_t rows = input.rows(), row = input.row_size();
    for (int64_t r0 = 0; r0 < rows; r0 += kBlockRows) {
      const int64_t m = std::min(kBlockRows, rows - r0);
      NDArray x;
      x.shape = input.shape;
      x.shape[0] = m;
      x.data.assign(input.data.begin() + r0 * row, input.data.begin() + (r0 + m) * row);
      std::map<std::string, NDArray> trace = Trace(g, x, opt).value();
      // Words of a traced tensor, row r, in type t (trace values are exact).
      auto words = [&](const std::string& layer, const FixedType& t, int64_t n, int64_t r, std::vector<int64_t>& out) {
        out.resize(static_cast<size_t>(n));
        const double* v = layer.empty() ? nullptr : trace.at(layer).data.data() + r * n;
        const fx::Format f = t.format();
        for (int64_t i = 0; i < n; ++i)
          out[i] = v ? fx::from_double(v[i], f)
                     : fx::from_double(static_cast<double>(static_cast<float>(x.data[r * n + i])), f);
      };
      for (Entry& e : entries) {
        if (!e.countable) continue;
        if (e.layer->kind == ir::LayerKind::Input) {
          // The float32 input value assigned to the input type, rounded at
          // its LSB into a wide SAT type that keeps out-of-range values out.
          const FixedType& t = e.out_t;
          const int wide_i = std::max(2, kWideBits - std::max(0, t.fractional()));
          const fx::Format wf{kWideBits, wide_i, true, t.quant(), fx::Overflow::SAT, t.family()};
          const int64_t n = row;
          for (int64_t r = 0; r < m; ++r) {
            words(e.layer->name, t, n, r, ref);
            for (int64_t i = 0; i < n; ++i) {
              const double v = static_cast<double>(static_cast<float>(x.data[r * n + i]));
              const int64_t wv = fx::from_double(v, wf);
              Count(wv, wf, ref[i], t.format(), e.c);
              // Rounded to zero: compare the real value, not the rounded one.
              if (wv == 0 && v != 0 && !std::isnan(v)) ++e.c.rounded_to_zero;
            }
          }
          continue;
        }
        w.resize(static_cast<size_t>(e.n_out));
        for (int64_t r = 0; r < m; ++r) {
          words(e.in_layer, e.in_t, e.n_in, r, a);
          words(e.layer->name, e.out_t, e.n_out, r, ref);
          if (e.wide2) {
            words(e.in2_layer, e.in2_t, e.n2, r, b);
            e.wide2->Run2(a.data(), b.data(), w.data(), scratch);
          } else {
            e.wide->Run(a.data(), w.data(), scratch);
          }
          for (int64_t i = 0; i < e.n_out; ++i) Count(w[i], e.wide_f, ref[i], e.out_f, e.c);
        }
      }
    }
    for (Entry& e : entries) {
      if (!e.countable) e.c.exact = false;
      if (e.c.values == 0) e.c.log2_hist.clear();
      result.push_back(std::move(e.c));
    }
  });
  if (!st.ok()) return st;
  return result;
}

std::optional<FixedType> SuggestResultType(const TensorCounts& c) {
  if (c.values == 0 || !std::isfinite(c.min) || !std::isfinite(c.max)) return std::nullopt;
  const FixedType& t = c.result;
  const int f = t.fractional();
  if (f < 0 || f > kMaxWideFrac) return std::nullopt;
  // The extreme values rounded to the LSB 2^-f by the type's quantization
  // mode, as words of that LSB (a wide SAT word keeps them exact).
  const fx::Format wf{kWideBits, kWideBits - f, true, t.quant(), fx::Overflow::SAT, t.family()};
  const int64_t lo = fx::from_double(c.min, wf), hi = fx::from_double(c.max, wf);
  if (lo <= fx::min_word(wf.w, true) || hi >= fx::max_word(wf.w, true)) return std::nullopt;  // clipped
  const bool is_signed = t.is_signed() || lo < 0;
  const bool sym = is_signed && t.overflow() == fx::Overflow::SAT_SYM;
  for (int width = 1; width <= 64; ++width) {
    const fx::i128 top = fx::max_exact(width, is_signed);
    const fx::i128 bottom = fx::min_exact(width, is_signed) + (sym && width > 1 ? 1 : 0);
    if (hi <= top && lo >= bottom) {
      if (t.is_integer_type() && f == 0 && t.quant() == fx::Quant::TRN && t.overflow() == fx::Overflow::WRAP)
        return FixedType::Int(width, is_signed, t.family());
      return FixedType(width, width - f, is_signed, t.quant(), t.overflow(), t.family());
    }
  }
  return std::nullopt;
}

std::string FormatNumerics(const std::vector<TensorCounts>& counts) {
  size_t wl = 5, wt = 4;
  for (const TensorCounts& c : counts) {
    wl = std::max(wl, c.layer.size());
    wt = std::max(wt, c.type.size());
  }
  auto pct = [](int64_t k, int64_t n) { return n ? 100.0 * static_cast<double>(k) / static_cast<double>(n) : 0.0; };
  std::string out = fmt::format("{:<{}}  {:<{}}  {:>10}  {:>17}  {:>17}  {:>17}  {:>12}  {:>12}\n", "layer", wl,
                                "type", wt, "values", "wrapped", "saturated", "rounded to 0", "min", "max");
  int64_t tv = 0, tw = 0, ts = 0, tz = 0;
  for (const TensorCounts& c : counts) {
    const bool counted = c.values > 0;
    auto cell = [&](int64_t k) {
      return counted ? fmt::format("{} ({:.2f}%)", k, pct(k, c.values)) : std::string("n/a");
    };
    out += fmt::format("{:<{}}  {:<{}}  {:>10}  {:>17}  {:>17}  {:>17}  {:>12}  {:>12}{}\n", c.layer, wl, c.type, wt,
                       c.values, cell(c.wrapped), cell(c.saturated), cell(c.rounded_to_zero),
                       counted ? fmt::format("{:.6g}", c.min) : "", counted ? fmt::format("{:.6g}", c.max) : "",
                       counted && !c.exact ? " ~" : "");
    tv += c.values;
    tw += c.wrapped;
    ts += c.saturated;
    tz += c.rounded_to_zero;
  }
  out += fmt::format("total: {} values, {} wrapped, {} saturated, {} rounded to zero", tv, tw, ts, tz);
  out += "\n(casts to each layer's result type; ~: the wide evaluation was inexact, counts are lower bounds)\n";
  return out;
}

}  // namespace hlsforge::emu
