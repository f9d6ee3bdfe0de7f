// ScaleShift (BatchNormalization, ApplyAlpha) in hardware, with the
// emulator's semantics (src/emu/scale_shift.cpp; constants from tables.h):
//   res_i = (res_t)((x_i * scale[c]) << p_shift + bias[c] << b_shift), c = i % C
// the product by the constant scale built as CSD shift-and-add or `*`
// (Multiplier), the sum exact, then one cast.
#include "../../emu/tables.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

StatusOr<LayerRtl> BuildScaleShift(const LayerIO& io, const Choices& c) {
  auto sp = emu::detail::ResolveScaleShift(io);
  if (!sp.ok()) return sp.status();
  const emu::detail::ScaleShiftSpec& s = *sp;
  LayerRtl r;
  Netlist& n = r.net;
  for (int64_t i = 0; i < s.n; ++i) {
    const size_t ch = static_cast<size_t>(i % s.c);
    const int x = InputWord(n, io, i);
    const int p = ConstProduct(n, x, fx::widen(s.scale[ch], s.s_f.s), c);
    const int sum = SumTree(n, {Term{p, s.p_shift, false}}, SatShl(fx::widen(s.bias[ch], s.b_f.s), s.b_shift), 0);
    r.outs.push_back(Cast(n, sum, s.sum_frac, s.res_f));
  }
  r.summary = std::to_string(s.c) + " channels: constant product, constant addition, cast";
  return r;
}

}  // namespace hlsforge::backends::rtl
