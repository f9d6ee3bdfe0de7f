// Quantize and Reshape in hardware, with the emulator's semantics
// (src/emu/quantize.cpp): every word assigned to the result type (a cast
// with its quantization and overflow modes); a bipolar quantizer selects
// +scale / -scale by the sign bit; the Flatten of a channels-first model
// permutes the words (out[c*P + p] = in[p*C + c]: wiring only); an HGQ
// quantizer casts each word to its element's format, then to the result type
// (a 0-bit element is the constant 0); a QKeras quantized_relu with a
// negative slope muxes the cast of x and the floored cast of s*x by x's sign.
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

StatusOr<LayerRtl> BuildQuantize(const LayerIO& io, const Choices&) {
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  const ir::Layer& l = *io.layer;
  const fx::Format in_f = emu::detail::Fmt(io.in_type), res_f = emu::detail::Fmt(io.out_type);
  int64_t chan = 0, pixels = 0;
  if (l.kind == ir::LayerKind::Reshape && l.flatten_channels_first) {
    if (io.in_shape.size() < 2 || io.in_shape.back() <= 0)
      return Status::Fail(io.where() + ": a channels-first flatten needs an image input [(H,) W, C]");
    chan = io.in_shape.back();
    pixels = io.n_in / chan;
  }
  const bool bipolar = l.kind == ir::LayerKind::Quantize && l.quant && l.quant->bipolar;
  i128 plus = 1, minus = 0;
  if (bipolar && !ir::IsXnorType(io.out_type)) {
    const double sc = l.quant->scale.empty() ? 1.0 : l.quant->scale[0];
    plus = fx::from_double(sc, res_f);
    minus = fx::from_double(-sc, res_f);
  }
  if (!l.element_types.empty() && l.element_types.size() != 1 &&
      static_cast<int64_t>(l.element_types.size()) != io.n_out)
    return Status::Fail(io.where() + ": per-element formats do not match the tensor size");
  // QKeras quantized_relu with negative_slope s = 2^-k: x < 0 read with k
  // more fractional bits is s*x; that cast is floored (graph.h QuantParams)
  int slope_shift = -1;
  i128 lowest = 0;
  if (l.kind == ir::LayerKind::Quantize && l.quant && l.quant->negative_slope != 0) {
    if (!ir::NegativeSlopeShift(*l.quant, slope_shift))
      return Status::Fail(io.where() + ": negative_slope is not a power of two in [2^-(bits-1), 1]");
    lowest = fx::from_double(ir::NegativeSlopeFloor(*l.quant), res_f);
  }
  LayerRtl r;
  Netlist& n = r.net;
  for (int64_t o = 0; o < io.n_out; ++o) {
    const int64_t i = chan > 0 ? (o % pixels) * chan + o / pixels : o;
    const int x = InputWord(n, io, i);
    if (slope_shift >= 0) {
      const int pos = Cast(n, x, fx::frac(in_f), res_f);
      if (!in_f.s) {
        r.outs.push_back(pos);
        continue;
      }
      const int neg_cast = Cast(n, x, fx::frac(in_f) + slope_shift, res_f);
      const int neg = n.Mux(n.LessConst(neg_cast, lowest), n.Const(lowest), neg_cast);
      r.outs.push_back(n.Mux(n.LessConst(x, 0), neg, pos));
    } else if (bipolar) {
      r.outs.push_back(in_f.s ? n.Mux(n.LessConst(x, 0), n.Const(minus), n.Const(plus)) : n.Const(plus));
    } else if (!l.element_types.empty()) {
      const auto& t = l.element_types[l.element_types.size() == 1 ? 0 : static_cast<size_t>(o)];
      if (!t) {
        r.outs.push_back(n.Const(0));
        continue;
      }
      const fx::Format ef = emu::detail::Fmt(*t);
      r.outs.push_back(Cast(n, Cast(n, x, fx::frac(in_f), ef), fx::frac(ef), res_f));
    } else
      r.outs.push_back(Cast(n, x, fx::frac(in_f), res_f));
  }
  r.summary = slope_shift >= 0 ? "negative-slope quantized relu (casts, comparators)" : bipolar ? "bipolar sign" : !l.element_types.empty() ? "per-element casts (HGQ)" : (chan > 0 ? "channels-first permutation and cast" : "cast");
  return r;
}

}  // namespace hlsforge::backends::rtl
