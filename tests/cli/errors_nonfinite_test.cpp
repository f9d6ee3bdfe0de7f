// NaN and +-Inf inputs have one defined result in fixed point, the same in
// the emulator (`predict`) and the C simulation (`csim`): the input is
// converted as the vendor ap_fixed(double) constructor does (fixed_core.h
// from_double): NaN -> 0; +-Inf -> the input type's max/min under SAT, 0
// under WRAP. Both commands warn with the counts. Model: two_layer_keras
// (10 inputs, Dense-ReLU-Dense-Sigmoid), default input type fixed<16,6>
// (WRAP) and a SAT variant.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::cli_test {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Rows 0..4 of the golden input; row 1 holds NaN at feature 0, row 2 +Inf,
/// row 3 -Inf, row 4 NaN, +Inf and -Inf at features 0..2. Rows 5..8 are
/// rows 1..4 with the values the conversion defines for them (`pos`/`neg`
/// for +-Inf: the input type's max/min under SAT, 0 under WRAP).
NDArray Input(const NDArray& golden, double pos, double neg) {
  NDArray x;
  const int64_t n = golden.row_size();
  x.shape = {9, n};
  x.data.assign(golden.data.begin(), golden.data.begin() + 9 * n);
  auto at = [&](int64_t r, int64_t c) -> double& { return x.data[static_cast<size_t>(r * n + c)]; };
  for (int64_t r = 5; r < 9; ++r)
    for (int64_t c = 0; c < n; ++c) at(r, c) = at(r - 4, c);
  at(1, 0) = kNaN;  at(5, 0) = 0;
  at(2, 0) = kInf;  at(6, 0) = pos;
  at(3, 0) = -kInf; at(7, 0) = neg;
  at(4, 0) = kNaN;  at(4, 1) = kInf; at(4, 2) = -kInf;
  at(8, 0) = 0;     at(8, 1) = pos;  at(8, 2) = neg;
  return x;
}

std::vector<double> Row(const NDArray& a, int64_t r) {
  return {a.data.begin() + r * a.row_size(), a.data.begin() + (r + 1) * a.row_size()};
}

void CheckNonFinite(const std::string& tag, const std::vector<std::string>& cfg, double pos, double neg) {
  SCOPED_TRACE(tag);
  TempDir t("nonfinite_" + tag);
  const std::string model = Shared("golden/hls4ml/two_layer_keras/model_clean.onnx");
  auto golden = ReadNpy(Shared("golden/hls4ml/two_layer_keras/input_normal.npy"));
  ASSERT_TRUE(golden.ok()) << golden.status().message();
  ASSERT_TRUE(WriteNpy(t / "x.npy", Input(*golden, pos, neg), false).ok());

  std::vector<std::string> pred = {"predict", model, "-i", t / "x.npy", "-o", t / "emu.npy"};
  pred.insert(pred.end(), cfg.begin(), cfg.end());
  auto p = RunCli(pred);
  ASSERT_EQ(p.status, 0) << p.err;
  const std::string warning = "6 non-finite input values (2 NaN, 2 +Inf, 2 -Inf)";
  EXPECT_NE(p.err.find("hlsforge: warning: " + t / "x.npy" + ": " + warning), std::string::npos) << p.err;

  std::vector<std::string> conv = {"convert", model, "-o", t / "prj"};
  conv.insert(conv.end(), cfg.begin(), cfg.end());
  ASSERT_EQ(RunCli(conv).status, 0);
  auto c = RunCli({"csim", t / "prj", "-i", t / "x.npy", "-o", t / "csim.npy"});
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.err.find(warning), std::string::npos) << c.err;

  auto emu = ReadNpy(t / "emu.npy");
  auto sim = ReadNpy(t / "csim.npy");
  ASSERT_TRUE(emu.ok() && sim.ok());
  EXPECT_EQ(emu->data, sim->data);  // the same bits in both
  for (int64_t r = 1; r <= 4; ++r) {
    EXPECT_EQ(Row(*emu, r), Row(*emu, r + 4)) << "row " << r << " differs from its defined replacement";
    for (double v : Row(*emu, r)) EXPECT_TRUE(std::isfinite(v));
  }
  // The replaced feature matters (the test could fail): some row differs from row 0.
  bool differs = false;
  for (int64_t r = 1; r <= 4; ++r) differs |= Row(*emu, r) != Row(*emu, 0);
  EXPECT_TRUE(differs);

  // --float computes in IEEE double: +Inf at an input meets weights of both
  // signs and gives NaN (inf - inf) at the output of this model; a NaN input
  // is absorbed by ReLU (x > 0 ? x : 0 maps NaN to 0), so its row is finite.
  auto f = RunCli({"predict", model, "-i", t / "x.npy", "-o", t / "float.npy", "--float"});
  ASSERT_EQ(f.status, 0) << f.err;
  auto fl = ReadNpy(t / "float.npy");
  ASSERT_TRUE(fl.ok());
  EXPECT_TRUE(std::isnan(Row(*fl, 2)[0]));
  EXPECT_TRUE(std::isfinite(Row(*fl, 1)[0]));
}

TEST(NonFiniteInputs, WrapInputTypeReadsNaNAndInfAsZero) {
  CheckNonFinite("wrap", {}, 0.0, 0.0);
}

TEST(NonFiniteInputs, SaturatingInputTypeReadsInfAsMaxAndMin) {
  TempDir t("nonfinite_cfg");
  const std::string cfg = t / "sat.yml";
  std::ofstream(cfg) << "Model:\n  Precision: fixed<16,6>\n  ReuseFactor: 1\n  Strategy: Latency\n"
                        "LayerName:\n  global_in:\n    Precision:\n      result: fixed<16,6,TRN,SAT>\n";
  // fixed<16,6,TRN,SAT>: max 2^5 - 2^-10, min -2^5.
  CheckNonFinite("sat", {"-c", cfg}, 32.0 - 1.0 / 1024, -32.0);
}

}  // namespace
}  // namespace hlsforge::cli_test
