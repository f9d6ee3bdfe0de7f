// infer_precision: fills every `auto` precision and sets every tensor/param type.
//
// Rules (source: hls4ml commit ef92ebdf2, hls4ml/model/optimizer/passes/
// infer_precision.py InferPrecisionTypes, fpga_layers.py
// BatchNormalizationQuantizedTanh, layers.py attribute defaults; checked
// against the golden hls4ml firmware: golden/hls4ml/*/firmware/{defines,parameters}.h).
// D = the Model default precision (config "Model: Precision: default").
//  * "auto" without a specific rule -> D (hls4ml _infer_default_type). A slot
//    the config never mentions is D already (ApplyConfig), not auto.
//  * Input result auto -> D.
//  * Dense: weight/bias auto -> D unless fixed by a quantizer (param type).
//    n = n_in (not the number of non-zero weights: TFC_2W2A Dense_MatMul_0
//    with 784 inputs and 34456 zero weights has accum ap_fixed<25,15>).
//    If input, weight and bias types are all ordinary fixed/int types:
//      W = Ww + Wi + ceil(log2 n), I = Iw + Ii + ceil(log2 n), s = sw | si,
//      F = W - I; then (always: hls4ml's infer_no_bias is off, so a Dense
//      without bias still counts a bias of type bias_t, TFC_2W2A):
//      I' = max(I + (sb & !s), Ib + (s & !sb)) + 1, W' = I' + max(F, Wb - Ib),
//      s' = s | sb;  accum auto -> that type (modes TRN/WRAP), result auto ->
//      that type too (even when accum is explicit).
//    If the input or the weights are XNOR-binary (BinaryTanh / BipolarQuant
//    outputs, bipolar weights; hls4ml XnorPrecisionType is not "supported"):
//    accum/result auto -> D (bnn_model_fc_1layer: ap_fixed<16,6>) when D
//    holds every exact sum, else the smallest exact type (XnorDenseType;
//    TFC_1W1A: hls4ml's D would wrap), bipolar weights typed ap_uint<1>.
//  * ScaleShift (hls4ml normalize / ApplyAlpha): scale/bias auto -> D;
//    result auto: Ws = Wi + Wsc, Is = Ii + Isc, ss = si | ssc,
//    I' = max(Is + (sb & !ss), Ib + (ss & !sb)) + 1,
//    W' = I' + max(Ws - Is, Wb - Ib)  (TFC_2W2A bn_Add_0: ap_fixed<38,18>).
//  * Activation: result auto -> D; table auto -> ap_fixed<18,8>; PReLU's
//    alphas (param) auto -> D.
//    BinaryTanh result -> ap_uint<1> (XNOR encoding), TernaryTanh -> ap_int<2>.
//  * Softmax: result auto -> D; table auto -> ap_fixed<18,8>; exp_table,
//    inv_table, inv_inp, accum auto -> ap_fixed<18,8,AP_RND,AP_SAT>;
//    "inp_norm" absent from the config (an hls4ml config): derived
//    ap_ufixed<W-1,I-1> of a signed input (ap_ufixed<W,I> of an unsigned
//    one), as observed in all golden parameters.h (37,17 for 38,18);
//    "inp_norm: auto" (the default config): SoftmaxInpNormFromRange.
//  * Quantize: result = QuantToFixed(quant) when exact; bipolar -> ap_uint<1>;
//    per-element formats (HGQ FixedPointQuantizer): their union
//    (ElementTypesUnion), or the model's embedded result_t; otherwise an
//    explicit result, else D.
//  * Threshold (BatchNormalizationQuantizedTanh): result ap_uint<1> (binary,
//    XNOR) / ap_int<2> (ternary); threshold params typed as the input (hls4ml),
//    values snapped to the input grid (step 2^-F) so that the comparison is
//    exact: BinaryTanh t -> floor(t)+step, bipolar t -> ceil(t), ternary
//    floor (as hls4ml). A snapped threshold outside the input type's range
//    gets extra integer bits (hls4ml would wrap; never hit by the goldens).
//    Ternary QONNX Quant thresholds (binary_threshold, Layer::quant not
//    bipolar): not snapped from the real value but searched on the input
//    grid: t_hi = the largest input word whose float-mode result
//    Quant(x*s[c] + b[c]) (double, graph.h float_affine) is not +1, t_lo the
//    largest whose result is -1 (that function is monotone in x for s > 0:
//    every step is a monotone double operation), so x > t_hi / x <= t_lo
//    equal float mode on every value of the input type, ties included.
//  * Reshape: result = input type.
//  * Conv (hls4ml _infer_conv_precision = the Dense rule with
//    n = n_chan * filt_height * filt_width; depthwise: n = filt_height *
//    filt_width, the products one output channel sums): weight/bias auto -> D,
//    accum/result auto -> the Dense formula (conv1d/conv2d_small_keras:
//    ap_fixed<37,17>, <36,16>).
//  * Pooling (hls4ml _infer_pooling_precision): accum auto -> Max: input type;
//    Average: ap_fixed<W + 2e, I + e, s> with e = ceil(log2(pool_h*pool_w))
//    (global: the whole image); result auto -> input type.
//  * ZeroPadding, Cropping, UpSampling: result = input type.
//  * Merge (hls4ml _infer_merge_precision / _infer_cat_precision), inputs a, b:
//    Add/Subtract/Average: I = max(Ia + (sb & !sa), Ib + (sa & !sb)) + 1,
//    W = I + max(Fa, Fb), s = sa | sb (| Subtract); Multiply: <Wa+Wb, Ia+Ib>;
//    Maximum/Minimum/Concatenate: I = max(Ia', Ib') with +1 for an unsigned
//    input when the other is signed, W = I + max(Fa, Fb). Explicit result wins.
#include <algorithm>
#include <cmath>

