// ac_int.h: hlsforge's own C-simulation implementation of the Algorithmic C
// integer type ac_int<W,S> of Catapult HLS, and the operators shared with
// ac_fixed (ac_fixed.h), for the subset of the API that hlsforge-generated
// code uses. Written for hlsforge from the documented semantics (Algorithmic
// C Datatypes reference manual); every number goes through
// hlsforge_fixed_core.h (family AC), which is checked bit for bit against
// golden vectors of the real ac_types headers.
//
// Storage is one int64_t word (member V, an hlsforge extension), so W <= 64
// (static_assert). Operators return full-precision types by the AC rules:
//   a * b : ac_int<W1+W2, S1||S2>
//   a + b : ac_int<max(W1 + (S2&&!S1), W2 + (S1&&!S2)) + 1, S1||S2>
//   a - b : as +, always signed
//   a / b : ac_int<W1+S2, S1||S2>, truncated toward zero (a / 0 gives 0)
//   a % b : ac_int<min(W1, W2 + (S1&&!S2)), S1>, sign of a (a % 0 gives 0)
//   a & | ^ b : ac_int<max(W1 + (S2&&!S1), W2 + (S1&&!S2)), S1||S2>
//   -a    : ac_int<W+1, true>;  ~a : ac_int<W+!S, true>
//   a << n, a >> n : same type, plain bit shifts (bits shifted out are lost)
// ac_fixed operands follow the same rules with fixed-point result types (see
// ac_fixed.h). A C integer operand counts as ac_int of its own width (int:
// ac_int<32,true>, bool: ac_int<1,false>). Assignments wrap; an ac_int
// converts implicitly to long long / unsigned long long; ac_int(double)
// floors, then wraps.
// Provided: constructors from ac_int / C integers / double; to_int, to_uint,
// to_long, to_ulong, to_int64, to_uint64, to_double, length; the operators
// above with their compound forms, ++/--, comparisons; bit access
// x[i] (read and write), slc<WS>(lsb), set_slc(lsb, ac_int), and_reduce,
// or_reduce, xor_reduce, bit_complement; set_val<AC_VAL_...>() and
// value<AC_VAL_...>(x). Not provided (not used by generated code): strings
// and streams, range<>() slice references, bit_fill, normalize, leading_sign.
#ifndef HLSFORGE_SIM_AC_INT_H
#define HLSFORGE_SIM_AC_INT_H

#include <cstdint>
#include <type_traits>

#include "hlsforge_fixed_core.h"

enum ac_q_mode { AC_TRN, AC_RND, AC_TRN_ZERO, AC_RND_ZERO, AC_RND_INF, AC_RND_MIN_INF, AC_RND_CONV, AC_RND_CONV_ODD };
enum ac_o_mode { AC_WRAP, AC_SAT, AC_SAT_ZERO, AC_SAT_SYM };
enum ac_special_val { AC_VAL_DC, AC_VAL_0, AC_VAL_MIN, AC_VAL_MAX, AC_VAL_QUANTUM };

typedef long long Slong;
typedef unsigned long long Ulong;

template <int W, bool S = true> class ac_int;
template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O> class ac_fixed;

