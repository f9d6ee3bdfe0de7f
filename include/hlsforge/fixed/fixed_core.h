// fixed_core.h: the ONE definition of fixed-point semantics in hlsforge.
//
// Header-only, dependency-free (C++17, no exceptions, no <string>), so that it
// is shared verbatim by
//   * FixedType (run-time typed, compiler + emulator), and
//   * our simulation headers ap_fixed.h / ap_int.h and ac_fixed.h / ac_int.h,
//     which generated HLS projects compile against with g++ (a copy is written
//     into each project under the name hlsforge_fixed_core.h).
// Two families of vendor types are described (Format::family):
//   AP: ap_fixed / ap_int of Vitis HLS (user guide UG1399, "Arbitrary
//       Precision Data Types"), checked bit for bit against
//       ../shared/golden/ap_fixed/vectors.txt;
//   AC: ac_fixed / ac_int, the Algorithmic C datatypes of Catapult HLS
//       ("Algorithmic C Datatypes" reference manual, ac_datatypes_ref.pdf, and
//       the open-source headers ac_fixed.h / ac_int.h of hlslibs/ac_types),
//       checked bit for bit against ../shared/golden/ac_fixed/vectors.txt.
// (tests/fixed/golden_vectors_test.cpp, tests/fixed/sim_headers_golden_test.cpp,
// tests/fixed/family_diff_test.cpp.)
//
// Words: a W-bit value is held in an int64_t, sign-extended if signed,
// zero-extended if unsigned; real value = word * 2^(I-W). 1 <= W <= 64.
// (Exception: an unsigned 64-bit word is held as its bit pattern, so values
// >= 2^63 look negative in the int64_t; every function here reads words
// through widen(), which handles that.) Intermediates use __int128.
//
// Semantics in one paragraph (they are the vendors', verified by the vectors):
// a conversion is exact arithmetic on the real value: first the value is
// rounded to a multiple of the target LSB by the quantization mode, then, if
// the rounded value is outside the target range, the overflow mode applies:
// WRAP keeps the low W bits, SAT clamps, SAT_ZERO gives 0, SAT_SYM clamps to
// [-max, max] for signed targets with W > 1 (so the most negative word never
// results; a 1-bit signed target keeps its range {-1, 0} words), and behaves
// like SAT for unsigned targets.
// Result types at full precision (ap_fixed rules, ap_int is the case I == W;
// the ac_fixed / ac_int rules, ac_fixed.h rt<>::mult/plus/minus, are the same):
//   mul: W1+W2, I1+I2, S1||S2
//   add: F = max(F1,F2), I = max(I1 + (S2&&!S1), I2 + (S1&&!S2)) + 1, S1||S2
//   sub: as add, but always signed.
// Conversion to an integer type (to_int) truncates toward zero (AP, as C
// does) or floors (AC), then wraps.
// Doubles: from_double is exact (the double is decomposed into an integer
// mantissa and a power of two, subnormals included). NaN gives word 0;
// +inf/-inf behave like a value far above/below the range (WRAP: 0, SAT and
// SAT_SYM: max / min, SAT_ZERO: 0).
//
// Where the families differ (every difference is written once, below, in the
// function named; everything else is shared):
//   1. to_int: AP truncates toward zero (UG1399: conversion of ap_fixed to
//      ap_int), AC floors (ac_fixed::to_ac_int(), to_int(): "bits are
//      truncated", i.e. floor in two's complement).
//   2. Quant::RND_CONV_ODD (round half to odd) exists in AC only.
//   3. from_double, AC, signed W a multiple of 32, SAT_ZERO: a value strictly
//      between min - 1 LSB and min gives 0 even when the quantization mode
//      rounds it up to min (ac_fixed(double) flags overflow on the floor
//      before rounding when the word fills its 32-bit limbs).
//   4. cast, AC: the overflow check is skipped for a SAT_SYM target when the
//      source is SAT_SYM, drops no fraction bits and fits the target's
//      integer bits (ac_fixed.h conversion assumes such a source never holds
//      its most negative word; if it does, it stays min instead of -max).
//   5. shift: AP shifts of ap_fixed keep the type and apply its modes
//      (UG1399); AC shifts are plain bit shifts of the word in the same type
//      ("result constrained by left operand", ac_fixed.h / ac_int.h).
#pragma once

