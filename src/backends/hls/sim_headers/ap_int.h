// ap_int.h / ap_fixed.h: hlsforge's own C-simulation implementation of the
// arbitrary-precision types of Vitis/Vivado HLS (ap_int, ap_uint, ap_fixed,
// ap_ufixed), for the subset of the API that hlsforge-generated code uses.
// Written for hlsforge from the documented semantics (UG1399); every number
// goes through hlsforge_fixed_core.h, which is checked bit for bit against
// the vendor's golden vectors.
//
// Storage is one int64_t word, so W <= 64 (static_assert). Operators return
// full-precision types by the vendor's rules:
//   a * b : <W1+W2, I1+I2, S1||S2>
//   a + b : F = max(F1,F2), I = max(I1 + (S2&&!S1), I2 + (S1&&!S2)) + 1, S1||S2
//   a - b : as +, always signed
//   a / b : <W1 + S2 + max(F2,0), I1 + S2 + F2, S1||S2>, truncated toward zero
//   -a    : <W+1, I+1, signed>
// A C integer operand counts as ap_int of its own width (int: ap_int<32>).
// Compound assignments (+= -= *= /=) compute exactly and assign with the
// left side's quantization and overflow modes (no 64-bit limit on the
// intermediate). Shifts keep the type (<< applies the overflow mode, >> the
// quantization mode; with the default AP_TRN/AP_WRAP they are bit shifts).
// Conversions: ap_fixed converts implicitly to double; ap_int/ap_uint
// implicitly to (unsigned) long long. Assigning ap_fixed to ap_int truncates
// the fraction toward zero; assigning a double to ap_int floors it (as the
// vendor's ap_int(double) does).
#ifndef HLSFORGE_SIM_AP_INT_H
#define HLSFORGE_SIM_AP_INT_H

#include <type_traits>

#include "hlsforge_fixed_core.h"

enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O> struct ap_fixed_base;
template <int W, bool S> struct ap_int_base;

namespace hlsforge_sim {
namespace fx = ::hlsforge::fx;

constexpr fx::Quant to_quant(ap_q_mode q) {
  return q == AP_TRN ? fx::Quant::TRN : q == AP_TRN_ZERO ? fx::Quant::TRN_ZERO
       : q == AP_RND ? fx::Quant::RND : q == AP_RND_ZERO ? fx::Quant::RND_ZERO
       : q == AP_RND_INF ? fx::Quant::RND_INF : q == AP_RND_MIN_INF ? fx::Quant::RND_MIN_INF
       : fx::Quant::RND_CONV;
}
constexpr fx::Overflow to_overflow(ap_o_mode o) {
  return o == AP_SAT ? fx::Overflow::SAT : o == AP_SAT_ZERO ? fx::Overflow::SAT_ZERO
       : o == AP_SAT_SYM ? fx::Overflow::SAT_SYM : fx::Overflow::WRAP;
}

// Operand description: every ap type and every C integer type.
template <class T, class = void> struct traits { static constexpr bool ok = false; static constexpr bool ap = false; };
template <int W_, int I_, bool S_, ap_q_mode Q, ap_o_mode O>
struct traits<ap_fixed_base<W_, I_, S_, Q, O>> {
  static constexpr bool ok = true, ap = true, is_int = false, S = S_;
  static constexpr int W = W_, I = I_;
  static constexpr int64_t word(const ap_fixed_base<W_, I_, S_, Q, O>& v) { return v.V; }
};
template <int W_, bool S_>
struct traits<ap_int_base<W_, S_>> {
  static constexpr bool ok = true, ap = true, is_int = true, S = S_;
  static constexpr int W = W_, I = W_;
  static constexpr int64_t word(const ap_int_base<W_, S_>& v) { return v.V; }
};
template <class T>
struct traits<T, std::enable_if_t<std::is_integral<T>::value>> {
  static constexpr bool ok = true, ap = false, is_int = true, S = std::is_signed<T>::value;
  static constexpr int W = std::is_same<T, bool>::value ? 1 : int(sizeof(T) * 8), I = W;
  static constexpr int64_t word(T v) { return static_cast<int64_t>(v); }
};
// ap_fixed<...>, ap_int<...> etc. derive from the bases; find the base.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
ap_fixed_base<W, I, S, Q, O> base_of(const ap_fixed_base<W, I, S, Q, O>*);
template <int W, bool S>
ap_int_base<W, S> base_of(const ap_int_base<W, S>*);
template <class...> struct make_void { using type = void; };  // std::void_t is C++17
template <class... T> using void_t = typename make_void<T...>::type;
template <class T, class = void> struct base { using type = T; };
template <class T>
struct base<T, void_t<decltype(base_of(static_cast<const T*>(nullptr)))>> {
  using type = decltype(base_of(static_cast<const T*>(nullptr)));
};
template <class T> using tr = traits<typename base<std::remove_cv_t<T>>::type>;

template <class T> constexpr fx::Format format_of() { return fx::Format{tr<T>::W, tr<T>::I, tr<T>::S}; }

template <class A, class B>
using enable_binary = std::enable_if_t<tr<A>::ok && tr<B>::ok && (tr<A>::ap || tr<B>::ap), int>;

template <int W, int I, bool S, bool IsInt> struct result;
template <int W, int I, bool S> struct result<W, I, S, false> { using type = ap_fixed_base<W, I, S, AP_TRN, AP_WRAP>; };
template <int W, int I, bool S> struct result<W, I, S, true> { using type = ap_int_base<W, S>; };
template <class A, class B, int W, int I, bool S>
using result_t = typename result<W, I, S, tr<A>::is_int && tr<B>::is_int>::type;

template <class R> constexpr R from_word(int64_t w) { R r; r.V = w; return r; }

// Integer type holding W bits: implicit conversion target of ap_int.
template <bool S> struct c_int { using type = long long; };
template <> struct c_int<false> { using type = unsigned long long; };

}  // namespace hlsforge_sim

