// Fixed-point conversion in hardware, generated from fixed_core.h's
// definition (fx::shift_round, fx::overflow, fx::convert):
//   d = src_frac - frac(to)
//   d <= 0: r = x << -d (exact)
//   d >  0: r = floor(x / 2^d) + inc, with the rounding increment from the
//           bits below the cut: h = bit d-1 (the half), rest = OR of bits
//           0..d-2, neg = sign of x, lsb = bit d:
//             TRN 0 | TRN_ZERO neg&(h|rest) | RND h | RND_ZERO h&(rest|neg)
//             RND_INF h&(rest|!neg) | RND_MIN_INF h&rest | RND_CONV h&(rest|lsb)
//             RND_CONV_ODD (AC only) h&(rest|!lsb)
//   overflow: WRAP low w bits; SAT clamp to [min, max]; SAT_ZERO 0 when out of
//           range; SAT_SYM clamp to [-max, max] for signed w > 1 (else SAT).
//           The saturating modes compare the unrounded word with thresholds
//           (SaturatingCastInParallel), beside the rounding adder.
// Ranges of the netlist's exact nodes remove what cannot happen (no rounding
// adder when the increment is constant 0, no comparator for an overflow the
// range excludes).
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

namespace {

i128 FmtMin(int w, bool s) { return s ? -(static_cast<i128>(1) << (w - 1)) : 0; }
i128 FmtMax(int w, bool s) { return (static_cast<i128>(1) << (w - (s ? 1 : 0))) - 1; }

// Overflow mode of (w, s, o) applied to the exact node r.
int Overflow(Netlist& n, int r, int w, bool s, fx::Overflow o) {
  if (o == fx::Overflow::WRAP) return n.Slice(r, 0, w, s);
  const Node R = n.node(r);
  if (!R.exact) throw Error("internal: saturation of a modular word");
  const i128 hi = FmtMax(w, s);
  const i128 lo = FmtMin(w, s) + ((o == fx::Overflow::SAT_SYM && s && w > 1) ? 1 : 0);
  if (R.lo >= lo && R.hi <= hi) return r;
  const int in_range = n.Slice(r, 0, w, s);
  const int over = n.GreaterConst(r, hi);
  const int under = n.LessConst(r, lo);
  const bool zero = o == fx::Overflow::SAT_ZERO;
  const int v_hi = n.Const(zero ? 0 : hi), v_lo = n.Const(zero ? 0 : lo);
  return n.Mux(over, v_hi, n.Mux(under, v_lo, in_range));
}

}  // namespace

namespace {

// A saturating cast whose three parts work side by side (less logic depth
// than round -> compare -> select): rounding is monotone, so the rounded
// value R(x) exceeds the target's max exactly when x > T_hi (the largest x
// with R(x) <= max) and falls below its min exactly when x < T_lo: two
// comparisons of x with constants, in parallel with the rounding adder,
// which only needs the target's w bits (in range, R(x) fits them). One
// 3-input select per bit then picks max, min or R(x) mod 2^w. Returns -1
// when it does not apply (no overflow possible, or ranges beyond
// fx::shift_round's |x| < 2^65).
int SaturatingCastInParallel(Netlist& n, int x, int d, fx::Format to) {
  const Node X = n.node(x);
  const i128 lim = static_cast<i128>(1) << 64;
  if (X.op == Op::Const || X.lo <= -lim || X.hi >= lim) return -1;
  auto R = [&](i128 v) { return fx::shift_round(v, d, to.q); };
  const i128 hi = FmtMax(to.w, to.s);
  const i128 lo = FmtMin(to.w, to.s) + ((to.o == fx::Overflow::SAT_SYM && to.s && to.w > 1) ? 1 : 0);
  const bool can_over = R(X.hi) > hi, can_under = R(X.lo) < lo;
  if (!can_over && !can_under) return -1;
  if ((can_over && R(X.lo) > hi) || (can_under && R(X.hi) < lo)) return -1;  // constant: the plain path folds it
  // T_hi: the largest v in [X.lo, X.hi] with R(v) <= hi (exists: R(X.lo) <= hi)
  auto last_at_most = [&](i128 bound) {
    i128 a = X.lo, b = X.hi;  // R(a) <= bound < R(b)
    while (b - a > 1) {
      const i128 m = a + (b - a) / 2;
      (R(m) <= bound ? a : b) = m;
    }
    return a;
  };
  const int over = can_over ? n.GreaterConst(x, last_at_most(hi)) : -1;
  const int under = can_under ? n.LessConst(x, last_at_most(lo - 1) + 1) : -1;
  // R(x) mod 2^w: the floor's w bits plus the rounding increment, w bits wide
  int r = n.Slice(x, d, to.w, to.s);
  if (d > 0) {
    const int inc = RoundIncrement(n, x, d, to.q);
    if (!(n.IsConst(inc) && n.ConstValue(inc) == 0)) r = n.Slice(n.Add(r, inc, 0, false, to.w), 0, to.w, to.s);
  }
  const bool zero = to.o == fx::Overflow::SAT_ZERO;
  const std::string v_hi = Literal(zero ? 0 : hi, to.w), v_lo = Literal(zero ? 0 : lo, to.w);
  const std::string low = Netlist::ExtTmpl(n.node(r), "$2", to.w);
  // the result's range: R's over x's range, clamped (SAT_ZERO: and 0)
  i128 out_lo = can_under ? lo : R(X.lo), out_hi = can_over ? hi : R(X.hi);
  if (zero) out_lo = std::min<i128>(out_lo, 0), out_hi = std::max<i128>(out_hi, 0);
  if (over >= 0 && under >= 0)
    return n.Expr("$0 ? " + v_hi + " : ($1 ? " + v_lo + " : " + low + ")", over, under, r, to.w, to.s, out_lo, out_hi,
                  Netlist::kLogic);
  const int sel = over >= 0 ? over : under;
  return n.Expr("$0 ? " + (over >= 0 ? v_hi : v_lo) + " : " + Netlist::ExtTmpl(n.node(r), "$1", to.w), sel, r, -1,
                to.w, to.s, out_lo, out_hi, Netlist::kLogic);
}

}  // namespace

