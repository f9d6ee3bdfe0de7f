// ac_fixed.h: hlsforge's own C-simulation implementation of the Algorithmic C
// fixed-point type ac_fixed<W,I,S,Q,O> of Catapult HLS (S defaults to true,
// Q to AC_TRN, O to AC_WRAP), for the subset of the API that
// hlsforge-generated code uses. Written for hlsforge from the documented
// semantics (Algorithmic C Datatypes reference manual); every number goes
// through hlsforge_fixed_core.h (family AC: where it differs from ap_fixed is
// listed there), which is checked bit for bit against golden vectors of the
// real ac_types headers.
//
// Storage is one int64_t word (member V, an hlsforge extension), so W <= 64.
// Operators (defined with ac_int's, in ac_int.h) return full-precision types
// ac_fixed<RW,RI,RS> (AC_TRN, AC_WRAP); an ac_int<W,S> operand counts as
// ac_fixed<W,W,S>, a C integer as ac_int of its width:
//   a * b : <W1+W2, I1+I2, S1||S2>
//   a + b : F = max(F1,F2), I = max(I1 + (S2&&!S1), I2 + (S1&&!S2)) + 1, S1||S2
//   a - b : as +, always signed
//   a / b : <W1 + max(F2,0) + S2, I1 + F2 + S2, S1||S2>, truncated toward zero
//   -a    : <W+1, I+1, true>;  ~a : <W+!S, I+!S, true>
//   a << n, a >> n : same type, plain bit shifts of the word (no modes)
// Assignment and construction from ac_fixed / ac_int / C integers / double
// quantize with the target's Q and overflow with its O; compound assignments
// compute exactly and assign the same way. As in the vendor's type there is
// no implicit conversion to double or to ac_int, and no arithmetic with
// double (comparisons with double are exact).
// Provided: to_ac_int (floor), to_int, to_uint, to_long, to_ulong,
// to_int64, to_uint64 (floor, then the low bits), to_double, length,
// is_neg; x[i] (read and write), slc<WS>(lsb) (an ac_int<WS,S>),
// set_slc(lsb, ac_int), bit_complement, set_val<AC_VAL_...>() and
// value<AC_VAL_...>(x). Not provided: strings and streams, range<>(),
// bitwise & | ^ of ac_fixed, bit_fill, normalize, leading_sign.
#ifndef HLSFORGE_SIM_AC_FIXED_H
#define HLSFORGE_SIM_AC_FIXED_H

#include "ac_int.h"

namespace hlsforge_acsim {
template <int W_, int I_, bool S_, ac_q_mode Q, ac_o_mode O>
struct traits<ac_fixed<W_, I_, S_, Q, O>> {
  static constexpr bool ok = true, ac = true, is_int = false;
  // The source's modes matter for AC_SAT_SYM conversions (fixed_core.h).
  static constexpr fx::Format fmt = format(W_, I_, S_, to_quant(Q), to_overflow(O));
  static constexpr int64_t word(const ac_fixed<W_, I_, S_, Q, O>& v) { return v.V; }
};

// Exact comparison of a word of format f with a double: -1, 0, 1; 2 if d is
// NaN (every comparison but != is then false).
inline int compare_double(int64_t word, fx::Format f, double d) {
  if (d != d) return 2;
  if (d > 1.7976931348623157e308) return -1;
  if (d < -1.7976931348623157e308) return 1;
  int e = 0;
  const double m = __builtin_frexp(d, &e);  // d = m * 2^e, 0.5 <= |m| < 1
  const int64_t mi = static_cast<int64_t>(__builtin_ldexp(m, 53));  // exact
  return fx::compare(word, f, mi, format(64, 64 - (53 - e), true));
}
}  // namespace hlsforge_acsim

template <int W, int I, bool S = true, ac_q_mode Q = AC_TRN, ac_o_mode O = AC_WRAP>
class ac_fixed : public hlsforge_acsim::bit_access<ac_fixed<W, I, S, Q, O>, S> {
  static_assert(W >= 1 && W <= 64, "hlsforge sim headers: ac_fixed width must be in 1..64");

