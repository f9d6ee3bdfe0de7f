// Our ac_int.h / ac_fixed.h / ac_channel.h beyond the golden vectors: the
// rest of the API that generated code uses (result types of / %, bitwise
// and unary operators, C integer operands, compound assignment, ++,
// comparisons with double, bit and slice access, shifts, special values,
// to_ac_int and the to_* conversions) and the channel.
#include <cmath>
#include <type_traits>

#include <gtest/gtest.h>

#include "../../src/backends/hls/sim_headers/ac_channel.h"
#include "../../src/backends/hls/sim_headers/ac_fixed.h"

namespace {

using I8 = ac_int<8, true>;
using U4 = ac_int<4, false>;
using U8 = ac_int<8, false>;

template <class T, int W, int I, bool S>
constexpr bool IsFixed() { return std::is_same<T, ac_fixed<W, I, S, AC_TRN, AC_WRAP>>::value; }

TEST(AcSimHeaders, IntegerResultTypes) {
  ac_int<8, true> a = -100;
  ac_int<6, false> b = 50;
  static_assert(std::is_same<decltype(a * b), ac_int<14, true>>::value, "mul");
  static_assert(std::is_same<decltype(a + b), ac_int<9, true>>::value, "add");
  static_assert(std::is_same<decltype(b - b), ac_int<7, true>>::value, "sub");
  static_assert(std::is_same<decltype(a / b), ac_int<8, true>>::value, "div: W1 + S2");
  static_assert(std::is_same<decltype(b / a), ac_int<7, true>>::value, "div");
  static_assert(std::is_same<decltype(a % b), ac_int<7, true>>::value, "mod: min(W1, W2 + (S1&&!S2))");
  static_assert(std::is_same<decltype(b % a), ac_int<6, false>>::value, "mod");
  static_assert(std::is_same<decltype(a & b), ac_int<8, true>>::value, "and");
  static_assert(std::is_same<decltype(-b), ac_int<7, true>>::value, "neg");
  static_assert(std::is_same<decltype(~b), ac_int<7, true>>::value, "~ unsigned");
  static_assert(std::is_same<decltype(a * 3), ac_int<40, true>>::value, "int is ac_int<32,true>");
  static_assert(std::is_same<decltype(b + true), ac_int<7, false>>::value, "bool is ac_int<1,false>");
  EXPECT_EQ((a * b).to_int(), -5000);
  EXPECT_EQ((a + b).to_int(), -50);
  EXPECT_EQ((b - b).to_int(), 0);
  EXPECT_EQ((a / b).to_int(), -2);  // toward zero
  EXPECT_EQ((a % b).to_int(), 0);
  EXPECT_EQ((ac_int<8, true>(-101) % b).to_int(), -1);  // sign of the dividend
  EXPECT_EQ((a / ac_int<4, false>(0)).to_int(), 0);    // documented: x / 0 gives 0
  EXPECT_EQ((a & b).to_int(), (-100) & 50);
  EXPECT_EQ((a | b).to_int(), (-100) | 50);
  EXPECT_EQ((a ^ b).to_int(), (-100) ^ 50);
  EXPECT_EQ((-b).to_int(), -50);
  EXPECT_EQ((~b).to_int(), ~50);
  EXPECT_EQ(b.bit_complement().to_int(), 63 - 50);
  EXPECT_EQ((a * 3).to_int(), -300);
  EXPECT_EQ((3 - b).to_int(), -47);
}

TEST(AcSimHeaders, IntegerAssignmentWrapsAndConverts) {
  ac_int<4, true> x = 9;  // wraps to -7
  EXPECT_EQ(x.to_int(), -7);
  ac_int<4, false> u = -1;
  EXPECT_EQ(u.to_int(), 15);
  EXPECT_EQ(I8(-2.5).to_int(), -3);  // ac_int(double) floors
  EXPECT_EQ(I8(300.7).to_int(), 44);  // floor 300, wrapped
  long long l = x;  // implicit conversion to long long
  EXPECT_EQ(l, -7);
  unsigned long long ul = u;
  EXPECT_EQ(ul, 15u);
  x += 5;
  EXPECT_EQ(x.to_int(), -2);
  x *= ac_int<8, false>(200);
  EXPECT_EQ(x.to_int(), 0);  // -400 mod 16
  u -= 1;
  EXPECT_EQ(u.to_int(), 14);
  ++u;
  ++u;
  EXPECT_EQ(u.to_int(), 0);
  u--;
  EXPECT_EQ(u.to_int(), 15);
  u >>= 1;
  EXPECT_EQ(u.to_int(), 7);
  u <<= 2;
  EXPECT_EQ(u.to_int(), 12);  // 28 in 4 bits
  EXPECT_EQ((u << -1).to_int(), 6);  // negative signed distance shifts right
  EXPECT_EQ((ac_int<8, true>(-5) >> 1).to_int(), -3);  // arithmetic
  EXPECT_TRUE(u == 12 && u > 11 && u >= 12 && u < 13 && u <= 12 && u != 3);
  EXPECT_TRUE(I8(-1) < U8(0));
}

TEST(AcSimHeaders, BitsAndSlices) {
  ac_int<12, false> x = 0xABC;
  EXPECT_TRUE(x[2]);
  EXPECT_FALSE(x[0]);
  x[0] = 1;
  EXPECT_EQ(x.to_int(), 0xABD);
  EXPECT_EQ(x.slc<4>(4).to_int(), 0xB);
  x.set_slc(8, ac_int<4, false>(0x3));
  EXPECT_EQ(x.to_int(), 0x3BD);
  EXPECT_TRUE(U4(15).and_reduce());
  EXPECT_FALSE(U4(0).or_reduce());
  EXPECT_TRUE(U4(7).xor_reduce());
  ac_int<8, true> s = 0;
  s[7] = 1;  // the sign bit
  EXPECT_EQ(s.to_int(), -128);
  EXPECT_EQ(s.slc<4>(6).to_int(), -2);  // sign bits above the MSB
  ac_fixed<8, 4, true> f = 2.75;       // word 0x2c
  EXPECT_EQ(f.slc<4>(2).to_int(), -5);  // 0xb as ac_int<4,true>
  f.set_slc(0, ac_int<4, false>(0xf));
  EXPECT_EQ(f.to_double(), 2.9375);
  f[7] = 1;
  EXPECT_EQ(f.to_double(), 2.9375 - 8);  // the sign bit weighs -8
  EXPECT_TRUE(f.is_neg());
}

TEST(AcSimHeaders, FixedResultTypesAndMixedOperands) {
  ac_fixed<8, 3, true> a = 1.25;
  ac_fixed<6, 2, false> b = 0.5;
  ac_int<4, true> n = -3;
  static_assert(IsFixed<decltype(a / b), 8 + 4 + 0, 3 + 4 + 0, true>(), "div");
  static_assert(IsFixed<decltype(a / n), 8 + 1, 3 + 1, true>(), "div by ac_int");
  static_assert(IsFixed<decltype(a * n), 12, 7, true>(), "ac_int is ac_fixed<W,W,S>");
  static_assert(IsFixed<decltype(n - a), 10, 5, true>(), "ac_int on the left");
  static_assert(IsFixed<decltype(a + 1), 38, 33, true>(), "int is ac_fixed<32,32,true>");
  static_assert(IsFixed<decltype(-b), 7, 3, true>(), "neg");
  static_assert(IsFixed<decltype(~b), 7, 3, true>(), "~: W+!S");
  static_assert(std::is_same<decltype(a << 1), decltype(a)>::value, "shifts keep the type");
  EXPECT_EQ((a / b).to_double(), 2.5);
  EXPECT_EQ((a / n).to_double(), -0.40625);  // -0.4166.. truncated toward zero at 2^-5
  EXPECT_EQ((a * n).to_double(), -3.75);
  EXPECT_EQ((n - a).to_double(), -4.25);
  EXPECT_EQ((a + 1).to_double(), 2.25);
  EXPECT_EQ((2 * a).to_double(), 2.5);
  EXPECT_EQ((-b).to_double(), -0.5);
  EXPECT_EQ((a << 1).to_double(), 2.5);
  EXPECT_EQ((a << 2).to_double(), -3.0);  // bits shifted out are lost (5.0 wraps)
  EXPECT_EQ((ac_fixed<8, 3, true, AC_TRN, AC_SAT>(1.25) << 2).to_double(), -3.0);  // no saturation
  EXPECT_EQ((ac_fixed<8, 3, true>(-1.25) >> 3).to_double(), -0.15625);  // floor
}

TEST(AcSimHeaders, FixedAssignmentComparisonAndConversions) {
  ac_fixed<6, 3, true, AC_RND, AC_SAT> acc = 0;
  acc += ac_fixed<8, 2, true>(1.0 / 64);  // 0.015625 rounds to 0 (LSB 1/8: no)
  EXPECT_EQ(acc.to_double(), 0.0);
  acc += ac_fixed<8, 2, true>(1.0 / 16);  // 0.0625 = LSB/2 rounds up
  EXPECT_EQ(acc.to_double(), 0.125);
  acc += 10;  // saturates
  EXPECT_EQ(acc.to_double(), 3.875);
  acc -= ac_int<8, true>(20);
  EXPECT_EQ(acc.to_double(), -4.0);
  acc *= ac_fixed<4, 1, true>(-0.5);
  EXPECT_EQ(acc.to_double(), 2.0);
  acc /= 3;
  EXPECT_EQ(acc.to_double(), 0.625);  // 0.666.. truncated toward zero by / (at 2^-3)
  ++acc;
  EXPECT_EQ(acc.to_double(), 0.75);
  acc--;
  EXPECT_EQ(acc.to_double(), 0.625);
  // Comparisons with double are exact; with integers too.
  const ac_fixed<60, 2, true> tiny = ac_fixed<60, 2, true>(0x1p-57);
  EXPECT_TRUE(tiny > 0.0 && tiny > 0 && tiny < 0x1p-56 && tiny == 0x1p-57 && tiny != 0x1p-58);
  EXPECT_TRUE(0.5 > tiny && 0x1p-57 >= tiny && 0x1p-57 <= tiny);
  EXPECT_FALSE(tiny == std::nan(""));
  EXPECT_TRUE(tiny != std::nan(""));
  EXPECT_TRUE(acc < 1e300 && acc > -HUGE_VAL);
  // Conversions: floor, then the low bits.
  const ac_fixed<10, 6, true> x = -2.25;
  EXPECT_EQ(x.to_int(), -3);
  EXPECT_EQ(x.to_int64(), -3);
  EXPECT_EQ(x.to_uint(), 0xfffffffdu);
  static_assert(std::is_same<decltype(x.to_ac_int()), ac_int<6, true>>::value, "to_ac_int");
  static_assert(std::is_same<decltype(ac_fixed<8, -2, false>().to_ac_int()), ac_int<1, false>>::value, "I <= 0");
  EXPECT_EQ(x.to_ac_int().to_int(), -3);
  ac_int<8, true> i = 1;
  i += x;  // ac_int op= ac_fixed: the floor of the fixed value
  EXPECT_EQ(i.to_int(), -2);
  // From C integers and ac_int, with the target's modes.
  EXPECT_EQ((ac_fixed<6, 3, true, AC_TRN, AC_SAT>(100)).to_double(), 3.875);
  EXPECT_EQ((ac_fixed<6, 3, true>(ac_int<5, true>(-9))).to_double(), -1.0);  // -9 wraps to -1 in 3 integer bits
}

TEST(AcSimHeaders, SpecialValues) {
  using Sym = ac_fixed<8, 4, true, AC_TRN, AC_SAT_SYM>;
  EXPECT_EQ(value<AC_VAL_MIN>(Sym()).V, -127);
  EXPECT_EQ(value<AC_VAL_MIN>(ac_fixed<8, 4, true>()).V, -128);
  EXPECT_EQ(value<AC_VAL_MAX>(ac_fixed<8, 4, false>()).V, 255);
  EXPECT_EQ(value<AC_VAL_QUANTUM>(ac_fixed<8, 4, true>()).to_double(), 1.0 / 16);
  EXPECT_EQ(value<AC_VAL_0>(ac_int<8, true>(5)).to_int(), 0);
  EXPECT_EQ(value<AC_VAL_MIN>(ac_int<8, true>()).to_int(), -128);
  ac_int<5, false> m;
  m.set_val<AC_VAL_MAX>();
  EXPECT_EQ(m.to_int(), 31);
}

TEST(AcSimHeaders, Channel) {
  ac_channel<ac_fixed<8, 4, true>> ch;
  EXPECT_TRUE(ch.empty());
  EXPECT_FALSE(ch.available(1));
  for (int k = 0; k < 5; ++k) ch.write(ac_fixed<8, 4, true>(k * 0.5));
  EXPECT_EQ(ch.size(), 5u);
  EXPECT_TRUE(ch.available(5));
  EXPECT_FALSE(ch.available(6));
  EXPECT_EQ(ch[1].to_double(), 0.5);
  EXPECT_EQ(ch.peek().to_double(), 0.0);
  EXPECT_EQ(ch.read().to_double(), 0.0);
  ac_fixed<8, 4, true> v;
  ch.read(v);
  EXPECT_EQ(v.to_double(), 0.5);
  EXPECT_TRUE(ch.nb_read(v));
  EXPECT_EQ(v.to_double(), 1.0);
  EXPECT_TRUE(ch.nb_write(v));
  EXPECT_EQ(ch.size(), 3u);
  ac_channel<int> primed(3, 7);  // starts with 3 copies of 7; reset refills
  EXPECT_EQ(primed.size(), 3u);
  EXPECT_EQ(primed.read(), 7);
  primed.write(1);
  primed.reset();
  EXPECT_EQ(primed.size(), 3u);
  int x = 0;
  ac_channel<int> empty;
  EXPECT_FALSE(empty.nb_read(x));
  EXPECT_DEATH(empty.read(), "ac_channel: read from an empty channel");
}

}  // namespace