namespace hlsforge_acsim {
namespace fx = ::hlsforge::fx;

// Modes by name (the enum orders differ from the core's).
constexpr fx::Quant to_quant(ac_q_mode q) {
  return q == AC_TRN ? fx::Quant::TRN : q == AC_RND ? fx::Quant::RND
       : q == AC_TRN_ZERO ? fx::Quant::TRN_ZERO : q == AC_RND_ZERO ? fx::Quant::RND_ZERO
       : q == AC_RND_INF ? fx::Quant::RND_INF : q == AC_RND_MIN_INF ? fx::Quant::RND_MIN_INF
       : q == AC_RND_CONV ? fx::Quant::RND_CONV : fx::Quant::RND_CONV_ODD;
}
constexpr fx::Overflow to_overflow(ac_o_mode o) {
  return o == AC_SAT ? fx::Overflow::SAT : o == AC_SAT_ZERO ? fx::Overflow::SAT_ZERO
       : o == AC_SAT_SYM ? fx::Overflow::SAT_SYM : fx::Overflow::WRAP;
}
constexpr fx::Format format(int w, int i, bool s, fx::Quant q = fx::Quant::TRN, fx::Overflow o = fx::Overflow::WRAP) {
  return fx::Format{w, i, s, q, o, fx::Family::AC};
}

// Operand description: ac_int, ac_fixed (specialized in ac_fixed.h) and
// every C integer type.
template <class T, class = void> struct traits { static constexpr bool ok = false, ac = false, is_int = false; };
template <int W_, bool S_>
struct traits<ac_int<W_, S_>> {
  static constexpr bool ok = true, ac = true, is_int = true;
  static constexpr fx::Format fmt = format(W_, W_, S_);
  static constexpr int64_t word(const ac_int<W_, S_>& v) { return v.V; }
};
template <class T>
struct traits<T, std::enable_if_t<std::is_integral<T>::value>> {
  static constexpr bool ok = true, ac = false, is_int = true;
  static constexpr int w = std::is_same<T, bool>::value ? 1 : int(sizeof(T) * 8);
  static constexpr fx::Format fmt = format(w, w, std::is_signed<T>::value);
  static constexpr int64_t word(T v) { return static_cast<int64_t>(v); }
};
template <class T> using tr = traits<std::remove_cv_t<T>>;

template <class A, class B>
using enable_binary = std::enable_if_t<tr<A>::ok && tr<B>::ok && (tr<A>::ac || tr<B>::ac), int>;
template <class A, class B>
using enable_int_binary = std::enable_if_t<tr<A>::ok && tr<B>::ok && (tr<A>::ac || tr<B>::ac) &&
                                               tr<A>::is_int && tr<B>::is_int, int>;

// Result type of an operation: ac_int when both operands are integers.
template <int W, int I, bool S, bool IsInt> struct result { using type = ac_fixed<W, I, S, AC_TRN, AC_WRAP>; };
template <int W, int I, bool S> struct result<W, I, S, true> { using type = ac_int<W, S>; };
template <class A, class B, int W, int I, bool S>
using result_t = typename result<W, I, S, tr<A>::is_int && tr<B>::is_int>::type;

template <class R> constexpr R from_word(int64_t w) { R r; r.V = w; return r; }

// Bits [lsb + ws - 1 : lsb] of a word of format f (sign bits above W), as a
// word of ac_int<ws, s>.
constexpr int64_t slice(int64_t v, fx::Format f, int lsb, int ws, bool s) {
  return fx::wrap(fx::widen(v, f.s) >> lsb, ws, s);
}
// The word of format f with bits [lsb + ws - 1 : lsb] replaced by `bits`.
constexpr int64_t set_slice(int64_t v, fx::Format f, int lsb, int ws, int64_t bits) {
  const uint64_t m = (ws >= 64 ? ~uint64_t{0} : ((uint64_t{1} << ws) - 1)) << lsb;
  return fx::wrap((static_cast<uint64_t>(v) & ~m) | ((static_cast<uint64_t>(bits) << lsb) & m), f.w, f.s);
}
// Special values (ac_datatypes_ref, set_val): MIN of a signed AC_SAT_SYM
// type is -max (and 0 for W == 1), as the vendor header defines it.
constexpr int64_t special(ac_special_val v, fx::Format f) {
  if (v == AC_VAL_MAX) return fx::max_word(f.w, f.s);
  if (v == AC_VAL_QUANTUM) return fx::wrap(1, f.w, f.s);
  if (v != AC_VAL_MIN || !f.s) return 0;
  if (f.o == fx::Overflow::SAT_SYM) return f.w == 1 ? 0 : fx::min_word(f.w, true) + 1;
  return fx::min_word(f.w, true);
}
// Bit and slice access of ac_int and ac_fixed (D: the type, with its word V
// and format fmt): x[i] reads or writes bit i of the word; x.slc<WS>(lsb) is
// the ac_int<WS,S> of bits [lsb + WS - 1 : lsb]; x.set_slc(lsb, y) writes
// the bits of the ac_int y there.
template <class D, bool S>
class bit_access {
 public:
  class ac_bitref {
   public:
    constexpr ac_bitref(D* d, int i) : d_(d), i_(i) {}
    constexpr operator bool() const { return (static_cast<uint64_t>(d_->V) >> i_) & 1; }  // NOLINT
    constexpr ac_bitref& operator=(int b) {
      d_->V = set_slice(d_->V, D::fmt, i_, 1, b & 1);
      return *this;
    }
    template <int W2, bool S2>
    constexpr ac_bitref& operator=(const ac_int<W2, S2>& b) { return *this = b.to_int(); }
    constexpr ac_bitref& operator=(const ac_bitref& b) { return *this = static_cast<int>(bool(b)); }

