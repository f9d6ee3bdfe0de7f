// QKeras quantizers: parsing (string form as qkeras safe_eval reads it, or
// the serialized {"class_name", "config"} form) and their inference forward
// pass. Semantics from google/qkeras qkeras/quantizers.py (see the golden
// meta.json files for the commit):
//  quantized_bits(bits, integer, symmetric, keep_negative, alpha):
//    m = 2^(bits - keep_negative), m_i = 2^integer,
//    xq = alpha * m_i * clip(round(x*m/m_i), keep_negative*(-m+symmetric), m-1) / m
//    (round = tf.round, half to even); bits - keep_negative == 0: sign, 0 -> +1.
//  quantized_relu(bits, integer): xq = m_i * clip(round(x*m/m_i)/m, 0, 1-1/m),
//    m = 2^bits (use_sigmoid = 0 only). With negative_slope s (a power of
//    two): m = 2^(bits-1) and xq adds m_i*s*clip(round(x*m*s/m_i)/(s*m), -1, 0)
//    for the negative side (an activation only).
//  binary(use_01, alpha): sign(x) with 0 -> +1, times alpha ({0,1} if use_01).
//  ternary(alpha, threshold): alpha * sign(x) where |x| >= threshold (0.33 by
//    default), else 0.
//  quantized_po2(bits, max_value): sign(x) (0 -> +1) * 2^clip(round(log2|x|),
//    min_exp, max_exp); |x| < 1e-7 gives 2^min_exp.
//  quantized_relu_po2(bits, max_value): 2^clip(round(log2 relu(x)), ...).
//  quantized_tanh(bits, use_stochastic_rounding, symmetric, use_real_tanh):
//    m = 2^(bits-1), clip(round(m * (2 hard_sigmoid(x) - 1)) / m,
//    -1 + symmetric/m, 1 - 1/m), hard_sigmoid(x) = clip(x/2 + 1/2, 0, 1)
//    (QKeras' default internal sigmoid) = quantized_bits(bits, 0, symmetric).
//  quantized_sigmoid(bits, symmetric, use_real_sigmoid, ...): m = 2^bits,
//    clip(round(m * hard_sigmoid(x)) / m, symmetric/m, 1 - 1/m); for bits >= 2
//    this is 1/2 + quantized_tanh(bits, symmetric)(x) / 2 exactly (m/2 is
//    even, so round(t + m/2) = round(t) + m/2 under half-to-even rounding).
//  alpha='auto' / 'auto_po2' on quantized_bits (QKeras turns alpha=None on a
//    layer's kernel into 'auto_po2'): per output channel (the last axis)
//    x' = x / m_i, levels = 2^bits - 1, scale = (max x' - min x') / levels
//    (rounded to 2^round(log2(scale + eps)) for 'auto_po2'), then 5 times:
//    z = sign(x') min(floor(|x'| / scale + 1/2), (levels-1)/2),
//    scale = 2^round(log2(mean(x' z) / (mean(z z) + eps) + eps)); the
//    quantized weight is (scale m) (m_i z / m), eps = 1e-7 (K.epsilon()).
// With qnoise_factor = 1 the straight-through forms x + (xq - x) equal xq.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "keras_internal.h"

