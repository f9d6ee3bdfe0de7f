// Threshold: BatchNormalization followed by a binary or ternary quantizer,
// folded into integer thresholds (hls4ml nnet::normalize_binary_tanh /
// normalize_ternary_tanh):
//   binary:  x >= threshold[c] -> 1 else 0   (the XNOR bit of +1 / -1)
//   ternary: x > threshold_hi[c] -> 1; x <= threshold_lo[c] -> -1; else 0
// Thresholds are quantized to their precision ("threshold" param type or
// config slot, else the input type, as hls4ml declares them data_T).
// A result type wider than 1 bit receives the values +1/-1 (binary) or
// -1/0/+1 (ternary) assigned to it.
// Speed: the thresholds are restated once as int64 words of the input format
// (Align: exact for every input word), so Run is two int64 compares per
// element, channel by channel without a modulo.
#include <algorithm>
#include <climits>

#include "tables.h"

namespace hlsforge::emu::detail {
namespace {

// Thresholds in units of the input word (exact, see Align): binary +1 iff
// x > gt[ch]; ternary +1 iff x > gt[ch], -1 iff x <= le[ch] (tables.h).
class ThresholdKernel : public Kernel, public ThresholdSpec {
 public:
  void Run(const int64_t* in, int64_t* out, Scratch&) const override {
    // channel blocks instead of i % c
    for (int64_t i0 = 0; i0 < n; i0 += c) {
      if (!ternary) Binary(in + i0, out + i0, gt.data(), c, r_plus, r_minus);
      else Ternary(in + i0, out + i0, gt.data(), le.data(), c, r_plus, r_zero, r_minus);
    }
  }

  // Branch-free selects (masks from the comparisons; random data would
  // defeat branch prediction); vectorized where the target has 64-bit compares.
  __attribute__((target_clones("avx2", "default")))
  static void Binary(const int64_t* x, int64_t* y, const int64_t* g, int64_t c, int64_t rp, int64_t rm) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const int64_t m = -static_cast<int64_t>(x[ch] > g[ch]);
      y[ch] = (m & rp) | (~m & rm);
    }
  }
  __attribute__((target_clones("avx2", "default")))
  static void Ternary(const int64_t* x, int64_t* y, const int64_t* g, const int64_t* l, int64_t c, int64_t rp,
                      int64_t rz, int64_t rm) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const int64_t mp = -static_cast<int64_t>(x[ch] > g[ch]);            // +1 wins
      const int64_t mm = -static_cast<int64_t>(x[ch] <= l[ch]) & ~mp;     // then -1
      y[ch] = (mp & rp) | (mm & rm) | (~(mp | mm) & rz);
    }
  }
};

/// floor(t * 2^-d) for the exact integer t (d may be negative: a left shift).
fx::i128 FloorShift(fx::i128 t, int d) {
  if (d <= 0) return t << -d;
  return t >> d;  // arithmetic shift = floor
}

/// The comparisons of a threshold word t (format t_f) against input words x
/// (format in_f), restated on the input grid so that Run compares int64 words:
/// with v(x) = x * 2^-Fx and v(t) = t * 2^-Ft, for every input word x
///   v(x) >  v(t)  <=>  x > floor(t * 2^(Fx-Ft))
///   v(x) <= v(t)  <=>  x <= floor(t * 2^(Fx-Ft))
///   v(x) >= v(t)  <=>  x > ceil(t * 2^(Fx-Ft)) - 1
/// (x is an integer). The result is clamped to [min_word - 1, max_word] of
/// the input, which keeps every comparison's outcome on the input's words.
int64_t Align(int64_t t, Format t_f, Format in_f, bool ceil_minus_one) {
  const int d = fx::frac(t_f) - fx::frac(in_f);
  const fx::i128 tw = fx::widen(t, t_f.s);
  fx::i128 a;
  if (d > 100) {
    a = tw < 0 ? -1 : 0;  // |t * 2^-d| < 1
    if (ceil_minus_one) a = tw > 0 ? 0 : -1;
  } else if (d < -62) {
    a = tw == 0 ? 0 : (tw > 0 ? (fx::i128{1} << 100) : -(fx::i128{1} << 100));
    if (ceil_minus_one && tw == 0) a = -1;
  } else {
    a = FloorShift(tw, d);
    if (ceil_minus_one) {
      const bool exact = d <= 0 || (a << d) == tw;
      a = (exact ? a : a + 1) - 1;
    }
  }
  const fx::i128 lo = fx::widen(fx::min_word(in_f.w, in_f.s), in_f.s) - 1;
  const fx::i128 hi = fx::max_exact(in_f.w, in_f.s);
  a = std::clamp(a, lo, hi);
  // an unsigned 64-bit input could make hi exceed int64; its words are read
  // as int64 too (widen), so keep the comparison within int64 range
  return static_cast<int64_t>(std::clamp<fx::i128>(a, INT64_MIN, INT64_MAX));
}

}  // namespace

StatusOr<ThresholdSpec> ResolveThreshold(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  ThresholdSpec spec;
  ThresholdSpec* k = &spec;
  k->n = io.n_in;
  const ir::Param* t = l.param(ir::Slot::Threshold);
  const ir::Param* tlo = l.param(ir::Slot::ThresholdLo);
  const ir::Param* thi = l.param(ir::Slot::ThresholdHi);
  k->ternary = !t;
  if (!t && !(tlo && thi))
    return Status::Fail(io.where() + ": needs param 'threshold' (binary) or 'threshold_lo' and 'threshold_hi' (ternary)");
  const ir::Param* ref = t ? t : thi;
  FixedType tt = io.in_type;
  if (ref->type) tt = *ref->type;
  else if (auto ct = l.config.precision.type(ir::Slot::Threshold)) tt = *ct;
  const size_t nc = ref->size();
  if (nc == 0 || io.n_in % static_cast<int64_t>(nc) != 0)
    return Status::Fail(io.where() + ": " + std::to_string(nc) + " thresholds do not divide " +
                        std::to_string(io.n_in) + " elements");
  if (tlo && tlo->size() != nc && k->ternary)
    return Status::Fail(io.where() + ": threshold_lo and threshold_hi sizes differ");
  k->c = static_cast<int64_t>(nc);
  const Format in_f = Fmt(io.in_type), t_f = Fmt(tt);
  if (in_f.w == 64 && !in_f.s)
    return Status::Fail(io.where() + ": 64-bit unsigned input not supported by the threshold kernel");
  for (size_t q = 0; q < nc; ++q) {
    const int64_t hi = tt.Quantize(ref->values[q]);
    // binary: x >= t; ternary: x > t_hi (+1), x <= t_lo (-1)
    k->gt.push_back(Align(hi, t_f, in_f, !k->ternary));
    k->le.push_back(k->ternary ? Align(tt.Quantize(tlo->values[q]), t_f, in_f, false) : 0);
  }
  const Format rf = Fmt(io.out_type);
  if (!k->ternary && rf.w == 1 && !rf.s) {
    k->r_plus = 1;
    k->r_minus = 0;
  } else {
    k->r_plus = fx::from_double(1.0, rf);
    k->r_minus = fx::from_double(-1.0, rf);
    k->r_zero = 0;
  }
  return spec;
}

StatusOr<std::unique_ptr<Kernel>> MakeThreshold(const LayerIO& io) {
  auto spec = ResolveThreshold(io);
  if (!spec.ok()) return spec.status();
  auto k = std::make_unique<ThresholdKernel>();
  static_cast<ThresholdSpec&>(*k) = std::move(spec).value();
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
