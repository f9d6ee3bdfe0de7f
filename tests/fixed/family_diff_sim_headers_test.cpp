// The family differences through the compile-time face: our ap_fixed.h and
// ac_fixed.h, in one translation unit, on the same types, values and
// operations, differ exactly where family_diff.h predicts (see
// family_diff_test.cpp for the list), plus the shift operators (AP applies
// the type's modes, AC shifts bits) and nowhere else.
#include <cstdio>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "../../src/backends/hls/sim_headers/ac_fixed.h"
#include "../../src/backends/hls/sim_headers/ap_fixed.h"
#include "family_diff.h"

namespace hlsforge {
namespace {

using namespace familydiff;

// Every word of Ap / Ac (8 to 10 bits): to_int(), and assignment to a 6-bit
// integer (ap: ap_int<6> y = x; ac: ac_int<6,true> y = x.to_ac_int()).
template <class Ap, class Ac>
void ToIntAllWords(Tally* t) {
  constexpr fx::Format f{Ap::width, Ap::iwidth, Ap::is_signed_v};
  for (int64_t w = fx::min_word(f.w, f.s); w <= fx::max_word(f.w, f.s); ++w) {
    Ap a;
    a.V = w;
    Ac c;
    c.V = w;
    const bool predicted = ToIntDiffers(f, w);
    t->Add("toint", predicted, a.to_int() != c.to_int(), "to_int of word " + std::to_string(w));
    const ap_int<6> ya = a;
    const ac_int<6, true> yc = c.to_ac_int();
    t->Add("toint", predicted, ya.V != yc.V, "to 6 bits");
  }
}

TEST(FamilyDiffSimHeaders, ToInt) {
  Tally t;
  ToIntAllWords<ap_fixed<8, 4>, ac_fixed<8, 4, true>>(&t);
  ToIntAllWords<ap_fixed<9, -2>, ac_fixed<9, -2, true>>(&t);
  ToIntAllWords<ap_fixed<8, 12>, ac_fixed<8, 12, true>>(&t);
  ToIntAllWords<ap_ufixed<8, 3>, ac_fixed<8, 3, false>>(&t);
  std::printf("[family diff] sim headers toint: %s\n", t.Summary().c_str());
  EXPECT_TRUE(t.wrong.empty()) << t.Report();
  EXPECT_GT(t.differ["toint"], 300);
}

template <class Ap, class Ac>
void QuantGrid(Tally* t, std::mt19937_64& rng) {
  for (double v : GridValues(Ac::fmt, rng)) {
    const Ap a = v;
    const Ac c = v;
    t->Add("quant", QuantDiffers(Ac::fmt, v, a.V), a.V != c.V, std::to_string(v));
  }
}

TEST(FamilyDiffSimHeaders, QuantizeSatZeroAtLimbWidths) {
  std::mt19937_64 rng(3);
  Tally t;
  QuantGrid<ap_fixed<32, 1, AP_RND, AP_SAT_ZERO>, ac_fixed<32, 1, true, AC_RND, AC_SAT_ZERO>>(&t, rng);
  QuantGrid<ap_fixed<32, 5, AP_RND_INF, AP_SAT_ZERO>, ac_fixed<32, 5, true, AC_RND_INF, AC_SAT_ZERO>>(&t, rng);
  QuantGrid<ap_fixed<32, 5, AP_TRN_ZERO, AP_SAT_ZERO>, ac_fixed<32, 5, true, AC_TRN_ZERO, AC_SAT_ZERO>>(&t, rng);
  QuantGrid<ap_fixed<64, 40, AP_RND, AP_SAT_ZERO>, ac_fixed<64, 40, true, AC_RND, AC_SAT_ZERO>>(&t, rng);
  QuantGrid<ap_fixed<32, 1, AP_RND, AP_SAT>, ac_fixed<32, 1, true, AC_RND, AC_SAT>>(&t, rng);
  QuantGrid<ap_fixed<31, 1, AP_RND, AP_SAT_ZERO>, ac_fixed<31, 1, true, AC_RND, AC_SAT_ZERO>>(&t, rng);
  QuantGrid<ap_ufixed<32, 1, AP_RND, AP_SAT_ZERO>, ac_fixed<32, 1, false, AC_RND, AC_SAT_ZERO>>(&t, rng);
  QuantGrid<ap_fixed<16, 6, AP_RND_CONV, AP_SAT_SYM>, ac_fixed<16, 6, true, AC_RND_CONV, AC_SAT_SYM>>(&t, rng);
  std::printf("[family diff] sim headers quant: %s\n", t.Summary().c_str());
  EXPECT_TRUE(t.wrong.empty()) << t.Report();
  EXPECT_GT(t.differ["quant"], 2);
}

// Every source word of ApSrc / AcSrc assigned to ApDst / AcDst.
template <class ApSrc, class AcSrc, class ApDst, class AcDst>
void CastAllWords(Tally* t) {
  for (int64_t w = fx::min_word(AcSrc::fmt.w, AcSrc::fmt.s); w <= fx::max_word(AcSrc::fmt.w, AcSrc::fmt.s); ++w) {
    ApSrc a;
    a.V = w;
    AcSrc c;
    c.V = w;
    const ApDst ya = a;
    const AcDst yc = c;
    t->Add("cast", CastDiffers(AcSrc::fmt, AcDst::fmt, w), ya.V != yc.V, std::to_string(w));
  }
}

TEST(FamilyDiffSimHeaders, CastFromSatSymSource) {
  Tally t;
  using ApSym = ap_fixed<8, 4, AP_TRN, AP_SAT_SYM>;
  using AcSym = ac_fixed<8, 4, true, AC_TRN, AC_SAT_SYM>;
  CastAllWords<ApSym, AcSym, ap_fixed<10, 4, AP_TRN, AP_SAT_SYM>, ac_fixed<10, 4, true, AC_TRN, AC_SAT_SYM>>(&t);
  CastAllWords<ApSym, AcSym, ap_fixed<8, 4, AP_RND, AP_SAT_SYM>, ac_fixed<8, 4, true, AC_RND, AC_SAT_SYM>>(&t);
  CastAllWords<ApSym, AcSym, ap_fixed<6, 4, AP_RND, AP_SAT_SYM>, ac_fixed<6, 4, true, AC_RND, AC_SAT_SYM>>(&t);
  CastAllWords<ApSym, AcSym, ap_fixed<10, 5, AP_TRN, AP_SAT_SYM>, ac_fixed<10, 5, true, AC_TRN, AC_SAT_SYM>>(&t);
  CastAllWords<ap_fixed<8, 4>, ac_fixed<8, 4>, ap_fixed<10, 4, AP_TRN, AP_SAT_SYM>,
               ac_fixed<10, 4, true, AC_TRN, AC_SAT_SYM>>(&t);
  CastAllWords<ap_fixed<9, 3>, ac_fixed<9, 3>, ap_fixed<5, 2, AP_RND_CONV, AP_SAT>,
               ac_fixed<5, 2, true, AC_RND_CONV, AC_SAT>>(&t);
  std::printf("[family diff] sim headers cast: %s\n", t.Summary().c_str());
  EXPECT_TRUE(t.wrong.empty()) << t.Report();
  EXPECT_EQ(t.differ["cast"], 2);  // the min word, to the two targets that keep it
}

TEST(FamilyDiffSimHeaders, ArithmeticAgreesEverywhere) {
  Tally t;
  for (int64_t x = -16; x < 16; ++x) {
    for (int64_t y = 0; y < 16; ++y) {
      ap_fixed<5, 2> a;
      a.V = x;
      ap_ufixed<4, 1> b;
      b.V = y;
      ac_fixed<5, 2, true> c;
      c.V = x;
      ac_fixed<4, 1, false> d;
      d.V = y;
      const auto pm = a * b;
      const auto qm = c * d;
      const auto ps = a - b;
      const auto qs = c - d;
      const auto pa = b + a;
      const auto qa = d + c;
      t.Add("mul", false, pm.V != qm.V || pm.width != qm.width || pm.iwidth != qm.i_width, "mul");
      t.Add("sub", false, ps.V != qs.V || ps.width != qs.width || ps.iwidth != qs.i_width, "sub");
      t.Add("add", false, pa.V != qa.V || pa.width != qa.width || pa.is_signed_v != qa.sign, "add");
    }
  }
  EXPECT_TRUE(t.wrong.empty()) << t.Report();
  EXPECT_EQ(t.compared["mul"], 512);
}

// Family difference 5: >> of an AP_RND type rounds; ac_fixed's >> floors.
// With AP_WRAP / AC_WRAP, << agrees (both keep the low bits).
TEST(FamilyDiffSimHeaders, ShiftsApplyModesOnlyInAp) {
  Tally t;
  for (int64_t w = -128; w < 128; ++w) {
    ap_fixed<8, 4, AP_RND, AP_WRAP> a;
    a.V = w;
    ac_fixed<8, 4, true, AC_RND, AC_WRAP> c;
    c.V = w;
    t.Add(">>", ((w >> 1) & 1) != 0, (a >> 2).V != (c >> 2).V, std::to_string(w));
    t.Add("<<", false, (a << 3).V != (c << 3).V, std::to_string(w));
    EXPECT_EQ((c >> 2).V, w >> 2);
  }
  EXPECT_TRUE(t.wrong.empty()) << t.Report();
  EXPECT_EQ(t.differ[">>"], 128);
}

}  // namespace
}  // namespace hlsforge