namespace hlsforge::frontends::keras {

using nlohmann::json;

namespace {

const std::map<std::string, std::vector<std::pair<std::string, json>>>& Signatures() {
  static const std::map<std::string, std::vector<std::pair<std::string, json>>> sigs = {
      {"quantized_bits",
       {{"bits", 8}, {"integer", 0}, {"symmetric", 0}, {"keep_negative", true}, {"alpha", nullptr},
        {"use_stochastic_rounding", false}, {"scale_axis", nullptr}, {"qnoise_factor", 1.0}}},
      {"quantized_relu",
       {{"bits", 8}, {"integer", 0}, {"use_sigmoid", 0}, {"negative_slope", 0.0},
        {"use_stochastic_rounding", false}, {"relu_upper_bound", nullptr}, {"is_quantized_clip", true},
        {"qnoise_factor", 1.0}}},
      {"binary", {{"use_01", false}, {"alpha", nullptr}, {"use_stochastic_rounding", false}}},
      {"ternary",
       {{"alpha", nullptr}, {"threshold", nullptr}, {"use_stochastic_rounding", false}, {"number_of_unrolls", 5}}},
      {"quantized_po2",
       {{"bits", 8}, {"max_value", nullptr}, {"use_stochastic_rounding", false},
        {"quadratic_approximation", false}, {"log2_rounding", "rnd"}, {"qnoise_factor", 1.0}}},
      {"quantized_tanh",
       {{"bits", 8}, {"use_stochastic_rounding", false}, {"symmetric", false}, {"use_real_tanh", false}}},
      {"quantized_sigmoid",
       {{"bits", 8}, {"symmetric", false}, {"use_real_sigmoid", false}, {"use_stochastic_rounding", false}}},
      {"quantized_relu_po2",
       {{"bits", 8}, {"max_value", nullptr}, {"negative_slope", 0.0}, {"use_stochastic_rounding", false},
        {"quadratic_approximation", false}, {"log2_rounding", "rnd"}, {"qnoise_factor", 1.0}}},
  };
  return sigs;
}

/// Tokenizer/parser for "name(arg, key=value, ...)" with Python literals.
class ArgParser {
 public:
  ArgParser(const std::string& s, const std::string& where) : s_(s), where_(where) {}

  void Parse(std::string& name, std::vector<json>& pos, std::map<std::string, json>& kw) {
    Skip();
    name = Ident();
    if (name.empty()) Fail("expected a quantizer name");
    Skip();
    if (p_ == s_.size()) return;  // bare name: all defaults
    Expect('(');
    Skip();
    if (Peek() == ')') { ++p_; End(); return; }
    while (true) {
      Skip();
      size_t save = p_;
      std::string id = Ident();
      Skip();
      if (!id.empty() && Peek() == '=' ) {
        ++p_;
        kw[id] = Value();
      } else {
        p_ = save;
        if (!kw.empty()) Fail("positional argument after keyword argument");
        pos.push_back(Value());
      }
      Skip();
      if (Peek() == ',') { ++p_; Skip(); if (Peek() == ')') { ++p_; break; } continue; }
      Expect(')');
      break;
    }
    End();
  }

 private:
  [[noreturn]] void Fail(const std::string& msg) const {
    throw Error(where_ + ": cannot parse quantizer '" + s_ + "': " + msg);
  }
  char Peek() const { return p_ < s_.size() ? s_[p_] : '\0'; }
  void Skip() { while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_; }
  void Expect(char c) {
    Skip();
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++p_;
  }
  void End() { Skip(); if (p_ != s_.size()) Fail("trailing text"); }
  std::string Ident() {
    size_t b = p_;
    while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_' || s_[p_] == '.')) ++p_;
    std::string id = s_.substr(b, p_ - b);
    if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0]))) { p_ = b; return ""; }
    return id;
  }
  json Value() {
    Skip();
    char c = Peek();
    if (c == '\'' || c == '"') {
      size_t e = s_.find(c, p_ + 1);
      if (e == std::string::npos) Fail("unterminated string");
      std::string v = s_.substr(p_ + 1, e - p_ - 1);
      p_ = e + 1;
      return v;
    }
    size_t b = p_;
    while (p_ < s_.size() && s_[p_] != ',' && s_[p_] != ')') ++p_;
    std::string tok = s_.substr(b, p_ - b);
    while (!tok.empty() && std::isspace(static_cast<unsigned char>(tok.back()))) tok.pop_back();
    if (tok == "True") return true;
    if (tok == "False") return false;
    if (tok == "None") return nullptr;
    if (tok.empty()) Fail("empty argument");
    try {
      size_t used = 0;
      if (tok.find_first_of(".eE") == std::string::npos) {
        long long v = std::stoll(tok, &used);
        if (used == tok.size()) return v;
      }
      double d = std::stod(tok, &used);
      if (used == tok.size()) return d;
    } catch (const std::exception&) {
    }
    Fail("bad value '" + tok + "'");
  }

  const std::string& s_;
  std::string where_;
  size_t p_ = 0;
};

