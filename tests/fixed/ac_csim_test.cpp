// A Catapult-style C simulation compiled as `hlsforge csim` compiles a
// project (g++ -std=c++17 with the simulation headers on the include path):
// a streaming dense kernel in ac_fixed types reading and writing
// ac_channels. Its printed words must equal FixedType's (AC family) words
// for the same types and inputs, bit for bit; the inputs reach rounding ties,
// SAT_SYM saturation and negative non-integer to_int() (which floors).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge {
namespace {

namespace fs = std::filesystem;

constexpr double kWeights[4] = {0.3, -1.7, 2.25, -0.05};
constexpr double kInputs[][4] = {{1.0, 2.0, 3.0, 4.0},      {-0.5, 0.25, -1.375, 8.0},
                                 {20.0, -20.0, 20.0, -20.0}, {0.0009765625, -0.0048828125, 0.1, -31.9},
                                 {-3.3, 1.1, 0.7, 2.2},      {0.0, 0.0, 0.0, 0.0}};

constexpr const char* kSource = R"(#include <ac_channel.h>
#include <ac_fixed.h>
#include <cstdio>

typedef ac_fixed<16, 6, true> input_t;
typedef ac_fixed<8, 3, true, AC_RND_CONV, AC_SAT> weight_t;
typedef ac_fixed<24, 10, true> accum_t;
typedef ac_fixed<10, 4, true, AC_RND, AC_SAT_SYM> result_t;

void dense(ac_channel<input_t>& in, ac_channel<result_t>& out) {
  static const weight_t w[4] = {0.3, -1.7, 2.25, -0.05};
  accum_t acc = 0;
  for (int i = 0; i < 4; i++) acc += in.read() * w[i];
  out.write(acc);
}

int main() {
  static const double x[][4] = {{1.0, 2.0, 3.0, 4.0}, {-0.5, 0.25, -1.375, 8.0},
                                {20.0, -20.0, 20.0, -20.0}, {0.0009765625, -0.0048828125, 0.1, -31.9},
                                {-3.3, 1.1, 0.7, 2.2}, {0.0, 0.0, 0.0, 0.0}};
  ac_channel<input_t> in;
  ac_channel<result_t> out;
  for (int r = 0; r < 6; r++) {
    for (int i = 0; i < 4; i++) in.write(x[r][i]);
    dense(in, out);
  }
  while (out.available(1)) {
    result_t y = out.read();
    printf("%lld %d\n", (long long)y.slc<10>(0).to_int64(), y.to_int());
  }
  return 0;
}
)";

TEST(AcCsim, StreamingDenseMatchesFixedType) {
  const fs::path dir = fs::temp_directory_path() / ("hlsforge_ac_csim_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  { std::ofstream(dir / "main.cpp") << kSource; }
  const std::string sim = std::string(HLSFORGE_SOURCE_DIR) + "/src/backends/hls/sim_headers";
  const std::string inc = std::string(HLSFORGE_SOURCE_DIR) + "/include";
  const std::string exe = (dir / "main").string();
  const std::string cmd = "g++ -std=c++17 -O1 -w -I '" + sim + "' -I '" + inc + "' '" + (dir / "main.cpp").string() +
                          "' -o '" + exe + "' > '" + (dir / "log").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "compile failed: " << cmd;
  FILE* p = ::popen(exe.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ASSERT_EQ(::pclose(p), 0);
  fs::remove_all(dir);

  // The same computation through FixedType, family AC.
  const FixedType in_t = FixedType(16, 6).WithFamily(Family::AC);
  const FixedType w_t(8, 3, true, Quant::RND_CONV, Overflow::SAT, Family::AC);
  const FixedType acc_t = FixedType(24, 10).WithFamily(Family::AC);
  const FixedType res_t(10, 4, true, Quant::RND, Overflow::SAT_SYM, Family::AC);
  std::ostringstream want;
  int negative_fractions = 0, saturated = 0;
  for (const auto& row : kInputs) {
    int64_t acc = 0;
    for (int i = 0; i < 4; ++i) {
      const int64_t x = in_t.Quantize(row[i]), w = w_t.Quantize(kWeights[i]);
      const FixedType pt = FixedType::MulType(in_t, w_t);
      const int64_t prod = FixedType::Mul(x, in_t, w, w_t);
      acc = acc_t.Cast(FixedType::Add(acc, acc_t, prod, pt), FixedType::AddType(acc_t, pt));
    }
    const int64_t y = res_t.Cast(acc, acc_t);
    const int64_t as_int = res_t.ToInt(y, 32, true);
    negative_fractions += res_t.ToDouble(y) < 0 && res_t.ToDouble(y) != static_cast<double>(as_int);
    saturated += y == -res_t.max_word() || y == res_t.max_word();
    want << y << " " << as_int << "\n";
  }
  EXPECT_EQ(out, want.str());
  EXPECT_GT(negative_fractions, 0);  // the inputs reach the floor of to_int()
  EXPECT_GT(saturated, 0);           // and SAT_SYM saturation
}

}  // namespace
}  // namespace hlsforge
