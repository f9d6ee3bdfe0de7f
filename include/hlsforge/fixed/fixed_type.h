// FixedType: the compiler's and emulator's single description of a
// fixed-point type, with exactly the semantics of the vendor HLS types of its
// family:
//   AP: ap_fixed<W,I,Q,O>, ap_ufixed<W,I,Q,O>, ap_int<W>, ap_uint<W>
//       (Vitis HLS user guide UG1399, "Arbitrary Precision Data Types");
//   AC: ac_fixed<W,I,S,Q,O>, ac_int<W,S> (Algorithmic C datatypes of
//       Catapult HLS, ac_datatypes_ref).
// The family is chosen by the backend (Vitis: AP, Catapult: AC); the hls4ml
// config spelling fixed<W,I,Q,O> names a type of either family (WithFamily,
// or Parse's config_family). Where the families differ: fixed_core.h.
//
// A value of the type is held as its raw W-bit word in an int64_t:
// sign-extended for signed types, zero-extended for unsigned ones. The real
// value of a word is  word * 2^(I - W)  (I may be negative or larger than W).
// The arithmetic itself lives in fixed_core.h, shared with the simulation
// headers that generated HLS code compiles against; this class is the
// run-time-typed face of it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hlsforge/fixed/fixed_core.h"
#include "hlsforge/util/status.h"

namespace hlsforge {

using fx::Quant;
using fx::Overflow;
using fx::Family;

class FixedType {
 public:
  /// ap_fixed<16,6>: the default of hls4ml.
  FixedType() = default;
  /// Throws hlsforge::Error if width is outside 1..64, or for RND_CONV_ODD
  /// in the AP family (an AC-only mode).
  FixedType(int width, int integer, bool is_signed = true,
            Quant q = Quant::TRN, Overflow o = Overflow::WRAP, Family family = Family::AP);
  /// ap_int<W> / ap_uint<W> (AP), ac_int<W,S> (AC): I == W. Throws
  /// hlsforge::Error if width is outside 1..64.
  static FixedType Int(int width, bool is_signed = true, Family family = Family::AP);

  /// Parses every spelling of an hls4ml config or HLS source:
  ///   AP: "ap_fixed<16,6>", "ap_fixed<8,3,AP_RND_CONV,AP_SAT>",
  ///       "ap_ufixed<8,0>", "ap_int<8>", "ap_uint<4>"; an optional 5th
  ///       saturation-bits argument must be 0;
  ///   AC: "ac_fixed<16,6>" (signed), "ac_fixed<8,3,false>",
  ///       "ac_fixed<8,3,true,AC_RND,AC_SAT>", "ac_int<8>" (signed),
  ///       "ac_int<4,false>"; the signedness is true/false or 1/0;
  ///   hls4ml config: "fixed<16,6,RND,SAT>", "ufixed<8,3>", "int<8>",
  ///       "uint<4>": a type of `config_family`.
  /// Mode names may omit their AP_ / AC_ prefix; a prefix must match the
  /// type's family.
  /// Errors (as a Status naming the offending text): malformed string,
  /// width outside 1..64, unknown quantization or overflow mode, a mode of
  /// the other family (RND_CONV_ODD is AC only).
  static StatusOr<FixedType> Parse(std::string_view text, Family config_family = Family::AP);

  int width() const { return w_; }
  int integer() const { return i_; }
  /// Fractional bits F = W - I (negative when I > W).
  int fractional() const { return w_ - i_; }
  bool is_signed() const { return s_; }
  Quant quant() const { return q_; }
  Overflow overflow() const { return o_; }
  bool is_integer_type() const { return is_int_; }
  Family family() const { return family_; }
  /// The same type with other modes (an integer type given modes other than
  /// TRN/WRAP becomes the equivalent ap_fixed<W,W,...> / ac_fixed<W,W,S,...>).
  /// Throws hlsforge::Error for RND_CONV_ODD in the AP family.
  FixedType with_modes(Quant q, Overflow o) const;
  /// The same type in another family (same W, I, S, modes): how a backend
  /// maps the config's precisions to its vendor types. Throws hlsforge::Error
  /// for RND_CONV_ODD to the AP family.
  FixedType WithFamily(Family family) const;

