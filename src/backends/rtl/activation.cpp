// Element-wise activations in hardware, with the emulator's semantics
// (src/emu/activation.cpp; hls4ml nnet_activation.h):
//   linear: cast; relu: x > 0 ? cast : 0 (a comparator and a mux);
//   relu with max M: x < 0 -> 0, x > M -> (res_t) M, else cast;
//   thresholded relu: x > theta ? cast : 0;
//   leaky relu with a fixed-point alpha: x > 0 ? cast : (res_t)(x * alpha);
//   sigmoid / tanh: the emulator's table (tables.h) as a ROM of the size the
//     hardware plan gives, addressed by clamp(trunc0(x * N / div) + N/2, 0,
//     N-1) (shifts when N and div are powers of two);
//   binary tanh: the sign bit selects +1 / -1; ternary tanh: comparators on
//     the word of 2x.
// Comparisons against real constants (M, theta, 1) are restated on the
// input word grid: v(x) > c  <=>  x > floor(c * 2^F) for the integer word x.
// Anything else with a narrow input (hard sigmoid/tanh, leaky relu with a
// double alpha, tables of other sizes) is a ROM of the emulator's own
// outputs over every input word (BuildElementwiseRom).
#include <cmath>

#include "../../emu/tables.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

namespace {

using fx::Format;

// floor(c * 2^F) as an integer, clamped just outside [lo, hi] (so that a
// comparison against it keeps its outcome on every word in [lo, hi]).
i128 GridFloor(double c, int F, i128 lo, i128 hi) {
  const double v = std::floor(std::ldexp(c, F));
  if (!(v > static_cast<double>(lo) - 1)) return lo - 1;
  if (v > static_cast<double>(hi)) return hi;
  return static_cast<i128>(v);
}

bool IsPow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }
/// log2 of a power of two (the table's input range divisor).
int Log2(int64_t v) {
  int k = 0;
  while ((int64_t{1} << k) < v) ++k;
  return k;
}

}  // namespace

