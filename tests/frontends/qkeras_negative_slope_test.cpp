// QKeras quantized_relu(bits, integer, negative_slope=s): a leaky ReLU
// quantized on one grid. From google/qkeras quantizers.py quantized_relu
// __call__ (use_sigmoid = 0): non_sign_bits = bits - 1, m = 2^(bits-1),
// m_i = 2^integer, p = x m / m_i,
//   xq = m_i clip(round(p) / m, 0, 1 - 1/m)
//      + m_i s clip(round(p s) / (s m), -1, 0)      (s > 0)
// with round = tf.round (half to even); s must be a power of two (QKeras
// asserts it). The output grid is m_i / m and the lowest value -s m_i.
// hlsforge reads it as a Quantize layer (graph.h QuantParams::negative_slope)
// whose result type is fixed<bits, integer + 1, RND_CONV, SAT>. Checked here:
// float mode against the formula above (1e-12), bit-exact mode against
// hand-worked values, bit-exact == float on inputs on the input grid, the
// HLS C simulation (Vitis and Catapult types, io_parallel and io_stream) and
// the Verilog backend (Verilator) against the emulator, inspect's table, and
// the located errors for slopes that are not supported.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../backends/hls_test_util.h"
#include "../cli/cli_test_util.h"
#include "../rtl/rtl_test_util.h"
#include "frontend_test_util.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "support/keras_h5_writer.h"

namespace {

namespace fs = std::filesystem;
namespace ir = hlsforge::ir;
using hlsforge::NDArray;
using hlsforge::cli_test::RunCli;
using keras_test::Weight;

fs::path Root() { return fs::temp_directory_path() / ("hlsforge_qrelu_slope_test_" + std::to_string(::getpid())); }

class RemoveModels : public ::testing::Environment {
 public:
  void TearDown() override { fs::remove_all(Root()); }
};
[[maybe_unused]] ::testing::Environment* const kRemoveModels = ::testing::AddGlobalTestEnvironment(new RemoveModels);

/// A QDense(n -> n, identity kernel, no bias) + QActivation(`act`) model as
/// `<name>/m.json` + weights; the Dense keeps the input exact (its output is
/// auto-typed), so the activation sees the input values.
std::string Model(const std::string& name, int n, const std::string& act) {
  const fs::path d = Root() / name;
  fs::create_directories(d);
  std::vector<float> eye(static_cast<size_t>(n * n), 0.0f);
  for (int i = 0; i < n; ++i) eye[static_cast<size_t>(i * n + i)] = 1.0f;
  std::ofstream(d / "m.json") << keras_test::Sequential(
      "2.4.0", "[null, " + std::to_string(n) + "]",
      {R"JS({"class_name": "QDense", "config": {"name": "fc", "units": )JS" + std::to_string(n) +
           R"JS(, "use_bias": false, "kernel_quantizer": "quantized_bits(2,1,alpha=1)", "activation": "linear"}})JS",
       R"JS({"class_name": "QActivation", "config": {"name": "act", "activation": ")JS" + act + R"JS("}})JS"});
  keras_test::WriteWeights((d / "m_weights.h5").string(), {{"in", {}}, {"fc", {Weight{"kernel", {n, n}, eye}}}});
  return (d / "m.json").string();
}

/// The QKeras formula, in double (the values are exact in float32 too).
double QReluSlope(double x, int bits, int integer, double s) {
  const double m = std::ldexp(1.0, bits - 1), mi = std::ldexp(1.0, integer);
  const double p = x * m / mi;
  double xq = mi * std::clamp(std::nearbyint(p) / m, 0.0, 1.0 - 1.0 / m);
  xq += mi * s * std::clamp(std::nearbyint(p * s) / (s * m), -1.0, 0.0);
  return xq;
}

NDArray Rows(const std::vector<double>& v, int n) {
  NDArray x;
  x.shape = {static_cast<int64_t>(v.size()) / n, n};
  x.data = v;
  return x;
}

/// `rows` x n values on the 1/64 grid in [-8, 8): exact in the default
/// fixed<16,6> input type.
NDArray GridRows(int rows, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-512, 511);
  std::vector<double> v(static_cast<size_t>(rows * n));
  for (double& e : v) e = d(rng) / 64.0;
  return Rows(v, n);
}