   private:
    D* d_;
    int i_;
  };
  constexpr ac_bitref operator[](int i) { return ac_bitref(static_cast<D*>(this), i); }
  constexpr bool operator[](int i) const { return (static_cast<uint64_t>(word()) >> i) & 1; }
  template <int WS>
  constexpr ac_int<WS, S> slc(int lsb) const {
    ac_int<WS, S> r;
    r.V = slice(word(), D::fmt, lsb, WS, S);
    return r;
  }
  template <int W2, bool S2>
  constexpr D& set_slc(int lsb, const ac_int<W2, S2>& x) {
    D& d = static_cast<D&>(*this);
    d.V = set_slice(d.V, D::fmt, lsb, W2, x.V);
    return d;
  }

 private:
  constexpr int64_t word() const { return static_cast<const D&>(*this).V; }
};

// Clamped shift distance of an integer operand.
constexpr int shift_amount(int64_t n, bool s) {
  if (!s && n < 0) return 127;  // an unsigned 64-bit amount >= 2^63
  return n > 127 ? 127 : n < -127 ? -127 : static_cast<int>(n);
}

}  // namespace hlsforge_acsim

// ---- ac_int ------------------------------------------------------------------------
template <int W, bool S>
class ac_int : public hlsforge_acsim::bit_access<ac_int<W, S>, S> {
  static_assert(W >= 1 && W <= 64, "hlsforge sim headers: ac_int width must be in 1..64");

 public:
  static const int width = W;
  static const int i_width = W;
  static const bool sign = S;
  static const ac_q_mode q_mode = AC_TRN;
  static const ac_o_mode o_mode = AC_WRAP;
  static const int e_width = 0;
  static constexpr hlsforge::fx::Format fmt = hlsforge_acsim::format(W, W, S);

  int64_t V = 0;  // the word (sign- or zero-extended)

  constexpr ac_int() = default;
  template <int W2, bool S2>
  constexpr ac_int(const ac_int<W2, S2>& v) : V(hlsforge::fx::wrap(hlsforge::fx::widen(v.V, S2), W, S)) {}  // NOLINT
  template <class T, std::enable_if_t<std::is_integral<T>::value, int> = 0>
  constexpr ac_int(T v) : V(hlsforge::fx::wrap(static_cast<hlsforge::fx::i128>(v), W, S)) {}  // NOLINT
  ac_int(double d) : V(hlsforge::fx::from_double(d, fmt)) {}  // NOLINT (floor, wrap)

