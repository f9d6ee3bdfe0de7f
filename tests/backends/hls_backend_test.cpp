// Tests of the Vitis/Vivado HLS backend: generated projects, compiled with g++
// and hlsforge's simulation headers, must compute exactly what emu::Predict
// computes. Compiles are costly (2 shared cores): projects are small, -O1.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"

#include "hls_test_util.h"
#include "test_data.h"

namespace fs = std::filesystem;
using namespace hlsforge;
using backends::HlsOptions;

namespace {

using namespace hls_test;

ir::Graph SmallMlp(ir::Strategy st, int rf) {
  std::mt19937 rng(7);
  ir::Graph g = StartGraph("small_mlp", 6, FixedType(12, 4));
  AddDense(g, "dense_1", "input_1", 6, 8, FixedType(8, 2), FixedType(8, 3), FixedType(24, 10), FixedType(16, 6), rng, st, rf);
  AddAct(g, "relu_1", "dense_1_out", 8, ir::ActivationKind::ReLU, FixedType(12, 5, false));
  AddDense(g, "dense_2", "relu_1_out", 8, 4, FixedType(6, 1), FixedType(8, 3), FixedType(20, 8, true, Quant::TRN, Overflow::SAT), FixedType(16, 6), rng, st, rf);
  AddAct(g, "sigmoid_1", "dense_2_out", 4, ir::ActivationKind::Sigmoid, FixedType(10, 2, false));
  g.outputs = {"sigmoid_1_out"};
  return g;
}

}  // namespace

TEST(HlsBackend, SmallMlpLatencyParallel) {
  std::mt19937 rng(1);
  ExpectCsimMatchesEmulator(SmallMlp(ir::Strategy::Latency, 1), RandomInput(200, 6, rng), "mlp_lat_par");
}

TEST(HlsBackend, SmallMlpResourceStream) {
  std::mt19937 rng(2);
  ExpectCsimMatchesEmulator(SmallMlp(ir::Strategy::Resource, 4), RandomInput(200, 6, rng), "mlp_res_str",
                            ir::IOType::Stream);
}

// input -> Dense -> binary tanh (XNOR bits) -> Dense with 1-bit weights
// (XNOR popcount) into a narrow accumulator that wraps the popcount: hls4ml
// doubles (ap_int<n>)(acc - n_in/2) at full precision, so the wrapped sums
// reach the result type (wide here) beyond n bits.
TEST(HlsBackend, XnorPopcountWithWrappingAccumulatorEqualsEmulator) {
  for (const Family fam : {Family::AP, Family::AC}) {
    auto T = [fam](int w, int i, bool s = true) { return FixedType(w, i, s, Quant::TRN, Overflow::WRAP, fam); };
    std::mt19937 rng(23);
    ir::Graph g = StartGraph("xnor", 8, T(12, 5));
    AddDense(g, "fc0", "input_1", 8, 8, T(8, 3), T(8, 3), T(24, 10), T(16, 6), rng);
    AddAct(g, "sign", "fc0_out", 8, ir::ActivationKind::BinaryTanh, T(1, 1, false));
    g.layers.back().config.precision["table"].type = T(18, 8);  // one family throughout
    AddDense(g, "fc1", "sign_out", 8, 6, FixedType::Int(1, false, fam), T(8, 3), T(4, 4), T(8, 8), rng,
             ir::Strategy::Latency, 1, WeightKind::Binary);
    g.outputs = {"fc1_out"};
    std::mt19937 xr(fam == Family::AP ? 1 : 2);
    const NDArray x = RandomInput(200, 8, xr, 3.0);
    const auto y = emu::Predict(g, x);
    ASSERT_TRUE(y.ok()) << y.status().message();
    std::set<double> v(y->data.begin(), y->data.end());
    EXPECT_TRUE(v.count(-24) || v.count(-22) || v.count(-20)) << "a wrapped popcount beyond 4 bits occurs";
    ExpectCsimMatchesEmulator(g, x, fam == Family::AP ? "xnor_wrap_ap" : "xnor_wrap_ac", ir::IOType::Parallel);
  }
}

TEST(HlsBackend, ValidReuseFactors) {
  EXPECT_EQ(backends::ValidDenseReuseFactors(4, 2), (std::vector<int>{1, 2, 4, 8}));
  auto v = backends::ValidDenseReuseFactors(16, 64);
  EXPECT_EQ(backends::ClosestReuseFactor(v, 3), 2);
  EXPECT_EQ(backends::ClosestReuseFactor({1, 2, 4, 8}, 3), 2);  // tie -> smaller
  EXPECT_EQ(backends::ClosestReuseFactor({1, 2, 4, 8}, 100), 8);
}