double Num(const Quantizer& q, const std::string& key, const std::string& where) {
  const json& v = q.cfg.at(key);
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (!v.is_number()) throw Error(where + ": quantizer " + q.text + ": '" + key + "' must be a number");
  return v.get<double>();
}

bool Flag(const Quantizer& q, const std::string& key, const std::string& where) {
  const json& v = q.cfg.at(key);
  if (v.is_null()) return false;
  return Num(q, key, where) != 0.0;
}

/// alpha as a number (None -> 1); 'auto' / 'auto_po2' (QuantizeWeightsAutoPo2
/// handles them on quantized_bits kernels) and arrays are rejected here.
double Alpha(const Quantizer& q, const std::string& where) {
  const json& a = q.cfg.at("alpha");
  if (a.is_null()) return 1.0;
  if (a.is_string())
    throw Error(where + ": quantizer " + q.text + ": alpha='" + a.get<std::string>() + "' unsupported");
  if (!a.is_number()) throw Error(where + ": quantizer " + q.text + ": alpha must be a number");
  return a.get<double>();
}

/// log2(a) if a is a power of two, else nullopt.
std::optional<int> Log2Exact(double a) {
  if (!(a > 0) || !std::isfinite(a)) return std::nullopt;
  int e;
  double m = std::frexp(a, &e);
  if (m != 0.5) return std::nullopt;
  return e - 1;
}

void CheckCommon(const Quantizer& q, const std::string& where) {
  if (q.cfg.contains("qnoise_factor") && Num(q, "qnoise_factor", where) != 1.0)
    throw Error(where + ": quantizer " + q.text + ": qnoise_factor != 1 unsupported");
}

struct Po2Range {
  int min_exp, max_exp;
  bool quadratic;
  std::optional<double> max_value;
};

Po2Range PoRange(const Quantizer& q, bool relu, const std::string& where) {
  Po2Range r;
  int bits = static_cast<int>(Num(q, "bits", where));
  const json& mv = q.cfg.at("max_value");
  if (!mv.is_null()) r.max_value = Num(q, "max_value", where);
  int need_sign = 1;
  if (r.max_value) need_sign = *r.max_value > 1 ? 1 : 0;
  int eff = relu ? bits - need_sign : (bits - 1) - need_sign;
  if (eff < 0 || eff > 5) throw Error(where + ": quantizer " + q.text + ": unsupported bits");
  r.min_exp = -(1 << eff);
  r.max_exp = (1 << eff) - 1;
  r.quadratic = Flag(q, "quadratic_approximation", where);
  if (r.quadratic) r.max_exp = 2 * (r.max_exp / 2);
  const json& lr = q.cfg.at("log2_rounding");
  if (!lr.is_string() || lr.get<std::string>() != "rnd")
    throw Error(where + ": quantizer " + q.text + ": log2_rounding other than 'rnd' unsupported");
  return r;
}

/// QKeras _clip_power_of_two for one non-negative value: the exponent.
double ClipPo2(double x_abs, const Po2Range& r) {
  const double eps = 1e-7;  // K.epsilon()
  if (x_abs < eps) return r.min_exp;
  double xf = x_abs;
  if (r.max_value && xf >= *r.max_value) xf = *r.max_value;
  double qf = 1.0;
  if (r.quadratic) { qf = 2.0; xf = std::sqrt(xf); }
  double l = std::nearbyint(std::log(xf) / std::log(2.0));
  return qf * std::clamp(l, static_cast<double>(r.min_exp), static_cast<double>(r.max_exp));
}

}  // namespace