#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

using ir::Layer;
using ir::LayerKind;
using ir::Slot;

int CeilLog2(int64_t n) {
  int k = 0;
  while ((int64_t{1} << k) < n) ++k;
  return k;
}

FixedType Make(int w, int i, bool s, const Layer& l, const char* what) {
  if (w < 1 || w > 64)
    throw Error("layer \"" + l.name + "\": inferred " + what + " precision has width " +
                std::to_string(w) + " (supported 1..64); set it in the config");
  return FixedType(w, i, s);
}

/// The narrowest type holding every per-element format of an HGQ quantizer
/// exactly (graph.h Layer::element_types): F = max F_e, signed iff any
/// element is, I = max(I_e + (signed && !s_e)); TRN/WRAP (it never rounds
/// or overflows). All elements 0-bit: ap_ufixed<1,1> (holds the constant 0).
FixedType ElementTypesUnion(const Layer& l) {
  bool any = false, s = false;
  int F = 0, I = 0;
  for (const auto& t : l.element_types)
    if (t) s = s || t->is_signed();
  for (const auto& t : l.element_types) {
    if (!t) continue;
    const int i = t->integer() + (s && !t->is_signed() ? 1 : 0);
    F = any ? std::max(F, t->fractional()) : t->fractional();
    I = any ? std::max(I, i) : i;
    any = true;
  }
  if (!any) return FixedType(1, 1, false);
  return Make(I + F, I, s, l, ir::SlotKey(Slot::Result));
}

struct Ctx {
  ir::Graph& g;
  FixedType D;  // model default
};

std::optional<FixedType> Explicit(const Layer& l, Slot key) {
  auto it = l.config.precision.find(key);
  if (it == l.config.precision.end()) return std::nullopt;
  return it->second.type;
}

/// Explicit value or `dflt`, stored back into the layer config.
FixedType Resolve(Layer& l, Slot key, const FixedType& dflt) {
  std::optional<FixedType> t = Explicit(l, key);
  FixedType r = t ? *t : dflt;
  l.config.precision[key].type = r;
  return r;
}

/// Param precision: quantizer-fixed type wins, else explicit, else default.
FixedType ResolveParam(Layer& l, Slot key, const FixedType& dflt) {
  ir::Param* p = l.param(key);
  FixedType t;
  if (p && IsXnorParam(*p)) t = FixedType::Int(1, false);  // hls4ml XnorPrecisionType
  else if (p && p->type_from_quantizer && p->type) t = *p->type;
  else t = Explicit(l, key).value_or(dflt);
  l.config.precision[key].type = t;
  if (p) p->type = t;
  return t;
}