// ---- bit / range references --------------------------------------------------
template <class Owner>
struct ap_bit_ref {
  Owner* d;
  int i;
  constexpr operator bool() const { return (static_cast<uint64_t>(d->V) >> i) & 1; }
  constexpr bool to_bool() const { return bool(*this); }
  constexpr ap_bit_ref& operator=(bool b) {
    uint64_t u = static_cast<uint64_t>(d->V);
    u = b ? (u | (uint64_t{1} << i)) : (u & ~(uint64_t{1} << i));
    d->V = hlsforge::fx::wrap(u, Owner::width, Owner::is_signed_v);
    return *this;
  }
  constexpr ap_bit_ref& operator=(const ap_bit_ref& o) { return *this = bool(o); }
  constexpr bool operator~() const { return !bool(*this); }
};

template <class Owner>
struct ap_range_ref {
  Owner* d;
  int hi, lo;
  constexpr uint64_t get() const {
    const int n = hi - lo + 1;
    const uint64_t u = static_cast<uint64_t>(d->V) >> lo;
    return n >= 64 ? u : (u & ((uint64_t{1} << n) - 1));
  }
  constexpr operator unsigned long long() const { return get(); }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(get()); }
  constexpr int to_int() const { return static_cast<int>(get()); }
  constexpr unsigned long long to_uint64() const { return get(); }
  constexpr long long to_int64() const { return static_cast<long long>(get()); }
  constexpr int length() const { return hi - lo + 1; }
  constexpr ap_range_ref& operator=(unsigned long long v) {
    const int n = hi - lo + 1;
    const uint64_t m = (n >= 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1)) << lo;
    const uint64_t u = (static_cast<uint64_t>(d->V) & ~m) | ((static_cast<uint64_t>(v) << lo) & m);
    d->V = hlsforge::fx::wrap(u, Owner::width, Owner::is_signed_v);
    return *this;
  }
  constexpr ap_range_ref& operator=(const ap_range_ref& o) { return *this = o.get(); }
  template <int W2, bool S2>
  constexpr ap_range_ref& operator=(const ap_int_base<W2, S2>& v) { return *this = static_cast<unsigned long long>(v.V); }
};

