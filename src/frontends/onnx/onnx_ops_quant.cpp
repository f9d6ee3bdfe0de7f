// QONNX quantizers (docs/qonnx-custom-ops: Quant, BipolarQuant, Trunc), on
// constants (folded: values quantized in float, exact type recorded) and on
// activations (Quantize / BinaryTanh layers). The quantizer formulas are in
// onnx_const.cpp.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

/// The inputs and attributes of a Quant (or Trunc) node.
struct QuantInputs {
  Const scale_c, zp_c;
  double bits = 0, in_bits = 0;
  bool is_signed = true, narrow = false;
  std::string mode;
};

QuantInputs ReadQuantInputs(Converter& cv, int i, bool trunc) {
  QuantInputs q;
  q.scale_c = cv.C(i, 1, "scale");
  q.zp_c = cv.C(i, 2, "zero_point");
  const Const& bw = cv.C(i, 3, trunc ? "in_bit_width" : "bit_width");
  for (double s : q.scale_c.v)
    if (!(s > 0) || !std::isfinite(s)) cv.Fail(i, "input 'scale' must be positive, got " + std::to_string(s));
  auto one_int = [&](const Const& c, const std::string& what) {
    if (c.v.size() != 1) cv.Fail(i, "input '" + what + "' must be a scalar, has shape " + ShapeStr(c.shape));
    const double b = c.v[0];
    if (b < 1 || b > 64 || b != std::floor(b))
      cv.Fail(i, "input '" + what + "' must be an integer in 1..64, got " + std::to_string(b));
    return b;
  };
  if (trunc) {
    q.in_bits = one_int(bw, "in_bit_width");
    q.bits = one_int(cv.C(i, 4, "out_bit_width"), "out_bit_width");
    if (q.bits > q.in_bits) cv.Fail(i, "out_bit_width exceeds in_bit_width");
  } else {
    q.bits = one_int(bw, "bit_width");
    q.is_signed = cv.BoolAttr(i, "signed");
    q.narrow = cv.BoolAttr(i, "narrow");
  }
  q.mode = cv.StringAttr(i, "rounding_mode");
  std::transform(q.mode.begin(), q.mode.end(), q.mode.begin(), [](unsigned char ch) { return std::toupper(ch); });
  const bool known = trunc ? (q.mode == "ROUND" || q.mode == "CEIL" || q.mode == "FLOOR") : IsKnownRoundingMode(q.mode);
  if (!known) cv.Fail(i, "attribute 'rounding_mode' has unknown value '" + q.mode + "'");
  return q;
}

bool Uniform(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

/// Sets a layer's result precision and its output tensor's type to `t`.
void SetResultType(Converter& cv, int idx, const FixedType& t) {
  ir::Layer& l = cv.graph().layers[idx];
  l.config.precision[ir::Slot::Result].type = t;
  cv.graph().tensors[l.output].type = t;
}

/// Signed type of the explicit-scale ScaleShifts' parameters: its integer
/// part covers the largest |v| and `kSignificant` bits follow its leading
/// bit (integers up to 2^18, e.g. zero points, exactly); the default
/// parameter precision would overflow for 1/scale or a zero point >= 32.
constexpr int kSignificant = 18;
FixedType CoveringType(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  int e = 0;  // m < 2^e
  if (m > 0) std::frexp(m, &e);
  return FixedType(kSignificant + 1, e + 1, true, Quant::RND_CONV, Overflow::SAT);
}

}  // namespace

// ---------------------------------------------------------------- constants

Const FoldQuant(Converter& cv, int i) {
  const std::string where = cv.NodeLabel(i);
  QuantInputs q = ReadQuantInputs(cv, i, false);
  const Const& x = cv.C(i, 0, "input");
  Const c = x;
  const std::vector<double> sc = BroadcastTo(q.scale_c, x.shape, where + ": input 'scale'");
  const std::vector<double> zp = BroadcastTo(q.zp_c, x.shape, where + ": input 'zero_point'");
  for (size_t k = 0; k < c.v.size(); ++k)
    c.v[k] = QuantValue(c.v[k], sc[k], zp[k], q.bits, q.is_signed, q.narrow, q.mode);
  RoundToElementType(c);
  c.type = QuantExactType(q.scale_c.v, q.zp_c.v, q.bits, q.is_signed, q.narrow, q.mode, false);
  c.sources.insert(c.sources.end(), q.scale_c.sources.begin(), q.scale_c.sources.end());
  c.sources.insert(c.sources.end(), q.zp_c.sources.begin(), q.zp_c.sources.end());
  const Const& bw = cv.C(i, 3, "bit_width");
  c.sources.insert(c.sources.end(), bw.sources.begin(), bw.sources.end());
  return c;
}

