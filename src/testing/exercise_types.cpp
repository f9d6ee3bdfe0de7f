// Types scaled to the values (random_model.h): every open precision slot of a
// drawn structure is typed, layer by layer, from the values that reach it on
// the input rows, measured by the emulator with an exact wide type first.
//
// Per slot (W = width, I = integer bits, F = W - I fractional bits):
//  * input        F 1-6; I from a quantile of |x|; the rows are snapped to a
//                 grid of 2^-(F+1), so about half of them are ties
//  * weight, bias, scale
//                 F 1-6; I from max |value| (one bit short 15 % of the time:
//                 the largest values saturate or wrap); values snapped to
//                 2^-(F+1) (ties of the parameter quantization)
//  * accum        F = F(input) + F(weight) (Dense/Conv; F(input) for pooling)
//                 minus 0-2 bits (rounded products); I from the largest sum,
//                 one bit short 15 % of the time
//  * result       F = the fractional bits the exact values need, minus 1 (35 %),
//                 2 (25 %), 0 (15 %), 3 (10 %) or 4-6 (15 %): with 1 bit
//                 dropped about half of the values are ties; I from the
//                 quantile 1 / 0.98 / 0.9 / 0.75 of |values| (the rest
//                 saturates or wraps); unsigned 12 % of the time for data
//                 with negative values
//  * table (sigmoid/tanh) W 6-18, I 0-2; softmax tables, sums and indices
//                 sized from the input's spread so that the output varies
//  * thresholds   (binary/ternary Threshold, ThresholdedReLU theta, clipped
//                 ReLU max) values the data takes on some row: ties
// Widths are capped (Draft::width_cap for data and parameters, 40 bits for
// accumulators). Modes: uniform among the 7 quantization and 4 overflow
// modes. About 1 open slot in 5 is left auto (not the model output's result,
// not the softmax slots).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/testing/random_model.h"
#include "random_model_internal.h"

namespace hlsforge::testing::detail {
namespace {

/// The exact wide type every measured slot gets first.
const FixedType kProbe(56, 28);

/// Fractional bits the values need (at most 28).
int FracBits(const std::vector<double>& v) {
  int f = 0;
  for (double a : v)
    while (f < 28 && std::ldexp(a, f) != std::floor(std::ldexp(a, f))) ++f;
  return f;
}

double Quantile(const std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::vector<double> a;
  a.reserve(v.size());
  for (double x : v) a.push_back(std::fabs(x));
  std::sort(a.begin(), a.end());
  const size_t k = std::min(a.size() - 1, static_cast<size_t>(q * static_cast<double>(a.size() - 1) + 0.5));
  return a[k];
}

/// Integer bits for magnitudes up to m: the smallest I with 2^(I - s) >= m.
int IntBits(double m, bool s) {
  if (!(m > 0)) return s ? 1 : 0;
  int e = static_cast<int>(std::ceil(std::log2(m)));
  while (std::ldexp(1.0, e) < m) ++e;
  return std::clamp(e + (s ? 1 : 0), -6, 30);
}

bool AnyNegative(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return x < 0; });
}

/// A type of I integer bits and F fractional bits, W clamped to [2, cap]
/// (fractional bits give way).
FixedType Make(Rng& rng, int i, int f, bool s, int cap) {
  int w = i + f;
  if (w > cap) w = cap;
  if (w < 2) w = 2;
  return rng.type(w, i, s);
}

int Pick(Rng& rng, std::initializer_list<std::pair<int, int>> weighted) {  // {value, percent}
  int r = rng.ri(0, 99);
  for (const auto& [v, p] : weighted) {
    if (r < p) return v;
    r -= p;
  }
  return weighted.begin()->first;
}

class Typer {
 public:
  Typer(Draft& d, NDArray& x, Rng& rng) : d_(d), x_(x), rng_(rng), g_(d.g) {}

  StatusOr<TypedResult> Run(int min_distinct) {
    return CatchStatusOr<TypedResult>([&] {
      ChooseAuto();
      TypeInput();
      for (size_t li = 1; li < g_.layers.size(); ++li) TypeLayer(li);
      ThrowIfError(Resolve(g_));
      const std::string wide = TooWide(g_);
      if (!wide.empty()) throw Error("too wide: " + wide);
      ThrowIfError(backends::CheckHlsGraph(g_));  // e.g. a softmax index wider than its input type
      auto tr = emu::Trace(g_, x_, emu::Options{.threads = 1});
      ThrowIfError(tr.status());
      TypedResult r;
      for (const auto& l : g_.layers) {
        const int64_t n = CountDistinct(tr->at(l.name));
        const int64_t want = RequiredDistinct(g_, l, min_distinct);
        r.distinct[l.name] = n;
        r.min_distinct[l.name] = want;
        if (n < want) throw Error(fmt::format("layer {}: {} distinct values, fewer than {}", l.name, n, want));
      }
      d_.g = std::move(g_);
      return r;
    });
  }