// ---- ap_fixed_base --------------------------------------------------------------
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
struct ap_fixed_base {
  static_assert(W >= 1 && W <= 64, "hlsforge sim headers: ap_fixed width must be in 1..64");
  static_assert(O != AP_WRAP_SM, "hlsforge sim headers: AP_WRAP_SM is not supported");
  static constexpr int width = W;
  static constexpr int iwidth = I;
  static constexpr bool is_signed_v = S;
  static constexpr ap_q_mode qmode = Q;
  static constexpr ap_o_mode omode = O;
  static constexpr hlsforge::fx::Format fmt{W, I, S, hlsforge_sim::to_quant(Q), hlsforge_sim::to_overflow(O)};

  int64_t V = 0;  // the word (sign- or zero-extended)

  constexpr ap_fixed_base() = default;
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_fixed_base(const T& v)  // NOLINT: implicit, as the vendor's
      : V(hlsforge::fx::cast(hlsforge_sim::tr<T>::word(v), hlsforge_sim::format_of<T>(), fmt)) {}
  ap_fixed_base(double d) : V(hlsforge::fx::from_double(d, fmt)) {}        // NOLINT
  ap_fixed_base(float d) : V(hlsforge::fx::from_double(d, fmt)) {}         // NOLINT

  double to_double() const { return hlsforge::fx::to_double(V, fmt); }
  float to_float() const { return static_cast<float>(to_double()); }
  operator double() const { return to_double(); }  // NOLINT
  constexpr int to_int() const { return static_cast<int>(hlsforge::fx::to_int(V, fmt, 32, true)); }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(hlsforge::fx::to_int(V, fmt, 32, false)); }
  constexpr long to_long() const { return static_cast<long>(hlsforge::fx::to_int(V, fmt, 64, true)); }
  constexpr unsigned long to_ulong() const { return static_cast<unsigned long>(hlsforge::fx::to_int(V, fmt, 64, false)); }
  constexpr long long to_int64() const { return hlsforge::fx::to_int(V, fmt, 64, true); }
  constexpr unsigned long long to_uint64() const { return static_cast<unsigned long long>(hlsforge::fx::to_int(V, fmt, 64, false)); }
  constexpr bool to_bool() const { return V != 0; }
  constexpr int length() const { return W; }
  constexpr bool is_neg() const { return S && V < 0; }
  constexpr bool iszero() const { return V == 0; }

  ap_bit_ref<ap_fixed_base> operator[](int i) { return {this, i}; }
  constexpr bool operator[](int i) const { return (static_cast<uint64_t>(V) >> i) & 1; }
  ap_bit_ref<ap_fixed_base> bit(int i) { return {this, i}; }
  constexpr bool get_bit(int i) const { return (*this)[i]; }
  ap_range_ref<ap_fixed_base> range(int hi, int lo) { return {this, hi, lo}; }
  ap_range_ref<ap_fixed_base> range() { return {this, W - 1, 0}; }
  ap_range_ref<ap_fixed_base> operator()(int hi, int lo) { return {this, hi, lo}; }
  constexpr unsigned long long range(int hi, int lo) const {
    return ap_range_ref<ap_fixed_base>{const_cast<ap_fixed_base*>(this), hi, lo}.get();
  }
  constexpr unsigned long long range() const { return range(W - 1, 0); }

  // Exact arithmetic then assignment with this type's modes.
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_fixed_base& operator+=(const T& b) { return addsub(b, false); }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_fixed_base& operator-=(const T& b) { return addsub(b, true); }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_fixed_base& operator*=(const T& b) {
    V = hlsforge::fx::mul_assign(V, fmt, hlsforge_sim::tr<T>::word(b), hlsforge_sim::format_of<T>());
    return *this;
  }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_fixed_base& operator/=(const T& b) { return *this = *this / b; }
  ap_fixed_base& operator+=(double b) { return *this = to_double() + b; }
  ap_fixed_base& operator-=(double b) { return *this = to_double() - b; }
  ap_fixed_base& operator*=(double b) { return *this = to_double() * b; }

  constexpr ap_fixed_base& operator++() { return *this += 1; }
  constexpr ap_fixed_base& operator--() { return *this -= 1; }
  constexpr ap_fixed_base operator++(int) { ap_fixed_base t = *this; *this += 1; return t; }
  constexpr ap_fixed_base operator--(int) { ap_fixed_base t = *this; *this -= 1; return t; }

  // value * 2^sh assigned to this type (>> uses the quantization mode).
  constexpr ap_fixed_base operator<<(int sh) const {
    return hlsforge_sim::from_word<ap_fixed_base>(hlsforge::fx::shift(V, fmt, sh));
  }
  constexpr ap_fixed_base operator>>(int sh) const { return *this << -sh; }
  constexpr ap_fixed_base& operator<<=(int sh) { return *this = *this << sh; }
  constexpr ap_fixed_base& operator>>=(int sh) { return *this = *this >> sh; }

  constexpr ap_fixed_base<W + 1, I + 1, true, AP_TRN, AP_WRAP> operator-() const {
    return hlsforge_sim::from_word<ap_fixed_base<W + 1, I + 1, true, AP_TRN, AP_WRAP>>(-hlsforge::fx::widen(V, S));
  }
  constexpr ap_fixed_base operator+() const { return *this; }
  constexpr bool operator!() const { return V == 0; }

 private:
  template <class T>
  constexpr ap_fixed_base& addsub(const T& b, bool minus) {
    constexpr auto fb = hlsforge_sim::format_of<T>();
    constexpr int f = (W - I) > hlsforge::fx::frac(fb) ? (W - I) : hlsforge::fx::frac(fb);
    static_assert(f - (W - I) <= 62 && f - hlsforge::fx::frac(fb) <= 62,
                  "hlsforge sim headers: operands of += / -= are too far apart in scale");
    V = hlsforge::fx::add_assign(V, fmt, hlsforge_sim::tr<T>::word(b), fb, minus);
    return *this;
  }
};

