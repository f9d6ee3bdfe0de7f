// Constant tensors of the ONNX frontend: decoding, broadcasting, QONNX
// quantizer formulas. Semantics: ONNX operator spec (numpy broadcasting) and
// QONNX docs/qonnx-custom-ops/{quant_op,bipolar_quant_op,trunc_op}.md.
#include "onnx_const.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "hlsforge/util/ndarray.h"

namespace hlsforge::frontends::onnx_detail {

int64_t NumElements(const std::vector<int64_t>& shape) {
  // an empty dimension makes the count 0 whatever the others are (they may
  // overflow when multiplied: fuzz find, dims [177106664448, 195665844182852, 0])
  for (int64_t d : shape)
    if (d == 0) return 0;
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      throw Error("shape " + ShapeStr(shape) + " does not give an element count (negative or above 2^63)");
  return n;
}

std::string ShapeStr(const std::vector<int64_t>& shape) { return ShapeToString(shape, ","); }

bool IsIntegerUpTo(double v, double limit) { return v >= -limit && v <= limit && v == std::floor(v); }

namespace {

template <typename T>
void ReadRaw(const std::string& raw, size_t n, std::vector<double>& out, const std::string& where) {
  if (raw.size() != n * sizeof(T))
    throw Error(where + ": raw_data has " + std::to_string(raw.size()) + " bytes, dims need " +
                std::to_string(n * sizeof(T)));
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    T x;
    std::memcpy(&x, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(x);
  }
}

template <typename Field>
void ReadField(const Field& f, size_t n, std::vector<double>& out, const std::string& where) {
  if (static_cast<size_t>(f.size()) != n)
    throw Error(where + ": has " + std::to_string(f.size()) + " values, dims need " + std::to_string(n));
  out.assign(f.begin(), f.end());
}

}  // namespace

std::string ElementTypeName(int t) {
  // onnx.proto TensorProto.DataType; 17..23 are newer than some installed headers
  static const char* const kNewer[] = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
                                       "UINT4",        "INT4",           "FLOAT4E2M1"};
  std::string n;
  if (onnx::TensorProto::DataType_IsValid(t))
    n = onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(t));
  else if (t >= 17 && t <= 23)
    n = kNewer[t - 17];
  return n.empty() ? std::to_string(t) : n + " (" + std::to_string(t) + ")";
}

Const DecodeTensor(const onnx::TensorProto& t, const std::string& where) {
  Const c;
  // Checked before any allocation: dims may declare any size, whatever data
  // the file holds (ReadRaw/ReadField then compare with the data present).
  constexpr int64_t kMaxElements = int64_t{1} << 31;
  int64_t count = 1;
  bool too_large = false;
  for (int64_t d : t.dims()) {
    if (d < 0) throw Error(where + ": negative dimension " + std::to_string(d));
    if (d > 0 && count > (int64_t{1} << 40) / d) too_large = true;
    else count *= d;
    c.shape.push_back(d);
  }
  for (int64_t d : c.shape) too_large = too_large && d != 0;
  if (too_large || count > kMaxElements)
    throw Error(where + ": dims " + ShapeStr(c.shape) + " declare " +
                (too_large ? std::string("more than 2^40") : std::to_string(count)) +
                " elements, more than the 2^31 supported for one constant");
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error(where + ": external tensor data is not supported");
  const int64_t n64 = NumElements(c.shape);
  const size_t n = static_cast<size_t>(n64);
  const bool raw = t.has_raw_data();
  const std::string& r = t.raw_data();
  using TP = onnx::TensorProto;
  switch (t.data_type()) {
    case TP::FLOAT:
      raw ? ReadRaw<float>(r, n, c.v, where) : ReadField(t.float_data(), n, c.v, where);
      break;
    case TP::DOUBLE:
      raw ? ReadRaw<double>(r, n, c.v, where) : ReadField(t.double_data(), n, c.v, where);
      break;
    case TP::INT64:
      c.is_int = true;
      raw ? ReadRaw<int64_t>(r, n, c.v, where) : ReadField(t.int64_data(), n, c.v, where);
      break;
    case TP::INT32:
      c.is_int = true;
      raw ? ReadRaw<int32_t>(r, n, c.v, where) : ReadField(t.int32_data(), n, c.v, where);
      break;
    case TP::INT16:
      c.is_int = true;
      raw ? ReadRaw<int16_t>(r, n, c.v, where) : ReadField(t.int32_data(), n, c.v, where);
      break;
    case TP::INT8:
      c.is_int = true;
      raw ? ReadRaw<int8_t>(r, n, c.v, where) : ReadField(t.int32_data(), n, c.v, where);
      break;
    case TP::UINT16:
      c.is_int = true;
      raw ? ReadRaw<uint16_t>(r, n, c.v, where) : ReadField(t.int32_data(), n, c.v, where);
      break;
    case TP::UINT8:
    case TP::BOOL:
      c.is_int = true;
      raw ? ReadRaw<uint8_t>(r, n, c.v, where) : ReadField(t.int32_data(), n, c.v, where);
      break;
    case TP::UINT32:
      c.is_int = true;
      raw ? ReadRaw<uint32_t>(r, n, c.v, where) : ReadField(t.uint64_data(), n, c.v, where);
      break;
    case TP::UINT64:
      c.is_int = true;
      raw ? ReadRaw<uint64_t>(r, n, c.v, where) : ReadField(t.uint64_data(), n, c.v, where);
      break;
    default:
      throw Error(where + ": unsupported tensor element type " + ElementTypeName(t.data_type()));
  }
  c.elem_type = t.data_type();
  for (double x : c.v)
    if (!std::isfinite(x)) throw Error(where + ": non-finite value in constant");
  return c;
}