#include <cstdint>
#include <cstring>

namespace hlsforge {
namespace fx {

/// RND_CONV_ODD (round half to odd) exists in the AC family only.
enum class Quant : uint8_t { TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, RND_MIN_INF, RND_CONV, RND_CONV_ODD };
enum class Overflow : uint8_t { WRAP, SAT, SAT_ZERO, SAT_SYM };
/// AP: ap_fixed / ap_int (Vitis HLS). AC: ac_fixed / ac_int (Catapult HLS).
enum class Family : uint8_t { AP, AC };

/// A fixed-point format: width, integer bits, signedness, modes, family.
struct Format {
  int w;
  int i;
  bool s;
  Quant q = Quant::TRN;
  Overflow o = Overflow::WRAP;
  Family family = Family::AP;
};

using i128 = __int128;
using u128 = unsigned __int128;

/// Fractional bits of a format (negative when I > W).
constexpr int frac(Format f) { return f.w - f.i; }

/// The word as an exact integer (handles the unsigned 64-bit case).
constexpr i128 widen(int64_t word, bool s) {
  return s ? static_cast<i128>(word) : static_cast<i128>(static_cast<uint64_t>(word));
}

/// Low w bits of v, sign-extended if s, zero-extended otherwise.
constexpr int64_t wrap(i128 v, int w, bool s) {
  const uint64_t u = static_cast<uint64_t>(v) << (64 - w);
  return s ? (static_cast<int64_t>(u) >> (64 - w))
           : static_cast<int64_t>(u >> (64 - w));
}

constexpr int64_t min_word(int w, bool s) {
  return s ? static_cast<int64_t>(~uint64_t{0} << (w - 1)) : 0;
}
/// Largest word (for unsigned 64 bits: the all-ones pattern, i.e. -1; for a
/// signed 1-bit type: 0).
constexpr int64_t max_word(int w, bool s) {
  return (s && w == 1) ? 0 : static_cast<int64_t>(~uint64_t{0} >> (64 - w + (s ? 1 : 0)));
}
constexpr i128 min_exact(int w, bool s) { return s ? -(static_cast<i128>(1) << (w - 1)) : 0; }
constexpr i128 max_exact(int w, bool s) {
  return (static_cast<i128>(1) << (w - (s ? 1 : 0))) - 1;
}

/// x * 2^-d rounded to an integer by mode q. |x| < 2^65; d any int.
/// For d < 0 the result is exact when -d <= 62; for larger left shifts of a
/// nonzero x the result is +-2^100 (out of every range, low 64 bits zero),
/// which is what both WRAP and the saturating modes need.
constexpr i128 shift_round(i128 x, int d, Quant q) {
  if (d <= 0) {
    if (d >= -62) return x << -d;
    return x == 0 ? i128{0} : (x > 0 ? (static_cast<i128>(1) << 100) : -(static_cast<i128>(1) << 100));
  }
  // |x| < 2^65, so for d >= 100 the rounding outcome equals that of d == 100.
  if (d > 100) d = 100;
  const i128 fl = x >> d;  // floor
  if (q == Quant::TRN) return fl;
  const i128 mask = (static_cast<i128>(1) << d) - 1;
  const i128 rem = x & mask;  // x - fl*2^d, in [0, 2^d)
  const i128 half = static_cast<i128>(1) << (d - 1);
  bool inc = false;
  switch (q) {
    case Quant::TRN: break;
    case Quant::TRN_ZERO: inc = x < 0 && rem != 0; break;
    case Quant::RND: inc = rem >= half; break;
    case Quant::RND_ZERO: inc = rem > half || (rem == half && x < 0); break;
    case Quant::RND_INF: inc = rem > half || (rem == half && x >= 0); break;
    case Quant::RND_MIN_INF: inc = rem > half; break;
    case Quant::RND_CONV: inc = rem > half || (rem == half && (fl & 1) != 0); break;
    case Quant::RND_CONV_ODD: inc = rem > half || (rem == half && (fl & 1) == 0); break;
  }
  return fl + (inc ? 1 : 0);
}

/// Applies the overflow mode of (w, s, o) to the exact integer r.
constexpr int64_t overflow(i128 r, int w, bool s, Overflow o) {
  if (o == Overflow::WRAP) return wrap(r, w, s);
  const i128 hi = max_exact(w, s);
  // SAT_SYM (signed): the vendor saturates to min with bit 0 set, i.e. -max,
  // except at W == 1 where bit 0 IS the sign bit and min stays min.
  const i128 lo = min_exact(w, s) + ((o == Overflow::SAT_SYM && s && w > 1) ? 1 : 0);
  if (r > hi) return o == Overflow::SAT_ZERO ? 0 : static_cast<int64_t>(static_cast<uint64_t>(hi));
  if (r < lo) return o == Overflow::SAT_ZERO ? 0 : static_cast<int64_t>(lo);
  return static_cast<int64_t>(static_cast<uint64_t>(r));
}

/// The exact value x * 2^-src_frac assigned to format `to`.
constexpr int64_t convert(i128 x, int src_frac, Format to) {
  return overflow(shift_round(x, src_frac - frac(to), to.q), to.w, to.s, to.o);
}

/// True when an AC conversion from `from` to `to` skips the overflow check
/// although the target is SAT_SYM (family difference 4): ac_fixed.h checks
/// only if (!S && S2) || I-S < I2-S2 + (QUAN_INC || (S2 && O == SAT_SYM &&
/// (O2 != SAT_SYM || F2 > F))), QUAN_INC = F2 > F && Q rounds. Without the
/// SAT_SYM term the skipped cases cannot overflow, so the skip only matters
/// for a SAT_SYM source holding its most negative word.
constexpr bool ac_skips_sat_sym(Format from, Format to) {
  if (to.family != Family::AC || to.o != Overflow::SAT_SYM || from.o != Overflow::SAT_SYM) return false;
  const bool quan_inc = frac(from) > frac(to) && !(to.q == Quant::TRN || (to.q == Quant::TRN_ZERO && !from.s));
  const bool checks = (!to.s && from.s) ||
                      to.i - to.s < from.i - from.s + ((quan_inc || (from.s && frac(from) > frac(to))) ? 1 : 0);
  return !checks;
}

/// Word of `word` (format `from`) assigned to `to`. The modes of `from` are
/// ignored, except for AC SAT_SYM (ac_skips_sat_sym).
constexpr int64_t cast(int64_t word, Format from, Format to) {
  if (to.o == Overflow::SAT_SYM && ac_skips_sat_sym(from, to)) {
    // The value fits (see ac_skips_sat_sym): the exact rounded value, wrapped.
    return wrap(shift_round(widen(word, from.s), frac(from) - frac(to), to.q), to.w, to.s);
  }
  return convert(widen(word, from.s), frac(from), to);
}

/// Word of the double v assigned to `to`. Exact; see the header comment for
/// NaN and infinities.
inline double pow2(int e);

/// Family difference 3: AC, signed, W a multiple of 32, SAT_ZERO, and v was
/// rounded up to min (r == min word) from below min. ac_fixed(double) computes
/// the floor of v into W/32 limbs; floor(v) < min does not fit them, which
/// the header flags as overflow before rounding.
inline bool ac_sat_zero_floor_overflows(double v, int64_t r, Format to) {
  return to.family == Family::AC && to.s && (to.w & 31) == 0 && r == min_word(to.w, true) &&
         v < -pow2(to.i - 1);
}

inline int64_t from_double(double v, Format to) {
  // Fast path, exact: scaling by 2^F is exact unless it over/underflows, and
  // for |y| < 2^62 the floor and the fraction y - floor(y) are exact too.
  const double y = v * pow2(frac(to));
  const double ay = y < 0 ? -y : y;
  // 2^62 and 2^-1000, written as exact decimals (hexadecimal floating
  // literals are C++17; the generated projects compile as C++14).
  if (ay < 4611686018427387904.0 && (ay >= 9.332636185032189e-302 || v == 0)) {
    // Branch-free (random data would mispredict): & and | on bools.
    int64_t fl = static_cast<int64_t>(y);                   // toward zero
    fl -= static_cast<int64_t>(static_cast<double>(fl) > y);  // floor
    const double rem = y - static_cast<double>(fl);         // in [0, 1), exact
    const bool gt = rem > 0.5, tie = rem == 0.5, neg = y < 0;
    bool inc = false;
    switch (to.q) {
      case Quant::TRN: break;
      case Quant::TRN_ZERO: inc = neg & (rem != 0); break;
      case Quant::RND: inc = gt | tie; break;
      case Quant::RND_ZERO: inc = gt | (tie & neg); break;
      case Quant::RND_INF: inc = gt | (tie & !neg); break;
      case Quant::RND_MIN_INF: inc = gt; break;
      case Quant::RND_CONV: inc = gt | (tie & ((fl & 1) != 0)); break;
      case Quant::RND_CONV_ODD: inc = gt | (tie & ((fl & 1) == 0)); break;
    }
    const int64_t r = overflow(static_cast<i128>(fl + static_cast<int64_t>(inc)), to.w, to.s, to.o);
    if (to.o == Overflow::SAT_ZERO && ac_sat_zero_floor_overflows(v, r, to)) return 0;
    return r;
  }
  // General path: decompose the double into an integer times a power of 2.
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  const int e = static_cast<int>((bits >> 52) & 0x7ff);
  int64_t m = static_cast<int64_t>(bits & ((uint64_t{1} << 52) - 1));
  int src_frac;
  if (e == 0x7ff) {
    if (m != 0) return 0;  // NaN
    m = 1;
    src_frac = -4000;      // +-inf: far out of range
  } else if (e == 0) {
    src_frac = 1074;       // zero and subnormals: m * 2^-1074
  } else {
    m |= int64_t{1} << 52;
    src_frac = 1075 - e;
  }
  if (bits >> 63) m = -m;
  const int64_t r = convert(m, src_frac, to);
  if (to.o == Overflow::SAT_ZERO && ac_sat_zero_floor_overflows(v, r, to)) return 0;
  return r;
}

/// 2^e as a double (exact for -1074 <= e <= 1023, else 0 or inf).
inline double pow2(int e) {
  if (e >= -1022 && e <= 1023) {
    const uint64_t b = static_cast<uint64_t>(e + 1023) << 52;
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
  }
  if (e > 1023) return pow2(1023) * 2.0;  // inf
  if (e < -1074) return 0.0;
  return pow2(e + 64) * pow2(-64);        // subnormal, exact
}

/// Real value of a word (exact when the word has at most 53 significant bits;
/// otherwise rounded to nearest).
inline double to_double(int64_t word, Format f) {
  const double m = f.s ? static_cast<double>(word) : static_cast<double>(static_cast<uint64_t>(word));
  const int e = f.i - f.w;
  if (e >= -1022 && e <= 1023) return m * pow2(e);
  // Split the scaling so that intermediate results stay representable.
  return (m * pow2(e / 2)) * pow2(e - e / 2);
}

/// Full-precision result formats (modes TRN / WRAP, the family of `a`; both
/// families use the same rules).
constexpr Format mul_format(Format a, Format b) {
  return Format{a.w + b.w, a.i + b.i, a.s || b.s, Quant::TRN, Overflow::WRAP, a.family};
}
constexpr int max_int(int a, int b) { return a > b ? a : b; }
constexpr Format add_format(Format a, Format b) {
  const int f = max_int(frac(a), frac(b));
  const int i = max_int(a.i + ((b.s && !a.s) ? 1 : 0), b.i + ((a.s && !b.s) ? 1 : 0)) + 1;
  return Format{i + f, i, a.s || b.s, Quant::TRN, Overflow::WRAP, a.family};
}
constexpr Format sub_format(Format a, Format b) {
  Format r = add_format(a, b);
  r.s = true;
  return r;
}
/// True when the result format fits a word (W <= 64).
constexpr bool fits(Format f) { return f.w >= 1 && f.w <= 64; }

/// Words of a*b, a+b, a-b in mul_format / add_format / sub_format (which the
/// caller must have checked with fits()).
constexpr int64_t mul(int64_t a, Format fa, int64_t b, Format fb) {
  const Format r = mul_format(fa, fb);
  return wrap(widen(a, fa.s) * widen(b, fb.s), r.w, r.s);
}
constexpr int64_t add(int64_t a, Format fa, int64_t b, Format fb) {
  const Format r = add_format(fa, fb);
  const int f = frac(r);
  return wrap((widen(a, fa.s) << (f - frac(fa))) + (widen(b, fb.s) << (f - frac(fb))), r.w, r.s);
}
constexpr int64_t sub(int64_t a, Format fa, int64_t b, Format fb) {
  const Format r = sub_format(fa, fb);
  const int f = frac(r);
  return wrap((widen(a, fa.s) << (f - frac(fa))) - (widen(b, fb.s) << (f - frac(fb))), r.w, r.s);
}

/// Compound assignments of the vendor types, a += b / a -= b (minus) and
/// a *= b: the exact result assigned to a's format fa with its modes (no
/// limit on the intermediate width). For + and -, the fraction bits of fa
/// and fb differ by at most 62; for *, fa.w + fb.w <= 126.
constexpr int64_t add_assign(int64_t a, Format fa, int64_t b, Format fb, bool minus) {
  const int f = max_int(frac(fa), frac(fb));
  const i128 x = widen(a, fa.s) << (f - frac(fa));
  const i128 y = widen(b, fb.s) << (f - frac(fb));
  return convert(minus ? x - y : x + y, f, fa);
}
constexpr int64_t mul_assign(int64_t a, Format fa, int64_t b, Format fb) {
  return convert(widen(a, fa.s) * widen(b, fb.s), frac(fa) + frac(fb), fa);
}

/// Word of the fixed word assigned to an integer type int<w2,s2>: the
/// fraction is removed, then the value wraps to w2 bits. Family difference 1:
/// AP (ap_fixed to ap_int / ap_uint) truncates toward zero; AC
/// (ac_fixed::to_ac_int(), to_int(), to_int64() ...) floors.
constexpr int64_t to_int(int64_t word, Format f, int w2, bool s2) {
  const Quant q = f.family == Family::AC ? Quant::TRN : Quant::TRN_ZERO;
  return wrap(shift_round(widen(word, f.s), frac(f), q), w2, s2);
}

/// Word of x * 2^sh in x's own format f (sh < 0: a right shift), the shift
/// operators of the vendor types. Family difference 5: AP applies f's modes
/// (quantization for >>, overflow for <<; UG1399); AC shifts the word's bits
/// (bits shifted out are lost, >> is arithmetic, i.e. floors; ac_int.h /
/// ac_fixed.h operator<< / operator>>).
constexpr int64_t shift(int64_t word, Format f, int sh) {
  if (f.family == Family::AP) return convert(widen(word, f.s), frac(f) - sh, f);
  if (sh >= 0) return wrap(sh >= 64 ? 0 : static_cast<i128>(static_cast<uint64_t>(word) << sh), f.w, f.s);
  return wrap(widen(word, f.s) >> (sh <= -100 ? 100 : -sh), f.w, f.s);
}

/// Exact comparison of two words of any formats: -1, 0 or 1.
constexpr int compare(int64_t a, Format fa, int64_t b, Format fb) {
  i128 x = widen(a, fa.s), y = widen(b, fb.s);
  const int d = frac(fb) - frac(fa);  // shift x up by d (or y by -d)
  if (d > 0) {
    if (d > 63) return x > 0 ? 1 : x < 0 ? -1 : (y > 0 ? -1 : y < 0 ? 1 : 0);
    x <<= d;
  } else if (d < 0) {
    if (d < -63) return y > 0 ? -1 : y < 0 ? 1 : (x > 0 ? 1 : x < 0 ? -1 : 0);
    y <<= -d;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace fx
}  // namespace hlsforge
