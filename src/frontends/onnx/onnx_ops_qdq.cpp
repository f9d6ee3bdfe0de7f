// ONNX linear quantization (onnx.ai/onnx/operators: QuantizeLinear,
// DequantizeLinear; opset 10 per-tensor, opset 13 per-axis), the "QDQ" form
// that PyTorch and ONNX Runtime static quantization export:
//   QuantizeLinear    y = saturate(round_half_to_even(x / y_scale) + y_zero_point)
//   DequantizeLinear  y = (x - x_zero_point) * x_scale
// saturating to the zero point's type (int8 [-128, 127], uint8 [0, 255]; no
// zero point: uint8, zero point 0). Mapping:
//  * QuantizeLinear -> DequantizeLinear on an activation (the Q output read by
//    that DQ only, same scale, zero point and axis) is a fake quantizer, the
//    QONNX Quant(bit_width 8, signed = int8, narrow 0, ROUND) of the same
//    scale and zero point (AddFakeQuant): one Quantize layer of type
//    ap_[u]fixed<8, 8 + log2(scale), AP_RND_CONV, AP_SAT> for a power-of-two
//    scale and zero point 0, else the explicit scale (prescale, integer-grid
//    quantizer, postscale). QONNX rounds x/scale + zero_point: for an odd
//    zero point an exact tie of x/scale rounds the other way than ONNX.
//  * DequantizeLinear of a constant (int8/uint8/int32 weights or biases)
//    folds to its values, typed exactly for power-of-two scales (per-axis
//    scales: the common type of all channels, as QONNX Quant weights);
//    QuantizeLinear of a constant folds to its integers.
//  * a lone QuantizeLinear on an activation outputs the integers (prescale +
//    integer-grid quantizer); a lone DequantizeLinear is a ScaleShift.
#include <algorithm>
#include <cmath>

#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

using TP = onnx::TensorProto;

std::string TypeName(int t) { return ElementTypeName(t); }

/// The scale / zero point of a QuantizeLinear or DequantizeLinear node.
struct Qdq {
  std::vector<double> scale, zero_point;  ///< one value (per tensor) or one per index of `axis`
  int axis = -1;                          ///< normalized axis of per-axis parameters, -1 per tensor
  int elem = TP::UINT8;                   ///< integer type: INT8, UINT8 (INT32: DequantizeLinear of a constant)
  double bits = 8;
  bool is_signed = false;
  std::vector<std::string> sources;  ///< the constants' names
};