std::vector<int64_t> BroadcastShape(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                    const std::string& where) {
  const size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error(where + ": shapes " + ShapeStr(a) + " and " + ShapeStr(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<double> BroadcastTo(const Const& c, const std::vector<int64_t>& shape,
                                const std::string& where) {
  if (BroadcastShape(c.shape, shape, where) != shape)
    throw Error(where + ": constant of shape " + ShapeStr(c.shape) + " does not broadcast to " +
                ShapeStr(shape));
  const size_t r = shape.size();
  const int64_t n = NumElements(shape);
  std::vector<double> out(static_cast<size_t>(n));
  // strides of c aligned to the right of `shape`, 0 on broadcast dims
  std::vector<int64_t> cstride(r, 0);
  int64_t s = 1;
  for (size_t k = 0; k < c.shape.size(); ++k) {
    const size_t ci = c.shape.size() - 1 - k, oi = r - 1 - k;
    cstride[oi] = c.shape[ci] == 1 ? 0 : s;
    s *= c.shape[ci];
  }
  std::vector<int64_t> idx(r, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (size_t k = 0; k < r; ++k) off += idx[k] * cstride[k];
    out[static_cast<size_t>(i)] = c.v[static_cast<size_t>(off)];
    for (size_t k = r; k-- > 0;) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

Const Binary(const Const& a, const Const& b, const std::function<double(double, double)>& fn,
             const std::string& where) {
  Const out;
  out.shape = BroadcastShape(a.shape, b.shape, where);
  const std::vector<double> va = BroadcastTo(a, out.shape, where);
  const std::vector<double> vb = BroadcastTo(b, out.shape, where);
  out.v.resize(va.size());
  for (size_t i = 0; i < va.size(); ++i) out.v[i] = fn(va[i], vb[i]);
  out.is_int = a.is_int && b.is_int;
  out.sources = a.sources;
  out.sources.insert(out.sources.end(), b.sources.begin(), b.sources.end());
  return out;
}

void RoundToElementType(Const& c) {
  if (c.is_int) return;
  for (double& x : c.v) x = static_cast<double>(static_cast<float>(x));
}

bool IsKnownRoundingMode(const std::string& m) {
  return m == "ROUND" || m == "CEIL" || m == "FLOOR" || m == "UP" || m == "DOWN" || m == "HALF_UP" ||
         m == "HALF_DOWN";
}

double QonnxRound(double x, const std::string& m) {
  if (!IsKnownRoundingMode(m) && m != "ROUND_TO_ZERO") throw Error("unknown rounding mode '" + m + "'");
  return ir::QonnxRound(x, m);
}

double QuantMinInt(bool is_signed, bool narrow, double bits) {
  if (!is_signed) return 0;
  return narrow ? -std::ldexp(1.0, static_cast<int>(bits) - 1) + 1 : -std::ldexp(1.0, static_cast<int>(bits) - 1);
}

double QuantMaxInt(bool is_signed, bool narrow, double bits) {
  const int b = static_cast<int>(bits);
  if (!is_signed) return narrow ? std::ldexp(1.0, b) - 2 : std::ldexp(1.0, b) - 1;
  return std::ldexp(1.0, b - 1) - 1;
}

double QuantValue(double x, double scale, double zp, double bits, bool is_signed, bool narrow,
                  const std::string& mode) {
  double y = x / scale + zp;
  y = std::clamp(y, QuantMinInt(is_signed, narrow, bits), QuantMaxInt(is_signed, narrow, bits));
  y = QonnxRound(y, mode);
  return (y - zp) * scale;
}

std::optional<int> PowerOfTwoExponent(double s) {
  if (!(s > 0) || !std::isfinite(s)) return std::nullopt;
  int e = 0;
  const double m = std::frexp(s, &e);  // s = m * 2^e, m in [0.5, 1)
  if (m != 0.5) return std::nullopt;
  return e - 1;
}

std::optional<FixedType> QuantExactType(const std::vector<double>& scales,
                                        const std::vector<double>& zero_points, double bits,
                                        bool is_signed, bool narrow, const std::string& mode,
                                        bool for_activation) {
  for (double z : zero_points)
    if (z != 0) return std::nullopt;
  if (bits < 1 || bits > 64 || bits != std::floor(bits)) return std::nullopt;
  if (scales.empty()) return std::nullopt;
  Quant q;
  if (mode == "ROUND") q = Quant::RND_CONV;
  else if (mode == "FLOOR") q = Quant::TRN;
  else if (mode == "DOWN") q = Quant::TRN_ZERO;
  else if (mode == "HALF_UP") q = Quant::RND_INF;
  else if (mode == "HALF_DOWN") q = Quant::RND_ZERO;
  else return std::nullopt;
  Overflow o;
  if (is_signed) o = narrow ? Overflow::SAT_SYM : Overflow::SAT;
  else if (!narrow) o = Overflow::SAT;
  else return std::nullopt;
  const int b = static_cast<int>(bits);
  int max_int = std::numeric_limits<int>::min(), max_frac = std::numeric_limits<int>::min();
  bool all_equal = true;
  for (double s : scales) {
    const auto e = PowerOfTwoExponent(s);
    if (!e) return std::nullopt;
    max_int = std::max(max_int, b + *e);
    max_frac = std::max(max_frac, -*e);
    if (s != scales.front()) all_equal = false;
  }
  if (!all_equal && for_activation) return std::nullopt;
  const int w = max_int + max_frac;
  if (w < 1 || w > 64) return std::nullopt;
  return FixedType(w, max_int, is_signed, q, o);
}

}  // namespace hlsforge::frontends::onnx_detail
