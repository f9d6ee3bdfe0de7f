// Dense in hardware, with the emulator's semantics (src/emu/dense.cpp):
//   acc_j = (accum_t) bias_j;  acc_j += (accum_t)(x_i * w_ij) for i ascending;
//   res_j = (res_t) acc_j
// (1-bit data and weights: the XNOR product, then (ap_int<n>)(acc - n_in/2)*2).
// The product kind (multiplier, XNOR, binary weight or data, ternary) and
// which zero weights are free come from the layer's hardware plan
// (lower_hardware); the RTL re-derives neither.
// Three constructions, chosen from the accumulator's modes:
//  A  accum wraps and holds every product without rounding: the sum is
//     modular, so any association is exact. The layer is one constant matrix
//     times the input words, acc_j = C_j + Σ_i x_i·K_ij·2^shift (mod 2^W),
//     built by ConstMatVec (cmvm.cpp: CSD digits, shared subexpressions, or
//     `*` for DSPs). Binary weights, ternary weights and the XNOR product are
//     the cases K = ±1 (plus a constant); zero weights have no digits.
//  B  accum wraps but each product is rounded into it: every product is
//     computed exactly, rounded (Cast), then summed modularly.
//  C  accum saturates: each step acc = (accum_t)(acc + m_i) in the emulator's
//     order, a chain of saturating adders.
// 1-bit inputs make every product a choice between two constants (a mux).
#include <algorithm>

#include "cmvm.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

namespace {

using fx::Format;

// Bits of the accumulator the result cast reads when it wraps with a
// sign-free rounding mode: the rest of the accumulator cannot change it.
int NeededAccBits(Format acc, Format res) {
  if (res.o != fx::Overflow::WRAP || QuantReadsSign(res.q)) return acc.w;
  const int d = fx::frac(acc) - fx::frac(res);
  const int need = d > 0 ? d + res.w : res.w + d;
  return need <= 0 ? acc.w : std::min(acc.w, need);
}

}  // namespace

