// The Verilator leg of the differential test (testing::CompareWithRtl, used
// by `hlsforge selftest --against verilator`): the random-model generator's
// MLPs, made Verilog-ready by RtlVariant, simulate bit-exactly; a CNN is
// skipped with the backend's reason; and a planted one-LSB bug in a written
// design is caught and located, and a design that does not build is
// isolated from the others of its Verilator build. The CLI side is in
// tests/cli/trace_selftest_cli_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/testing/differential.h"
#include "hlsforge/testing/random_model.h"

namespace hlsforge::testing {
namespace {

namespace fs = std::filesystem;

std::vector<RandomModel> Draw(ModelFamily f, uint32_t seed, int n) {
  std::vector<RandomModel> v;
  RandomModelOptions o;
  o.family = f;
  for (int k = 0; k < n; ++k) {
    auto m = GenerateRandomModel(seed + static_cast<uint32_t>(k), o);
    EXPECT_TRUE(m.ok()) << m.status().message();
    if (m.ok()) v.push_back(std::move(m).value());
  }
  return v;
}

fs::path Work(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("hlsforge_rtl_selftest_" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  return p;
}

// n MLPs from `seed` on that the backend accepts (about 1 in 20 is beyond a
// documented limit: a double-alpha leaky ReLU over a wide input).
std::vector<RandomModel> Accepted(uint32_t seed, int n) {
  std::vector<RandomModel> v;
  for (uint32_t s = seed; static_cast<int>(v.size()) < n && s < seed + 10 * n; ++s) {
    auto m = Draw(ModelFamily::Mlp, s, 1);
    if (m.empty()) continue;
    auto g = RtlVariant(m[0]);
    if (g.ok() && backends::CheckRtlGraph(*g).ok()) v.push_back(std::move(m[0]));
  }
  return v;
}

TEST(RtlVariant, IsDeterministicAndFullyParallel) {
  auto models = Draw(ModelFamily::Mlp, 4242, 6);
  for (const auto& m : models) {
    std::string k1, k2;
    auto a = RtlVariant(m, &k1);
    auto b = RtlVariant(m, &k2);
    ASSERT_TRUE(a.ok() && b.ok()) << m.seed;
    EXPECT_EQ(k1, k2) << m.seed;
    EXPECT_FALSE(k1.empty());
    EXPECT_EQ(a->io_type, ir::IOType::Parallel);
    for (const auto& l : a->layers) {
      EXPECT_EQ(l.config.reuse_factor, 1) << m.seed << " " << l.name;
      if (l.plan) {
        EXPECT_EQ(l.plan->reuse_factor, 1) << m.seed << " " << l.name;
      }
    }
    EXPECT_TRUE(backends::CheckRtlGraph(*a).ok()) << m.seed << ": " << backends::CheckRtlGraph(*a).message();
  }
}

TEST(RtlSelftest, RandomMlpsAgreeAndCnnsAreSkipped) {
  auto models = Accepted(12345, 10);
  auto cnn = Draw(ModelFamily::Cnn, 60000, 1);
  models.insert(models.begin() + 3, cnn.begin(), cnn.end());
  DifferentialOptions d;
  const fs::path work = Work("agree");
  d.work_dir = work.string();
  d.batch = 6;  // two Verilator builds
  auto r = CompareWithRtl(models, d);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), models.size());
  int run = 0;
  for (size_t k = 0; k < r->size(); ++k) {
    const CaseReport& c = (*r)[k];
    EXPECT_EQ(c.seed, models[k].seed);
    if (models[k].family == ModelFamily::Cnn) {
      EXPECT_FALSE(c.simulated);
      EXPECT_NE(c.skipped.find("not supported by the verilog backend"), std::string::npos) << c.skipped;
      continue;
    }
    ++run;
    EXPECT_TRUE(c.skipped.empty()) << c.seed << ": " << c.skipped;
    EXPECT_TRUE(c.simulated && c.agree && c.varying) << c.seed << ": " << c.message << "\n" << models[k].summary
                                                     << "\n" << c.variant;
    EXPECT_GE(c.latency, 0);
  }
  EXPECT_EQ(run, 10);
  if (!::testing::Test::HasFailure()) fs::remove_all(work.parent_path());
}

// One design's output element 0 gets its LSB flipped after it is written
// (`assign y = x;` becomes `assign y = x ^ 1;` in the top module): the leg
// must report exactly that case, at element 0, and no other.
TEST(RtlSelftest, APlantedOneLsbBugIsCaught) {
  auto models = Accepted(770, 4);
  ASSERT_EQ(models.size(), 4u);
  DifferentialOptions d;
  const fs::path work = Work("planted");
  d.work_dir = work.string();
  d.batch = 4;
  const std::string victim = "rtl_mlp" + std::to_string(models[2].seed);
  int planted = 0;
  d.after_write = [&](const std::string& dir) {
    if (fs::path(dir).filename() != victim) return;
    const fs::path top = fs::path(dir) / "rtl" / ("mlp" + std::to_string(models[2].seed) + ".v");
    std::ifstream in(top);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const size_t at = text.rfind("  assign ");
    const size_t semi = text.find(';', at);
    ASSERT_NE(at, std::string::npos);
    ASSERT_NE(semi, std::string::npos);
    text.insert(semi, " ^ 1");
    std::ofstream(top) << text;
    ++planted;
  };
  auto r = CompareWithRtl(models, d);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(planted, 1);
  for (size_t k = 0; k < r->size(); ++k) {
    const CaseReport& c = (*r)[k];
    EXPECT_TRUE(c.simulated) << c.seed << ": " << c.message << c.skipped;
    if (k == 2) {
      EXPECT_FALSE(c.agree);
      EXPECT_NE(c.message.find("element 0"), std::string::npos) << c.message;
    } else {
      EXPECT_TRUE(c.agree) << c.seed << ": " << c.message;
    }
  }
  fs::remove_all(work.parent_path());
}

// A design that does not build (a syntax error planted in its top module)
// is isolated by splitting the Verilator build: that case alone fails, with
// Verilator's message; the other three are simulated and agree.
TEST(RtlSelftest, ADesignThatDoesNotBuildIsIsolated) {
  auto models = Accepted(880, 4);
  ASSERT_EQ(models.size(), 4u);
  DifferentialOptions d;
  const fs::path work = Work("isolated");
  d.work_dir = work.string();
  d.batch = 4;
  const std::string victim = "rtl_mlp" + std::to_string(models[1].seed);
  d.after_write = [&](const std::string& dir) {
    if (fs::path(dir).filename() != victim) return;
    std::ofstream(fs::path(dir) / "rtl" / ("mlp" + std::to_string(models[1].seed) + ".v"), std::ios::app)
        << "\nthis is not verilog\n";
  };
  auto r = CompareWithRtl(models, d);
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (size_t k = 0; k < r->size(); ++k) {
    const CaseReport& c = (*r)[k];
    if (k == 1) {
      EXPECT_FALSE(c.simulated);
      EXPECT_NE(c.message.find("Verilator"), std::string::npos) << c.message;
    } else {
      EXPECT_TRUE(c.simulated && c.agree) << c.seed << ": " << c.message;
    }
  }
  fs::remove_all(work.parent_path());
}

}  // namespace
}  // namespace hlsforge::testing