TEST(QKerasNegativeSlope, FloatModeIsTheQKerasFormula) {
  struct Case {
    int bits, integer;
    double s;
  };
  for (const Case c : {Case{4, 1, 0.25}, Case{6, 0, 0.5}, Case{3, 0, 1.0}, Case{8, 2, 0.125}, Case{6, 3, 0.0625}}) {
    const std::string act = "quantized_relu(" + std::to_string(c.bits) + "," + std::to_string(c.integer) +
                            ",negative_slope=" + std::to_string(c.s) + ")";
    const std::string json = Model("float_" + std::to_string(c.bits) + "_" + std::to_string(c.integer), 4, act);
    const ir::Graph g = frontend_test::Configured(json);
    std::mt19937 rng(c.bits * 7 + c.integer);
    std::normal_distribution<double> d(0.0, 4.0);
    std::vector<double> v(400);
    for (double& e : v) e = d(rng);
    const NDArray x = Rows(v, 4);
    const NDArray y = frontend_test::Emu(g, x, true);
    ASSERT_EQ(y.data.size(), v.size());
    std::set<double> distinct, negative;
    for (size_t i = 0; i < v.size(); ++i) {
      const double want = QReluSlope(v[i], c.bits, c.integer, c.s);
      EXPECT_NEAR(y.data[i], want, 1e-12) << act << " x=" << v[i];
      distinct.insert(want);
      if (want < 0) negative.insert(want);
    }
    EXPECT_GE(distinct.size(), 6u) << act;
    EXPECT_GE(negative.size(), 2u) << act << ": the negative side must be exercised";
  }
}

TEST(QKerasNegativeSlope, BitExactHandWorked) {
  // quantized_relu(4, 1, negative_slope=0.25): m = 8, m_i = 2, grid 1/4,
  // values in [-s m_i, m_i - 1/4] = [-0.5, 1.75]; result fixed<4,2,RND_CONV,SAT>.
  const std::string json = Model("hand", 10, "quantized_relu(4,1,negative_slope=0.25)");
  const ir::Graph g = frontend_test::Configured(json);
  const ir::Layer& a = frontend_test::L(g, "act");
  ASSERT_EQ(a.kind, ir::LayerKind::Quantize);
  ASSERT_TRUE(a.quant.has_value());
  EXPECT_EQ(a.quant->negative_slope, 0.25);
  ASSERT_TRUE(g.tensor(a.output).type.has_value());
  EXPECT_EQ(*g.tensor(a.output).type,
            hlsforge::FixedType(4, 2, true, hlsforge::Quant::RND_CONV, hlsforge::Overflow::SAT));
  const NDArray x = Rows({-1.0, -0.5, -1.5, -3.0, -30.0, 0.3125, 0.375, 0.625, 5.0, -0.625}, 10);
  // -1 -> s x = -0.25 -> -1 step; -0.5 -> -0.125 = -0.5 steps -> ties to even 0;
  // -1.5 -> -0.375 = -1.5 steps -> -2 -> -0.5; -3 -> -0.75 -> -3 steps, floored
  // at -2 -> -0.5; -30 -> -7.5 -> -0.5;
  // 0.3125 -> 1.25 steps -> 1 -> 0.25; 0.375 -> 1.5 -> 2 -> 0.5; 0.625 -> 2.5
  // -> 2 -> 0.5; 5 -> 1.75 (SAT); -0.625 -> -0.15625 = -0.625 steps -> -1 -> -0.25.
  const std::vector<double> want = {-0.25, 0.0, -0.5, -0.5, -0.5, 0.25, 0.5, 0.5, 1.75, -0.25};
  EXPECT_EQ(frontend_test::Emu(g, x, false).data, want);
  EXPECT_EQ(frontend_test::Emu(g, x, true).data, want);
}