Const FoldBipolarQuant(Converter& cv, int i) {
  const Const& x = cv.C(i, 0, "input");
  const Const& s = cv.C(i, 1, "scale");
  Const c = Binary(x, s, [](double v, double sc) { return (v >= 0 ? 1.0 : -1.0) * sc; }, cv.NodeLabel(i));
  c.sources = x.sources;
  c.sources.insert(c.sources.end(), s.sources.begin(), s.sources.end());
  if (s.v.size() == 1) {
    if (auto e = PowerOfTwoExponent(s.v[0])) c.type = FixedType(2, *e + 2, true);
  }
  RoundToElementType(c);
  return c;
}

Const FoldTrunc(Converter& cv, int i) {
  const std::string where = cv.NodeLabel(i);
  QuantInputs q = ReadQuantInputs(cv, i, /*trunc=*/true);
  const Const& x = cv.C(i, 0, "input");
  Const c = x;
  c.type.reset();
  const std::vector<double> sc = BroadcastTo(q.scale_c, x.shape, where);
  const std::vector<double> zp = BroadcastTo(q.zp_c, x.shape, where);
  for (size_t k = 0; k < c.v.size(); ++k) {
    double y = std::nearbyint(c.v[k] / sc[k] + zp[k]);
    y = QonnxRound(y / std::ldexp(1.0, static_cast<int>(q.in_bits - q.bits)), q.mode);
    c.v[k] = (y - zp[k]) * sc[k];
  }
  RoundToElementType(c);
  return c;
}

// ---------------------------------------------------------------- activations

Act AddIntegerGridQuant(Converter& cv, int i, const Act& in, const std::vector<double>& s, const std::vector<double>& z,
                        const ir::QuantParams& qp, const std::string& out_name) {
  const std::string nm = cv.CleanName(i);
  const int64_t ch = Converter::Channels(in);
  const int pre = cv.AddLayer(i, ir::LayerKind::ScaleShift, in, in.shape, nm + "_prescale", nm + "_prescaled");
  {
    std::vector<double> inv(s.size());
    for (size_t k = 0; k < s.size(); ++k) inv[k] = 1.0 / s[k];
    ir::Layer& l = cv.graph().layers[pre];
    l.params["scale"] = Converter::MakeParam({ch}, inv, CoveringType(inv));
    l.params["bias"] = Converter::MakeParam({ch}, z, CoveringType(z));
  }
  const Act pre_act{nm + "_prescaled", in.shape, pre, in.cl};  // as AddLayer recorded it
  const int qi = cv.AddLayer(i, ir::LayerKind::Quantize, pre_act, in.shape, nm, out_name);
  cv.AddNodeAliases(qi, i);
  ir::QuantParams g = qp;
  g.scale = {1.0};
  g.zero_point = {0.0};
  cv.graph().layers[qi].quant = g;
  if (auto ti = QuantExactType({1.0}, {0.0}, qp.bit_width, qp.is_signed, qp.narrow, qp.rounding_mode, true))
    SetResultType(cv, qi, *ti);
  return Act{out_name, in.shape, qi, in.cl};
}

int AddDequantScale(Converter& cv, int i, const Act& q_act, const std::vector<double>& s, const std::vector<double>& z,
                    const std::string& name, const std::string& out_name) {
  const int64_t ch = Converter::Channels(q_act);
  const int post = cv.AddLayer(i, ir::LayerKind::ScaleShift, q_act, q_act.shape, name, out_name);
  std::vector<double> b(s.size());
  for (size_t k = 0; k < s.size(); ++k) b[k] = -z[k] * s[k];
  ir::Layer& l = cv.graph().layers[post];
  l.params["scale"] = Converter::MakeParam({ch}, s, CoveringType(s));
  l.params["bias"] = Converter::MakeParam({ch}, b, CoveringType(b));
  return post;
}