bool IsQuantizerSpec(const json& v) {
  std::string name;
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    size_t e = s.find('(');
    name = s.substr(0, e);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    if (e == std::string::npos) return Signatures().count(name) > 0;
    return true;  // any call syntax is a quantizer (unknown ones are rejected when parsed)
  }
  if (v.is_object() && v.contains("class_name") && v["class_name"].is_string()) {
    name = v["class_name"].get<std::string>();
    return name.rfind("quantized_", 0) == 0 || Signatures().count(name) > 0 ||
           name.find("binary") != std::string::npos || name.find("ternary") != std::string::npos ||
           name == "bernoulli";
  }
  return false;
}

Quantizer ParseQuantizer(const json& v, const std::string& where) {
  Quantizer q;
  std::vector<json> pos;
  std::map<std::string, json> kw;
  if (v.is_string()) {
    q.text = v.get<std::string>();
    ArgParser(q.text, where).Parse(q.cls, pos, kw);
  } else if (v.is_object() && v.contains("class_name")) {
    q.cls = v["class_name"].get<std::string>();
    if (v.contains("config") && v["config"].is_object())
      for (auto it = v["config"].begin(); it != v["config"].end(); ++it) kw[it.key()] = it.value();
    q.text = q.cls + "(...)";
  } else {
    throw Error(where + ": quantizer: expected a string or {class_name, config}, got " + v.dump());
  }
  auto sig = Signatures().find(q.cls);
  if (sig == Signatures().end()) throw Error(where + ": unsupported QKeras quantizer '" + q.cls + "'");
  if (pos.size() > sig->second.size()) throw Error(where + ": quantizer " + q.text + ": too many arguments");
  q.cfg = json::object();
  for (size_t i = 0; i < sig->second.size(); ++i) {
    const auto& [name, def] = sig->second[i];
    q.cfg[name] = i < pos.size() ? pos[i] : def;
  }
  for (auto& [k, val] : kw) {
    if (k == "post_training_scale" || k == "var_name" || k == "use_ste" || k == "use_variables") continue;
    q.cfg[k] = val;  // unknown keywords are kept (ignored unless checked)
  }
  if (v.is_object()) {
    std::string args;
    for (auto& [name, def] : sig->second) {
      (void)def;
      if (!args.empty()) args += ",";
      args += name + "=" + q.cfg[name].dump();
    }
    q.text = q.cls + "(" + args + ")";
  }
  return q;
}

