// FixedType: parsing and printing of every spelling, errors, basic queries.
#include <string>

#include <gtest/gtest.h>

#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge {
namespace {

FixedType P(const std::string& s) {
  auto r = FixedType::Parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().message();
  return r.ok() ? *r : FixedType();
}

TEST(FixedTypeParse, VendorSpellings) {
  EXPECT_EQ(P("ap_fixed<16,6>"), FixedType(16, 6));
  EXPECT_EQ(P("ap_fixed<8,3,AP_RND_CONV,AP_SAT>"),
            FixedType(8, 3, true, Quant::RND_CONV, Overflow::SAT));
  EXPECT_EQ(P("ap_fixed<18,8,AP_RND,AP_SAT,0>"), FixedType(18, 8, true, Quant::RND, Overflow::SAT));
  EXPECT_EQ(P("ap_ufixed<8,0>"), FixedType(8, 0, false));
  EXPECT_EQ(P("ap_ufixed<8,3,AP_TRN_ZERO,AP_SAT_SYM>"),
            FixedType(8, 3, false, Quant::TRN_ZERO, Overflow::SAT_SYM));
  EXPECT_EQ(P("ap_fixed<8,-2,AP_RND_MIN_INF>"), FixedType(8, -2, true, Quant::RND_MIN_INF));
  EXPECT_EQ(P("ap_int<8>"), FixedType::Int(8));
  EXPECT_EQ(P("ap_uint<4>"), FixedType::Int(4, false));
  EXPECT_EQ(P("ap_fixed<64,70,AP_RND_INF,AP_SAT_ZERO>"),
            FixedType(64, 70, true, Quant::RND_INF, Overflow::SAT_ZERO));
}

TEST(FixedTypeParse, ConfigSpellings) {
  EXPECT_EQ(P("fixed<16,6>"), FixedType(16, 6));
  EXPECT_EQ(P("fixed<16,6,RND,SAT>"), FixedType(16, 6, true, Quant::RND, Overflow::SAT));
  EXPECT_EQ(P("fixed<18,8,TRN,WRAP,0>"), FixedType(18, 8));
  EXPECT_EQ(P("ufixed<8,3>"), FixedType(8, 3, false));
  EXPECT_EQ(P("ufixed<8,3,RND_ZERO,SAT_ZERO>"),
            FixedType(8, 3, false, Quant::RND_ZERO, Overflow::SAT_ZERO));
  EXPECT_EQ(P("int<8>"), FixedType::Int(8));
  EXPECT_EQ(P("uint<4>"), FixedType::Int(4, false));
}

TEST(FixedTypeParse, WhitespaceTolerant) {
  EXPECT_EQ(P("  ap_fixed < 16 , 6 , AP_RND_CONV , AP_SAT , 0 >  "),
            FixedType(16, 6, true, Quant::RND_CONV, Overflow::SAT));
  EXPECT_EQ(P("\tfixed<16, 6>\n"), FixedType(16, 6));
  EXPECT_EQ(P("ap_uint< 4 >"), FixedType::Int(4, false));
}

TEST(FixedTypeParse, IntegerTypesDifferFromEquivalentFixed) {
  EXPECT_TRUE(P("ap_int<8>").is_integer_type());
  EXPECT_FALSE(P("ap_fixed<8,8>").is_integer_type());
  EXPECT_NE(P("ap_int<8>"), P("ap_fixed<8,8>"));
  EXPECT_EQ(P("ap_int<8>").format().w, 8);
  EXPECT_EQ(P("ap_int<8>").integer(), 8);
}

TEST(FixedTypePrint, RoundTripsEverySpelling) {
  const char* vendor[] = {"ap_fixed<16,6>", "ap_fixed<8,3,AP_RND_CONV,AP_SAT>", "ap_ufixed<8,0>",
                          "ap_fixed<8,3,AP_RND>", "ap_fixed<8,3,AP_TRN,AP_SAT_SYM>",
                          "ap_fixed<12,-3,AP_RND_INF,AP_SAT_ZERO>", "ap_int<8>", "ap_uint<4>",
                          "ap_ufixed<40,50,AP_TRN_ZERO,AP_WRAP>"};
  for (const char* s : vendor) {
    const FixedType t = P(s);
    // the last one prints without the redundant ",AP_WRAP"
    if (std::string(s) != "ap_ufixed<40,50,AP_TRN_ZERO,AP_WRAP>") {
      EXPECT_EQ(t.ToString(), s);
    }
    EXPECT_EQ(P(t.ToString()), t) << s;
    EXPECT_EQ(P(t.ToConfigString()), t) << s;
  }
  EXPECT_EQ(P("ap_ufixed<40,50,AP_TRN_ZERO,AP_WRAP>").ToString(), "ap_ufixed<40,50,AP_TRN_ZERO>");
  const char* config[] = {"fixed<16,6>", "fixed<8,3,RND_CONV,SAT>", "ufixed<8,3>",
                          "fixed<8,3,RND_MIN_INF>", "int<8>", "uint<4>",
                          "ufixed<6,2,TRN,SAT_SYM>"};
  for (const char* s : config) {
    const FixedType t = P(s);
    EXPECT_EQ(t.ToConfigString(), s);
    EXPECT_EQ(P(t.ToString()), t) << s;
  }
  EXPECT_EQ(P("fixed<18,8,TRN,WRAP,0>").ToConfigString(), "fixed<18,8>");
  EXPECT_EQ(P("ap_fixed<18,8,AP_RND,AP_SAT,0>").ToString(), "ap_fixed<18,8,AP_RND,AP_SAT>");
}

void ExpectError(const std::string& text, const std::string& needle) {
  auto r = FixedType::Parse(text);
  ASSERT_FALSE(r.ok()) << text;
  const std::string m = r.status().message();
  EXPECT_NE(m.find("\"" + text + "\""), std::string::npos) << m;
  EXPECT_NE(m.find(needle), std::string::npos) << m;
}

TEST(FixedTypeParse, Errors) {
  auto r = FixedType::Parse("ap_fixed<70,6>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "precision \"ap_fixed<70,6>\": width 70 is outside 1..64");
  ExpectError("ap_fixed<0,0>", "width 0 is outside 1..64");
  ExpectError("ap_int<0>", "width 0 is outside 1..64");
  ExpectError("uint<65>", "width 65 is outside 1..64");
  ExpectError("ap_fixed<-4,2>", "width -4 is outside 1..64");
  ExpectError("ap_fixed<16,6,AP_FOO>", "unknown quantization mode \"AP_FOO\"");
  ExpectError("fixed<16,6,RND,SATURATE>", "unknown overflow mode \"SATURATE\"");
  ExpectError("ap_fixed<16,6,AP_RND,AP_WRAP_SM>", "unknown overflow mode \"AP_WRAP_SM\"");
  ExpectError("ap_fixed<18,8,AP_RND,AP_SAT,2>", "saturation bits 2");
  ExpectError("ap_fixed<16,6", "malformed");
  ExpectError("ap_fixed16,6>", "malformed");
  ExpectError("ap_fixed<16>", "2 to 5 arguments");
  ExpectError("ap_fixed<16,6,AP_RND,AP_SAT,0,1>", "2 to 5 arguments");
  ExpectError("ap_int<8,3>", "exactly one argument");
  ExpectError("ap_fixed<16,,6>", "malformed");
  ExpectError("ap_fixed<sixteen,6>", "width \"sixteen\" is not an integer");
  ExpectError("ap_fixed<16,6x>", "integer bits \"6x\"");
  ExpectError("float<16,6>", "unknown type name \"float\"");
  ExpectError("", "malformed");
  ExpectError("ap_fixed<16,6>>", "malformed");
}

TEST(FixedType, ConstructorThrowsOnBadWidth) {
  EXPECT_THROW(FixedType(0, 0), Error);
  EXPECT_THROW(FixedType(65, 3), Error);
  EXPECT_THROW(FixedType::Int(65), Error);
  EXPECT_NO_THROW(FixedType(64, 1));
}

TEST(FixedType, Queries) {
  const FixedType t(8, 3);
  EXPECT_EQ(t.width(), 8);
  EXPECT_EQ(t.integer(), 3);
  EXPECT_EQ(t.fractional(), 5);
  EXPECT_TRUE(t.is_signed());
  EXPECT_EQ(t.min_word(), -128);
  EXPECT_EQ(t.max_word(), 127);
  EXPECT_EQ(t.min_value(), -4.0);
  EXPECT_EQ(t.max_value(), 127.0 / 32);
  EXPECT_EQ(t.step(), 1.0 / 32);
  const FixedType u(8, 10, false);
  EXPECT_EQ(u.fractional(), -2);
  EXPECT_EQ(u.max_value(), 255.0 * 4);
  EXPECT_EQ(FixedType(64, 64, false).max_word(), -1);  // all-ones pattern
  EXPECT_EQ(FixedType(64, 64, false).max_value(), 18446744073709551615.0);
  EXPECT_EQ(FixedType(1, 1).max_word(), 0);  // signed 1 bit: {-1, 0}
  EXPECT_EQ(FixedType(1, 1).min_word(), -1);
  EXPECT_EQ(FixedType(1, -3).max_value(), 0.0);
  const FixedType m = t.with_modes(Quant::RND, Overflow::SAT);
  EXPECT_EQ(m.quant(), Quant::RND);
  EXPECT_EQ(m.overflow(), Overflow::SAT);
  EXPECT_FALSE(FixedType::Int(8).with_modes(Quant::RND, Overflow::SAT).is_integer_type());
  EXPECT_TRUE(FixedType::Int(8).with_modes(Quant::TRN, Overflow::WRAP).is_integer_type());
}

TEST(FixedType, QuantizeModesAndSpecialDoubles) {
  const FixedType t(8, 3, true, Quant::RND_CONV, Overflow::SAT);
  EXPECT_EQ(t.Quantize(0.5), 16);
  EXPECT_EQ(t.Quantize(1.0 / 64), 0);      // tie to even: 0
  EXPECT_EQ(t.Quantize(3.0 / 64), 2);      // tie to even: 2
  EXPECT_EQ(t.Quantize(100.0), 127);
  EXPECT_EQ(t.Quantize(-100.0), -128);
  EXPECT_EQ(t.Quantize(1e300), 127);
  EXPECT_EQ(t.Quantize(-1e-300), 0);
  EXPECT_EQ(t.Quantize(5e-324), 0);        // smallest subnormal
  EXPECT_EQ(t.Quantize(__builtin_nan("")), 0);
  EXPECT_EQ(t.Quantize(__builtin_inf()), 127);
  EXPECT_EQ(t.Quantize(-__builtin_inf()), -128);
  const FixedType w(8, 3);  // TRN, WRAP
  EXPECT_EQ(w.Quantize(__builtin_inf()), 0);
  EXPECT_EQ(w.Quantize(4.0), -128);
  EXPECT_EQ(w.Quantize(-1.0 / 64), -1);    // floor
  EXPECT_EQ(w.with_modes(Quant::TRN_ZERO, Overflow::WRAP).Quantize(-1.0 / 64), 0);
  const FixedType sym(8, 3, true, Quant::TRN, Overflow::SAT_SYM);
  EXPECT_EQ(sym.Quantize(-4.0), -127);
  EXPECT_EQ(sym.Quantize(-100.0), -127);
}

TEST(FixedType, ArithmeticAndErrors) {
  const FixedType a(16, 6), b(8, 2, false);
  EXPECT_EQ(FixedType::MulType(a, b), FixedType(24, 8));
  EXPECT_EQ(FixedType::AddType(a, b), FixedType(17, 7));
  EXPECT_EQ(FixedType::SubType(b, b), FixedType(9, 3));
  EXPECT_EQ(FixedType::MulType(FixedType::Int(8), FixedType::Int(4, false)), FixedType::Int(12));
  EXPECT_EQ(FixedType::AddType(FixedType::Int(8), FixedType::Int(8, false)), FixedType::Int(10));
  const int64_t x = a.Quantize(1.5), y = b.Quantize(-2.0 + 4);  // 2.0
  EXPECT_EQ(FixedType::MulType(a, b).ToDouble(FixedType::Mul(x, a, y, b)), 3.0);
  EXPECT_EQ(FixedType::AddType(a, b).ToDouble(FixedType::Add(x, a, y, b)), 3.5);
  EXPECT_EQ(FixedType::SubType(a, b).ToDouble(FixedType::Sub(x, a, y, b)), -0.5);
  EXPECT_THROW(FixedType::MulType(FixedType(40, 10), FixedType(40, 10)), Error);
  EXPECT_THROW(FixedType::Mul(0, FixedType(40, 10), 0, FixedType(40, 10)), Error);
  EXPECT_THROW(FixedType::Add(0, FixedType(64, 10), 0, FixedType(64, 10)), Error);
  EXPECT_EQ(a.ToInt(a.Quantize(-2.75), 8, true), -2);  // toward zero
  EXPECT_EQ(a.ToInt(a.Quantize(300.0 / 16), 4, false), 2);  // 18.75 -> 18 -> wraps to 2
}

}  // namespace
}  // namespace hlsforge