Act AddFakeQuant(Converter& cv, int i, const Act& in, const ir::QuantParams& qp, const std::string& out_name) {
  if (auto t = QuantExactType(qp.scale, qp.zero_point, qp.bit_width, qp.is_signed, qp.narrow, qp.rounding_mode,
                              true)) {
    const int idx = cv.AddLayer(i, ir::LayerKind::Quantize, in, in.shape, cv.CleanName(i), out_name);
    cv.AddNodeAliases(idx, i);
    cv.graph().layers[idx].quant = qp;
    SetResultType(cv, idx, *t);
    return Act{out_name, in.shape, idx, in.cl};
  }
  // Scale not a power of two (or zero point != 0): quantize on the integer
  // grid between two explicit ScaleShifts: x*(1/s) + z -> Quant(scale 1,
  // zero point 0) -> q*s - z*s.
  const int64_t ch = Converter::Channels(in);
  const std::vector<double> s = Converter::Expand(qp.scale, ch), z = Converter::Expand(qp.zero_point, ch);
  const std::string nm = cv.CleanName(i);
  const Act q_act = AddIntegerGridQuant(cv, i, in, s, z, qp, nm + "_int");
  const int post = AddDequantScale(cv, i, q_act, s, z, nm + "_postscale", out_name);
  return Act{out_name, in.shape, post, in.cl};
}

void QuantNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  QuantInputs q = ReadQuantInputs(cv, i, false);
  std::vector<double> scale = cv.PerChannel(i, q.scale_c, in, "input 'scale'");
  std::vector<double> zp = cv.PerChannel(i, q.zp_c, in, "input 'zero_point'");
  if (Uniform(scale)) scale.resize(1);
  if (Uniform(zp)) zp.resize(1);
  ir::QuantParams qp;
  qp.scale = scale;
  qp.zero_point = zp;
  qp.bit_width = q.bits;
  qp.is_signed = q.is_signed;
  qp.narrow = q.narrow;
  qp.rounding_mode = q.mode;
  AddFakeQuant(cv, i, in, qp, cv.node(i).output(0));
}

void BipolarQuantNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  const Const& sc = cv.C(i, 1, "scale");
  for (double s : sc.v)
    if (!(s > 0) || !std::isfinite(s)) cv.Fail(i, "input 'scale' must be positive");
  std::vector<double> scale = cv.PerChannel(i, sc, in, "input 'scale'");
  if (Uniform(scale)) scale.resize(1);
  const int idx = cv.NodeLayer(i, ir::LayerKind::Activation, in, in.shape);
  ir::Layer& l = cv.graph().layers[idx];
  l.activation = ir::ActivationKind::BinaryTanh;
  ir::QuantParams qp;
  qp.scale = scale;
  qp.bit_width = 1;
  qp.bipolar = true;
  l.quant = qp;
  if (scale.size() == 1)
    if (auto e = PowerOfTwoExponent(scale[0])) SetResultType(cv, idx, FixedType(2, *e + 2, true));  // exactly ±2^e
}

void TruncNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  QuantInputs q = ReadQuantInputs(cv, i, true);
  std::vector<double> scale = cv.PerChannel(i, q.scale_c, in, "input 'scale'");
  std::vector<double> zp = cv.PerChannel(i, q.zp_c, in, "input 'zero_point'");
  const int idx = cv.NodeLayer(i, ir::LayerKind::Quantize, in, in.shape);
  ir::Layer& l = cv.graph().layers[idx];
  ir::QuantParams qp;
  qp.scale = scale;
  qp.zero_point = zp;
  qp.bit_width = q.bits;
  qp.rounding_mode = q.mode;
  qp.trunc = true;
  l.quant = qp;
  l.params["in_bit_width"] = Converter::MakeParam({1}, {q.in_bits});
}

}  // namespace hlsforge::frontends::onnx_detail