bool QuantReadsSign(fx::Quant q) {
  return q == fx::Quant::TRN_ZERO || q == fx::Quant::RND_ZERO || q == fx::Quant::RND_INF;
}

int RoundIncrement(Netlist& n, int x, int d, fx::Quant q) {
  if (q == fx::Quant::TRN || d <= 0) return n.Const(0);
  const Node X = n.node(x);
  if (!X.exact && (QuantReadsSign(q) || d >= X.w))
    throw Error("internal: rounding of a modular word needs its sign");
  if (X.op == Op::Const) return n.Const(fx::shift_round(static_cast<fx::i128>(X.lo), d, q) - FloorShr(X.lo, d));
  const bool may_neg = X.exact ? X.lo < 0 : false;
  // every bit below the cut is an extension bit of a non-negative value: 0
  if (!may_neg && d - 1 >= X.w) return n.Const(0);
  const std::string h = Netlist::BitsTmpl(X, "$0", d - 1, 1);
  const std::string rest = d >= 2 ? "(|" + Netlist::BitsTmpl(X, "$0", 0, d - 1) + ")" : "1'b0";
  const std::string neg = may_neg ? "$0[" + std::to_string(X.w - 1) + "]" : "1'b0";
  const std::string lsb = Netlist::BitsTmpl(X, "$0", d, 1);
  std::string e;
  switch (q) {
    case fx::Quant::TRN: return n.Const(0);
    case fx::Quant::TRN_ZERO:
      if (!may_neg) return n.Const(0);
      e = neg + " & (" + h + " | " + rest + ")";
      break;
    case fx::Quant::RND: e = h; break;
    case fx::Quant::RND_ZERO: e = h + " & (" + rest + " | " + neg + ")"; break;
    case fx::Quant::RND_INF: e = h + " & (" + rest + " | ~" + neg + ")"; break;
    case fx::Quant::RND_MIN_INF:
      if (d < 2) return n.Const(0);
      e = h + " & " + rest;
      break;
    case fx::Quant::RND_CONV: e = h + " & (" + rest + " | " + lsb + ")"; break;
    case fx::Quant::RND_CONV_ODD: e = h + " & (" + rest + " | ~" + lsb + ")"; break;
  }
  return n.Expr(e, x, -1, -1, 1, false, 0, 1, Netlist::kLogic);
}