  constexpr operator std::conditional_t<S, Slong, Ulong>() const {  // NOLINT
    return static_cast<std::conditional_t<S, Slong, Ulong>>(V);
  }
  constexpr int to_int() const { return static_cast<int>(V); }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(V); }
  constexpr long to_long() const { return static_cast<long>(V); }
  constexpr unsigned long to_ulong() const { return static_cast<unsigned long>(V); }
  constexpr Slong to_int64() const { return V; }
  constexpr Ulong to_uint64() const { return static_cast<Ulong>(V); }
  double to_double() const { return hlsforge::fx::to_double(V, fmt); }
  constexpr int length() const { return W; }

  constexpr bool and_reduce() const { return hlsforge::fx::wrap(V, W, false) == hlsforge::fx::max_word(W, false); }
  constexpr bool or_reduce() const { return V != 0; }
  constexpr bool xor_reduce() const {
    return __builtin_parityll(static_cast<unsigned long long>(hlsforge::fx::wrap(V, W, false))) != 0;
  }
  constexpr ac_int<W, false> bit_complement() const {
    return hlsforge_acsim::from_word<ac_int<W, false>>(hlsforge::fx::wrap(~V, W, false));
  }
  template <ac_special_val SV>
  constexpr ac_int& set_val() { V = hlsforge_acsim::special(SV, fmt); return *this; }

  // Compound assignments: the exact result (or its low bits), wrapped.
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator+=(const T& b) { return wrap_u(static_cast<uint64_t>(V) + static_cast<uint64_t>(word(b))); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator-=(const T& b) { return wrap_u(static_cast<uint64_t>(V) - static_cast<uint64_t>(word(b))); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator*=(const T& b) { return wrap_u(static_cast<uint64_t>(V) * static_cast<uint64_t>(word(b))); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator/=(const T& b) { return *this = *this / b; }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator%=(const T& b) { return *this = *this % b; }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator&=(const T& b) { return wrap_u(static_cast<uint64_t>(V) & static_cast<uint64_t>(word(b))); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator|=(const T& b) { return wrap_u(static_cast<uint64_t>(V) | static_cast<uint64_t>(word(b))); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator^=(const T& b) { return wrap_u(static_cast<uint64_t>(V) ^ static_cast<uint64_t>(word(b))); }
  // ac_int op= ac_fixed uses the floor of the fixed value (to_ac_int()).
  template <int W2, int I2, bool S2, ac_q_mode Q2, ac_o_mode O2>
  constexpr ac_int& operator+=(const ac_fixed<W2, I2, S2, Q2, O2>& b) { return *this += b.to_ac_int(); }
  template <int W2, int I2, bool S2, ac_q_mode Q2, ac_o_mode O2>
  constexpr ac_int& operator-=(const ac_fixed<W2, I2, S2, Q2, O2>& b) { return *this -= b.to_ac_int(); }

  constexpr ac_int& operator++() { return wrap_u(static_cast<uint64_t>(V) + 1); }
  constexpr ac_int& operator--() { return wrap_u(static_cast<uint64_t>(V) - 1); }
  constexpr ac_int operator++(int) { ac_int t = *this; ++*this; return t; }
  constexpr ac_int operator--(int) { ac_int t = *this; --*this; return t; }

  // Shifts: same type, bit shifts (fixed_core.h fx::shift); a negative signed
  // distance shifts the other way.
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int operator<<(const T& n) const { return shifted(hlsforge_acsim::shift_amount(word(n), hlsforge_acsim::tr<T>::fmt.s)); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int operator>>(const T& n) const { return shifted(-hlsforge_acsim::shift_amount(word(n), hlsforge_acsim::tr<T>::fmt.s)); }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator<<=(const T& n) { return *this = *this << n; }
  template <class T, std::enable_if_t<hlsforge_acsim::tr<T>::ok && hlsforge_acsim::tr<T>::is_int, int> = 0>
  constexpr ac_int& operator>>=(const T& n) { return *this = *this >> n; }

  constexpr ac_int<W + 1, true> operator-() const {
    return hlsforge_acsim::from_word<ac_int<W + 1, true>>(-hlsforge::fx::widen(V, S));
  }
  constexpr ac_int operator+() const { return *this; }
  constexpr ac_int<W + !S, true> operator~() const {
    return hlsforge_acsim::from_word<ac_int<W + !S, true>>(~hlsforge::fx::widen(V, S));
  }
  constexpr bool operator!() const { return V == 0; }

 private:
  template <class T> static constexpr int64_t word(const T& b) { return hlsforge_acsim::tr<T>::word(b); }
  constexpr ac_int& wrap_u(uint64_t u) { V = hlsforge::fx::wrap(u, W, S); return *this; }
  constexpr ac_int shifted(int sh) const { return hlsforge_acsim::from_word<ac_int>(hlsforge::fx::shift(V, fmt, sh)); }
};

template <ac_special_val SV, int W, bool S>
constexpr ac_int<W, S> value(ac_int<W, S>) {
  ac_int<W, S> r;
  return r.template set_val<SV>();
}

// ---- binary operators (any mix of ac_int, ac_fixed and C integers) -------------------
#define HLSFORGE_ACSIM_ARITH(OP, FORMAT_FN, CORE_FN)                                                  \
  template <class A, class B, hlsforge_acsim::enable_binary<A, B> = 0>                                \
  constexpr auto operator OP(const A& a, const B& b) {                                                \
    constexpr auto fa = hlsforge_acsim::tr<A>::fmt;                                                    \
    constexpr auto fb = hlsforge_acsim::tr<B>::fmt;                                                    \
    constexpr auto fr = hlsforge::fx::FORMAT_FN(fa, fb);                                               \
    static_assert(fr.w <= 64,                                                                         \
                  "hlsforge sim headers: the full-precision result of this operation is "             \
                  "wider than 64 bits; assign an operand to a narrower type first");                  \
    using R = hlsforge_acsim::result_t<A, B, fr.w, fr.i, fr.s>;                                                      \
    return hlsforge_acsim::from_word<R>(                                                               \
        hlsforge::fx::CORE_FN(hlsforge_acsim::tr<A>::word(a), fa, hlsforge_acsim::tr<B>::word(b), fb)); \
  }
HLSFORGE_ACSIM_ARITH(*, mul_format, mul)
HLSFORGE_ACSIM_ARITH(+, add_format, add)
HLSFORGE_ACSIM_ARITH(-, sub_format, sub)
#undef HLSFORGE_ACSIM_ARITH

// Division (ac_fixed.h rt<>::div): <W1 + max(F2,0) + S2, I1 + F2 + S2,
// S1||S2>; word = (a << max(F2,0)) / b truncated toward zero.
template <class A, class B, hlsforge_acsim::enable_binary<A, B> = 0>
constexpr auto operator/(const A& a, const B& b) {
  constexpr auto fa = hlsforge_acsim::tr<A>::fmt;
  constexpr auto fb = hlsforge_acsim::tr<B>::fmt;
  constexpr int f2 = hlsforge::fx::frac(fb) > 0 ? hlsforge::fx::frac(fb) : 0;
  constexpr auto fr = hlsforge_acsim::format(fa.w + f2 + fb.s, fa.i + hlsforge::fx::frac(fb) + fb.s, fa.s || fb.s);
  static_assert(fr.w <= 64 && f2 <= 62, "hlsforge sim headers: the result of this division is wider than 64 bits");
  using R = hlsforge_acsim::result_t<A, B, fr.w, fr.i, fr.s>;
  const hlsforge::fx::i128 x = hlsforge::fx::widen(hlsforge_acsim::tr<A>::word(a), fa.s) << f2;
  const hlsforge::fx::i128 y = hlsforge::fx::widen(hlsforge_acsim::tr<B>::word(b), fb.s);
  return hlsforge_acsim::from_word<R>(y == 0 ? 0 : hlsforge::fx::wrap(x / y, fr.w, fr.s));
}

// Remainder (integers): ac_int<min(W1, W2 + (S1&&!S2)), S1>, sign of a.
template <class A, class B, hlsforge_acsim::enable_int_binary<A, B> = 0>
constexpr auto operator%(const A& a, const B& b) {
  constexpr auto fa = hlsforge_acsim::tr<A>::fmt;
  constexpr auto fb = hlsforge_acsim::tr<B>::fmt;
  constexpr int w2 = fb.w + (fa.s && !fb.s ? 1 : 0);
  using R = ac_int<(fa.w < w2 ? fa.w : w2), fa.s>;
  const hlsforge::fx::i128 x = hlsforge::fx::widen(hlsforge_acsim::tr<A>::word(a), fa.s);
  const hlsforge::fx::i128 y = hlsforge::fx::widen(hlsforge_acsim::tr<B>::word(b), fb.s);
  return hlsforge_acsim::from_word<R>(y == 0 ? 0 : hlsforge::fx::wrap(x % y, R::width, fa.s));
}

#define HLSFORGE_ACSIM_BITWISE(OP)                                                                    \
  template <class A, class B, hlsforge_acsim::enable_int_binary<A, B> = 0>                            \
  constexpr auto operator OP(const A& a, const B& b) {                                                \
    constexpr auto fa = hlsforge_acsim::tr<A>::fmt;                                                    \
    constexpr auto fb = hlsforge_acsim::tr<B>::fmt;                                                    \
    constexpr int wa = fa.w + (fb.s && !fa.s ? 1 : 0), wb = fb.w + (fa.s && !fb.s ? 1 : 0);           \
    using R = ac_int<(wa > wb ? wa : wb), fa.s || fb.s>;                                               \
    static_assert(R::width <= 64, "hlsforge sim headers: bitwise result wider than 64 bits");         \
    return hlsforge_acsim::from_word<R>(hlsforge::fx::wrap(                                            \
        static_cast<uint64_t>(hlsforge_acsim::tr<A>::word(a)) OP                                       \
            static_cast<uint64_t>(hlsforge_acsim::tr<B>::word(b)),                                     \
        R::width, R::sign));                                                                           \
  }
HLSFORGE_ACSIM_BITWISE(&)
HLSFORGE_ACSIM_BITWISE(|)
HLSFORGE_ACSIM_BITWISE(^)
#undef HLSFORGE_ACSIM_BITWISE

#define HLSFORGE_ACSIM_CMP(OP)                                                                        \
  template <class A, class B, hlsforge_acsim::enable_binary<A, B> = 0>                                \
  constexpr bool operator OP(const A& a, const B& b) {                                                \
    return hlsforge::fx::compare(hlsforge_acsim::tr<A>::word(a), hlsforge_acsim::tr<A>::fmt,          \
                                 hlsforge_acsim::tr<B>::word(b), hlsforge_acsim::tr<B>::fmt) OP 0;    \
  }
HLSFORGE_ACSIM_CMP(==)
HLSFORGE_ACSIM_CMP(!=)
HLSFORGE_ACSIM_CMP(<)
HLSFORGE_ACSIM_CMP(<=)
HLSFORGE_ACSIM_CMP(>)
HLSFORGE_ACSIM_CMP(>=)
#undef HLSFORGE_ACSIM_CMP

// C++14: static constexpr data members that are odr-used need a definition
// outside the class (C++17 makes them implicitly inline).
#if __cplusplus < 201703L
template <int W, bool S> constexpr hlsforge::fx::Format ac_int<W, S>::fmt;
namespace hlsforge_acsim {
template <int W_, bool S_> constexpr fx::Format traits<ac_int<W_, S_>>::fmt;
template <class T> constexpr int traits<T, std::enable_if_t<std::is_integral<T>::value>>::w;
template <class T> constexpr fx::Format traits<T, std::enable_if_t<std::is_integral<T>::value>>::fmt;
}  // namespace hlsforge_acsim
#endif

#endif  // HLSFORGE_SIM_AC_INT_H