  /// Vendor spelling, modes printed only when not TRN/WRAP:
  ///   AP: "ap_fixed<16,6>", "ap_fixed<8,3,AP_RND_CONV,AP_SAT>", "ap_uint<4>";
  ///   AC: "ac_fixed<16,6,true>", "ac_fixed<8,3,true,AC_RND,AC_SAT>",
  ///       "ac_int<4,false>" (the spelling of hls4ml's Catapult backend).
  std::string ToString() const;
  /// hls4ml config spelling (both families): "fixed<16,6>",
  /// "fixed<8,3,RND_CONV,SAT>", "uint<4>".
  std::string ToConfigString() const;

  /// Smallest and largest word, and the real values they stand for.
  int64_t min_word() const;
  int64_t max_word() const;
  double min_value() const;
  double max_value() const;
  /// Value of one LSB: 2^(I-W).
  double step() const;

  /// The core's description of this type (fixed_core.h).
  fx::Format format() const { return fx::Format{w_, i_, s_, q_, o_, family_}; }

  /// Word of `v` assigned to this type (quantization then overflow modes),
  /// as the vendor's ap_fixed(double) / ac_fixed(double) constructor does.
  /// Exact for every double; NaN gives 0, +-inf saturate (or wrap to 0), see
  /// fixed_core.h.
  int64_t Quantize(double v) const { return fx::from_double(v, format()); }
  /// Word of `word` (of type `from`) assigned to this type (the conversion
  /// of this type's family; `from`'s modes matter only for AC SAT_SYM, see
  /// fixed_core.h).
  int64_t Cast(int64_t word, const FixedType& from) const {
    return fx::cast(word, from.format(), format());
  }
  /// Real value of a word of this type (exact when W <= 53).
  double ToDouble(int64_t word) const { return fx::to_double(word, format()); }

  /// Full-precision result types of the vendor operators (TRN, WRAP; the
  /// same rules in both families):
  ///   mul: <W1+W2, I1+I2, S1||S2>
  ///   add: F = max(F1,F2), I = max(I1 + (S2&&!S1), I2 + (S1&&!S2)) + 1, S1||S2
  ///   sub: as add, always signed.
  /// Integer types when both operands are integer types. All of these throw
  /// hlsforge::Error when the result would be wider than 64 bits, and when
  /// the operands are of different families.
  static FixedType MulType(const FixedType& a, const FixedType& b);
  static FixedType AddType(const FixedType& a, const FixedType& b);
  static FixedType SubType(const FixedType& a, const FixedType& b);
  /// Words of a*b, a+b, a-b in the full-precision result type.
  /// Errors: throws hlsforge::Error when the result type exceeds 64 bits.
  static int64_t Mul(int64_t a, const FixedType& ta, int64_t b, const FixedType& tb) {
    if (!fx::fits(fx::mul_format(ta.format(), tb.format()))) ThrowTooWide(ta, tb, '*');
    return fx::mul(a, ta.format(), b, tb.format());
  }
  static int64_t Add(int64_t a, const FixedType& ta, int64_t b, const FixedType& tb) {
    if (!fx::fits(fx::add_format(ta.format(), tb.format()))) ThrowTooWide(ta, tb, '+');
    return fx::add(a, ta.format(), b, tb.format());
  }
  static int64_t Sub(int64_t a, const FixedType& ta, int64_t b, const FixedType& tb) {
    if (!fx::fits(fx::sub_format(ta.format(), tb.format()))) ThrowTooWide(ta, tb, '-');
    return fx::sub(a, ta.format(), b, tb.format());
  }

  /// Word of this fixed word assigned to an integer type of int_width bits,
  /// as the vendor does: AP, ap_int<W>/ap_uint<W> = x: the fraction is
  /// truncated toward zero (as in C); AC, ac_int<W,S> = x.to_ac_int(): the
  /// value is floored. Then the value wraps. int_width must be in 1..64
  /// (throws hlsforge::Error otherwise).
  int64_t ToInt(int64_t word, int int_width, bool int_signed) const;

  friend bool operator==(const FixedType&, const FixedType&) = default;

 private:
  [[noreturn]] static void ThrowTooWide(const FixedType& a, const FixedType& b, char op);

  int w_ = 16;
  int i_ = 6;
  bool s_ = true;
  Quant q_ = Quant::TRN;
  Overflow o_ = Overflow::WRAP;
  bool is_int_ = false;
  Family family_ = Family::AP;
};

}  // namespace hlsforge