 private:
  Draft& d_;
  NDArray& x_;
  Rng& rng_;
  ir::Graph g_;
  std::set<std::string> auto_;  // SlotId of the slots left auto

  template <class T, class F>
  static StatusOr<T> CatchStatusOr(F f) {
    try {
      return f();
    } catch (const std::exception& e) {
      return Status::Fail(e.what());
    }
  }
  static void ThrowIfError(const Status& s) {
    if (!s.ok()) throw Error(s.message());
  }

  bool Fixed(const ir::Layer& l, ir::Slot s) const { return d_.fixed_slots.count(SlotId(l, s)) > 0; }
  bool Auto(const ir::Layer& l, ir::Slot s) const { return auto_.count(SlotId(l, s)) > 0; }
  bool Open(const ir::Layer& l, ir::Slot s) const { return l.config.precision.count(s) && !Fixed(l, s) && !Auto(l, s); }
  void Set(ir::Layer& l, ir::Slot s, const FixedType& t) {
    l.config.precision[s].type = t;
    if (ir::Param* p = l.param(s)) p->type = t;
  }

  /// About 1 open slot in 5 is left auto: erased from the config (and the
  /// param type cleared), so that infer_precision fills it.
  void ChooseAuto() {
    for (ir::Layer& l : g_.layers) {
      if (l.kind == ir::LayerKind::Input || l.kind == ir::LayerKind::Softmax) continue;
      const bool output = std::find(g_.outputs.begin(), g_.outputs.end(), l.output) != g_.outputs.end();
      std::vector<ir::Slot> slots;
      for (const auto& [k, p] : l.config.precision) slots.push_back(k);
      for (const ir::Slot k : slots) {
        if (Fixed(l, k) || (k == ir::Slot::Result && output) || k == ir::Slot::Param) continue;
        if (l.kind == ir::LayerKind::Reshape || rng_.coin(20)) {
          auto_.insert(SlotId(l, k));
          l.config.precision.erase(k);
          if (ir::Param* p = l.param(k)) p->type.reset();
        }
      }
    }
  }

  void TypeInput() {
    ir::Layer& in = g_.layers.at(0);
    const bool s = AnyNegative(x_.data) ? rng_.coin(88) : rng_.coin(35);
    const double q = Pick(rng_, {{100, 35}, {98, 25}, {90, 25}, {75, 15}}) / 100.0;
    const int f = rng_.ri(1, 6);
    const FixedType t = Make(rng_, IntBits(Quantile(x_.data, q), s), f, s, d_.width_cap);
    Set(in, ir::Slot::Result, t);
    // a grid one bit finer than the type: about half of the rows' values are ties
    const double step = std::ldexp(1.0, -(t.fractional() + 1));
    for (double& v : x_.data) v = static_cast<float>(std::round(v / step) * step);
  }

  /// Values the data takes: the layer's output on the rows, with its open
  /// slots measured at the exact wide type kProbe (those in `keep` as they
  /// are), and its first input's values.
  struct Measured {
    std::vector<double> out, in;
    int64_t in_row = 1;  // values per row of the input
    ir::Graph graph;     // the resolved ancestor graph
  };
  Measured Measure(size_t li, const std::set<ir::Slot>& keep) {
    ir::Graph p = AncestorGraph(g_, li);
    ir::Layer& l = *p.FindLayer(g_.layers[li].name);
    for (auto& [k, prec] : l.config.precision)
      if ((k == ir::Slot::Result || k == ir::Slot::Accum) && Open(l, k) && !keep.count(k)) prec.type = kProbe;
    ThrowIfError(Resolve(p));
    auto tr = emu::Trace(p, x_, emu::Options{.threads = 1});
    ThrowIfError(tr.status());
    Measured m;
    m.out = tr->at(l.name).data;
    const std::string& in_t = l.inputs.at(0);
    for (const auto& a : p.layers)
      if (a.output == in_t) {
        m.in = tr->at(a.name).data;
        m.in_row = tr->at(a.name).row_size();
      }
    m.graph = std::move(p);
    return m;
  }