int Cast(Netlist& n, int x, int src_frac, fx::Format to) {
  const int d = src_frac - fx::frac(to);
  const Node X = n.node(x);
  if (to.o == fx::Overflow::WRAP) {
    // floor(x / 2^d) wrapped to the target, plus the increment, wrapped
    const int fl = n.Slice(x, d, to.w, to.s);
    if (d <= 0) return fl;
    const int inc = RoundIncrement(n, x, d, to.q);
    if (n.IsConst(inc) && n.ConstValue(inc) == 0) return fl;
    const int r = n.Add(fl, inc, 0, false, to.w);
    return n.Slice(r, 0, to.w, to.s);
  }
  if (!X.exact) throw Error("internal: saturating cast of a modular word");
  if (int fast = SaturatingCastInParallel(n, x, d, to); fast >= 0) return fast;
  int r;
  if (d <= 0) {
    const i128 lo = SatShl(X.lo, -d), hi = SatShl(X.hi, -d);
    r = n.Slice(x, d, BitsFor(lo, hi), lo < 0);
  } else {
    const i128 lo = FloorShr(X.lo, d), hi = FloorShr(X.hi, d);
    const int fl = n.Slice(x, d, BitsFor(lo, hi), lo < 0);
    const int inc = RoundIncrement(n, x, d, to.q);
    r = (n.IsConst(inc) && n.ConstValue(inc) == 0) ? fl : n.Add(fl, inc, 0, false, 0);
  }
  return Overflow(n, r, to.w, to.s, to.o);
}

int ConstProduct(Netlist& n, int x, i128 k, const Choices& c) {
  if (k == 0) return n.Const(0);
  const Node X = n.node(x);
  if (!X.exact) throw Error("internal: product of a modular word");
  if (X.w == 1) return n.Mux(x, n.Const(X.s ? -k : k), n.Const(0));
  if (UseDsp(c, X.w, k)) return n.Mul(x, n.Const(k));
  std::vector<Term> terms;
  for (const Digit& dg : Csd(k)) terms.push_back({x, dg.exp, dg.neg});
  return SumTree(n, terms, 0, 0);
}

int VarProduct(Netlist& n, int a, int b, const Choices& c) {
  return UseDspForVariables(c) ? n.Mul(a, b) : n.MulLut(a, b);
}

int ScaledAddress(Netlist& n, int x, fx::Format f, int64_t entries, int index_bits, int div_log2, int64_t off,
                  const Choices& c) {
  if (entries < 1 || (index_bits < 63 && (int64_t{1} << index_bits) < entries))
    throw Error("internal: a table of " + std::to_string(entries) + " entries addressed by " +
                std::to_string(index_bits) + " bits");
  // trunc0(word * 2^sh) for a word x: exact shift (sh >= 0) or truncation
  // toward zero of x / 2^-sh
  auto scaled = [&n](int x, int sh) {
    const Node X = n.node(x);
    if (sh >= 0) return n.Slice(x, -sh, BitsFor(SatShl(X.lo, sh), SatShl(X.hi, sh)), X.lo < 0);
    const i128 lo = FloorShr(X.lo, -sh), hi = FloorShr(X.hi, -sh);
    const int fl = n.Slice(x, -sh, BitsFor(lo, hi), lo < 0);
    const int inc = RoundIncrement(n, x, -sh, fx::Quant::TRN_ZERO);
    return n.IsConst(inc) && n.ConstValue(inc) == 0 ? fl : n.Add(fl, inc, 0, false, 0);
  };
  const int F = fx::frac(f);
  int idx0;
  if ((entries & (entries - 1)) == 0) {
    // N = 2^k: the product is a shift. The quotient keeps the word's LSB
    // 2^-F (emu ScaledIndex): for F < 0 the word is divided first
    // (truncated), then scaled by 2^-F.
    int k = 0;
    while ((int64_t{1} << k) < entries) ++k;
    idx0 = F < 0 && k < div_log2 ? scaled(scaled(x, k - div_log2), -F) : scaled(x, k - div_log2 - F);
  } else {
    // any other N: the exact product word * N, then the same truncations
    const int p = ConstProduct(n, x, entries, c);
    idx0 = F >= 0 ? scaled(p, -(div_log2 + F)) : scaled(scaled(p, -div_log2), -F);
  }
  const int idx = n.Add(idx0, n.Const(off), 0, false, 0);
  const int cl = n.Mux(n.LessConst(idx, 0), n.Const(0), n.Mux(n.GreaterConst(idx, entries - 1), n.Const(entries - 1), idx));
  return n.Slice(cl, 0, index_bits, false);
}

int InputWord(Netlist& n, const LayerIO& io, int64_t i) {
  const int w = io.in_type.width();
  return n.In(static_cast<int>(i * w), w, io.in_type.is_signed());
}

}  // namespace hlsforge::backends::rtl