 public:
  static const int width = W;
  static const int i_width = I;
  static const bool sign = S;
  static const ac_q_mode q_mode = Q;
  static const ac_o_mode o_mode = O;
  static const int e_width = 0;
  static constexpr hlsforge::fx::Format fmt =
      hlsforge_acsim::format(W, I, S, hlsforge_acsim::to_quant(Q), hlsforge_acsim::to_overflow(O));

  int64_t V = 0;  // the word (sign- or zero-extended)

  constexpr ac_fixed() = default;
  // From ac_fixed, ac_int and C integers: quantization and overflow modes.
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok, int> = 0>
  constexpr ac_fixed(const T& v)  // NOLINT: implicit, as the vendor's
      : V(hlsforge::fx::cast(hlsforge_acsim::tr<T>::word(v), hlsforge_acsim::tr<T>::fmt, fmt)) {}
  ac_fixed(double d) : V(hlsforge::fx::from_double(d, fmt)) {}  // NOLINT

  // The floor of the value, in an integer type holding every integer bit.
  constexpr ac_int<(I > 1 ? I : 1), S> to_ac_int() const {
    return hlsforge_acsim::from_word<ac_int<(I > 1 ? I : 1), S>>(hlsforge::fx::to_int(V, fmt, I > 1 ? I : 1, S));
  }
  constexpr int to_int() const { return static_cast<int>(hlsforge::fx::to_int(V, fmt, 32, true)); }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(hlsforge::fx::to_int(V, fmt, 32, false)); }
  constexpr long to_long() const { return static_cast<long>(hlsforge::fx::to_int(V, fmt, 64, true)); }
  constexpr unsigned long to_ulong() const { return static_cast<unsigned long>(hlsforge::fx::to_int(V, fmt, 64, false)); }
  constexpr Slong to_int64() const { return hlsforge::fx::to_int(V, fmt, 64, true); }
  constexpr Ulong to_uint64() const { return static_cast<Ulong>(hlsforge::fx::to_int(V, fmt, 64, false)); }
  double to_double() const { return hlsforge::fx::to_double(V, fmt); }
  constexpr int length() const { return W; }
  constexpr bool is_neg() const { return S && V < 0; }

  constexpr ac_fixed<W, I, false> bit_complement() const {
    return hlsforge_acsim::from_word<ac_fixed<W, I, false>>(hlsforge::fx::wrap(~V, W, false));
  }
  template <ac_special_val SV>
  constexpr ac_fixed& set_val() { V = hlsforge_acsim::special(SV, fmt); return *this; }

  // Compound assignments: the exact result assigned with this type's modes.
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok, int> = 0>
  constexpr ac_fixed& operator+=(const T& b) { return addsub(b, false); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok, int> = 0>
  constexpr ac_fixed& operator-=(const T& b) { return addsub(b, true); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok, int> = 0>
  constexpr ac_fixed& operator*=(const T& b) {
    constexpr auto fb = hlsforge_acsim::tr<T>::fmt;
    static_assert(W + fb.w <= 120, "hlsforge sim headers: operands of *= are too wide");
    V = hlsforge::fx::mul_assign(V, fmt, hlsforge_acsim::tr<T>::word(b), fb);
    return *this;
  }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok, int> = 0>
  constexpr ac_fixed& operator/=(const T& b) { return *this = *this / b; }

  // ++ / --: one quantum (LSB), with this type's modes.
  constexpr ac_fixed& operator++() { V = hlsforge::fx::convert(hlsforge::fx::widen(V, S) + 1, W - I, fmt); return *this; }
  constexpr ac_fixed& operator--() { V = hlsforge::fx::convert(hlsforge::fx::widen(V, S) - 1, W - I, fmt); return *this; }
  constexpr ac_fixed operator++(int) { ac_fixed t = *this; ++*this; return t; }
  constexpr ac_fixed operator--(int) { ac_fixed t = *this; --*this; return t; }

  // Shifts: same type, bit shifts of the word (fixed_core.h fx::shift).
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_fixed operator<<(const T& n) const {
    return shifted(hlsforge_acsim::shift_amount(hlsforge_acsim::tr<T>::word(n), hlsforge_acsim::tr<T>::fmt.s));
  }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_fixed operator>>(const T& n) const {
    return shifted(-hlsforge_acsim::shift_amount(hlsforge_acsim::tr<T>::word(n), hlsforge_acsim::tr<T>::fmt.s));
  }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_fixed& operator<<=(const T& n) { return *this = *this << n; }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_fixed& operator>>=(const T& n) { return *this = *this >> n; }

  constexpr ac_fixed<W + 1, I + 1, true> operator-() const {
    return hlsforge_acsim::from_word<ac_fixed<W + 1, I + 1, true>>(-hlsforge::fx::widen(V, S));
  }
  constexpr ac_fixed operator+() const { return *this; }
  constexpr ac_fixed<W + !S, I + !S, true> operator~() const {
    return hlsforge_acsim::from_word<ac_fixed<W + !S, I + !S, true>>(~hlsforge::fx::widen(V, S));
  }
  constexpr bool operator!() const { return V == 0; }

 private:
  constexpr ac_fixed shifted(int sh) const { return hlsforge_acsim::from_word<ac_fixed>(hlsforge::fx::shift(V, fmt, sh)); }
  template <class T>
  constexpr ac_fixed& addsub(const T& b, bool minus) {
    constexpr auto fb = hlsforge_acsim::tr<T>::fmt;
    constexpr int f = (W - I) > hlsforge::fx::frac(fb) ? (W - I) : hlsforge::fx::frac(fb);
    static_assert(f - (W - I) <= 62 && f - hlsforge::fx::frac(fb) <= 62,
                  "hlsforge sim headers: operands of += / -= are too far apart in scale");
    V = hlsforge::fx::add_assign(V, fmt, hlsforge_acsim::tr<T>::word(b), fb, minus);
    return *this;
  }
};

template <ac_special_val SV, int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
constexpr ac_fixed<W, I, S, Q, O> value(ac_fixed<W, I, S, Q, O>) {
  ac_fixed<W, I, S, Q, O> r;
  return r.template set_val<SV>();
}

// ---- comparisons with double (exact) -------------------------------------------------
#define HLSFORGE_ACSIM_CMP_DOUBLE(OP, SWAPPED)                                                         \
  template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>                                          \
  inline bool operator OP(const ac_fixed<W, I, S, Q, O>& a, double d) {                              \
    const int c = hlsforge_acsim::compare_double(a.V, a.fmt, d);                                     \
    return c == 2 ? false : (c OP 0);                                                                 \
  }                                                                                                   \
  template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>                                          \
  inline bool operator OP(double d, const ac_fixed<W, I, S, Q, O>& a) { return a SWAPPED d; }
HLSFORGE_ACSIM_CMP_DOUBLE(==, ==)
HLSFORGE_ACSIM_CMP_DOUBLE(<, >)
HLSFORGE_ACSIM_CMP_DOUBLE(<=, >=)
HLSFORGE_ACSIM_CMP_DOUBLE(>, <)
HLSFORGE_ACSIM_CMP_DOUBLE(>=, <=)
#undef HLSFORGE_ACSIM_CMP_DOUBLE
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
inline bool operator!=(const ac_fixed<W, I, S, Q, O>& a, double d) { return !(a == d); }
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
inline bool operator!=(double d, const ac_fixed<W, I, S, Q, O>& a) { return !(a == d); }

// C++14: out-of-class definitions of the odr-used constexpr members.
#if __cplusplus < 201703L
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
constexpr hlsforge::fx::Format ac_fixed<W, I, S, Q, O>::fmt;
namespace hlsforge_acsim {
template <int W_, int I_, bool S_, ac_q_mode Q, ac_o_mode O>
constexpr fx::Format traits<ac_fixed<W_, I_, S_, Q, O>>::fmt;
}  // namespace hlsforge_acsim
#endif

#endif  // HLSFORGE_SIM_AC_FIXED_H