void QuantizeWeights(const Quantizer& q, std::vector<double>& values, std::optional<FixedType>& type,
                     const std::string& where) {
  CheckCommon(q, where);
  type.reset();
  if (q.cls == "quantized_tanh" || q.cls == "quantized_sigmoid")
    throw Error(where + ": quantizer " + q.text + " on weights unsupported");
  if (q.cls == "quantized_bits") {
    int bits = static_cast<int>(Num(q, "bits", where));
    double integer = Num(q, "integer", where);
    bool keep_negative = Flag(q, "keep_negative", where);
    bool symmetric = Flag(q, "symmetric", where);
    double alpha = Alpha(q, where);
    int unsigned_bits = bits - (keep_negative ? 1 : 0);
    if (bits < 1) throw Error(where + ": quantizer " + q.text + ": bits must be >= 1");
    if (unsigned_bits > 0) {
      double m = std::ldexp(1.0, unsigned_bits), mi = std::exp2(integer);
      double lo = keep_negative ? -m + (symmetric ? 1 : 0) : 0.0, hi = m - 1;
      for (double& x : values) x = alpha * (mi * std::clamp(std::nearbyint(x * m / mi), lo, hi) / m);
      if (auto k = Log2Exact(alpha); k && integer == std::floor(integer)) {
        int I = static_cast<int>(integer) + (keep_negative ? 1 : 0) + *k;
        type = FixedType(bits, I, keep_negative, Quant::RND_CONV, symmetric ? Overflow::SAT_SYM : Overflow::SAT);
      }
    } else {
      for (double& x : values) x = alpha * (x >= 0 ? 1.0 : -1.0);
      if (auto k = Log2Exact(alpha)) type = FixedType(2, 2 + *k, true);
    }
    return;
  }
  if (q.cls == "quantized_relu") {
    if (Flag(q, "use_sigmoid", where) || Num(q, "negative_slope", where) != 0.0)
      throw Error(where + ": quantizer " + q.text + ": use_sigmoid / negative_slope unsupported");
    int bits = static_cast<int>(Num(q, "bits", where));
    double integer = Num(q, "integer", where);
    double m = std::ldexp(1.0, bits), mi = std::exp2(integer);
    for (double& x : values) x = mi * std::clamp(std::nearbyint(x * m / mi) / m, 0.0, 1.0 - 1.0 / m);
    if (integer == std::floor(integer))
      type = FixedType(bits, static_cast<int>(integer), false, Quant::RND_CONV, Overflow::SAT);
    return;
  }
  if (q.cls == "binary") {
    double alpha = Alpha(q, where);
    bool use01 = Flag(q, "use_01", where);
    for (double& x : values) {
      double s = x >= 0 ? 1.0 : -1.0;
      x = alpha * (use01 ? (s + 1) / 2 : s);
    }
    if (auto k = Log2Exact(alpha)) type = use01 ? FixedType(1, 1 + *k, false) : FixedType(2, 2 + *k, true);
    return;
  }
  if (q.cls == "ternary") {
    double alpha = Alpha(q, where);
    const json& th = q.cfg.at("threshold");
    double t = th.is_null() ? 0.33 : Num(q, "threshold", where);
    for (double& x : values) x = alpha * (std::fabs(x) >= t ? (x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0)) : 0.0);
    if (auto k = Log2Exact(alpha)) type = FixedType(2, 2 + *k, true);
    return;
  }
  if (q.cls == "quantized_po2") {
    Po2Range r = PoRange(q, false, where);
    for (double& x : values) {
      double s = x < 0 ? -1.0 : 1.0;
      x = s * std::exp2(ClipPo2(std::fabs(x), r));
    }
    int w = r.max_exp - r.min_exp + 2;
    if (w <= 64) type = FixedType(w, r.max_exp + 2, true);
    return;
  }
  if (q.cls == "quantized_relu_po2") {
    if (Num(q, "negative_slope", where) != 0.0)
      throw Error(where + ": quantizer " + q.text + ": negative_slope unsupported");
    Po2Range r = PoRange(q, true, where);
    for (double& x : values) x = std::exp2(ClipPo2(std::max(x, 0.0), r));
    int w = r.max_exp - r.min_exp + 1;
    if (w <= 64) type = FixedType(w, r.max_exp + 1, false);
    return;
  }
  throw Error(where + ": unsupported QKeras quantizer '" + q.cls + "'");
}

bool IsAutoScale(const Quantizer& q, bool layer_kernel) {
  if (q.cls != "quantized_bits") return false;
  const json& a = q.cfg.at("alpha");
  if (a.is_null()) return layer_kernel;
  return a.is_string() && (a.get<std::string>() == "auto" || a.get<std::string>() == "auto_po2");
}

