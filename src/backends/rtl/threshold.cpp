// Threshold (BatchNormalization + binary / ternary quantizer folded into
// integer thresholds) in hardware, with the emulator's thresholds restated
// on the input word grid (src/emu/threshold.cpp, tables.h):
//   binary:  x > gt[c] ? +1 : -1          (one comparator)
//   ternary: x > gt[c] ? +1 : x <= le[c] ? -1 : 0   (two comparators)
// results are words of the result type (the XNOR bit 1 / 0 for a 1-bit
// unsigned binary result).
#include "../../emu/tables.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

StatusOr<LayerRtl> BuildThreshold(const LayerIO& io, const Choices&) {
  auto sp = emu::detail::ResolveThreshold(io);
  if (!sp.ok()) return sp.status();
  const emu::detail::ThresholdSpec& s = *sp;
  LayerRtl r;
  Netlist& n = r.net;
  const int plus = n.Const(s.r_plus), zero = n.Const(s.r_zero), minus = n.Const(s.r_minus);
  for (int64_t i = 0; i < s.n; ++i) {
    const size_t ch = static_cast<size_t>(i % s.c);
    const int x = InputWord(n, io, i);
    const int up = n.GreaterConst(x, s.gt[ch]);
    if (!s.ternary) {
      r.outs.push_back(n.Mux(up, plus, minus));
    } else {
      const int down = n.LessConst(x, static_cast<i128>(s.le[ch]) + 1);  // x <= le  <=>  x < le + 1
      r.outs.push_back(n.Mux(up, plus, n.Mux(down, minus, zero)));
    }
  }
  r.summary = std::string(s.ternary ? "ternary" : "binary") + " thresholds, " + std::to_string(s.c) + " channels";
  return r;
}

}  // namespace hlsforge::backends::rtl
