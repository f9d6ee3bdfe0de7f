// FixedType reproduces every line of ../shared/golden/ap_fixed/vectors.txt
// (AP family) and of ../shared/golden/ac_fixed/vectors.txt (AC family).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "golden_vectors.h"
#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge {
namespace {

using golden::Case;

// Source and operand types of the vectors are TRN / WRAP.
FixedType Type(const Case& c, int w, int i, int s) {
  return FixedType(w, i, s != 0, Quant::TRN, Overflow::WRAP, c.family);
}

// Returns "" when the case passes, else a description of the mismatch.
std::string Check(const Case& c) {
  char buf[256];
  if (c.kind == "quant") {
    const FixedType t(c.w2, c.i2, c.s2 != 0, golden::QuantOf(c.q), golden::OverflowOf(c.o), c.family);
    const int64_t got = t.Quantize(c.value);
    if (got == c.r) return "";
    std::snprintf(buf, sizeof buf, "got word %lld, want %lld", (long long)got, (long long)c.r);
    return buf;
  }
  if (c.kind == "cast") {
    const FixedType to(c.w2, c.i2, c.s2 != 0, golden::QuantOf(c.q), golden::OverflowOf(c.o), c.family);
    const int64_t got = to.Cast(c.a, Type(c, c.w1, c.i1, c.s1));
    if (got == c.r) return "";
    std::snprintf(buf, sizeof buf, "got word %lld, want %lld", (long long)got, (long long)c.r);
    return buf;
  }
  if (c.kind == "toint") {
    const FixedType from = Type(c, c.w1, c.i1, c.s1);
    const int64_t got = from.ToInt(c.a, c.w2, c.s2 != 0);
    const double d = from.ToDouble(c.a);
    if (got == c.r && d == c.value) return "";
    std::snprintf(buf, sizeof buf, "got word %lld double %a, want %lld %a", (long long)got, d,
                  (long long)c.r, c.value);
    return buf;
  }
  const FixedType ta = Type(c, c.w1, c.i1, c.s1), tb = Type(c, c.w2, c.i2, c.s2);
  FixedType rt;
  int64_t got;
  if (c.kind == "mul") { rt = FixedType::MulType(ta, tb); got = FixedType::Mul(c.a, ta, c.b, tb); }
  else if (c.kind == "add") { rt = FixedType::AddType(ta, tb); got = FixedType::Add(c.a, ta, c.b, tb); }
  else { rt = FixedType::SubType(ta, tb); got = FixedType::Sub(c.a, ta, c.b, tb); }
  if (rt == Type(c, c.rw, c.ri, c.rs) && got == c.r) return "";
  std::snprintf(buf, sizeof buf, "got %s word %lld, want %s word %lld", rt.ToString().c_str(),
                (long long)got, Type(c, c.rw, c.ri, c.rs).ToString().c_str(), (long long)c.r);
  return buf;
}

void CheckEveryLine(fx::Family family) {
  std::vector<Case> cases;
  std::string error;
  ASSERT_TRUE(golden::ReadVectors(family, &cases, &error)) << error;
  ASSERT_EQ(cases.size(), golden::ExpectedCount(family)) << "vectors.txt changed: update the expected count";
  std::map<std::string, int> checked, failed;
  std::vector<std::string> first;
  for (const Case& c : cases) {
    ++checked[c.kind];
    const std::string why = Check(c);
    if (!why.empty()) {
      ++failed[c.kind];
      if (first.size() < 20) first.push_back(c.line + "  -> " + why);
    }
  }
  std::printf("[golden] FixedType (%s family) checked:", family == fx::Family::AC ? "AC" : "AP");
  for (const auto& [kind, n] : checked) {
    std::printf(" %s=%d", kind.c_str(), n);
    ::testing::Test::RecordProperty("checked_" + kind, n);
  }
  std::printf(" total=%zu, mismatches=%zu\n", cases.size(), (size_t)[&] { size_t n = 0; for (auto& [k, v] : failed) n += v; return n; }());
  for (const char* kind : {"quant", "cast", "mul", "add", "sub", "toint"})
    EXPECT_GT(checked[kind], 0) << "no " << kind << " cases in vectors.txt";
  std::string msg;
  for (const std::string& s : first) msg += "  " + s + "\n";
  EXPECT_TRUE(failed.empty()) << "first mismatches:\n" << msg;
}

TEST(GoldenVectors, FixedTypeReproducesEveryLine) { CheckEveryLine(fx::Family::AP); }
TEST(GoldenVectors, FixedTypeReproducesEveryAcLine) { CheckEveryLine(fx::Family::AC); }

}  // namespace
}  // namespace hlsforge
