// FixedType of the AC family (ac_fixed / ac_int): spellings, the family of
// hls4ml's config spelling, WithFamily, family errors, and the AC-only
// semantics on hand-checked values.
#include <string>

#include <gtest/gtest.h>

#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge {
namespace {

FixedType P(const std::string& s, Family config_family = Family::AP) {
  auto r = FixedType::Parse(s, config_family);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().message();
  return r.ok() ? *r : FixedType();
}

FixedType Ac(int w, int i, bool s = true, Quant q = Quant::TRN, Overflow o = Overflow::WRAP) {
  return FixedType(w, i, s, q, o, Family::AC);
}

TEST(FixedTypeFamily, AcSpellings) {
  EXPECT_EQ(P("ac_fixed<16,6>"), Ac(16, 6));  // S defaults to true
  EXPECT_EQ(P("ac_fixed<16,6,true>"), Ac(16, 6));
  EXPECT_EQ(P("ac_fixed<8,3,false>"), Ac(8, 3, false));
  EXPECT_EQ(P("ac_fixed<8,3,1,AC_RND>"), Ac(8, 3, true, Quant::RND));
  EXPECT_EQ(P("ac_fixed<8,3,true,AC_RND,AC_SAT>"), Ac(8, 3, true, Quant::RND, Overflow::SAT));
  EXPECT_EQ(P("ac_fixed<8,-2,0,AC_RND_CONV_ODD,AC_SAT_SYM>"),
            Ac(8, -2, false, Quant::RND_CONV_ODD, Overflow::SAT_SYM));
  EXPECT_EQ(P(" ac_fixed < 18 , 8 , true , RND , SAT_ZERO > "),
            Ac(18, 8, true, Quant::RND, Overflow::SAT_ZERO));
  EXPECT_EQ(P("ac_int<8>"), FixedType::Int(8, true, Family::AC));
  EXPECT_EQ(P("ac_int<4,false>"), FixedType::Int(4, false, Family::AC));
  EXPECT_EQ(P("ac_int<64,true>"), FixedType::Int(64, true, Family::AC));
  EXPECT_EQ(P("ac_int<8>").family(), Family::AC);
  EXPECT_TRUE(P("ac_int<8>").is_integer_type());
  // The same numbers in the two families are different types.
  EXPECT_NE(P("ac_fixed<16,6>"), P("ap_fixed<16,6>"));
  EXPECT_NE(P("ac_int<8>"), P("ap_int<8>"));
}

TEST(FixedTypeFamily, PrintsHls4mlCatapultSpelling) {
  EXPECT_EQ(Ac(16, 6).ToString(), "ac_fixed<16,6,true>");
  EXPECT_EQ(Ac(8, 3, false).ToString(), "ac_fixed<8,3,false>");
  EXPECT_EQ(Ac(8, 3, true, Quant::RND).ToString(), "ac_fixed<8,3,true,AC_RND>");
  EXPECT_EQ(Ac(8, 3, true, Quant::RND, Overflow::SAT).ToString(), "ac_fixed<8,3,true,AC_RND,AC_SAT>");
  EXPECT_EQ(Ac(8, 3, true, Quant::TRN, Overflow::SAT_SYM).ToString(), "ac_fixed<8,3,true,AC_TRN,AC_SAT_SYM>");
  EXPECT_EQ(FixedType::Int(8, true, Family::AC).ToString(), "ac_int<8,true>");
  EXPECT_EQ(FixedType::Int(4, false, Family::AC).ToString(), "ac_int<4,false>");
  // The config spelling is the family-neutral hls4ml one.
  EXPECT_EQ(Ac(8, 3, true, Quant::RND_CONV_ODD, Overflow::SAT).ToConfigString(), "fixed<8,3,RND_CONV_ODD,SAT>");
  EXPECT_EQ(FixedType::Int(4, false, Family::AC).ToConfigString(), "uint<4>");
  const char* spellings[] = {"ac_fixed<16,6,true>", "ac_fixed<8,3,false,AC_RND_CONV,AC_SAT>",
                             "ac_fixed<12,-3,true,AC_RND_INF,AC_SAT_ZERO>", "ac_int<8,true>",
                             "ac_int<4,false>", "ac_fixed<40,50,false,AC_TRN_ZERO>"};
  for (const char* s : spellings) {
    const FixedType t = P(s);
    EXPECT_EQ(t.ToString(), s);
    EXPECT_EQ(P(t.ToString()), t) << s;
    EXPECT_EQ(P(t.ToConfigString(), Family::AC), t) << s;
    EXPECT_EQ(P(t.ToConfigString()), t.WithFamily(Family::AP)) << s;
  }
}

TEST(FixedTypeFamily, ConfigSpellingTakesTheBackendsFamily) {
  EXPECT_EQ(P("fixed<16,6,RND,SAT>").family(), Family::AP);
  EXPECT_EQ(P("fixed<16,6,RND,SAT>", Family::AC), Ac(16, 6, true, Quant::RND, Overflow::SAT));
  EXPECT_EQ(P("ufixed<8,3>", Family::AC), Ac(8, 3, false));
  EXPECT_EQ(P("int<8>", Family::AC), FixedType::Int(8, true, Family::AC));
  EXPECT_EQ(P("fixed<8,3,AC_RND_CONV_ODD>", Family::AC), Ac(8, 3, true, Quant::RND_CONV_ODD));
  // Vendor spellings carry their own family.
  EXPECT_EQ(P("ap_fixed<16,6>", Family::AC).family(), Family::AP);
  EXPECT_EQ(P("ac_fixed<16,6>", Family::AP).family(), Family::AC);
  // WithFamily: the mechanism a backend uses to map the config's precisions.
  const FixedType ap(18, 8, true, Quant::RND_CONV, Overflow::SAT);
  const FixedType ac = ap.WithFamily(Family::AC);
  EXPECT_EQ(ac.ToString(), "ac_fixed<18,8,true,AC_RND_CONV,AC_SAT>");
  EXPECT_EQ(ac.WithFamily(Family::AP), ap);
  EXPECT_EQ(FixedType::Int(5, false).WithFamily(Family::AC).ToString(), "ac_int<5,false>");
  EXPECT_EQ(ac.with_modes(Quant::TRN, Overflow::WRAP).family(), Family::AC);
}

void ExpectError(const std::string& text, const std::string& needle, Family family = Family::AP) {
  auto r = FixedType::Parse(text, family);
  ASSERT_FALSE(r.ok()) << text;
  const std::string m = r.status().message();
  EXPECT_NE(m.find("\"" + text + "\""), std::string::npos) << m;
  EXPECT_NE(m.find(needle), std::string::npos) << m;
}

TEST(FixedTypeFamily, Errors) {
  ExpectError("ac_fixed<8,3,AC_RND>", "signedness \"AC_RND\" is not true or false");
  ExpectError("ac_int<8,yes>", "signedness \"yes\"");
  ExpectError("ac_int<8,true,1>", "one or two arguments");
  ExpectError("ac_fixed<8>", "2 to 5 arguments <W,I,S,Q,O>");
  ExpectError("ac_fixed<8,3,true,AC_RND,AC_SAT,0>", "2 to 5 arguments <W,I,S,Q,O>");
  ExpectError("ac_fixed<65,3>", "width 65 is outside 1..64");
  ExpectError("ac_fixed<8,3,true,AP_RND>", "unknown quantization mode \"AP_RND\" for AC types");
  ExpectError("ap_fixed<8,3,AC_RND>", "unknown quantization mode \"AC_RND\" for AP types");
  ExpectError("ac_fixed<8,3,true,AC_RND,AC_WRAP_SM>", "unknown overflow mode \"AC_WRAP_SM\"");
  ExpectError("ap_fixed<8,3,AP_RND_CONV_ODD>", "RND_CONV_ODD exists only for AC types");
  ExpectError("fixed<8,3,RND_CONV_ODD>", "RND_CONV_ODD exists only for AC types");
  ExpectError("fixed<8,3,AP_RND>", "unknown quantization mode \"AP_RND\" for AC types", Family::AC);
  EXPECT_THROW(FixedType(8, 3, true, Quant::RND_CONV_ODD), Error);
  EXPECT_THROW(Ac(8, 3, true, Quant::RND_CONV_ODD).WithFamily(Family::AP), Error);
  EXPECT_THROW(FixedType(8, 3).with_modes(Quant::RND_CONV_ODD, Overflow::SAT), Error);
  EXPECT_NO_THROW(Ac(8, 3).with_modes(Quant::RND_CONV_ODD, Overflow::SAT));
  // ap and ac types do not mix in an operation.
  EXPECT_THROW(FixedType::MulType(FixedType(8, 3), Ac(8, 3)), Error);
  EXPECT_THROW(FixedType::AddType(Ac(8, 3), FixedType(8, 3)), Error);
}

// The AC semantics on values checked by hand (the golden vectors and the
// differential test cover them systematically).
TEST(FixedTypeFamily, AcSemantics) {
  // to_ac_int floors; ap_int truncates toward zero.
  const FixedType ac84 = Ac(8, 4), ap84(8, 4);
  EXPECT_EQ(ac84.ToInt(ac84.Quantize(-2.5), 8, true), -3);
  EXPECT_EQ(ap84.ToInt(ap84.Quantize(-2.5), 8, true), -2);
  EXPECT_EQ(ac84.ToInt(ac84.Quantize(2.5), 8, true), 2);
  EXPECT_EQ(Ac(8, -2).ToInt(Ac(8, -2).Quantize(-0.01), 4, false), 15);  // floor -1, 4 bits
  // Round half to odd: 0.09375 = 1.5 LSB of ac_fixed<8,4> -> 1 (RND_CONV: 2).
  EXPECT_EQ(Ac(8, 4, true, Quant::RND_CONV_ODD).Quantize(0.09375), 1);
  EXPECT_EQ(Ac(8, 4, true, Quant::RND_CONV).Quantize(0.09375), 2);
  EXPECT_EQ(Ac(8, 4, true, Quant::RND_CONV_ODD).Quantize(0.03125), 1);   // 0.5 LSB -> 1
  EXPECT_EQ(Ac(8, 4, true, Quant::RND_CONV_ODD).Quantize(-0.03125), -1);
  // Signed W=32 SAT_ZERO from double: just below min rounds to min in ap,
  // overflows to 0 in ac; exactly min is min in both.
  const FixedType acz = Ac(32, 1, true, Quant::RND, Overflow::SAT_ZERO);
  const FixedType apz(32, 1, true, Quant::RND, Overflow::SAT_ZERO);
  const double below = -1.0 - 0x1p-33;  // min - 1/4 LSB
  EXPECT_EQ(apz.Quantize(below), apz.min_word());
  EXPECT_EQ(acz.Quantize(below), 0);
  EXPECT_EQ(acz.Quantize(-1.0), acz.min_word());
  EXPECT_EQ(Ac(31, 0, true, Quant::RND, Overflow::SAT_ZERO).Quantize(-0.5 - 0x1p-33), -(int64_t{1} << 30));
  // SAT_SYM source whose word is min: stays min (word 0x200 of 10 bits) from
  // ac_fixed<8,4,true,AC_TRN,AC_SAT_SYM>, becomes -max from ac_fixed<8,4>.
  const FixedType to = Ac(10, 4, true, Quant::TRN, Overflow::SAT_SYM);
  EXPECT_EQ(to.Cast(-128, Ac(8, 4, true, Quant::TRN, Overflow::SAT_SYM)), -512);
  EXPECT_EQ(to.Cast(-128, Ac(8, 4)), -511);
  EXPECT_EQ(FixedType(10, 4, true, Quant::TRN, Overflow::SAT_SYM).Cast(-128, FixedType(8, 4, true, Quant::TRN, Overflow::SAT_SYM)), -511);
  // ... but not when the source drops fraction bits.
  EXPECT_EQ(Ac(6, 4, true, Quant::TRN, Overflow::SAT_SYM).Cast(-128, Ac(8, 4, true, Quant::TRN, Overflow::SAT_SYM)), -31);
  // Result types are the same in both families.
  EXPECT_EQ(FixedType::AddType(Ac(16, 6), Ac(8, 2, false)), Ac(17, 7));
  EXPECT_EQ(FixedType::MulType(Ac(16, 6), Ac(8, 2, false)), Ac(24, 8));
  EXPECT_EQ(FixedType::SubType(FixedType::Int(8, false, Family::AC), FixedType::Int(8, false, Family::AC)),
            FixedType::Int(9, true, Family::AC));
}

}  // namespace
}  // namespace hlsforge