TEST(HlsBackend, InvalidReuseFactorWarnsWithValidValues) {
  ir::Graph g = SmallMlp(ir::Strategy::Resource, 5);
  HlsOptions opt;
  std::vector<std::string> warnings;
  opt.warn = [&](const std::string& m) { warnings.push_back(m); };
  fs::path dir = TmpDir("rf_warn");
  ASSERT_TRUE(backends::WriteHlsProject(g, opt, dir.string()).ok());
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("dense_1"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("reuse factor 5"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("(valid: 1, 2, 3, 6, 12, 24, 48)"), std::string::npos) << warnings[0];
  fs::remove_all(dir);
}

TEST(HlsBackend, RefusesNonEmptyDirWithoutForce) {
  ir::Graph g = SmallMlp(ir::Strategy::Latency, 1);
  fs::path dir = TmpDir("nonempty");
  fs::create_directories(dir);
  std::ofstream(dir / "keep.txt") << "x";
  HlsOptions opt;
  Status st = backends::WriteHlsProject(g, opt, dir.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not empty"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("--force"), std::string::npos) << st.message();
  EXPECT_TRUE(fs::exists(dir / "keep.txt"));
  opt.force = true;
  st = backends::WriteHlsProject(g, opt, dir.string());
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_FALSE(fs::exists(dir / "keep.txt"));
  EXPECT_TRUE(fs::exists(dir / "firmware" / "myproject.cpp"));
  EXPECT_TRUE(fs::exists(dir / "build_prj.tcl"));
  // Every generated block names its model layer.
  std::ifstream f(dir / "firmware" / "myproject.cpp");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  for (const char* name : {"dense_1", "relu_1", "dense_2", "sigmoid_1"})
    EXPECT_NE(text.find(std::string("// layer '") + name + "'"), std::string::npos) << name;
  fs::remove_all(dir);
}

TEST(HlsBackend, UnwritableDirIsAClearError) {
  if (geteuid() == 0) {
    // root ignores permissions: use a path under a regular file instead.
    fs::path file = TmpDir("afile");
    std::ofstream(file) << "x";
    Status st = backends::WriteHlsProject(SmallMlp(ir::Strategy::Latency, 1), HlsOptions{}, (file / "prj").string());
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find(file.string()), std::string::npos) << st.message();
    return;
  }
  fs::path ro = TmpDir("readonly");
  fs::create_directories(ro);
  chmod(ro.c_str(), 0555);
  Status st = backends::WriteHlsProject(SmallMlp(ir::Strategy::Latency, 1), HlsOptions{}, (ro / "prj").string());
  chmod(ro.c_str(), 0755);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(ro.string()), std::string::npos) << st.message();
}