/// Reads and checks node i's scale (input 1), zero point (input 2) and
/// attributes for an input of shape `x_shape`; `x_elem` is the input's
/// integer type for a DequantizeLinear of a constant (0 when unknown).
Qdq ReadQdq(Converter& cv, int i, const std::vector<int64_t>& x_shape, bool dequant, int x_elem) {
  const std::string sname = dequant ? "x_scale" : "y_scale", zname = dequant ? "x_zero_point" : "y_zero_point";
  Qdq q;
  int out_dtype = 0;
  for (const auto& a : cv.node(i).attribute()) {
    if (a.name() == "saturate") cv.Fail(i, "attribute 'saturate' (float8 quantization) is not supported");
    if (a.name() == "precision") cv.Fail(i, "attribute 'precision' is not supported");
    if (a.name() == "block_size" && cv.IntAttr(i, "block_size") != 0)
      cv.Fail(i, "attribute 'block_size' (blocked quantization) is not supported");
    if (a.name() == "output_dtype") out_dtype = static_cast<int>(cv.IntAttr(i, "output_dtype"));
  }
  if (dequant && out_dtype != 0 && out_dtype != TP::FLOAT)
    cv.Fail(i, "attribute 'output_dtype' " + TypeName(out_dtype) + " is not supported (FLOAT is)");
  const Const& sc = cv.C(i, 1, sname);
  q.sources = sc.sources;
  if (sc.shape.size() > 1)
    cv.Fail(i, "input '" + sname + "' has shape " + ShapeStr(sc.shape) +
                   ": blocked quantization (a scale of rank > 1) is not supported");
  for (double s : sc.v)
    if (!(s > 0) || !std::isfinite(s)) cv.Fail(i, "input '" + sname + "' must be positive and finite, got " + std::to_string(s));
  if (sc.v.empty()) cv.Fail(i, "input '" + sname + "' is empty");
  q.scale = sc.v;
  const int r = static_cast<int>(x_shape.size());
  if (sc.v.size() > 1) {
    if (cv.opset() < 13)
      cv.Fail(i, "input '" + sname + "' has shape " + ShapeStr(sc.shape) + ": a per-axis scale needs opset 13, the model has opset " +
                     std::to_string(cv.opset()));
    int64_t axis = cv.IntAttr(i, "axis", 1);
    if (axis < -r || axis >= r)
      cv.Fail(i, "attribute 'axis' = " + std::to_string(axis) + " is out of range for an input of rank " + std::to_string(r));
    if (axis < 0) axis += r;
    if (x_shape[static_cast<size_t>(axis)] != static_cast<int64_t>(sc.v.size()))
      cv.Fail(i, "input '" + sname + "' has " + std::to_string(sc.v.size()) + " values, axis " + std::to_string(axis) +
                     " of the input (shape " + ShapeStr(x_shape) + ") has " + std::to_string(x_shape[static_cast<size_t>(axis)]));
    q.axis = static_cast<int>(axis);
  }
  if (cv.HasInput(i, 2)) {
    const Const& zp = cv.C(i, 2, zname);
    if (zp.shape != sc.shape && !(zp.v.size() == 1 && sc.v.size() == 1))
      cv.Fail(i, "input '" + zname + "' has shape " + ShapeStr(zp.shape) + ", input '" + sname + "' has shape " +
                     ShapeStr(sc.shape) + " (they must be equal)");
    q.elem = zp.elem_type != 0 ? zp.elem_type : (x_elem != 0 ? x_elem : TP::UNDEFINED);
    if (q.elem == TP::UNDEFINED) cv.Fail(i, "input '" + zname + "' has no element type (computed constant)");
    q.zero_point = zp.v;
    q.sources.insert(q.sources.end(), zp.sources.begin(), zp.sources.end());
  } else {
    q.elem = out_dtype != 0 ? out_dtype : (x_elem != 0 ? x_elem : static_cast<int>(TP::UINT8));
    q.zero_point.assign(1, 0.0);
  }
  if (!dequant && out_dtype != 0 && out_dtype != q.elem)
    cv.Fail(i, "attribute 'output_dtype' " + TypeName(out_dtype) + " differs from the zero point's type " + TypeName(q.elem));
  if (dequant && x_elem != 0 && x_elem != q.elem)
    cv.Fail(i, "input '" + zname + "' has type " + TypeName(q.elem) + ", input 'x' has type " + TypeName(x_elem) +
                   " (they must be equal)");
  const bool zero = std::all_of(q.zero_point.begin(), q.zero_point.end(), [](double z) { return z == 0; });
  if (q.elem == TP::INT8) q.bits = 8, q.is_signed = true;
  else if (q.elem == TP::UINT8) q.bits = 8, q.is_signed = false;
  else if (q.elem == TP::INT32 && dequant && zero) q.bits = 32, q.is_signed = true;
  else
    cv.Fail(i, std::string(dequant ? "input 'x'" : "input '" + zname + "'") + " of type " + TypeName(q.elem) +
                   " is not supported (int8 and uint8 are" + (dequant ? "; int32 with zero point 0" : "") + ")");
  if (q.zero_point.size() != q.scale.size()) q.zero_point.assign(q.scale.size(), q.zero_point.at(0));
  return q;
}

