// Element-wise activations in hardware, with the emulator's semantics
// (src/emu/activation.cpp; hls4ml nnet_activation.h):
//   linear: cast; relu: x > 0 ? cast : 0 (a comparator and a mux);
//   relu with max M: x < 0 -> 0, x > M -> (res_t) M, else cast;
//   thresholded relu: x > theta ? cast : 0;
//   leaky relu: x > 0 ? cast : (res_t)(x * alpha);
//   hard sigmoid / tanh: y = slope * x + shift exactly, then y > 1 -> 1,
//     y < 0 -> 0 (tanh: -1), else (res_t) y (tanh: (res_t)(2y - 1));
//   sigmoid / tanh: the emulator's table (tables.h) as a ROM of the size the
//     hardware plan gives, addressed by clamp(trunc0(x * N / div) + N/2, 0,
//     N-1) (shifts when N is a power of two, a constant product otherwise);
//   binary tanh: the sign bit selects +1 / -1; ternary tanh: comparators on
//     the word of 2x.
// M, theta, alpha and the slope are the fixed-point words of the hardware
// plan (ir::PlannedActivationParam), the emulator's and the HLS kernels'
// constants; a comparison x > c is restated on the input word grid:
// x > floor(c * 2^F) for the integer word x, computed from c's word by a
// shift. Every activation is computed for inputs of any width (no ROM over
// the input words).
#include <cmath>

#include "../../emu/tables.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