// ---- ap_int_base ------------------------------------------------------------------
template <int W, bool S>
struct ap_int_base {
  static_assert(W >= 1 && W <= 64, "hlsforge sim headers: ap_int width must be in 1..64");
  static constexpr int width = W;
  static constexpr bool is_signed_v = S;
  static constexpr hlsforge::fx::Format fmt{W, W, S};
  using c_type = typename hlsforge_sim::c_int<S>::type;

  int64_t V = 0;

  constexpr ap_int_base() = default;
  // From ap_int / C integers: wrap. From ap_fixed: truncate toward zero, wrap.
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base(const T& v)  // NOLINT
      : V(hlsforge::fx::to_int(hlsforge_sim::tr<T>::word(v), hlsforge_sim::format_of<T>(), W, S)) {}
  ap_int_base(double d) : V(hlsforge::fx::from_double(d, fmt)) {}  // NOLINT (floor, wrap)
  ap_int_base(float d) : V(hlsforge::fx::from_double(d, fmt)) {}   // NOLINT
  template <class Owner>
  constexpr ap_int_base(const ap_range_ref<Owner>& r) : V(hlsforge::fx::wrap(r.get(), W, S)) {}  // NOLINT
  template <class Owner>
  constexpr ap_int_base(const ap_bit_ref<Owner>& r) : V(bool(r) ? 1 : 0) {}  // NOLINT

  constexpr operator c_type() const { return static_cast<c_type>(V); }  // NOLINT
  constexpr int to_int() const { return static_cast<int>(V); }
  constexpr unsigned to_uint() const { return static_cast<unsigned>(V); }
  constexpr long to_long() const { return static_cast<long>(V); }
  constexpr unsigned long to_ulong() const { return static_cast<unsigned long>(V); }
  constexpr long long to_int64() const { return V; }
  constexpr unsigned long long to_uint64() const { return static_cast<unsigned long long>(V); }
  constexpr bool to_bool() const { return V != 0; }
  double to_double() const { return hlsforge::fx::to_double(V, fmt); }
  float to_float() const { return static_cast<float>(to_double()); }
  constexpr int length() const { return W; }
  constexpr bool is_neg() const { return S && V < 0; }
  constexpr bool iszero() const { return V == 0; }

