// Replays every input of tests/data/fuzz_regressions/<target>/ (inputs that
// once crashed, leaked, hung or exhausted memory in a fuzz target) through
// the same entry point as the libFuzzer harness (fuzz/fuzz_targets.h): each
// must end in a clean error or a success, never a crash or sanitizer report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "../../fuzz/fuzz_targets.h"

// The sanitizer settings of the fuzz runs (scripts/fuzz.sh), for this test
// binary: a failing malloc returns NULL as glibc's does (HDF5 allocates
// sizes read from corrupt metadata and handles NULL), and HDF5's own leak on
// a corrupt metadata-cache entry is suppressed by module (fuzz/lsan.supp).
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }
extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5_serial.so\n"; }

namespace hlsforge::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kRegressions = fs::path(HLSFORGE_SOURCE_DIR) / "tests/data/fuzz_regressions";

std::string ReadBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FuzzRegressions, EveryDirectoryNamesATarget) {
  std::set<std::string> names;
  for (const Target& t : kTargets) names.insert(t.name);
  ASSERT_TRUE(fs::is_directory(kRegressions));
  for (const auto& e : fs::directory_iterator(kRegressions))
    if (e.is_directory()) EXPECT_TRUE(names.count(e.path().filename().string())) << e.path();
}

class FuzzRegression : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzRegression, ReplaysCleanly) {
  const fs::path dir = kRegressions / GetParam().name;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) GTEST_SKIP() << "no regression inputs for " << GetParam().name;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    SCOPED_TRACE(e.path().string());
    const std::string bytes = ReadBytes(e.path());
    EXPECT_TRUE(GetParam().run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    ++n;
  }
  EXPECT_GT(n, 0) << dir;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegression, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace hlsforge::fuzz