  const FixedType& TypeOf(const ir::Graph& p, const std::string& tensor) const { return *p.tensor(tensor).type; }

  void TypeParam(ir::Layer& l, ir::Slot slot) {
    if (!Open(l, slot) || !l.param(slot)) return;
    ir::Param& p = *l.param(slot);
    double m = 0;
    for (double v : p.values) m = std::max(m, std::fabs(v));
    const bool s = AnyNegative(p.values) || rng_.coin(30);
    const int f = rng_.ri(1, 6);
    const int i = IntBits(m, s) + Pick(rng_, {{0, 70}, {-1, 15}, {1, 15}});
    const FixedType t = Make(rng_, i, f, s, std::min(d_.width_cap, 16));
    const double step = std::ldexp(1.0, -(t.fractional() + 1));
    for (double& v : p.values) v = std::round(v / step) * step;
    Set(l, slot, t);
  }

  /// A value the data takes in channel c (of `row` values per row).
  double DataValue(const Measured& m, int64_t c) {
    const int64_t rows = static_cast<int64_t>(m.in.size()) / std::max<int64_t>(m.in_row, 1);
    const int64_t r = rng_.ri(0, static_cast<int>(std::max<int64_t>(rows, 1) - 1));
    return m.in[static_cast<size_t>(r * m.in_row + c % m.in_row)];
  }

  void TypeLayer(size_t li) {
    ir::Layer& l = g_.layers[li];
    for (const ir::Slot k : {ir::Slot::Weight, ir::Slot::Bias, ir::Slot::Scale}) TypeParam(l, k);
    if (l.kind == ir::LayerKind::Threshold || l.activation == ir::ActivationKind::ThresholdedReLU ||
        l.activation == ir::ActivationKind::ReLU6OrMax)
      SetThresholds(li);
    if (l.kind == ir::LayerKind::Activation &&
        (l.activation == ir::ActivationKind::Sigmoid || l.activation == ir::ActivationKind::Tanh) && Open(l, ir::Slot::Table)) {
      const bool s = l.activation == ir::ActivationKind::Tanh ? rng_.coin(85) : rng_.coin(30);
      Set(l, ir::Slot::Table, rng_.type(rng_.ri(6, 18), rng_.ri(0, 1) + (s ? 1 : 0), s));
    }
    if (l.kind == ir::LayerKind::Softmax) TypeSoftmax(li);
    if (Open(l, ir::Slot::Accum)) TypeAccum(li);
    if (Open(l, ir::Slot::Result)) {
      const Measured m = Measure(li, {ir::Slot::Accum});
      const auto& v = m.out;
      const bool s = AnyNegative(v) ? rng_.coin(88) : rng_.coin(35);
      const double q = Pick(rng_, {{100, 35}, {98, 25}, {90, 25}, {75, 15}}) / 100.0;
      double mag = Quantile(v, q);
      if (!(mag > 0)) mag = Quantile(v, 1.0);
      const int drop = Pick(rng_, {{1, 35}, {2, 25}, {0, 15}, {3, 10}, {rng_.ri(4, 6), 15}});
      Set(g_.layers[li], ir::Slot::Result, Make(rng_, IntBits(mag, s), FracBits(v) - drop, s, d_.width_cap));
    }
  }

  void TypeAccum(size_t li) {
    const Measured m = Measure(li, {});
    ir::Layer& l = g_.layers[li];
    const FixedType& in = TypeOf(m.graph, l.inputs.at(0));
    int f_prod = in.fractional();
    if (const ir::Param* w = m.graph.FindLayer(l.name)->param(ir::Slot::Weight)) f_prod += w->type->fractional();
    double mag = Quantile(m.out, 1.0);
    if (l.kind == ir::LayerKind::Pooling && l.pool->op == ir::PoolOp::Average) {  // the sum of the window
      const auto& sh = g_.tensor(l.inputs[0]).shape;
      int64_t cells = l.pool->pool_h * l.pool->pool_w;
      if (l.pool->global) {
        cells = 1;
        for (size_t i = 0; i + 1 < sh.size(); ++i) cells *= sh[i];
      }
      mag = Quantile(m.in, 1.0) * static_cast<double>(cells);
    }
    const bool s = AnyNegative(m.out) || AnyNegative(m.in) || rng_.coin(50);
    const int i = IntBits(mag, s) + Pick(rng_, {{0, 60}, {1, 25}, {-1, 15}});
    const int f = f_prod - Pick(rng_, {{0, 55}, {1, 25}, {2, 20}});
    Set(l, ir::Slot::Accum, Make(rng_, i, f, s, 40));
  }