  ap_bit_ref<ap_int_base> operator[](int i) { return {this, i}; }
  constexpr bool operator[](int i) const { return (static_cast<uint64_t>(V) >> i) & 1; }
  ap_bit_ref<ap_int_base> bit(int i) { return {this, i}; }
  constexpr bool get_bit(int i) const { return (*this)[i]; }
  ap_range_ref<ap_int_base> range(int hi, int lo) { return {this, hi, lo}; }
  ap_range_ref<ap_int_base> range() { return {this, W - 1, 0}; }
  ap_range_ref<ap_int_base> operator()(int hi, int lo) { return {this, hi, lo}; }
  constexpr unsigned long long range(int hi, int lo) const {
    return ap_range_ref<ap_int_base>{const_cast<ap_int_base*>(this), hi, lo}.get();
  }
  constexpr unsigned long long range() const { return range(W - 1, 0); }

  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator+=(const T& b) { V = hlsforge::fx::wrap(V + static_cast<fx_i>(hlsforge_sim::tr<T>::word(b)), W, S); return *this; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator-=(const T& b) { V = hlsforge::fx::wrap(V - static_cast<fx_i>(hlsforge_sim::tr<T>::word(b)), W, S); return *this; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator*=(const T& b) { return *this = *this * b; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator/=(const T& b) { return *this = *this / b; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator%=(const T& b) { return *this = *this % b; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator&=(const T& b) { V = hlsforge::fx::wrap(V & hlsforge_sim::tr<T>::word(b), W, S); return *this; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator|=(const T& b) { V = hlsforge::fx::wrap(V | hlsforge_sim::tr<T>::word(b), W, S); return *this; }
  template <class T, std::enable_if_t<hlsforge_sim::tr<T>::ok, int> = 0>
  constexpr ap_int_base& operator^=(const T& b) { V = hlsforge::fx::wrap(V ^ hlsforge_sim::tr<T>::word(b), W, S); return *this; }

  constexpr ap_int_base& operator++() { V = hlsforge::fx::wrap(static_cast<fx_i>(V) + 1, W, S); return *this; }
  constexpr ap_int_base& operator--() { V = hlsforge::fx::wrap(static_cast<fx_i>(V) - 1, W, S); return *this; }
  constexpr ap_int_base operator++(int) { ap_int_base t = *this; ++*this; return t; }
  constexpr ap_int_base operator--(int) { ap_int_base t = *this; --*this; return t; }

  // Same type; bits shifted out are lost, >> is arithmetic for signed types.
  constexpr ap_int_base operator<<(int sh) const {
    return hlsforge_sim::from_word<ap_int_base>(hlsforge::fx::shift(V, fmt, sh));
  }
  constexpr ap_int_base operator>>(int sh) const { return *this << -sh; }
  constexpr ap_int_base& operator<<=(int sh) { return *this = *this << sh; }
  constexpr ap_int_base& operator>>=(int sh) { return *this = *this >> sh; }

  constexpr ap_int_base<W + 1, true> operator-() const {
    return hlsforge_sim::from_word<ap_int_base<W + 1, true>>(-hlsforge::fx::widen(V, S));
  }
  constexpr ap_int_base operator+() const { return *this; }
  constexpr ap_int_base operator~() const { return hlsforge_sim::from_word<ap_int_base>(hlsforge::fx::wrap(~V, W, S)); }
  constexpr bool operator!() const { return V == 0; }
  constexpr bool and_reduce() const { return hlsforge::fx::wrap(V, W, false) == hlsforge::fx::max_word(W, false); }
  constexpr bool or_reduce() const { return V != 0; }
  constexpr bool xor_reduce() const { return __builtin_parityll(static_cast<unsigned long long>(hlsforge::fx::wrap(V, W, false))) != 0; }

 private:
  using fx_i = hlsforge::fx::i128;
};

// ---- binary operators (any mix of ap types and C integers) -------------------------
#define HLSFORGE_SIM_ARITH(OP, FORMAT_FN, CORE_FN)                                             \
  template <class A, class B, hlsforge_sim::enable_binary<A, B> = 0>                           \
  constexpr auto operator OP(const A& a, const B& b) {                                         \
    constexpr auto fa = hlsforge_sim::format_of<A>();                                          \
    constexpr auto fb = hlsforge_sim::format_of<B>();                                          \
    constexpr auto fr = hlsforge::fx::FORMAT_FN(fa, fb);                                       \
    static_assert(fr.w <= 64,                                                                  \
                  "hlsforge sim headers: the full-precision result of this operation is "      \
                  "wider than 64 bits; assign an operand to a narrower type first");           \
    using R = hlsforge_sim::result_t<A, B, fr.w, fr.i, fr.s>;                                  \
    return hlsforge_sim::from_word<R>(                                                          \
        hlsforge::fx::CORE_FN(hlsforge_sim::tr<A>::word(a), fa, hlsforge_sim::tr<B>::word(b), fb)); \
  }
HLSFORGE_SIM_ARITH(*, mul_format, mul)
HLSFORGE_SIM_ARITH(+, add_format, add)
HLSFORGE_SIM_ARITH(-, sub_format, sub)
#undef HLSFORGE_SIM_ARITH

// Division: quotient truncated toward zero; word = (a << max(F2,0)) / b.
template <class A, class B, hlsforge_sim::enable_binary<A, B> = 0>
constexpr auto operator/(const A& a, const B& b) {
  constexpr auto fa = hlsforge_sim::format_of<A>();
  constexpr auto fb = hlsforge_sim::format_of<B>();
  constexpr int f2 = hlsforge::fx::frac(fb) > 0 ? hlsforge::fx::frac(fb) : 0;
  constexpr int rw = fa.w + (fb.s ? 1 : 0) + f2;
  constexpr int ri = fa.i + (fb.s ? 1 : 0) + fb.w - fb.i;
  static_assert(rw <= 64, "hlsforge sim headers: the result of this division is wider than 64 bits");
  using R = hlsforge_sim::result_t<A, B, rw, ri, fa.s || fb.s>;
  const hlsforge::fx::i128 x = hlsforge::fx::widen(hlsforge_sim::tr<A>::word(a), fa.s) << f2;
  const hlsforge::fx::i128 y = hlsforge::fx::widen(hlsforge_sim::tr<B>::word(b), fb.s);
  return hlsforge_sim::from_word<R>(y == 0 ? 0 : hlsforge::fx::wrap(x / y, rw, fa.s || fb.s));
}

// Remainder and bitwise operators: integer types only.
template <class A, class B, hlsforge_sim::enable_binary<A, B> = 0,
          std::enable_if_t<hlsforge_sim::tr<A>::is_int && hlsforge_sim::tr<B>::is_int, int> = 0>
constexpr auto operator%(const A& a, const B& b) {
  constexpr auto fa = hlsforge_sim::format_of<A>();
  constexpr auto fb = hlsforge_sim::format_of<B>();
  constexpr int rw = fa.w < fb.w + (fb.s && !fa.s ? 1 : 0) ? fa.w : fb.w + (fb.s && !fa.s ? 1 : 0);
  using R = ap_int_base<rw, fa.s>;
  const hlsforge::fx::i128 x = hlsforge::fx::widen(hlsforge_sim::tr<A>::word(a), fa.s);
  const hlsforge::fx::i128 y = hlsforge::fx::widen(hlsforge_sim::tr<B>::word(b), fb.s);
  return hlsforge_sim::from_word<R>(y == 0 ? 0 : hlsforge::fx::wrap(x % y, rw, fa.s));
}
#define HLSFORGE_SIM_BITWISE(OP)                                                               \
  template <class A, class B, hlsforge_sim::enable_binary<A, B> = 0,                           \
            std::enable_if_t<hlsforge_sim::tr<A>::is_int && hlsforge_sim::tr<B>::is_int, int> = 0> \
  constexpr auto operator OP(const A& a, const B& b) {                                         \
    constexpr auto fa = hlsforge_sim::format_of<A>();                                          \
    constexpr auto fb = hlsforge_sim::format_of<B>();                                          \
    constexpr int wa = fa.w + (fb.s && !fa.s ? 1 : 0), wb = fb.w + (fa.s && !fb.s ? 1 : 0);    \
    constexpr int rw = wa > wb ? wa : wb;                                                      \
    static_assert(rw <= 64, "hlsforge sim headers: bitwise result wider than 64 bits");        \
    using R = ap_int_base<rw, fa.s || fb.s>;                                                   \
    return hlsforge_sim::from_word<R>(hlsforge::fx::wrap(                                      \
        hlsforge_sim::tr<A>::word(a) OP hlsforge_sim::tr<B>::word(b), rw, fa.s || fb.s));      \
  }
HLSFORGE_SIM_BITWISE(&)
HLSFORGE_SIM_BITWISE(|)
HLSFORGE_SIM_BITWISE(^)
#undef HLSFORGE_SIM_BITWISE

#define HLSFORGE_SIM_CMP(OP)                                                                   \
  template <class A, class B, hlsforge_sim::enable_binary<A, B> = 0>                           \
  constexpr bool operator OP(const A& a, const B& b) {                                         \
    return hlsforge::fx::compare(hlsforge_sim::tr<A>::word(a), hlsforge_sim::format_of<A>(),   \
                                 hlsforge_sim::tr<B>::word(b), hlsforge_sim::format_of<B>()) OP 0; \
  }
HLSFORGE_SIM_CMP(==)
HLSFORGE_SIM_CMP(!=)
HLSFORGE_SIM_CMP(<)
HLSFORGE_SIM_CMP(<=)
HLSFORGE_SIM_CMP(>)
HLSFORGE_SIM_CMP(>=)
#undef HLSFORGE_SIM_CMP

// ---- the user-facing types --------------------------------------------------------
template <int W>
struct ap_int : ap_int_base<W, true> {
  using ap_int_base<W, true>::ap_int_base;
  constexpr ap_int() = default;
  constexpr ap_int(const ap_int_base<W, true>& b) : ap_int_base<W, true>(b) {}  // NOLINT
};
template <int W>
struct ap_uint : ap_int_base<W, false> {
  using ap_int_base<W, false>::ap_int_base;
  constexpr ap_uint() = default;
  constexpr ap_uint(const ap_int_base<W, false>& b) : ap_int_base<W, false>(b) {}  // NOLINT
};
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_fixed : ap_fixed_base<W, I, true, Q, O> {
  static_assert(N == 0, "hlsforge sim headers: saturation bits (5th argument) must be 0");
  using ap_fixed_base<W, I, true, Q, O>::ap_fixed_base;
  constexpr ap_fixed() = default;
  constexpr ap_fixed(const ap_fixed_base<W, I, true, Q, O>& b) : ap_fixed_base<W, I, true, Q, O>(b) {}  // NOLINT
};
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
struct ap_ufixed : ap_fixed_base<W, I, false, Q, O> {
  static_assert(N == 0, "hlsforge sim headers: saturation bits (5th argument) must be 0");
  using ap_fixed_base<W, I, false, Q, O>::ap_fixed_base;
  constexpr ap_ufixed() = default;
  constexpr ap_ufixed(const ap_fixed_base<W, I, false, Q, O>& b) : ap_fixed_base<W, I, false, Q, O>(b) {}  // NOLINT
};

// C++14: static constexpr data members that are odr-used need a definition
// outside the class (C++17 makes them implicitly inline).
#if __cplusplus < 201703L
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O> constexpr int ap_fixed_base<W, I, S, Q, O>::width;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O> constexpr int ap_fixed_base<W, I, S, Q, O>::iwidth;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O> constexpr bool ap_fixed_base<W, I, S, Q, O>::is_signed_v;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
constexpr hlsforge::fx::Format ap_fixed_base<W, I, S, Q, O>::fmt;
template <int W, bool S> constexpr int ap_int_base<W, S>::width;
template <int W, bool S> constexpr bool ap_int_base<W, S>::is_signed_v;
template <int W, bool S> constexpr hlsforge::fx::Format ap_int_base<W, S>::fmt;
#endif

#endif  // HLSFORGE_SIM_AP_INT_H
