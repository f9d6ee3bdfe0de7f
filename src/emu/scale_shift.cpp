// ScaleShift (hls4ml nnet::normalize, BatchNormalization / ApplyAlpha):
//   res[i] = (res_T)(product(data[i], scale[c]) + bias[c]),  c = i % C
// with the product exact (nnet::product::mult) and the sum exact
// (full-precision ap_fixed addition), then one assignment to res_T.
// scale and bias are quantized to their own precisions ("scale", "bias").
// A param of one element applies to every channel.
// Speed: channel blocks (no modulo), 64-bit products and sums when the word
// widths bound them below 2^63, and the result's quantization/overflow modes
// fixed once per kernel (template instances of the same fx::convert).
#include "tables.h"

namespace hlsforge::emu::detail {
namespace {

class ScaleShiftKernel : public Kernel, public ScaleShiftSpec {
 public:
  using RunFn = void (ScaleShiftKernel::*)(const int64_t*, int64_t*) const;
  RunFn run = nullptr;  // chosen once in Choose(): word width and the result's modes

  void Run(const int64_t* in, int64_t* out, Scratch&) const override { (this->*run)(in, out); }

  // res = convert(in*scale << p_shift + bias << b_shift) per channel block (no
  // modulo). Narrow: the sum fits an int64 (checked in Choose), so the product
  // and sum are 64-bit; the assignment is fx::convert with the result's modes
  // as constants (Q, O) so the compiler folds their switch (Generic: the
  // result's own modes at run time).
  template <bool Narrow, bool Generic, fx::Quant Q, fx::Overflow O>
  __attribute__((flatten)) void RunAs(const int64_t* in, int64_t* out) const {
    const Format rf = Generic ? res_f : Format{res_f.w, res_f.i, res_f.s, Q, O, res_f.family};
    const int64_t* sc = scale.data();
    const int64_t* bi = bias.data();
    for (int64_t i0 = 0; i0 < n; i0 += c) {
      const int64_t* x = in + i0;
      int64_t* y = out + i0;
      for (int64_t ch = 0; ch < c; ++ch) {
        if constexpr (Narrow) {
          const int64_t sum = ((x[ch] * sc[ch]) << p_shift) + (bi[ch] << b_shift);
          y[ch] = fx::convert(sum, sum_frac, rf);
        } else {
          const fx::i128 p = fx::widen(x[ch], in_f.s) * static_cast<fx::i128>(sc[ch]);
          const fx::i128 sum = (p << p_shift) + (fx::widen(bi[ch], b_f.s) << b_shift);
          y[ch] = fx::convert(sum, sum_frac, rf);
        }
      }
    }
  }

  template <bool Narrow>
  RunFn Pick() const {
    using Q = fx::Quant;
    using O = fx::Overflow;
    const Q q = res_f.q;
    const O o = res_f.o;
    if (q == Q::TRN && o == O::WRAP) return &ScaleShiftKernel::RunAs<Narrow, false, Q::TRN, O::WRAP>;
    if (q == Q::TRN && o == O::SAT) return &ScaleShiftKernel::RunAs<Narrow, false, Q::TRN, O::SAT>;
    if (q == Q::RND && o == O::WRAP) return &ScaleShiftKernel::RunAs<Narrow, false, Q::RND, O::WRAP>;
    if (q == Q::RND && o == O::SAT) return &ScaleShiftKernel::RunAs<Narrow, false, Q::RND, O::SAT>;
    if (q == Q::RND_CONV && o == O::WRAP) return &ScaleShiftKernel::RunAs<Narrow, false, Q::RND_CONV, O::WRAP>;
    if (q == Q::RND_CONV && o == O::SAT) return &ScaleShiftKernel::RunAs<Narrow, false, Q::RND_CONV, O::SAT>;
    if (q == Q::RND_CONV && o == O::SAT_SYM)
      return &ScaleShiftKernel::RunAs<Narrow, false, Q::RND_CONV, O::SAT_SYM>;
    return &ScaleShiftKernel::RunAs<Narrow, true, Q::TRN, O::WRAP>;
  }

  /// 64-bit arithmetic when |in*scale| << p_shift and |bias| << b_shift both
  /// stay below 2^62 (the sum below 2^63), from the word widths.
  void Choose() {
    const bool narrow = in_f.w + s_f.w + p_shift <= 62 && b_f.w + b_shift <= 62;
    run = narrow ? Pick<true>() : Pick<false>();
  }
};

}  // namespace

StatusOr<ScaleShiftSpec> ResolveScaleShift(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  ScaleShiftSpec spec;
  ScaleShiftSpec* k = &spec;
  k->n = io.n_in;
  k->in_f = Fmt(io.in_type);
  k->res_f = Fmt(io.out_type);
  const ir::Param* sp = l.param(ir::Slot::Scale);
  const ir::Param* bp = l.param(ir::Slot::Bias);
  size_t nc = 1;
  if (sp) nc = std::max(nc, sp->size());
  if (bp) nc = std::max(nc, bp->size());
  if (io.n_in % static_cast<int64_t>(nc) != 0)
    return Status::Fail(io.where() + ": " + std::to_string(nc) + " scale/bias values do not divide " +
                        std::to_string(io.n_in) + " elements");
  for (const auto* p : {sp, bp})
    if (p && p->size() != 1 && p->size() != nc)
      return Status::Fail(io.where() + ": scale and bias sizes differ (" +
                          std::to_string(sp ? sp->size() : 0) + " vs " + std::to_string(bp ? bp->size() : 0) + ")");
  k->c = static_cast<int64_t>(nc);
  k->scale.assign(nc, 1);
  k->bias.assign(nc, 0);
  k->s_f = Format{2, 2, true};  // integer 1 when no scale
  k->b_f = Format{2, 2, true};
  if (sp) {
    auto st = NeedType(io, ir::Slot::Scale);
    if (!st.ok()) return st.status();
    k->s_f = Fmt(*st);
    const bool bit = ir::IsXnorType(*st);
    for (size_t q = 0; q < nc; ++q) {
      const double v = sp->values[sp->size() == 1 ? 0 : q];
      k->scale[q] = bit ? (v > 0 ? 1 : -1) : ir::ParamWord(v, *st);
    }
    if (bit) k->s_f = Format{2, 2, true};
  }
  if (bp) {
    auto bt = NeedType(io, ir::Slot::Bias);
    if (!bt.ok()) return bt.status();
    k->b_f = Fmt(*bt);
    for (size_t q = 0; q < nc; ++q) k->bias[q] = ir::ParamWord(bp->values[bp->size() == 1 ? 0 : q], *bt);
  }
  // For unsigned scale words (zero-extended), the i128 product is exact as is.
  const int pf = fx::frac(k->in_f) + fx::frac(k->s_f);
  const int bf = fx::frac(k->b_f);
  k->sum_frac = std::max(pf, bf);
  k->p_shift = k->sum_frac - pf;
  k->b_shift = k->sum_frac - bf;
  return spec;
}

StatusOr<std::unique_ptr<Kernel>> MakeScaleShift(const LayerIO& io) {
  auto spec = ResolveScaleShift(io);
  if (!spec.ok()) return spec.status();
  auto k = std::make_unique<ScaleShiftKernel>();
  static_cast<ScaleShiftSpec&>(*k) = std::move(spec).value();
  k->Choose();
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