namespace {

using fx::Format;

// floor(c * 2^F) of the constant c = word * 2^-frac(pf), exactly (a shift
// of its word), clamped just outside [lo, hi] (so that a comparison against
// it keeps its outcome on every word in [lo, hi]).
i128 GridFloor(const ir::ActivationParam& ap, int F, i128 lo, i128 hi) {
  const Format pf = emu::detail::Fmt(ap.type);
  const i128 w = fx::widen(ap.word, pf.s);
  const int d = F - fx::frac(pf);  // c * 2^F = w * 2^d
  const i128 v = SatShl(w, d);  // floor(w / 2^-d) for d < 0
  return v < lo - 1 ? lo - 1 : (v > hi ? hi : v);
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
  // M, theta, alpha, slope: the plan's word (the emulator's constant)
  const std::optional<ir::ActivationParam> ap = ir::PlannedActivationParam(l, io.in_type);
  const Format af = ap ? emu::detail::Fmt(ap->type) : Format{};
  const i128 aw = ap ? fx::widen(ap->word, af.s) : 0;
  // hard sigmoid / tanh: y = x * slope + shift at hs_frac fractional bits
  std::optional<ir::ActivationParam> shift;
  int hs_frac = 0;
  switch (l.activation) {
    case K::ReLU6OrMax:
    case K::ThresholdedReLU:
    case K::LeakyReLU:
      if (!ap) return Status::Fail(io.where() + ": activation " + ir::ToString(l.activation) + " without its param_t");
      break;
    case K::HardSigmoid:
    case K::HardTanh: {
      shift = ir::ActivationShiftOf(l);
      if (!ap || !shift) return Status::Fail(io.where() + ": hard activation without its slope / shift");
      hs_frac = std::max({F + fx::frac(af), shift->type.fractional(), 0});
      if (hs_frac - std::min(F + fx::frac(af), shift->type.fractional()) > 60 || in_f.w + af.w + 60 > 120)
        return Status::Fail(io.where() + ": slope, shift and input types are too far apart");
      break;
    }
    case K::Sigmoid:
    case K::Tanh:
    case K::Softplus:
    case K::Softsign:
    case K::ELU:
    case K::SELU: {
      auto t = emu::detail::ResolveTableActivation(io);
      if (!t.ok()) return t.status();
      // the ROM's size and address width: the plan's table
      auto tp = PlannedTable(io, c, ir::Slot::Table, t->table_size, std::nullopt);
      if (!tp.ok()) return tp.status();
      if (!IsPow2(std::abs(t->div)))  // 16, 8 or -8 (emu/tables.h)
        return Status::Fail("internal: " + io.where() + ": table divisor " + std::to_string(t->div));
      if (l.activation == K::ELU && !ap) return Status::Fail(io.where() + ": ELU without its alpha param_t");
      table = std::move(t).value();
      addr_bits = tp->index_bits;
      Table tb;
      tb.addr_bits = addr_bits;
      // ELU scales the table_t word by alpha after the lookup
      const bool words = l.activation == K::ELU;
      for (int64_t v : words ? table->table_words : table->table_res) tb.words.push_back(v);
      tb.comment = std::string(ir::ToString(l.activation)) + " table, " + std::to_string(table->table_size) +
                   (words ? " table_t words (the emulator's)" : " entries of the result type (the emulator's)");
      table_id = n.AddTable(std::move(tb));
      break;
    }
    case K::PReLU: {
      const ir::Param* a = l.param(ir::Slot::Param);
      if (!a || a->values.empty() || !a->type)
        return Status::Fail(io.where() + ": PReLU without a typed 'param' (alpha)");
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
        const int over = n.GreaterConst(x, GridFloor(*ap, F, in_lo, in_hi));
        const int capped = n.Mux(over, n.Const(fx::widen(fx::cast(ap->word, af, res_f), res_f.s)), cast());
        y = in_f.s ? n.Mux(n.LessConst(x, 0), n.Const(0), capped) : capped;
        break;
      }
      case K::ThresholdedReLU:
        y = n.Mux(n.GreaterConst(x, GridFloor(*ap, F, in_lo, in_hi)), cast(), n.Const(0));
        break;
      case K::LeakyReLU: {
        const int neg = Cast(n, ConstProduct(n, x, aw, c), F + fx::frac(af), res_f);
        y = n.Mux(n.GreaterConst(x, 0), cast(), neg);
        break;
      }
      case K::HardSigmoid:
      case K::HardTanh: {
        // y = x * slope * 2^(hs_frac - F - Fa) + shift, exact (the emulator's)
        const i128 sh = SatShl(fx::widen(shift->word, shift->type.is_signed()), hs_frac - shift->type.fractional());
        const int yv = SumTree(n, {Term{ConstProduct(n, x, aw, c), hs_frac - F - fx::frac(af), false}}, sh, 0);
        const i128 one = SatShl(1, hs_frac);
        const int above = n.GreaterConst(yv, one), below = n.LessConst(yv, 0);
        if (l.activation == K::HardSigmoid) {
          y = n.Mux(above, n.Const(plus1), n.Mux(below, n.Const(0), Cast(n, yv, hs_frac, res_f)));
        } else {
          const int two_y = SumTree(n, {Term{yv, 1, false}}, -one, 0);  // 2y - 1
          y = n.Mux(above, n.Const(plus1),
                    n.Mux(below, n.Const(fx::widen(fx::from_double(-1.0, res_f), res_f.s)), Cast(n, two_y, hs_frac, res_f)));
        }
        break;
      }
      case K::Sigmoid:
      case K::Tanh:
      case K::Softplus:
      case K::Softsign:
        y = n.Rom(ScaledAddress(n, x, in_f, table->table_size, addr_bits, Log2(table->div), table->offset, c),
                  table_id);
        break;
      case K::ELU:
      case K::SELU: {
        // x < 0: table[clamp(trunc0(-x * N / 8), 0, N - 1)] (the emulator's
        // divisor -8: the word negated, then the positive divisor)
        const int neg_x = n.Add(n.Const(0), x, 0, true, 0);
        const int t = n.Rom(ScaledAddress(n, neg_x, in_f, table->table_size, addr_bits, Log2(std::abs(table->div)),
                                          table->offset, c),
                            table_id);
        int neg, pos;
        if (l.activation == K::ELU) {
          neg = Cast(n, ConstProduct(n, t, aw, c), fx::frac(af) + fx::frac(table->table_f), res_f);
          pos = cast();
        } else {
          neg = t;
          const i128 lambda = fx::widen(fx::from_double(l.beta, res_f), res_f.s);
          pos = Cast(n, ConstProduct(n, x, lambda, c), F + fx::frac(res_f), res_f);
        }
        y = in_f.s ? n.Mux(n.LessConst(x, 0), neg, pos) : pos;
        break;
      }
      case K::PReLU: {
        const ir::Param& a = *l.param(ir::Slot::Param);
        const Format pf = emu::detail::Fmt(*a.type);
        const i128 ai = fx::widen(a.type->Quantize(a.values[static_cast<size_t>(i) % a.values.size()]), pf.s);
        y = n.Mux(n.GreaterConst(x, 0), cast(), Cast(n, ConstProduct(n, x, ai, c), F + fx::frac(pf), res_f));
        break;
      }
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

}  // namespace hlsforge::backends::rtl