TEST(HlsBackend, TooWideProductNamesLayerAndField) {
  std::mt19937 rng(3);
  ir::Graph g = StartGraph("wide", 4, FixedType(40, 10));
  AddDense(g, "dense_wide", "input_1", 4, 2, FixedType(32, 4), FixedType(8, 3), FixedType(60, 20), FixedType(16, 6), rng);
  g.outputs = {"dense_wide_out"};
  Status st = backends::CheckHlsGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("dense_wide"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("weight"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("72 bits"), std::string::npos) << st.message();
}

// ---- golden models (ONNX) ---------------------------------------------------

// ---- table checks ------------------------------------------------------------
namespace {
// dense (8 -> 5) -> softmax; `inp_norm` overrides the stable softmax's index type.
ir::Graph SoftmaxGraph(std::optional<FixedType> inp_norm, int table_size = 1024,
                       FixedType data = FixedType(16, 6)) {
  std::mt19937 rng(11);
  ir::Graph g = StartGraph("softmax_net", 8, FixedType(12, 4));
  AddDense(g, "dense_1", "input_1", 8, 5, FixedType(8, 2), FixedType(8, 3), FixedType(24, 10), data, rng);
  ir::Layer l;
  l.name = "softmax_1";
  l.kind = ir::LayerKind::Softmax;
  l.inputs = {"dense_1_out"};
  l.output = "softmax_1_out";
  l.config.table_size = table_size;
  l.config.softmax_impl = ir::SoftmaxImpl::Stable;
  if (inp_norm) l.config.precision["inp_norm"].type = *inp_norm;
  // what infer_precision resolves for a softmax (hls4ml's 18-bit table defaults)
  for (const char* k : {"exp_table", "inv_table", "inv_inp", "accum"})
    l.config.precision[k].type = FixedType(18, 8, true, Quant::RND, Overflow::SAT);
  g.layers.push_back(l);
  AddTensor(g, "softmax_1_out", 5, FixedType(16, 6, false));
  g.outputs = {"softmax_1_out"};
  return g;
}

std::vector<std::string> WriteWarnings(const ir::Graph& g, const std::string& tag) {
  HlsOptions opt;
  std::vector<std::string> w;
  opt.warn = [&](const std::string& m) { w.push_back(m); };
  fs::path dir = TmpDir(tag);
  Status st = backends::WriteHlsProject(g, opt, dir.string());
  EXPECT_TRUE(st.ok()) << st.message();
  fs::remove_all(dir);
  return w;
}

bool AnyContains(const std::vector<std::string>& v, const std::string& a, const std::string& b) {
  for (const auto& s : v)
    if (s.find(a) != std::string::npos && s.find(b) != std::string::npos) return true;
  return false;
}
}  // namespace

// hls4ml's default 'auto' inp_norm_t (ufixed<37,17> here) with 1024 entries:
// bins 128 wide, the output is the constant 1/N -> warning naming the layer.
TEST(HlsTables, CoarseSoftmaxExpTableWarns) {
  auto w = WriteWarnings(SoftmaxGraph(FixedType(37, 17, false)), "sm_coarse");
  ASSERT_TRUE(AnyContains(w, "layer 'softmax_1'", "bins 128 wide")) << (w.empty() ? "no warning" : w[0]);
  EXPECT_TRUE(AnyContains(w, "softmax_1", "constant 1/5"));
}

// inp_norm_t ufixed<10,3> stops below 8, but max - x spans [0, 64) for fixed<16,6>.
TEST(HlsTables, SoftmaxIndexNotCoveringInputRangeWarns) {
  auto w = WriteWarnings(SoftmaxGraph(FixedType(10, 3, false)), "sm_cover");
  ASSERT_TRUE(AnyContains(w, "layer 'softmax_1'", "does not cover its input's range")) << (w.empty() ? "no warning" : w[0]);
  EXPECT_TRUE(AnyContains(w, "inp_norm_t", "wrap around"));
}

// inp_norm ufixed<18,8> (bins 1/4, up to 256) covers [0, 64): no warning.
TEST(HlsTables, WellSizedSoftmaxDoesNotWarn) {
  auto w = WriteWarnings(SoftmaxGraph(FixedType(18, 8, false)), "sm_ok");
  EXPECT_TRUE(w.empty()) << w[0];
}

// The golden configs reproduce the reference's 1/N softmax; the tool says so.
TEST(HlsTables, GoldenThreeLayerKerasStableSoftmaxWarns) {
  const std::string dir = hlsforge::test_data::Root() + "/golden/hls4ml/three_layer_keras";
  auto g = flow::LoadConfiguredModel(dir + "/model_clean.onnx", dir + "/hls4ml_config_input.yml");
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto w = WriteWarnings(*g, "sm_golden");
  EXPECT_TRUE(AnyContains(w, "softmax", "constant 1/5")) << (w.empty() ? "no warning" : w[0]);
}

// A table index that needs more bits than its index type has: error naming
// the layer, the field and the sizes.
TEST(HlsTables, TableIndexWiderThanItsTypeIsAnError) {
  Status st = backends::CheckHlsGraph(SoftmaxGraph(FixedType(8, 3, false), 1024));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer 'softmax_1'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("table_size 1024 needs 10 index bits"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("inp_norm"), std::string::npos) << st.message();
}

// Sigmoid over a 62-bit input: the table index computation would overflow 64 bits.
TEST(HlsTables, OverWideSigmoidTableIndexNamesLayer) {
  std::mt19937 rng(5);
  ir::Graph g = StartGraph("wide_sigmoid", 4, FixedType(12, 4));
  AddDense(g, "dense_1", "input_1", 4, 3, FixedType(8, 2), FixedType(8, 3), FixedType(24, 10), FixedType(62, 20), rng);
  AddAct(g, "sigmoid_wide", "dense_1_out", 3, ir::ActivationKind::Sigmoid, FixedType(10, 2, false));
  g.outputs = {"sigmoid_wide_out"};
  Status st = backends::CheckHlsGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer 'sigmoid_wide'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("table index"), std::string::npos) << st.message();
}

// ---- batch C simulation errors ---------------------------------------------------
TEST(HlsBatch, ProjectWithoutNamespaceIsRefused) {
  fs::path dir = TmpDir("batch_nons");
  HlsOptions opt;
  opt.warn = [](const std::string&) {};
  ASSERT_TRUE(backends::WriteHlsProject(SmallMlp(ir::Strategy::Latency, 1), opt, dir.string()).ok());
  std::mt19937 rng(1);
  auto r = backends::RunCsimBatch({dir.string()}, {RandomInput(2, 6, rng)}, (dir / "batch").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir.string()), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("namespace"), std::string::npos) << r.status().message();
  opt.cpp_namespace = "1bad";
  opt.force = true;
  Status st = backends::WriteHlsProject(SmallMlp(ir::Strategy::Latency, 1), opt, dir.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'1bad' is not a C identifier"), std::string::npos) << st.message();
  fs::remove_all(dir);
}