TEST(QKerasNegativeSlope, BitExactEqualsFloatOnTheInputGrid) {
  for (const std::string act : {"quantized_relu(4,1,negative_slope=0.25)", "quantized_relu(6,2,negative_slope=0.5)",
                                "quantized_relu(5,0,negative_slope=0.0625)", "quantized_relu(3,1,negative_slope=1)"}) {
    const std::string json = Model("grid_" + std::to_string(std::hash<std::string>{}(act) % 100000), 8, act);
    const ir::Graph g = frontend_test::Configured(json);
    const NDArray x = GridRows(200, 8, 5);
    const NDArray fixed = frontend_test::Emu(g, x, false);
    EXPECT_EQ(fixed.data, frontend_test::Emu(g, x, true).data) << act;
    std::set<double> distinct(fixed.data.begin(), fixed.data.end());
    EXPECT_GE(distinct.size(), 6u) << act;
  }
}

TEST(QKerasNegativeSlope, InspectNamesTheSlope) {
  const std::string json = Model("inspect", 4, "quantized_relu(4,1,negative_slope=0.25)");
  const auto r = RunCli({"inspect", json});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Quantize(negative_slope=0.25)"), std::string::npos) << r.out;
}

TEST(QKerasNegativeSlope, UnsupportedSlopesAreLocatedErrors) {
  // 0.3 is not a power of two (QKeras asserts it); 1/32 with bits 4 puts the
  // lowest value -s m_i below one step of the output grid.
  for (const std::string act : {"quantized_relu(4,1,negative_slope=0.3)", "quantized_relu(4,1,negative_slope=0.03125)",
                                "quantized_relu(4,1,negative_slope=2.0)"}) {
    const std::string json = Model("bad_" + std::to_string(std::hash<std::string>{}(act) % 100000), 4, act);
    auto g = hlsforge::frontends::LoadKeras(json, "");
    ASSERT_FALSE(g.ok()) << act;
    const std::string msg = g.status().message();
    EXPECT_NE(msg.find("\"act\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("negative_slope must be a power of two"), std::string::npos) << msg;
    const auto r = RunCli({"inspect", json});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << r.err;
  }
}

TEST(QKerasNegativeSlopeCsim, VitisAndCatapultBothIoTypesEqualTheEmulator) {
  const std::string json = Model("csim", 8, "quantized_relu(5,1,negative_slope=0.25)");
  const NDArray x = GridRows(64, 8, 9);
  for (const hlsforge::Family fam : {hlsforge::Family::AP, hlsforge::Family::AC})
    for (const ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
      hlsforge::flow::Options o;
      o.io_type = io;
      if (fam == hlsforge::Family::AC) o.family = fam;
      auto g = hlsforge::flow::LoadConfiguredModel(json, std::string(), o);
      ASSERT_TRUE(g.ok()) << g.status().message();
      const NDArray y = frontend_test::Emu(*g, x, false);
      std::set<double> negative;
      for (double v : y.data)
        if (v < 0) negative.insert(v);
      EXPECT_GE(negative.size(), 3u) << "the negative side must be exercised";
      hls_test::ExpectCsimMatchesEmulator(*g, x,
                                          std::string(fam == hlsforge::Family::AC ? "ac_" : "ap_") +
                                              (io == ir::IOType::Parallel ? "parallel" : "stream"),
                                          io);
    }
}

TEST(QKerasNegativeSlopeRtl, VerilatorEqualsTheEmulator) {
  std::vector<rtl_test::Case> cases;
  int k = 0;
  for (const std::string act : {"quantized_relu(5,1,negative_slope=0.25)", "quantized_relu(4,0,negative_slope=0.5)",
                                "quantized_relu(3,1,negative_slope=1)"}) {
    const std::string json = Model("rtl" + std::to_string(k), 8, act);
    auto g = hlsforge::flow::LoadConfiguredModel(json, std::string(), {});
    ASSERT_TRUE(g.ok()) << g.status().message();
    cases.push_back({"qrelu_slope" + std::to_string(k++), *g, GridRows(300, 8, 21 + k)});
  }
  const rtl_test::BatchStats st = rtl_test::ExpectRtlMatchesEmulator(cases, rtl_test::RtlTmpDir("qrelu_slope"));
  EXPECT_EQ(st.designs, 3);
}

}  // namespace