std::vector<double> QuantizeWeightsAutoPo2(const Quantizer& q, const std::vector<int64_t>& shape,
                                           std::vector<double>& values, std::optional<FixedType>& type,
                                           const std::string& where) {
  CheckCommon(q, where);
  const int bits = static_cast<int>(Num(q, "bits", where));
  const double integer = Num(q, "integer", where);
  if (!Flag(q, "keep_negative", where))
    throw Error(where + ": quantizer " + q.text + ": alpha='auto_po2' with keep_negative=False unsupported");
  if (bits < 2) throw Error(where + ": quantizer " + q.text + ": alpha='auto_po2' needs bits >= 2");
  if (integer != std::floor(integer)) throw Error(where + ": quantizer " + q.text + ": integer must be whole");
  if (!q.cfg.at("scale_axis").is_null())
    throw Error(where + ": quantizer " + q.text + ": scale_axis other than the last axis unsupported");
  if (shape.size() < 2 || shape.back() <= 0)
    throw Error(where + ": quantizer " + q.text + ": alpha='auto_po2' needs a weight of rank >= 2");
  const bool po2_start = q.cfg.at("alpha").is_null() || q.cfg.at("alpha").get<std::string>() == "auto_po2";
  const size_t C = static_cast<size_t>(shape.back()), rows = values.size() / C;
  const double eps = 1e-7, m = std::ldexp(1.0, bits - 1), mi = std::exp2(integer);
  const double levels = std::ldexp(1.0, bits) - 1, zmax = (levels - 1) / 2;
  auto po2 = [&](double s) { return std::exp2(std::nearbyint(std::log(s + eps) / std::log(2.0))); };
  std::vector<double> channel_scale(C);
  std::vector<double> x(rows), z(rows);
  for (size_t c = 0; c < C; ++c) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (size_t r = 0; r < rows; ++r) {
      x[r] = values[r * C + c] / mi;
      lo = std::min(lo, x[r]);
      hi = std::max(hi, x[r]);
    }
    double scale = (hi - lo) / levels;
    if (po2_start) scale = po2(scale);
    for (int it = 0; it < 5; ++it) {
      double qx = 0, qq = 0;
      for (size_t r = 0; r < rows; ++r) {
        const double v = std::floor(std::fabs(x[r]) / scale + 0.5);
        const double sg = x[r] > 0 ? 1.0 : (x[r] < 0 ? -1.0 : 0.0);
        z[r] = sg * std::min(v, zmax);
        qx += x[r] * z[r];
        qq += z[r] * z[r];
      }
      scale = po2((qx / rows) / (qq / rows + eps));
    }
    for (size_t r = 0; r < rows; ++r) values[r * C + c] = mi * z[r] / m;
    channel_scale[c] = scale * m;
  }
  type = FixedType(bits, static_cast<int>(integer) + 1, true, Quant::RND_CONV, Overflow::SAT_SYM);
  return channel_scale;
}

