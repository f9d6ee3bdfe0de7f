// FixedType: run-time typed face of fixed_core.h (see fixed_type.h).
#include "hlsforge/fixed/fixed_type.h"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace hlsforge {
namespace {

constexpr const char* kQuantNames[] = {"TRN",     "TRN_ZERO",    "RND",      "RND_ZERO",
                                       "RND_INF", "RND_MIN_INF", "RND_CONV", "RND_CONV_ODD"};
constexpr const char* kOverflowNames[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};
constexpr int kQuantCount = 8, kOverflowCount = 4;

const char* FamilyName(Family f) { return f == Family::AC ? "AC" : "AP"; }
const char* ModePrefix(Family f) { return f == Family::AC ? "AC_" : "AP_"; }

// Appended, not `"\"" + std::string(text)`: GCC 12 at -O2 warns falsely
// (-Wrestrict) on a literal prepended to a string temporary.
std::string Quoted(std::string_view text) { return std::string(1, '"').append(text).append(1, '"'); }

void CheckWidth(int width, const char* what) {
  if (width < 1 || width > 64)
    throw Error(std::string(what) + ": width " + std::to_string(width) + " is outside 1..64");
}

// RND_CONV_ODD is an AC-only mode (fixed_core.h, family difference 2).
bool ModeInFamily(Quant q, Family f) { return q != Quant::RND_CONV_ODD || f == Family::AC; }

void CheckModeInFamily(Quant q, Family f, const char* what) {
  if (!ModeInFamily(q, f))
    throw Error(std::string(what) + ": quantization mode RND_CONV_ODD exists only for AC types (ac_fixed)");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A mode name with an optional AP_ / AC_ prefix: the bare name, or "" when the
// prefix is of the other family.
std::string_view ModeName(std::string_view s, Family family) {
  if (s.size() > 3 && (s.substr(0, 3) == "AP_" || s.substr(0, 3) == "AC_")) {
    if (s.substr(0, 3) != ModePrefix(family)) return {};
    s.remove_prefix(3);
  }
  return s;
}

bool ParseQuant(std::string_view s, Family family, Quant* q) {
  const std::string_view n = ModeName(s, family);
  for (int k = 0; k < kQuantCount; ++k)
    if (n == kQuantNames[k]) { *q = static_cast<Quant>(k); return true; }
  return false;
}

bool ParseOverflow(std::string_view s, Family family, Overflow* o) {
  const std::string_view n = ModeName(s, family);
  for (int k = 0; k < kOverflowCount; ++k)
    if (n == kOverflowNames[k]) { *o = static_cast<Overflow>(k); return true; }
  return false;
}

// ac_fixed / ac_int signedness argument.
bool ParseBool(std::string_view s, bool* b) {
  if (s == "true" || s == "1") { *b = true; return true; }
  if (s == "false" || s == "0") { *b = false; return true; }
  return false;
}

// A decimal integer with optional sign; false if malformed or too long.
bool ParseInt(std::string_view s, int* out) {
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = neg ? -v : v;
  return true;
}

}  // namespace

FixedType::FixedType(int width, int integer, bool is_signed, Quant q, Overflow o, Family family)
    : w_(width), i_(integer), s_(is_signed), q_(q), o_(o), is_int_(false), family_(family) {
  CheckWidth(width, "fixed-point type");
  CheckModeInFamily(q, family, "fixed-point type");
}

FixedType FixedType::Int(int width, bool is_signed, Family family) {
  CheckWidth(width, "integer type");
  FixedType t(width, width, is_signed, Quant::TRN, Overflow::WRAP, family);
  t.is_int_ = true;
  return t;
}

StatusOr<FixedType> FixedType::Parse(std::string_view text, Family config_family) {
  const std::string prefix = "precision " + Quoted(text) + ": ";
  const std::string_view s = Trim(text);
  const size_t lt = s.find('<');
  if (lt == std::string_view::npos || s.back() != '>')
    return Status::Fail(prefix + "malformed, expected e.g. ap_fixed<16,6>, ac_fixed<16,6,true> or ap_int<8>");
  const std::string_view name = Trim(s.substr(0, lt));
  bool is_int = false, is_signed = true;
  Family family = config_family;
  // ac_fixed<W,I,S,Q,O> / ac_int<W,S>: the signedness is an argument.
  bool sign_arg = false;
  if (name == "ap_fixed" || name == "fixed") { is_int = false; is_signed = true; }
  else if (name == "ap_ufixed" || name == "ufixed") { is_int = false; is_signed = false; }
  else if (name == "ap_int" || name == "int") { is_int = true; is_signed = true; }
  else if (name == "ap_uint" || name == "uint") { is_int = true; is_signed = false; }
  else if (name == "ac_fixed") { is_int = false; sign_arg = true; }
  else if (name == "ac_int") { is_int = true; sign_arg = true; }
  else
    return Status::Fail(prefix + "unknown type name " + Quoted(name) +
                        " (expected ap_fixed, ap_ufixed, ap_int, ap_uint, ac_fixed, ac_int, fixed, "
                        "ufixed, int or uint)");
  if (name.substr(0, 3) == "ap_") family = Family::AP;
  if (name.substr(0, 3) == "ac_") family = Family::AC;

  std::vector<std::string_view> args;
  std::string_view body = s.substr(lt + 1, s.size() - lt - 2);
  for (;;) {
    const size_t comma = body.find(',');
    args.push_back(Trim(body.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  for (std::string_view a : args)
    if (a.empty() || a.find_first_of("<>") != std::string_view::npos)
      return Status::Fail(prefix + "malformed argument list");

  int width = 0;
  if (!ParseInt(args[0], &width))
    return Status::Fail(prefix + "width " + Quoted(args[0]) + " is not an integer");
  if (width < 1 || width > 64)
    return Status::Fail(prefix + "width " + std::to_string(width) + " is outside 1..64");

  if (is_int) {
    if (sign_arg) {
      if (args.size() > 2)
        return Status::Fail(prefix + "ac_int takes one or two arguments <W,S>");
      if (args.size() == 2 && !ParseBool(args[1], &is_signed))
        return Status::Fail(prefix + "signedness " + Quoted(args[1]) + " is not true or false");
    } else if (args.size() != 1) {
      return Status::Fail(prefix + "an integer type takes exactly one argument (the width)");
    }
    return FixedType::Int(width, is_signed, family);
  }
  // Position of Q in the argument list: ac_fixed<W,I,S,Q,O>, else <W,I,Q,O,N>.
  const size_t qa = sign_arg ? 3 : 2;
  if (args.size() < 2 || args.size() > 5)
    return Status::Fail(prefix + (sign_arg ? "ac_fixed takes 2 to 5 arguments <W,I,S,Q,O>"
                                           : "a fixed-point type takes 2 to 5 arguments <W,I,Q,O,N>"));
  int integer = 0;
  if (!ParseInt(args[1], &integer))
    return Status::Fail(prefix + "integer bits " + Quoted(args[1]) + " is not an integer");
  if (sign_arg && args.size() > 2 && !ParseBool(args[2], &is_signed))
    return Status::Fail(prefix + "signedness " + Quoted(args[2]) + " is not true or false");
  Quant q = Quant::TRN;
  Overflow o = Overflow::WRAP;
  if (args.size() > qa && !ParseQuant(args[qa], family, &q))
    return Status::Fail(prefix + "unknown quantization mode " + Quoted(args[qa]) + " for " +
                        FamilyName(family) + " types");
  if (args.size() > qa + 1 && !ParseOverflow(args[qa + 1], family, &o))
    return Status::Fail(prefix + "unknown overflow mode " + Quoted(args[qa + 1]) + " for " +
                        FamilyName(family) + " types");
  if (!sign_arg && args.size() > 4) {
    int n = 0;
    if (!ParseInt(args[4], &n))
      return Status::Fail(prefix + "saturation bits " + Quoted(args[4]) + " is not an integer");
    if (n != 0)
      return Status::Fail(prefix + "saturation bits " + std::to_string(n) +
                          " are not supported (must be 0)");
  }
  if (!ModeInFamily(q, family))
    return Status::Fail(prefix + "quantization mode RND_CONV_ODD exists only for AC types (ac_fixed)");
  return FixedType(width, integer, is_signed, q, o, family);
}

FixedType FixedType::with_modes(Quant q, Overflow o) const {
  CheckModeInFamily(q, family_, ToString().c_str());
  FixedType t = *this;
  t.q_ = q;
  t.o_ = o;
  t.is_int_ = is_int_ && q == Quant::TRN && o == Overflow::WRAP;
  return t;
}

FixedType FixedType::WithFamily(Family family) const {
  CheckModeInFamily(q_, family, ToString().c_str());
  FixedType t = *this;
  t.family_ = family;
  return t;
}

std::string FixedType::ToString() const {
  const std::string wi = std::to_string(w_) + "," + std::to_string(i_);
  if (family_ == Family::AC) {
    const char* sign = s_ ? "true" : "false";
    if (is_int_) return "ac_int<" + std::to_string(w_) + "," + sign + ">";
    std::string r = "ac_fixed<" + wi + "," + sign;
    if (q_ != Quant::TRN || o_ != Overflow::WRAP) {
      r += std::string(",AC_") + kQuantNames[static_cast<int>(q_)];
      if (o_ != Overflow::WRAP) r += std::string(",AC_") + kOverflowNames[static_cast<int>(o_)];
    }
    return r + ">";
  }
  if (is_int_) return std::string(s_ ? "ap_int<" : "ap_uint<") + std::to_string(w_) + ">";
  std::string r = std::string(s_ ? "ap_fixed<" : "ap_ufixed<") + wi;
  if (q_ != Quant::TRN || o_ != Overflow::WRAP) {
    r += std::string(",AP_") + kQuantNames[static_cast<int>(q_)];
    if (o_ != Overflow::WRAP) r += std::string(",AP_") + kOverflowNames[static_cast<int>(o_)];
  }
  return r + ">";
}

std::string FixedType::ToConfigString() const {
  if (is_int_) return std::string(s_ ? "int<" : "uint<") + std::to_string(w_) + ">";
  std::string r = std::string(s_ ? "fixed<" : "ufixed<") + std::to_string(w_) + "," +
                  std::to_string(i_);
  if (q_ != Quant::TRN || o_ != Overflow::WRAP) {
    r += std::string(",") + kQuantNames[static_cast<int>(q_)];
    if (o_ != Overflow::WRAP) r += std::string(",") + kOverflowNames[static_cast<int>(o_)];
  }
  return r + ">";
}

int64_t FixedType::min_word() const { return fx::min_word(w_, s_); }
int64_t FixedType::max_word() const { return fx::max_word(w_, s_); }
double FixedType::min_value() const { return ToDouble(min_word()); }
double FixedType::max_value() const { return ToDouble(max_word()); }
double FixedType::step() const { return fx::pow2(i_ - w_); }

namespace {

FixedType FromFormat(fx::Format f, bool is_int, const FixedType& a, const FixedType& b,
                     const char* op) {
  if (a.family() != b.family())
    throw Error(a.ToString() + " " + op + " " + b.ToString() +
                ": operands of different families (ap and ac types do not mix)");
  if (!fx::fits(f))
    throw Error(a.ToString() + " " + op + " " + b.ToString() + ": full-precision result width " +
                std::to_string(f.w) + " exceeds 64 bits");
  return is_int ? FixedType::Int(f.w, f.s, f.family)
                : FixedType(f.w, f.i, f.s, Quant::TRN, Overflow::WRAP, f.family);
}

}  // namespace

FixedType FixedType::MulType(const FixedType& a, const FixedType& b) {
  return FromFormat(fx::mul_format(a.format(), b.format()), a.is_int_ && b.is_int_, a, b, "*");
}
FixedType FixedType::AddType(const FixedType& a, const FixedType& b) {
  return FromFormat(fx::add_format(a.format(), b.format()), a.is_int_ && b.is_int_, a, b, "+");
}
FixedType FixedType::SubType(const FixedType& a, const FixedType& b) {
  return FromFormat(fx::sub_format(a.format(), b.format()), a.is_int_ && b.is_int_, a, b, "-");
}

void FixedType::ThrowTooWide(const FixedType& a, const FixedType& b, char op) {
  const char sym[2] = {op, 0};
  const fx::Format f = op == '*' ? fx::mul_format(a.format(), b.format())
                     : op == '+' ? fx::add_format(a.format(), b.format())
                                 : fx::sub_format(a.format(), b.format());
  FromFormat(f, false, a, b, sym);  // throws
  throw Error("internal: ThrowTooWide on a result that fits");
}

int64_t FixedType::ToInt(int64_t word, int int_width, bool int_signed) const {
  CheckWidth(int_width, "integer type");
  return fx::to_int(word, format(), int_width, int_signed);
}

}  // namespace hlsforge