/// Float mode's value of a ternary-Quant Threshold for input x, channel c:
/// y = x*s + b, then the Quant (scale 1, zero point 0, clamp to [-1, 1]) --
/// the same double operations as the emulator's float mode.
int TernaryQuantFloat(double x, const ir::Layer::FloatAffine& fa, const ir::QuantParams& q, size_t c) {
  const double y = x * fa.scale[c % fa.scale.size()] + fa.bias[c % fa.bias.size()];
  const double qs = q.scale.empty() ? 1.0 : q.scale[c % q.scale.size()];
  const double qz = q.zero_point.empty() ? 0.0 : q.zero_point[c % q.zero_point.size()];
  const double v = std::clamp(ir::QonnxRound(y / qs + qz, q.rounding_mode), -1.0, 1.0);
  return v > 0 ? 1 : (v < 0 ? -1 : 0);
}

/// Smallest word w of [lo, hi] with pred(w) (pred monotone false..true), or
/// hi + 1 when none.
template <class Pred>
__int128 FirstTrue(__int128 lo, __int128 hi, Pred pred) {
  __int128 a = lo, b = hi + 1;  // answer in [a, b]
  while (a < b) {
    const __int128 m = a + (b - a) / 2;
    if (pred(static_cast<int64_t>(m))) b = m;
    else a = m + 1;
  }
  return a;
}

/// Exact thresholds of a ternary-Quant Threshold on the grid of `in`
/// (values = words * step; see the rules at the top).
void TernaryQuantThresholds(Layer& l, const FixedType& in) {
  const ir::Layer::FloatAffine& fa = *l.float_affine;
  const ir::QuantParams& q = *l.quant;
  ir::Param& hi = *l.param(Slot::ThresholdHi);
  ir::Param& lo = *l.param(Slot::ThresholdLo);
  const __int128 wmin = in.min_word(), wmax = in.max_word();
  for (size_t c = 0; c < hi.values.size(); ++c) {
    auto f = [&](int64_t w) { return TernaryQuantFloat(in.ToDouble(w), fa, q, c); };
    const __int128 first_plus = FirstTrue(wmin, wmax, [&](int64_t w) { return f(w) > 0; });
    const __int128 first_not_minus = FirstTrue(wmin, wmax, [&](int64_t w) { return f(w) >= 0; });
    hi.values[c] = std::ldexp(static_cast<double>(first_plus - 1), -in.fractional());
    lo.values[c] = std::ldexp(static_cast<double>(first_not_minus - 1), -in.fractional());
  }
}

double Snap(double v, const FixedType& in, int mode /*0 floor,1 ceil,2 floor+step*/) {
  const double step = std::ldexp(1.0, -in.fractional());
  double k = v / step;
  k = mode == 1 ? std::ceil(k) : std::floor(k);
  if (mode == 2) k += 1;
  return k * step;
}

FixedType Dflt(const Layer& l) {
  auto it = l.config.precision.find(Slot::Default);
  if (it != l.config.precision.end() && it->second.type) return *it->second.type;
  return FixedType(16, 6);
}

/// hls4ml _infer_common_precision: n products of input x weight plus a bias.
FixedType ProductSumType(const FixedType& in, const FixedType& w, const FixedType& b, int64_t n, const Layer& l) {
  const int lg = CeilLog2(n);
  int W = w.width() + in.width() + lg;
  int I = w.integer() + in.integer() + lg;
  bool s = w.is_signed() || in.is_signed();
  const int F = W - I;
  I = std::max(I + (b.is_signed() && !s ? 1 : 0), b.integer() + (s && !b.is_signed() ? 1 : 0)) + 1;
  W = I + std::max(F, b.width() - b.integer());
  s = s || b.is_signed();
  return Make(W, I, s, l, ir::SlotKey(Slot::Accum));
}

