// Our simulation headers (src/backends/hls/sim_headers) reproduce every line
// of ../shared/golden/ap_fixed/vectors.txt (ap_fixed.h / ap_int.h) and of
// ../shared/golden/ac_fixed/vectors.txt (ac_fixed.h / ac_int.h), through the
// C++ types themselves (one instantiation per type combination, see
// gen_sim_headers_golden.py).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "golden_vectors.h"
#include "sim_headers_golden.h"

namespace hlsforge {
namespace {

using golden::Case;
using namespace simgolden;

std::string Check(const Registry& reg, const Case& c) {
  char buf[256];
  int64_t got = 0;
  if (c.kind == "quant") {
    auto it = reg.quant.find(c.key);
    if (it == reg.quant.end()) return "type combination not generated (rerun gen_sim_headers_golden.py)";
    got = it->second(c.value);
  } else if (c.kind == "cast") {
    auto it = reg.cast.find(c.key);
    if (it == reg.cast.end()) return "type combination not generated (rerun gen_sim_headers_golden.py)";
    got = it->second(c.a);
  } else if (c.kind == "toint") {
    auto it = reg.toint.find(c.key);
    if (it == reg.toint.end()) return "type combination not generated (rerun gen_sim_headers_golden.py)";
    double d = 0;
    got = it->second(c.a, &d);
    if (d != c.value) {
      std::snprintf(buf, sizeof buf, "to_double() gave %a, want %a", d, c.value);
      return buf;
    }
  } else {
    auto it = reg.arith.find(c.key);
    if (it == reg.arith.end()) return "type combination not generated (rerun gen_sim_headers_golden.py)";
    int rw = 0, ri = 0, rs = 0;
    got = it->second(c.a, c.b, &rw, &ri, &rs);
    if (rw != c.rw || ri != c.ri || rs != c.rs) {
      std::snprintf(buf, sizeof buf, "result type <%d,%d,%s>, want <%d,%d,%s>", rw, ri,
                    rs ? "signed" : "unsigned", c.rw, c.ri, c.rs ? "signed" : "unsigned");
      return buf;
    }
  }
  if (got == c.r) return "";
  std::snprintf(buf, sizeof buf, "got word %lld, want %lld", (long long)got, (long long)c.r);
  return buf;
}

void CheckEveryLine(fx::Family family) {
  std::vector<Case> cases;
  std::string error;
  ASSERT_TRUE(golden::ReadVectors(family, &cases, &error)) << error;
  ASSERT_EQ(cases.size(), golden::ExpectedCount(family)) << "vectors.txt changed: update the expected count";
  Registry reg;
  if (family == fx::Family::AC) {
    RegisterAcQuant(&reg);
    RegisterAcCast(&reg);
    RegisterAcArith(&reg);
    RegisterAcToInt(&reg);
  } else {
    RegisterQuant(&reg);
    RegisterCast(&reg);
    RegisterArith(&reg);
    RegisterToInt(&reg);
  }
  std::map<std::string, int> checked;
  size_t failed = 0;
  std::string msg;
  for (const Case& c : cases) {
    ++checked[c.kind];
    const std::string why = Check(reg, c);
    if (!why.empty() && ++failed <= 20) msg += "  " + c.line + "  -> " + why + "\n";
  }
  std::printf("[golden] sim headers (%s) checked:", family == fx::Family::AC ? "ac_fixed.h" : "ap_fixed.h");
  for (const auto& [kind, n] : checked) {
    std::printf(" %s=%d", kind.c_str(), n);
    ::testing::Test::RecordProperty("checked_" + kind, n);
  }
  std::printf(" total=%zu (type combinations: quant=%zu cast=%zu arith=%zu toint=%zu), mismatches=%zu\n",
              cases.size(), reg.quant.size(), reg.cast.size(), reg.arith.size(), reg.toint.size(),
              failed);
  EXPECT_EQ(failed, 0u) << "first mismatches:\n" << msg;
}

TEST(SimHeadersGolden, ReproduceEveryLine) { CheckEveryLine(fx::Family::AP); }
TEST(SimHeadersGolden, ReproduceEveryAcLine) { CheckEveryLine(fx::Family::AC); }

}  // namespace
}  // namespace hlsforge