double MinInt(const Qdq& q) { return q.is_signed ? -std::ldexp(1.0, static_cast<int>(q.bits) - 1) : 0.0; }
double MaxInt(const Qdq& q) {
  return q.is_signed ? std::ldexp(1.0, static_cast<int>(q.bits) - 1) - 1 : std::ldexp(1.0, static_cast<int>(q.bits)) - 1;
}

/// Index into q.scale / q.zero_point of every element of a tensor of `shape`.
std::vector<size_t> ParamIndex(const Qdq& q, const std::vector<int64_t>& shape) {
  std::vector<size_t> idx(static_cast<size_t>(NumElements(shape)), 0);
  if (q.axis < 0) return idx;
  int64_t inner = 1;
  for (size_t k = static_cast<size_t>(q.axis) + 1; k < shape.size(); ++k) inner *= shape[k];
  const int64_t n = shape[static_cast<size_t>(q.axis)];
  for (size_t e = 0; e < idx.size(); ++e) idx[e] = static_cast<size_t>((static_cast<int64_t>(e) / inner) % n);
  return idx;
}

/// Scale and zero point per channel of activation `in` (one value when
/// per-tensor); a per-axis axis must be the channel axis.
void ChannelParams(Converter& cv, int i, const Qdq& q, const Act& in, std::vector<double>& s, std::vector<double>& z) {
  s = q.scale;
  z = q.zero_point;
  if (q.axis < 0) return;
  const int r = static_cast<int>(in.shape.size());
  const int ch_axis = in.cl && r >= 3 ? r - 1 : 1;
  if (q.axis != ch_axis)
    cv.Fail(i, "per-axis quantization along axis " + std::to_string(q.axis) + " of an activation of shape " +
                   ShapeStr(in.shape) + ": only the channel axis (" + std::to_string(ch_axis) + ") is supported");
  auto uniform = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
  };
  if (uniform(s)) s.resize(1);
  if (uniform(z)) z.resize(1);
}

ir::QuantParams FakeQuantParams(const Qdq& q, const std::vector<double>& s, const std::vector<double>& z) {
  ir::QuantParams qp;
  qp.scale = s;
  qp.zero_point = z;
  qp.bit_width = q.bits;
  qp.is_signed = q.is_signed;
  qp.narrow = false;
  qp.rounding_mode = "ROUND";  // half to even, as ONNX rounds x / y_scale
  return qp;
}

/// The DequantizeLinear node reading node i's output as its only reader,
/// with constant scale / zero point equal to node i's, or -1.
int FusableDequant(Converter& cv, int i, const Qdq& q, const Act& in) {
  const std::string& out = cv.node(i).output(0);
  if (cv.UseCount(out) != 1) return -1;
  const int nn = cv.node_count();
  for (int j = i + 1; j < nn; ++j) {
    const auto& n = cv.node(j);
    bool reads = false;
    for (const auto& x : n.input()) reads = reads || x == out;
    if (!reads) continue;
    if (n.op_type() != "DequantizeLinear" || !IsStdDomain(n.domain()) || n.input(0) != out) return -1;
    for (int k = 1; k < 3; ++k)
      if (cv.HasInput(j, k) && !cv.IsConst(n.input(k))) return -1;  // computed later: the general path
    const Qdq d = ReadQdq(cv, j, in.shape, true, q.elem);
    if (d.scale != q.scale || d.zero_point != q.zero_point || (q.scale.size() > 1 && d.axis != q.axis)) return -1;
    return j;
  }
  return -1;
}

}  // namespace

void QuantizeLinearNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  const Qdq q = ReadQdq(cv, i, in.shape, false, 0);
  std::vector<double> s, z;
  ChannelParams(cv, i, q, in, s, z);
  const ir::QuantParams qp = FakeQuantParams(q, s, z);
  const int dq = FusableDequant(cv, i, q, in);
  if (dq >= 0) {
    // The DequantizeLinear finds its own output already written (an alias).
    cv.SetAct(cv.node(i).output(0), AddFakeQuant(cv, i, in, qp, cv.node(dq).output(0)));
    return;
  }
  const int64_t ch = Converter::Channels(in);
  AddIntegerGridQuant(cv, i, in, Converter::Expand(s, ch), Converter::Expand(z, ch), qp, cv.node(i).output(0));
}

void DequantizeLinearNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  if (in.ir == cv.node(i).output(0)) {  // fused with its QuantizeLinear
    cv.AliasTo(i, in, in.shape);
    return;
  }
  const Qdq q = ReadQdq(cv, i, in.shape, true, 0);
  std::vector<double> s, z;
  ChannelParams(cv, i, q, in, s, z);
  const int64_t ch = Converter::Channels(in);
  const int idx = AddDequantScale(cv, i, in, Converter::Expand(s, ch), Converter::Expand(z, ch), cv.CleanName(i),
                                  cv.node(i).output(0));
  cv.AddNodeAliases(idx, i);
}

Const FoldQuantizeLinear(Converter& cv, int i) {
  const Const& x = cv.C(i, 0, "x");
  const Qdq q = ReadQdq(cv, i, x.shape, false, 0);
  const std::vector<size_t> pi = ParamIndex(q, x.shape);
  Const c;
  c.shape = x.shape;
  c.v.resize(x.v.size());
  for (size_t k = 0; k < x.v.size(); ++k) {
    // float32 division (the scale's type), round half to even, saturate
    const float t = static_cast<float>(x.v[k]) / static_cast<float>(q.scale[pi[k]]);
    c.v[k] = std::clamp(std::nearbyint(static_cast<double>(t)) + q.zero_point[pi[k]], MinInt(q), MaxInt(q));
  }
  c.is_int = true;
  c.elem_type = q.elem;
  c.sources = x.sources;
  c.sources.insert(c.sources.end(), q.sources.begin(), q.sources.end());
  return c;
}

Const FoldDequantizeLinear(Converter& cv, int i) {
  const Const& x = cv.C(i, 0, "x");
  if (!x.is_int) cv.Fail(i, "input 'x' must be an integer tensor, got " + TypeName(x.elem_type));
  const Qdq q = ReadQdq(cv, i, x.shape, true, x.elem_type);
  const std::vector<size_t> pi = ParamIndex(q, x.shape);
  Const c;
  c.shape = x.shape;
  c.v.resize(x.v.size());
  for (size_t k = 0; k < x.v.size(); ++k) {
    if (x.v[k] < MinInt(q) || x.v[k] > MaxInt(q)) cv.Fail(i, "input 'x' value " + std::to_string(x.v[k]) + " out of range");
    c.v[k] = (x.v[k] - q.zero_point[pi[k]]) * q.scale[pi[k]];  // exact in double, one rounding to float32 below
  }
  RoundToElementType(c);
  c.elem_type = TP::FLOAT;
  // Exact type: x - zero_point lies in [qmin - max zp, qmax - min zp]; the
  // smallest integer format holding that range, at the scales' exponents.
  const auto [zlo, zhi] = std::minmax_element(q.zero_point.begin(), q.zero_point.end());
  const double lo = MinInt(q) - *zhi, hi = MaxInt(q) - *zlo;
  const bool is_signed = lo < 0;
  int b = 1;
  while (b < 64 && (is_signed ? (lo < -std::ldexp(1.0, b - 1) || hi > std::ldexp(1.0, b - 1) - 1) : hi > std::ldexp(1.0, b) - 1)) ++b;
  c.type = QuantExactType(q.scale, {0.0}, b, is_signed, false, "ROUND", false);
  c.sources = x.sources;
  c.sources.insert(c.sources.end(), q.sources.begin(), q.sources.end());
  return c;
}

}  // namespace hlsforge::frontends::onnx_detail