/// Dense with XNOR data and/or bipolar weights, accum/result auto: hls4ml
/// keeps the model default D (XnorPrecisionType is not inferred); D is kept
/// when it holds every exact sum (bnn_model_fc_1layer, n_in = 3), otherwise
/// the smallest exact type: integer bits I = ceil(log2(bound + 1)) + 1
/// (signed) with bound = max over outputs of sum |x_i * w_ij| + |b_j| (x, w
/// = +-1 for binary operands; +1 for hls4ml's (acc - n_in/2) * 2 on an odd
/// n_in), fractional bits those of the non-binary weight / bias (TFC_1W1A
/// MatMul_0: 784 XNOR products -> ap_int<11>; D would wrap).
FixedType XnorDenseType(const Layer& l, const ir::Param& wp, const FixedType& in, const FixedType& w,
                        const FixedType& b, bool in_xnor, bool w_xnor, const FixedType& D) {
  const int64_t n_in = wp.shape[0], n_out = wp.shape[1];
  const ir::Param* bp = l.param(Slot::Bias);
  double bound = 0;
  for (int64_t j = 0; j < n_out; ++j) {
    double sum = bp ? std::fabs(b.ToDouble(b.Quantize(bp->values[static_cast<size_t>(j)]))) : 0.0;
    for (int64_t i = 0; i < n_in; ++i)
      sum += (w_xnor ? 1.0 : std::fabs(w.ToDouble(w.Quantize(wp.values[static_cast<size_t>(i * n_out + j)])))) *
             (in_xnor ? 1.0 : std::max(std::fabs(in.min_value()), std::fabs(in.max_value())));
    if (in_xnor && w_xnor) sum += 1;
    bound = std::max(bound, sum);
  }
  int I = 1;
  while (std::ldexp(1.0, I - 1) <= bound) ++I;  // signed: 2^(I-1) > bound
  int F = std::max((w_xnor ? 0 : w.fractional()) + (in_xnor ? 0 : in.fractional()), 0);
  if (bp) F = std::max(F, b.fractional());
  if (I <= D.integer() && F <= D.fractional() && D.is_signed()) return D;
  return Make(I + F, I, true, l, ir::SlotKey(Slot::Accum));
}

/// The automatic inp_norm_t of a stable softmax (config `inp_norm: auto`,
/// what the default config says). The exp table is addressed by the top
/// B = ceillog2(table_size) bits of d = max - x (>= 0) in inp_norm_t, so its
/// bins are 2^(I - B) wide. Beyond R = (F + 1) ln 2, with F the fractional
/// bits of exp_table_t, e^-d rounds to 0 in the table, so only [0, R) needs
/// resolving: I = the least integer with 2^I >= min(R, span of the input),
/// W = B (the bits below the address are never read), rounding to the
/// nearest bin and saturating (larger d read the last bin, e^-d ~ 0).
/// hls4ml's own rule (ap_ufixed<W-1, I-1> of the input) puts a wide input's
/// whole range in those B bits: every d < 2^(I-1-B) reads entry 0 and the
/// output is the constant 1/N.
FixedType SoftmaxInpNormFromRange(const FixedType& in, const FixedType& exp_table, int table_size) {
  const int b = CeilLog2(std::max(2, table_size));
  const double r = (std::max(0, exp_table.fractional()) + 1) * std::log(2.0);
  const double span = in.max_value() - in.min_value();
  const double cover = std::min(r, span);
  int i = -b;
  while (std::ldexp(1.0, i) < cover && i < 64) ++i;
  return FixedType(b, i, false, Quant::RND, Overflow::SAT);
}

/// The automatic inv_inp_t of a stable softmax (config `inv_inp: auto`, what
/// the default config says). Every exp-table word is e^-d <= 1 with d >= 0
/// and the maximum reads e^0 = 1, so the sum lies in [1, n] for n elements.
/// The inverse table is addressed by the top B = ceillog2(table_size) bits of
/// inv_inp_t: I = the least integer with 2^I > n, W = B, rounding to the
/// nearest bin and saturating. hls4ml's fixed<18,8> puts [-128, 128) in those
/// B bits: bins 0.25 wide, so a sum near 1.25 reads 1/1.0 and the top class
/// comes out 1.0 instead of 0.79.
FixedType SoftmaxInvInpFromRange(int64_t n, int table_size) {
  const int b = CeilLog2(std::max(2, table_size));
  int i = 0;
  while ((int64_t{1} << i) <= n && i < 62) ++i;
  return FixedType(std::max(b, 1), i, false, Quant::RND, Overflow::SAT);
}