  void SetThresholds(size_t li) {
    const Measured m = Measure(li, {ir::Slot::Result, ir::Slot::Accum});
    ir::Layer& l = g_.layers[li];
    if (l.kind == ir::LayerKind::Activation) {
      if (l.activation == ir::ActivationKind::ThresholdedReLU) {
        l.alpha = DataValue(m, rng_.ri(0, static_cast<int>(m.in_row - 1)));
      } else {  // clipped ReLU: a positive value the data takes
        std::vector<double> pos;
        for (double v : m.in)
          if (v > 0) pos.push_back(v);
        l.alpha = pos.empty() ? 1.0 : pos[static_cast<size_t>(rng_.ri(0, static_cast<int>(pos.size()) - 1))];
      }
      return;
    }
    if (ir::Param* t = l.param(ir::Slot::Threshold)) {
      for (size_t c = 0; c < t->values.size(); ++c) t->values[c] = DataValue(m, static_cast<int64_t>(c));
      return;
    }
    ir::Param& lo = *l.param(ir::Slot::ThresholdLo);
    ir::Param& hi = *l.param(ir::Slot::ThresholdHi);
    for (size_t c = 0; c < lo.values.size(); ++c) {
      double a = DataValue(m, static_cast<int64_t>(c)), b = DataValue(m, static_cast<int64_t>(c));
      lo.values[c] = std::min(a, b);
      hi.values[c] = std::max(a, b);
    }
  }

  /// Softmax tables, sums and indices sized from the spread of the input
  /// (what hls4ml's `auto` types fail to do: see the 1/N pitfall).
  void TypeSoftmax(size_t li) {
    const Measured m = Measure(li, {ir::Slot::Result, ir::Slot::Accum});
    ir::Layer& l = g_.layers[li];
    int nbits = 0;
    while ((1 << nbits) < l.config.table_size) ++nbits;
    const int64_t n = m.in_row;
    if (l.config.softmax_impl == ir::SoftmaxImpl::Legacy) {
      const int i = rng_.ri(4, 8);
      Set(l, ir::Slot::Table, rng_.type(i + rng_.ri(6, 10), i, true));
      return;
    }
    if (l.config.softmax_impl == ir::SoftmaxImpl::Stable) {  // max - x
      std::vector<double> span;
      for (size_t r = 0; r + static_cast<size_t>(n) <= m.in.size(); r += static_cast<size_t>(n)) {
        const double mx = *std::max_element(m.in.begin() + static_cast<long>(r), m.in.begin() + static_cast<long>(r) + n);
        for (int64_t k = 0; k < n; ++k) span.push_back(mx - m.in[r + static_cast<size_t>(k)]);
      }
      const int i = std::max(IntBits(Quantile(span, 0.9), false) + rng_.ri(-1, 1), 0);
      Set(l, ir::Slot::InpNorm, rng_.type(std::clamp(i + rng_.ri(2, 6), nbits, 24), i, false));
    }
    const bool es = rng_.coin(50);
    const int ei = es ? 2 : 1, ew = rng_.ri(8, 18);
    Set(l, ir::Slot::ExpTable, rng_.type(ew, ei, es));
    const int si = IntBits(static_cast<double>(n + 1), true) + rng_.ri(-1, 0);
    Set(l, ir::Slot::Accum, rng_.type(std::clamp(si + (ew - ei) - rng_.ri(0, 2), 2, 32), si, true));
    const bool is = rng_.coin(50);
    const int ii = IntBits(static_cast<double>(n + 1), is) + rng_.ri(-1, 0);
    Set(l, ir::Slot::InvInp, rng_.type(std::clamp(ii + rng_.ri(2, 6), nbits, 32), ii, is));
    const bool vs = rng_.coin(50);
    Set(l, ir::Slot::InvTable, rng_.type(rng_.ri(8, 18), 1 + (vs ? 1 : 0) + rng_.ri(0, 1), vs));
  }
};

}  // namespace

Status Resolve(ir::Graph& g) { return passes::RunPipeline(g, {"infer_precision"}); }

StatusOr<TypedResult> ExerciseTypes(Draft& d, NDArray& x, Rng& rng, int min_distinct) {
  return Typer(d, x, rng).Run(min_distinct);
}

}  // namespace hlsforge::testing::detail
