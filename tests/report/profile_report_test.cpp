// The suggested result type (emu::SuggestResultType) on hand-made ranges
// whose answer is known, and the SVG box plot writer of the profile report.
#include <gtest/gtest.h>

#include <string>

#include "../../src/report/svg_boxplot.h"
#include "hlsforge/emu/numerics.h"

namespace hlsforge {
namespace {

emu::TensorCounts Range(const std::string& type, double lo, double hi) {
  emu::TensorCounts c;
  c.result = FixedType::Parse(type).value();
  c.values = 2;
  c.min = lo;
  c.max = hi;
  return c;
}

std::string Suggest(const std::string& type, double lo, double hi) {
  auto t = emu::SuggestResultType(Range(type, lo, hi));
  return t ? t->ToConfigString() : "none";
}

TEST(SuggestResultType, WidestWordDecidesTheWidthAndKeepsLsbAndModes) {
  EXPECT_EQ(Suggest("fixed<4,2>", -3.0, 5.0), "fixed<6,4>");                  // floor(5*4) = 20 <= 31
  EXPECT_EQ(Suggest("fixed<4,2,RND,SAT>", -3.0, 5.0), "fixed<6,4,RND,SAT>");  // modes kept
  EXPECT_EQ(Suggest("fixed<16,6>", -3.0, 5.0), "fixed<14,4>");                // narrowed: 5120 <= 8191
  EXPECT_EQ(Suggest("fixed<8,3>", -0.5, 0.25), "fixed<5,0>");                 // -16 .. 8 words
  // TRN floors 7.99 to 7.96875 (word 255): 9 bits; RND rounds it to 8.0 (word 256): 10 bits.
  EXPECT_EQ(Suggest("fixed<8,3>", 0.0, 7.99), "fixed<9,4>");
  EXPECT_EQ(Suggest("fixed<8,3,RND>", 0.0, 7.99), "fixed<10,5,RND>");
}

TEST(SuggestResultType, SignednessAndSymmetricSaturation) {
  EXPECT_EQ(Suggest("ufixed<8,2>", 0.0, 3.0), "ufixed<8,2>");  // 192 <= 255
  EXPECT_EQ(Suggest("ufixed<8,2>", 0.0, 0.5), "ufixed<6,0>");  // 32 <= 63
  EXPECT_EQ(Suggest("ufixed<8,2>", -0.5, 0.5), "fixed<7,1>");  // negative data: signed
  // SAT_SYM: the most negative word is out of range, so -4.0 (word -128) needs 9 bits.
  EXPECT_EQ(Suggest("fixed<8,3,TRN,SAT_SYM>", -4.0, 0.0), "fixed<9,4,TRN,SAT_SYM>");
  EXPECT_EQ(Suggest("fixed<8,3,TRN,SAT>", -4.0, 0.0), "fixed<8,3,TRN,SAT>");
  EXPECT_EQ(Suggest("int<8>", -5.0, 100.0), "int<8>");
  EXPECT_EQ(Suggest("int<16>", -5.0, 100.0), "int<8>");
}

TEST(SuggestResultType, NothingCountedOrTooWide) {
  emu::TensorCounts none = Range("fixed<8,3>", 0, 0);
  none.values = 0;
  EXPECT_FALSE(emu::SuggestResultType(none));
  EXPECT_EQ(Suggest("fixed<40,0>", -1e12, 1e12), "none");  // 40 + 41 bits > 64
}

TEST(SvgBoxPlot, QuartilesBandsAndEscapedLabels) {
  const report::BoxRow r = report::BoxFromSorted("a<b", {0, 1, 2, 3, 4});
  EXPECT_FALSE(r.empty);
  EXPECT_EQ(r.lo, 0);
  EXPECT_EQ(r.q1, 1);
  EXPECT_EQ(r.median, 2);
  EXPECT_EQ(r.q3, 3);
  EXPECT_EQ(r.hi, 4);
  const report::BoxRow q = report::BoxFromSorted("q", {-3, -1});
  EXPECT_EQ(q.q1, -2.5);
  EXPECT_EQ(q.median, -2);
  report::BoxRow banded = r;
  banded.band = std::make_pair(-7.0, 2.0);
  report::BoxRow empty;
  empty.label = "z";
  const std::string svg = report::SvgBoxPlot("t & u", "log2", {banded, q, empty});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
  EXPECT_NE(svg.find("t &amp; u"), std::string::npos);
  EXPECT_NE(svg.find("<title>-7 .. 2</title>"), std::string::npos);
  size_t boxes = 0;
  for (size_t p = svg.find("class=\"box\""); p != std::string::npos; p = svg.find("class=\"box\"", p + 1)) ++boxes;
  EXPECT_EQ(boxes, 2u);  // the empty row has no box
}

}  // namespace
}  // namespace hlsforge