void InferLayer(ir::Graph& g, Layer& l) {
  const FixedType D = Dflt(l);
  std::optional<FixedType> in;
  bool in_xnor = false;
  if (!l.inputs.empty()) {
    const ir::Tensor& t = g.tensor(l.inputs[0]);
    if (!t.type)
      throw Error("layer \"" + l.name + "\": input tensor '" + l.inputs[0] + "' has no precision");
    in = *t.type;
    in_xnor = IsXnorTensor(g, l.inputs[0]);
  }
  FixedType result;
  switch (l.kind) {
    case LayerKind::Input:
      result = Resolve(l, Slot::Result, D);
      break;
    case LayerKind::Dense: {
      const ir::Param* wp = l.param(Slot::Weight);
      if (!wp || wp->shape.size() != 2) throw Error("layer \"" + l.name + "\": Dense without 2-D weight");
      const bool w_xnor = IsXnorParam(*wp);
      const FixedType w = ResolveParam(l, Slot::Weight, D);
      const FixedType b = ResolveParam(l, Slot::Bias, D);
      FixedType inferred = D;
      if (!in_xnor && !w_xnor) {
        const int lg = CeilLog2(wp->shape[0]);
        int W = w.width() + in->width() + lg;
        int I = w.integer() + in->integer() + lg;
        bool s = w.is_signed() || in->is_signed();
        const int F = W - I;
        I = std::max(I + (b.is_signed() && !s ? 1 : 0), b.integer() + (s && !b.is_signed() ? 1 : 0)) + 1;
        W = I + std::max(F, b.width() - b.integer());
        s = s || b.is_signed();
        inferred = Make(W, I, s, l, ir::SlotKey(Slot::Accum));
      } else {
        inferred = XnorDenseType(l, *wp, *in, w, b, in_xnor, w_xnor, D);
      }
      Resolve(l, Slot::Accum, inferred);
      result = Resolve(l, Slot::Result, inferred);
      break;
    }
    case LayerKind::ScaleShift: {
      const FixedType sc = ResolveParam(l, Slot::Scale, D);
      const FixedType b = ResolveParam(l, Slot::Bias, D);
      FixedType inferred = D;
      if (!in_xnor) {
        const bool ss = sc.is_signed() || in->is_signed();
        const int Ws = in->width() + sc.width(), Is = in->integer() + sc.integer();
        const int I = std::max(Is + (b.is_signed() && !ss ? 1 : 0), b.integer() + (ss && !b.is_signed() ? 1 : 0)) + 1;
        const int W = I + std::max(Ws - Is, b.width() - b.integer());
        inferred = Make(W, I, ss || b.is_signed(), l, ir::SlotKey(Slot::Result));
      }
      result = Resolve(l, Slot::Result, inferred);
      break;
    }
    case LayerKind::Activation:
      Resolve(l, Slot::Table, FixedType(18, 8));
      if (l.activation == ir::ActivationKind::PReLU) ResolveParam(l, Slot::Param, D);  // alphas: param_t
      if (l.activation == ir::ActivationKind::BinaryTanh) result = FixedType::Int(1, false);
      else if (l.activation == ir::ActivationKind::TernaryTanh) result = FixedType::Int(2, true);
      else result = Explicit(l, Slot::Result).value_or(D);
      l.config.precision[Slot::Result].type = result;
      break;
    case LayerKind::Softmax: {
      Resolve(l, Slot::Table, FixedType(18, 8));
      const FixedType t18(18, 8, true, Quant::RND, Overflow::SAT);
      // `inv_inp: auto` of a stable softmax: from the sum's range [1, n]
      if (l.config.precision.count(Slot::InvInp) > 0 && l.config.softmax_impl == ir::SoftmaxImpl::Stable &&
          !g.tensor(l.inputs.at(0)).shape.empty())
        Resolve(l, Slot::InvInp, SoftmaxInvInpFromRange(g.tensor(l.inputs[0]).shape.back(), l.config.table_size));
      for (const Slot k : {Slot::ExpTable, Slot::InvTable, Slot::InvInp, Slot::Accum}) Resolve(l, k, t18);
      {
        // an explicit config type wins; `auto`: chosen from the input's range;
        // absent (an hls4ml config): hls4ml's derivation
        const bool auto_key = l.config.precision.count(Slot::InpNorm) > 0;
        const FixedType exp_t = *l.config.precision.type(Slot::ExpTable);
        Resolve(l, Slot::InpNorm,
                auto_key ? SoftmaxInpNormFromRange(*in, exp_t, l.config.table_size) : ir::SoftmaxInpNormDefault(*in));
      }
      result = Resolve(l, Slot::Result, D);
      break;
    }
    case LayerKind::Quantize: {
      std::optional<FixedType> q;
      if (l.quant && l.quant->bipolar) q = FixedType::Int(1, false);
      else if (l.quant && l.quant->negative_slope != 0) {
        // QKeras quantized_relu with negative_slope: the signed grid type
        // holds every value (the negative end -s*2^(b-1) is on it)
        ir::QuantParams grid = *l.quant;
        grid.negative_slope = 0;
        q = QuantToFixed(grid);
      } else if (l.quant) q = QuantToFixed(*l.quant);
      else if (!l.element_types.empty()) q = ElementTypesUnion(l);
      // an HGQ proxy's embedded result_t wins (hls4ml enforces it)
      if (auto e = l.embedded_precision.find(Slot::Result); e != l.embedded_precision.end()) q = e->second;
      result = q ? *q : Explicit(l, Slot::Result).value_or(D);
      l.config.precision[Slot::Result].type = result;
      break;
    }
    case LayerKind::Threshold: {
      const bool ternary = l.params.count(ir::SlotKey(Slot::ThresholdHi)) > 0;
      result = ternary ? FixedType::Int(2, true) : FixedType::Int(1, false);
      l.config.precision[Slot::Result].type = result;
      // Snap once (params typed = already snapped), then find a type of the
      // input's grid holding every threshold (the input type in practice).
      bool need_sign = in->is_signed();
      const bool quant_ternary = ternary && l.quant && !l.quant->bipolar && l.float_affine &&
                                 !l.float_affine->scale.empty() && !l.float_affine->bias.empty() &&
                                 !l.param(Slot::ThresholdHi)->type && !l.param(Slot::ThresholdLo)->type &&
                                 l.param(Slot::ThresholdHi)->size() == l.param(Slot::ThresholdLo)->size();
      if (quant_ternary) TernaryQuantThresholds(l, *in);
      for (auto& [key, p] : l.params) {
        if (p.type) continue;
        if (quant_ternary) {
          for (double v : p.values) need_sign = need_sign || v < 0;
          continue;
        }
        const int mode = ternary ? 0 : (l.source_op == "BinaryTanh" ? 2 : 1);
        for (double& v : p.values) v = Snap(v, *in, mode);
        for (double v : p.values) need_sign = need_sign || v < 0;
      }
      int extra = need_sign && !in->is_signed() ? 1 : 0;
      auto fits = [&](const FixedType& t) {  // the params this pass types (typed ones keep their type)
        for (const auto& [key, p] : l.params)
          for (double v : p.type ? std::vector<double>{} : p.values)
            if (v > t.max_value() || v < t.min_value()) return false;
        return true;
      };
      FixedType tt = Make(in->width() + extra, in->integer() + extra, need_sign, l, ir::SlotKey(Slot::Threshold));
      while (!fits(tt)) {
        ++extra;
        tt = Make(in->width() + extra, in->integer() + extra, need_sign, l, ir::SlotKey(Slot::Threshold));
      }
      if (extra == 0) tt = *in;
      for (auto& [key, p] : l.params) {
        if (!p.type) p.type = tt;
        if (const std::optional<Slot> s = ir::SlotFromKey(key)) l.config.precision[*s].type = *p.type;
      }
      break;
    }
    case LayerKind::Reshape:
      result = *in;
      l.config.precision[Slot::Result].type = result;
      break;
    case LayerKind::Conv: {
      const ir::Param* wp = l.param(Slot::Weight);
      if (!wp || wp->shape.size() < 3 || !l.conv) throw Error("layer \"" + l.name + "\": Conv without weight/attributes");
      const bool w_xnor = IsXnorParam(*wp);
      const FixedType w = ResolveParam(l, Slot::Weight, D);
      const FixedType b = ResolveParam(l, Slot::Bias, D);
      FixedType inferred = D;
      if (!in_xnor && !w_xnor) {
        int64_t n = 1;  // kernel cells (x c_in unless depthwise)
        for (size_t i = 0; i + 2 < wp->shape.size(); ++i) n *= wp->shape[i];
        if (!l.conv->depthwise) n *= wp->shape[wp->shape.size() - 2];
        inferred = ProductSumType(*in, w, b, n, l);
      }
      Resolve(l, Slot::Accum, inferred);
      result = Resolve(l, Slot::Result, inferred);
      break;
    }
    case LayerKind::Pooling: {
      if (!l.pool) throw Error("layer \"" + l.name + "\": Pooling without attributes");
      FixedType acc = *in;
      if (l.pool->op == ir::PoolOp::Average) {
        int64_t size = l.pool->pool_h * l.pool->pool_w;
        if (l.pool->global) {
          const std::vector<int64_t>& sh = g.tensor(l.inputs[0]).shape;
          size = 1;
          for (size_t i = 0; i + 1 < sh.size(); ++i) size *= sh[i];
        }
        const int e = CeilLog2(size);
        acc = Make(in->width() + 2 * e, in->integer() + e, in->is_signed(), l, ir::SlotKey(Slot::Accum));
      }
      Resolve(l, Slot::Accum, acc);
      result = Resolve(l, Slot::Result, *in);
      break;
    }
    case LayerKind::ZeroPadding:
    case LayerKind::Cropping:
    case LayerKind::UpSampling:
      result = Resolve(l, Slot::Result, *in);
      break;
    case LayerKind::Merge: {
      if (!l.merge || l.inputs.size() != 2) throw Error("layer \"" + l.name + "\": Merge needs 2 inputs");
      const ir::Tensor& t2 = g.tensor(l.inputs[1]);
      if (!t2.type) throw Error("layer \"" + l.name + "\": input tensor '" + l.inputs[1] + "' has no precision");
      const FixedType& a = *in;
      const FixedType& b = *t2.type;
      const int fa = a.fractional(), fb = b.fractional();
      FixedType inferred;
      switch (l.merge->op) {
        case ir::MergeOp::Add:
        case ir::MergeOp::Subtract:
        case ir::MergeOp::Average: {
          const bool s = a.is_signed() || b.is_signed() || l.merge->op == ir::MergeOp::Subtract;
          const int I = std::max(a.integer() + (b.is_signed() && !a.is_signed() ? 1 : 0),
                                 b.integer() + (a.is_signed() && !b.is_signed() ? 1 : 0)) + 1;
          inferred = Make(I + std::max(fa, fb), I, s, l, ir::SlotKey(Slot::Result));
          break;
        }
        case ir::MergeOp::Multiply:
          inferred = Make(a.width() + b.width(), a.integer() + b.integer(), a.is_signed() || b.is_signed(), l, ir::SlotKey(Slot::Result));
          break;
        default: {
          const bool s = a.is_signed() || b.is_signed();
          const int ia = a.integer() + (s && !a.is_signed() ? 1 : 0), ib = b.integer() + (s && !b.is_signed() ? 1 : 0);
          const int I = std::max(ia, ib);
          inferred = Make(I + std::max(fa, fb), I, s, l, ir::SlotKey(Slot::Result));
          break;
        }
      }
      result = Resolve(l, Slot::Result, inferred);
      break;
    }
  }
  if (!l.output.empty()) g.tensor(l.output).type = result;
}

StatusOr<bool> Run(ir::Graph& g) {
  // Graph inputs with no Input layer get the model default.
  for (const std::string& in : g.inputs) {
    bool has_layer = false;
    for (const Layer& l : g.layers)
      if (l.kind == LayerKind::Input && l.output == in) has_layer = true;
    if (!has_layer && !g.tensor(in).type)
      g.tensor(in).type = g.layers.empty() ? FixedType(16, 6) : Dflt(g.layers.front());
  }
  for (Layer& l : g.layers) InferLayer(g, l);
  return true;
}

}  // namespace

PassInfo InferPrecisionPass() {
  return {"infer_precision", "fill every auto precision with hls4ml's rules and type every tensor",
          Run};
}

}  // namespace hlsforge::passes