StatusOr<LayerRtl> BuildDense(const LayerIO& io, const Choices& c) {
  using emu::detail::Fmt;
  const ir::Layer& l = *io.layer;
  const ir::LayerPlan& plan = c.plan;
  const ir::Param* w = l.param(ir::Slot::Weight);
  if (!w || static_cast<int64_t>(w->size()) != io.n_in * io.n_out || !plan.has_products)
    return Status::Fail(io.where() + ": param 'weight' missing or not of n_in*n_out values");
  auto wt = emu::detail::NeedType(io, ir::Slot::Weight);
  if (!wt.ok()) return wt.status();
  auto at = emu::detail::NeedType(io, ir::Slot::Accum);
  if (!at.ok()) return at.status();
  const ir::Param* b = l.param(ir::Slot::Bias);
  std::optional<FixedType> bt;
  if (b) {
    if (static_cast<int64_t>(b->size()) != io.n_out)
      return Status::Fail(io.where() + ": param 'bias' has " + std::to_string(b->size()) + " values, expected " +
                          std::to_string(io.n_out));
    auto r = emu::detail::NeedType(io, ir::Slot::Bias);
    if (!r.ok()) return r.status();
    bt = *r;
  }
  const Format in_f = Fmt(io.in_type), w_f = Fmt(*wt), acc_f = Fmt(*at), res_f = Fmt(io.out_type);
  // The plan's product kind (one decision for the emulator, HLS and RTL).
  const ir::ProductKind kind = plan.product;
  const bool both_binary = kind == ir::ProductKind::Xnor, data_bipolar = kind == ir::ProductKind::DataBinary;
  const bool w_bit = both_binary || kind == ir::ProductKind::WeightBinary;
  const bool zero_free = ir::ZeroWeightIsFree(kind);
  const Format bip{2, 2, true};
  const Format in_eff = data_bipolar ? bip : in_f;
  const Format w_eff = w_bit ? bip : w_f;
  // product format: the XNOR bit is a 1-bit unsigned integer
  const Format prod_f = both_binary ? Format{1, 1, false} : fx::mul_format(in_eff, w_eff);
  const int64_t n_in = io.n_in, n_out = io.n_out;
  std::vector<int64_t> wq(static_cast<size_t>(n_in * n_out));
  int64_t zeros = 0;
  for (int64_t q = 0; q < n_in * n_out; ++q) {
    int64_t word = ir::ParamWord(w->values[static_cast<size_t>(q)], *wt);
    if (w_bit && !both_binary) word = word ? 1 : -1;
    wq[static_cast<size_t>(q)] = word;
    zeros += zero_free && word == 0;
  }
  if (zeros != plan.n_zeros)
    return Status::Fail("internal: " + io.where() + ": " + std::to_string(zeros) +
                        " zero weight words, the hardware plan counts " + std::to_string(plan.n_zeros));
  std::vector<i128> bias(static_cast<size_t>(n_out), 0);
  if (b)
    for (int64_t j = 0; j < n_out; ++j)
      bias[static_cast<size_t>(j)] = fx::cast(ir::ParamWord(b->values[static_cast<size_t>(j)], *bt), Fmt(*bt), acc_f);
  const int fa = fx::frac(acc_f);
  const int shift = fa - fx::frac(prod_f);

  LayerRtl r;
  Netlist& n = r.net;
  std::vector<int> x(static_cast<size_t>(n_in), -1);
  auto input = [&](int64_t i) {
    if (x[static_cast<size_t>(i)] < 0) x[static_cast<size_t>(i)] = InputWord(n, io, i);
    return x[static_cast<size_t>(i)];
  };
  // the exact product word m = (accum_t)(a * w) of a 1-bit input word v
  auto product_word = [&](int64_t v, int64_t word) -> i128 {
    if (both_binary) return fx::cast(v == word ? 1 : 0, Format{1, 1, false}, acc_f);
    const int64_t a = data_bipolar ? (v != 0 ? 1 : -1) : fx::wrap(v, in_f.w, in_f.s);
    return fx::convert(static_cast<fx::i128>(a) * word, fx::frac(prod_f), acc_f);
  };

  std::vector<int> acc(static_cast<size_t>(n_out), -1);
  std::string how;
  if (acc_f.o == fx::Overflow::WRAP && shift >= 0) {
    // A: one modular constant-matrix product
    // the XNOR result reads the whole accumulator (its sign)
    const int cap = both_binary ? acc_f.w : NeededAccBits(acc_f, res_f);
    CmvmProblem pb;
    pb.n_in = n_in;
    pb.n_out = n_out;
    pb.shift = shift;
    pb.cap = cap;
    pb.k.assign(static_cast<size_t>(n_in * n_out), 0);
    pb.c = bias;
    for (int64_t i = 0; i < n_in; ++i)
      for (int64_t j = 0; j < n_out; ++j) {
        const int64_t word = wq[static_cast<size_t>(i * n_out + j)];
        i128& k = pb.k[static_cast<size_t>(i * n_out + j)];
        i128& cj = pb.c[static_cast<size_t>(j)];
        if (both_binary) {  // xnor(x, w) = w ? x : 1 - x
          k = word ? 1 : -1;
          if (!word) cj = SatAdd(cj, SatShl(1, shift));
        } else if (data_bipolar) {  // a = 2x - 1
          k = 2 * static_cast<i128>(word);
          cj = SatSub(cj, SatShl(word, shift));
        } else {
          k = word;
        }
      }
    for (int64_t i = 0; i < n_in; ++i) pb.x.push_back(input(i));
    CmvmResult cr = ConstMatVec(n, pb, c);
    for (int64_t j = 0; j < n_out; ++j) {
      const int s = cr.outs[static_cast<size_t>(j)];
      acc[static_cast<size_t>(j)] = cap == acc_f.w ? n.Slice(s, 0, acc_f.w, acc_f.s) : s;
    }
    how = cr.summary + (cap < acc_f.w ? ", " + std::to_string(cap) + " of " + std::to_string(acc_f.w) +
                                            " accumulator bits needed"
                                      : "");
  } else {
    // B / C: every product exact, rounded into accum_t
    const bool chain = acc_f.o != fx::Overflow::WRAP;
    const int cap = chain ? 0 : (both_binary ? acc_f.w : NeededAccBits(acc_f, res_f));
    int64_t products = 0;
    for (int64_t j = 0; j < n_out; ++j) {
      std::vector<int> ms;
      for (int64_t i = 0; i < n_in; ++i) {
        const int64_t word = wq[static_cast<size_t>(i * n_out + j)];
        if (word == 0 && zero_free) continue;  // a free zero weight: no hardware
        int m;
        if (in_f.w == 1) {
          const i128 m1 = product_word(1, word), m0 = product_word(0, word);
          if (m1 == 0 && m0 == 0) continue;
          m = n.Mux(input(i), n.Const(m1), n.Const(m0));
        } else {
          const int p = ConstProduct(n, input(i), word, c);
          m = Cast(n, p, fx::frac(prod_f), acc_f);
        }
        ms.push_back(m);
        ++products;
      }
      if (chain) {
        int a = n.Const(bias[static_cast<size_t>(j)]);
        for (int m : ms) a = Cast(n, n.Add(a, m, 0, false, 0), fa, acc_f);
        acc[static_cast<size_t>(j)] = a;
      } else {
        std::vector<Term> terms;
        for (int m : ms) terms.push_back({m, 0, false});
        const int s = SumTree(n, terms, bias[static_cast<size_t>(j)], cap);
        acc[static_cast<size_t>(j)] = cap == acc_f.w ? n.Slice(s, 0, acc_f.w, acc_f.s) : s;
      }
    }
    how = std::to_string(products) + " products rounded into " + FixedType(acc_f.w, acc_f.i, acc_f.s, acc_f.q,
                                                                            acc_f.o).ToString() +
          (chain ? ", saturating accumulation chain" : ", modular adder trees");
  }

  // result assignment
  for (int64_t j = 0; j < n_out; ++j) {
    const int a = acc[static_cast<size_t>(j)];
    if (!both_binary) {
      r.outs.push_back(Cast(n, a, fa, res_f));
      continue;
    }
    // (ap_int<nb>)(acc - n_in/2) * 2, then res_t (nnet_mult.h's both_binary cast)
    const int nb = emu::detail::CeilLog2(n_in) + 2;
    const int F = std::max(fa, 0);
    const int d = n.Add(n.Slice(a, fa - F, n.node(a).w + F - fa, n.node(a).s), n.Const(SatShl(n_in / 2, F)), 0,
                        true, 0);
    const int t = Cast(n, d, F, Format{nb, nb, true, fx::Quant::TRN_ZERO, fx::Overflow::WRAP});
    const int twice = Cast(n, t, -1, Format{nb + 1, nb + 1, true});  // exact: ap_int<nb> * int
    r.outs.push_back(Cast(n, twice, 0, res_f));
  }
  r.summary = std::string(ir::ToString(kind)) + " products, " + std::to_string(plan.n_zeros) + " of " +
              std::to_string(plan.weights) + " weights zero (no hardware); " + how;
  return r;
}

}  // namespace hlsforge::backends::rtl