StatusOr<LayerRtl> BuildActivation(const LayerIO& io, const Choices& c) {
  using K = ir::ActivationKind;
  const ir::Layer& l = *io.layer;
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  const Format in_f = emu::detail::Fmt(io.in_type), res_f = emu::detail::Fmt(io.out_type);
  const int F = fx::frac(in_f);
  const bool res_bit = ir::IsXnorType(io.out_type);  // the XNOR encoding: 1 = +1, 0 = -1
  const i128 plus1 = res_bit ? 1 : fx::from_double(1.0, res_f);
  const i128 minus1 = res_bit ? 0 : fx::from_double(-1.0, res_f);
  const i128 in_lo = fx::min_exact(in_f.w, in_f.s), in_hi = fx::max_exact(in_f.w, in_f.s);

  std::optional<emu::detail::TableActivation> table;
  int table_id = -1, addr_bits = 0;
  LayerRtl r;
  Netlist& n = r.net;
  switch (l.activation) {
    case K::HardSigmoid:
    case K::HardTanh:
      return BuildElementwiseRom(io, "double arithmetic of the hard activation");
    case K::LeakyReLU:
      if (!ir::ResolvedType(l, ir::Slot::Param))
        return BuildElementwiseRom(io, "leaky relu with a double alpha (give Precision: param to compute it)");
      break;
    case K::Sigmoid:
    case K::Tanh: {
      auto t = emu::detail::ResolveTableActivation(io);
      if (!t.ok()) return t.status();
      // the ROM's size and address width: the plan's table
      auto tp = PlannedTable(io, c, ir::Slot::Table, t->table_size, std::nullopt);
      if (!tp.ok()) return tp.status();
      if (!IsPow2(t->table_size) || !IsPow2(t->div))
        return BuildElementwiseRom(io, "table_size " + std::to_string(t->table_size) + " is not a power of two");
      table = std::move(t).value();
      addr_bits = tp->index_bits;
      Table tb;
      tb.addr_bits = addr_bits;
      for (int64_t v : table->table_res) tb.words.push_back(v);
      tb.comment = std::string(l.activation == K::Sigmoid ? "sigmoid" : "tanh") + " table, " +
                   std::to_string(table->table_size) + " entries of the result type (the emulator's)";
      table_id = n.AddTable(std::move(tb));
      break;
    }
    default:
      break;
  }

  for (int64_t i = 0; i < io.n_in; ++i) {
    const int x = InputWord(n, io, i);
    auto cast = [&] { return Cast(n, x, F, res_f); };
    int y = -1;
    switch (l.activation) {
      case K::Linear: y = cast(); break;
      case K::ReLU: y = n.Mux(n.GreaterConst(x, 0), cast(), n.Const(0)); break;
      case K::ReLU6OrMax: {
        const int over = n.GreaterConst(x, GridFloor(l.alpha, F, in_lo, in_hi));
        const int capped = n.Mux(over, n.Const(fx::from_double(l.alpha, res_f)), cast());
        y = in_f.s ? n.Mux(n.LessConst(x, 0), n.Const(0), capped) : capped;
        break;
      }
      case K::ThresholdedReLU:
        y = n.Mux(n.GreaterConst(x, GridFloor(l.alpha, F, in_lo, in_hi)), cast(), n.Const(0));
        break;
      case K::LeakyReLU: {
        const FixedType pt = *ir::ResolvedType(l, ir::Slot::Param);
        const Format af = emu::detail::Fmt(pt);
        const i128 aw = fx::widen(pt.Quantize(l.alpha), af.s);
        const int neg = Cast(n, ConstProduct(n, x, aw, c), F + fx::frac(af), res_f);
        y = n.Mux(n.GreaterConst(x, 0), cast(), neg);
        break;
      }
      case K::Sigmoid:
      case K::Tanh:
        y = n.Rom(ScaledAddress(n, x, in_f, addr_bits, Log2(table->div), table->table_size / 2), table_id);
        break;
      case K::BinaryTanh:
        y = in_f.s ? n.Mux(n.LessConst(x, 0), n.Const(minus1), n.Const(plus1)) : n.Const(plus1);
        break;
      case K::TernaryTanh: {
        // d = (data_t)(2x): the same word read with one more integer bit
        const int d = Cast(n, x, F - 1, in_f);
        const i128 one = F >= 0 ? SatShl(1, F) : 0, minus = F >= 0 ? -SatShl(1, F) : -1;
        y = n.Mux(n.GreaterConst(d, one), n.Const(plus1),
                  n.Mux(n.GreaterConst(d, minus), n.Const(0), n.Const(minus1)));
        break;
      }
      default:
        return Status::Fail(io.where() + ": activation " + ir::ToString(l.activation) +
                            " not supported by the verilog backend");
    }
    r.outs.push_back(y);
  }
  r.summary = std::string(ir::ToString(l.activation)) + (table ? ", " + std::to_string(table->table_size) +
                                                                      "-entry ROM per element"
                                                                : std::string());
  return r;
}

StatusOr<LayerRtl> BuildElementwiseRom(const LayerIO& io, const std::string& why) {
  const int w = io.in_type.width();
  if (w > kMaxRomInputBits)
    return Status::Fail(io.where() + ": not supported by the verilog backend: " + why + " needs a ROM over every " +
                        std::to_string(w) + "-bit input word (at most " + std::to_string(kMaxRomInputBits) +
                        " bits)");
  // the emulator's kernel over every input word
  LayerIO all = io;
  const int64_t m = int64_t{1} << w;
  all.n_in = all.n_out = m;
  all.in_shape = all.out_shape = {m};
  auto k = emu::detail::MakeActivation(all);
  if (!k.ok()) return k.status();
  std::vector<int64_t> in(static_cast<size_t>(m)), out(static_cast<size_t>(m));
  for (int64_t p = 0; p < m; ++p) in[static_cast<size_t>(p)] = fx::wrap(p, w, io.in_type.is_signed());
  emu::detail::Scratch s;
  (*k)->Run(in.data(), out.data(), s);
  LayerRtl r;
  Netlist& n = r.net;
  Table tb;
  tb.addr_bits = w;
  for (int64_t v : out) tb.words.push_back(v);
  tb.comment = "the emulator's output for every input word (" + why + ")";
  const int t = n.AddTable(std::move(tb));
  for (int64_t i = 0; i < io.n_in; ++i) {
    const int x = n.In(static_cast<int>(i * w), w, false);  // the word's bit pattern addresses the ROM
    r.outs.push_back(n.Rom(x, t));
  }
  r.summary = std::string(ir::ToString(io.layer->activation)) + ", " + std::to_string(m) +
              "-entry ROM of the emulator's outputs per element (" + why + ")";
  return r;
}

}  // namespace hlsforge::backends::rtl
