// Differential test of the two families (fixed_core.h): the same value and
// operation under AP (ap_fixed / ap_int) and AC (ac_fixed / ac_int) give
// different words exactly where the documented semantics differ
// (../shared/golden/ac_fixed/FORMAT.md, "Differences from ap_fixed"), and
// the same word everywhere else:
//   toint  : negative non-integers (AP truncates toward zero, AC floors);
//   quant  : signed W a multiple of 32 under SAT_ZERO, a value below min that
//            the quantization mode rounds up to min (AC: 0, AP: min);
//   cast   : an AC SAT_SYM source holding its min word, to a SAT_SYM target
//            with the same integer bits that drops no fraction bit (AC keeps
//            min, AP gives -max);
//   mul / add / sub: never (same result types, same words).
// (RND_CONV_ODD has no AP counterpart and is not compared.) Checked on both
// golden files run through the other family, and on a grid of formats and
// values through both faces: FixedType here, the simulation headers in
// family_diff_sim_headers_test.cpp.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "family_diff.h"
#include "golden_vectors.h"
#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge {
namespace {

using fx::Format;
using golden::Case;
using namespace familydiff;

FixedType T(Format f, Family family) { return FixedType(f.w, f.i, f.s, f.q, f.o, family); }
Format Src(const Case& c) { return Format{c.w1, c.i1, c.s1 != 0}; }
Format Dst(const Case& c) { return Format{c.w2, c.i2, c.s2 != 0, golden::QuantOf(c.q), golden::OverflowOf(c.o)}; }

// The word of the case computed by FixedType in `family`.
int64_t Compute(const Case& c, Family family) {
  if (c.kind == "quant") return T(Dst(c), family).Quantize(c.value);
  if (c.kind == "cast") return T(Dst(c), family).Cast(c.a, T(Src(c), family));
  if (c.kind == "toint") return T(Src(c), family).ToInt(c.a, c.w2, c.s2 != 0);
  const FixedType a = T(Src(c), family), b = T(Format{c.w2, c.i2, c.s2 != 0}, family);
  if (c.kind == "mul") return FixedType::Mul(c.a, a, c.b, b);
  if (c.kind == "add") return FixedType::Add(c.a, a, c.b, b);
  return FixedType::Sub(c.a, a, c.b, b);
}

// Predicted difference of a golden case (sources are TRN / WRAP).
bool Predicted(const Case& c, int64_t ap_word) {
  if (c.kind == "quant") return QuantDiffers(Dst(c), c.value, ap_word);
  if (c.kind == "toint") return ToIntDiffers(Src(c), c.a);
  if (c.kind == "cast") return CastDiffers(Src(c), Dst(c), c.a);
  return false;
}

// Every line of one family's file, computed in the other family: equal to
// the file's word unless a difference is predicted, then different.
void CrossCheck(Family file_family) {
  std::vector<Case> cases;
  std::string error;
  ASSERT_TRUE(golden::ReadVectors(file_family, &cases, &error)) << error;
  ASSERT_EQ(cases.size(), golden::ExpectedCount(file_family));
  const Family other = file_family == Family::AC ? Family::AP : Family::AC;
  Tally tally;
  for (const Case& c : cases) {
    if (c.q.find("RND_CONV_ODD") != std::string::npos) continue;
    const int64_t got = Compute(c, other);
    const int64_t ap_word = file_family == Family::AP ? c.r : got;
    tally.Add(c.kind, Predicted(c, ap_word), got != c.r, c.line);
  }
  std::printf("[family diff] %s vectors through %s: %s\n", file_family == Family::AC ? "ac" : "ap",
              other == Family::AC ? "AC" : "AP", tally.Summary().c_str());
  EXPECT_TRUE(tally.wrong.empty()) << tally.Report();
  // FORMAT.md: 938 toint lines of the ap file differ; 28 quant lines of the
  // ac file show the W=32 SAT_ZERO case, 4 of them under RND_CONV_ODD.
  if (file_family == Family::AP) EXPECT_EQ(tally.differ["toint"], 938);
  if (file_family == Family::AC) EXPECT_GT(tally.differ["toint"], 500);
  if (file_family == Family::AC) EXPECT_EQ(tally.differ["quant"], 24);
  EXPECT_GT(tally.compared["cast"] + tally.compared["mul"] + tally.compared["add"], 20000);
}

TEST(FamilyDiff, AcVectorsThroughApDifferExactlyWherePredicted) { CrossCheck(Family::AC); }
TEST(FamilyDiff, ApVectorsThroughAcDifferExactlyWherePredicted) { CrossCheck(Family::AP); }

// ---- grid ----------------------------------------------------------------------------
TEST(FamilyDiff, GridOfFormatsAndValues) {
  std::mt19937_64 rng(7);
  Tally tally;
  const std::vector<Format> formats = GridFormats();
  for (const Format& base : formats) {
    for (int q = 0; q < 7; ++q) {  // every mode both families have
      for (int o = 0; o < 4; ++o) {
        Format f = base;
        f.q = static_cast<Quant>(q);
        f.o = static_cast<Overflow>(o);
        const FixedType ap = T(f, Family::AP), ac = T(f, Family::AC);
        for (double v : GridValues(f, rng)) {
          const int64_t a = ap.Quantize(v), c = ac.Quantize(v);
          tally.Add("quant", QuantDiffers(f, v, a), a != c, ap.ToString() + " <- " + std::to_string(v));
        }
        // Casts from neighbours of f, with and without SAT_SYM source modes.
        for (const Format& src0 : Neighbours(f)) {
          for (Overflow so : {Overflow::WRAP, Overflow::SAT_SYM}) {
            Format src = src0;
            src.o = so;
            const FixedType sap = T(src, Family::AP), sac = T(src, Family::AC);
            for (int64_t w : GridWords(src, rng)) {
              const int64_t a = ap.Cast(w, sap), c = ac.Cast(w, sac);
              tally.Add("cast", CastDiffers(src, f, w), a != c, sac.ToString() + " -> " + ac.ToString());
            }
          }
        }
      }
    }
    const FixedType ap = T(base, Family::AP), ac = T(base, Family::AC);
    for (int w2 : {1, 3, 8, 32, 64}) {
      for (bool s2 : {false, true}) {
        for (int64_t w : GridWords(base, rng)) {
          const int64_t a = ap.ToInt(w, w2, s2), c = ac.ToInt(w, w2, s2);
          tally.Add("toint", ToIntDiffers(base, w), a != c, ac.ToString());
        }
      }
    }
  }
  // Arithmetic on random pairs whose results fit 64 bits.
  std::uniform_int_distribution<size_t> pick(0, formats.size() - 1);
  for (int k = 0; k < 4000; ++k) {
    const Format fa = formats[pick(rng)], fb = formats[pick(rng)];
    if (!fx::fits(fx::mul_format(fa, fb)) || !fx::fits(fx::sub_format(fa, fb))) continue;
    const FixedType apa = T(fa, Family::AP), apb = T(fb, Family::AP);
    const FixedType aca = T(fa, Family::AC), acb = T(fb, Family::AC);
    EXPECT_EQ(FixedType::MulType(apa, apb).WithFamily(Family::AC), FixedType::MulType(aca, acb));
    EXPECT_EQ(FixedType::AddType(apa, apb).WithFamily(Family::AC), FixedType::AddType(aca, acb));
    EXPECT_EQ(FixedType::SubType(apa, apb).WithFamily(Family::AC), FixedType::SubType(aca, acb));
    for (int64_t x : GridWords(fa, rng)) {
      const int64_t y = GridWords(fb, rng)[k % 5];
      tally.Add("mul", false, FixedType::Mul(x, apa, y, apb) != FixedType::Mul(x, aca, y, acb), "mul");
      tally.Add("add", false, FixedType::Add(x, apa, y, apb) != FixedType::Add(x, aca, y, acb), "add");
      tally.Add("sub", false, FixedType::Sub(x, apa, y, apb) != FixedType::Sub(x, aca, y, acb), "sub");
    }
  }
  std::printf("[family diff] grid (%zu formats): %s\n", formats.size(), tally.Summary().c_str());
  EXPECT_TRUE(tally.wrong.empty()) << tally.Report();
  // The grid must reach every predicted difference and plenty of agreement.
  for (const char* kind : {"quant", "cast", "toint"}) EXPECT_GT(tally.differ[kind], 0) << kind;
  for (const char* kind : {"quant", "cast", "toint", "mul", "add", "sub"}) EXPECT_GT(tally.compared[kind], 1000) << kind;
}

}  // namespace
}  // namespace hlsforge