void ActivationQuant(const Quantizer& q, ir::QuantParams& qp, FixedType& result_type, const std::string& where,
                     bool* half_affine) {
  CheckCommon(q, where);
  if (half_affine) *half_affine = false;
  if (q.cls == "quantized_tanh" || q.cls == "quantized_sigmoid") {
    const bool sig = q.cls == "quantized_sigmoid";
    if (Flag(q, sig ? "use_real_sigmoid" : "use_real_tanh", where))
      throw Error(where + ": quantizer " + q.text + ": " + (sig ? "use_real_sigmoid" : "use_real_tanh") +
                  "=True unsupported (the hard form only)");
    const int bits = static_cast<int>(Num(q, "bits", where));
    if (bits < (sig ? 2 : 1)) throw Error(where + ": quantizer " + q.text + ": bits too small");
    if (sig && !half_affine) throw Error(where + ": quantizer " + q.text + ": unsupported here");
    Quantizer t;
    t.cls = "quantized_bits";
    t.text = q.text;
    t.cfg = {{"bits", bits}, {"integer", 0}, {"symmetric", Flag(q, "symmetric", where)}, {"keep_negative", true},
             {"alpha", nullptr}, {"qnoise_factor", 1.0}};
    ActivationQuant(t, qp, result_type, where, nullptr);
    if (sig) *half_affine = true;
    return;
  }
  qp = ir::QuantParams{};
  qp.rounding_mode = "ROUND";  // tf.round: half to even
  if (q.cls == "quantized_bits") {
    int bits = static_cast<int>(Num(q, "bits", where));
    double integer = Num(q, "integer", where);
    if (integer != std::floor(integer)) throw Error(where + ": quantizer " + q.text + ": integer must be whole");
    bool keep_negative = Flag(q, "keep_negative", where);
    bool symmetric = Flag(q, "symmetric", where);
    double alpha = Alpha(q, where);
    if (alpha != 1.0)
      throw Error(where + ": quantizer " + q.text + ": alpha != 1 on an activation unsupported");
    int unsigned_bits = bits - (keep_negative ? 1 : 0);
    if (unsigned_bits <= 0) {  // 1-bit signed: sign, 0 -> +1
      qp.bipolar = true;
      qp.scale = {1.0};
      qp.bit_width = 1;
      result_type = FixedType(2, 2, true, Quant::RND_CONV, Overflow::SAT);
      return;
    }
    // xq = s * clamp(round(x/s), lo, hi) with s = m_i/m = 2^(integer - unsigned_bits)
    qp.scale = {std::exp2(integer - unsigned_bits)};
    qp.zero_point = {0.0};
    qp.bit_width = bits;
    qp.is_signed = keep_negative;
    qp.narrow = keep_negative && symmetric;
    result_type = FixedType(bits, static_cast<int>(integer) + (keep_negative ? 1 : 0), keep_negative,
                            Quant::RND_CONV, qp.narrow ? Overflow::SAT_SYM : Overflow::SAT);
    return;
  }
  if (q.cls == "quantized_relu") {
    if (Flag(q, "use_sigmoid", where))
      throw Error(where + ": quantizer " + q.text + ": use_sigmoid unsupported");
    if (!q.cfg.at("relu_upper_bound").is_null() && !Flag(q, "is_quantized_clip", where))
      throw Error(where + ": quantizer " + q.text + ": relu_upper_bound without is_quantized_clip unsupported");
    int bits = static_cast<int>(Num(q, "bits", where));
    double integer = Num(q, "integer", where);
    if (integer != std::floor(integer)) throw Error(where + ": quantizer " + q.text + ": integer must be whole");
    if (const double slope = Num(q, "negative_slope", where); slope != 0.0) {
      // non_sign_bits = bits - 1, m = 2^(bits-1), s_pos = 2^(integer-bits+1):
      // xq = s_pos*clip(round(x/s_pos), 0, m-1) + s_pos*clip(round(slope*x/s_pos), -slope*m, 0)
      // = s_pos * clamp(round(leaky_relu(x, slope)/s_pos), -slope*m, m-1)
      qp.scale = {std::exp2(integer - (bits - 1))};
      qp.zero_point = {0.0};
      qp.bit_width = bits;
      qp.is_signed = true;
      qp.narrow = false;
      qp.negative_slope = slope;
      int k = 0;
      if (bits < 2 || !ir::NegativeSlopeShift(qp, k))
        throw Error(where + ": quantizer " + q.text + ": negative_slope must be a power of two in [2^-(bits-1), 1] "
                    "(QKeras requires a power of two; a smaller one leaves the negative side off the output grid)");
      result_type = FixedType(bits, static_cast<int>(integer) + 1, true, Quant::RND_CONV, Overflow::SAT);
      return;
    }
    // xq = m_i * clip(round(x*m/m_i)/m, 0, 1-1/m) = s * clamp(round(x/s), 0, 2^bits-1), s = 2^(integer-bits)
    qp.scale = {std::exp2(integer - bits)};
    qp.zero_point = {0.0};
    qp.bit_width = bits;
    qp.is_signed = false;
    qp.narrow = false;
    result_type = FixedType(bits, static_cast<int>(integer), false, Quant::RND_CONV, Overflow::SAT);
    return;
  }
  if (q.cls == "binary") {
    double alpha = Alpha(q, where);
    if (Flag(q, "use_01", where)) throw Error(where + ": quantizer " + q.text + ": use_01 unsupported on activations");
    auto k = Log2Exact(alpha);
    if (!k) throw Error(where + ": quantizer " + q.text + ": alpha must be a power of two");
    qp.bipolar = true;  // x >= 0 -> +alpha, else -alpha (QONNX BipolarQuant)
    qp.scale = {alpha};
    qp.bit_width = 1;
    result_type = FixedType(2, 2 + *k, true, Quant::RND_CONV, Overflow::SAT);
    return;
  }
  throw Error(where + ": QKeras quantizer '" + q.cls + "' on an activation unsupported (supported: quantized_bits, "
              "quantized_relu, quantized_tanh, quantized_sigmoid, binary)");
}

}  // namespace hlsforge::frontends::keras
