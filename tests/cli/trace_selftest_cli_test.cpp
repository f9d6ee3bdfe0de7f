// `hlsforge csim PROJECT --trace DIR` writes every layer's output with the
// file names, shapes and values of `hlsforge predict --trace DIR` (jet tagger
// three_layer_keras with its legacy-softmax golden config, both io types, 40
// rows; every traced layer must take at least 20 distinct values), and
// `hlsforge selftest` exits 0 when the C simulation agrees with the emulator
// on every layer of its random models (with `--against both`, also the
// Verilator simulation of the MLPs' RTL), 1 when a case disagrees (a
// deliberately wrong kernel library, HLSFORGE_HLS_DIR), 2 on a usage error
// or a missing verilator.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

#include "cli_test_util.h"
#include "hlsforge/testing/random_model.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::cli_test {
namespace {

namespace fs = std::filesystem;

std::set<std::string> Files(const std::string& dir) {
  std::set<std::string> s;
  for (const auto& e : fs::directory_iterator(dir)) s.insert(e.path().filename().string());
  return s;
}

TEST(CsimTraceCli, SameLayersShapesAndValuesAsPredictTrace) {
  TempDir t("csim_trace");
  const std::string golden = Shared("golden/hls4ml/three_layer_keras/legacy_softmax");
  auto x = ReadNpy(golden + "/input_normal.npy");
  ASSERT_TRUE(x.ok()) << x.status().message();
  NDArray rows = *x;
  rows.shape[0] = 40;
  rows.data.resize(static_cast<size_t>(40 * x->row_size()));
  ASSERT_TRUE(WriteNpy(t / "x.npy", rows, true).ok());
  const std::vector<std::string> model = {golden + "/model_clean.onnx", "-c", golden + "/hls4ml_config_input.yml"};
  std::vector<std::string> pred = {"predict"};
  pred.insert(pred.end(), model.begin(), model.end());
  pred.insert(pred.end(), {"-i", t / "x.npy", "-o", t / "y.npy", "--trace", t / "emu_trace", "--dtype", "float64"});
  auto p = RunCli(pred);
  ASSERT_EQ(p.status, 0) << p.err;
  const std::set<std::string> emu_files = Files(t / "emu_trace");
  ASSERT_GE(emu_files.size(), 8u);
  for (const char* io : {"io_parallel", "io_stream"}) {
    SCOPED_TRACE(io);
    const std::string prj = t / (std::string("prj_") + io), tr = t / (std::string("csim_trace_") + io);
    std::vector<std::string> conv = {"convert"};
    conv.insert(conv.end(), model.begin(), model.end());
    conv.insert(conv.end(), {"-o", prj, "--io-type", io});
    auto c = RunCli(conv);
    ASSERT_EQ(c.status, 0) << c.err;
    auto s = RunCli({"csim", prj, "-i", t / "x.npy", "--trace", tr});
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_EQ(Files(tr), emu_files);
    for (const std::string& f : emu_files) {
      auto a = ReadNpy(tr + "/" + f);
      auto b = ReadNpy(t / "emu_trace/" + f);
      ASSERT_TRUE(a.ok() && b.ok()) << f;
      EXPECT_EQ(a->shape, b->shape) << f;
      EXPECT_EQ(a->data, b->data) << f;
      const Status v = testing::CheckVarying(*b, 20, f);
      EXPECT_TRUE(v.ok()) << v.message();
    }
  }
}

TEST(SelftestCli, AgreesOnRandomModels) {
  TempDir t("selftest");
  auto r = RunCli({"selftest", "--cases", "4", "--seed", "7", "--work", t / "w"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("selftest: 4/4 cases agree"), std::string::npos) << r.out;
}

// --against both: the C simulation leg over all four cases, the Verilator leg
// over the two MLPs (the CNNs are counted as skipped). The Verilator leg
// catching a wrong design is tested in tests/rtl/rtl_selftest_test.cpp.
TEST(SelftestCli, AgainstBothRunsTheVerilatorLegOnTheMlps) {
  TempDir t("selftest_both");
  auto r = RunCli({"selftest", "--cases", "4", "--seed", "7", "--against", "both", "--work", t / "w"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("selftest: 4/4 cases agree (C simulation vs emulator"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("selftest: 2/2 cases agree (Verilator vs emulator, output and latency)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("skipped: 2 CNN"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(t / "w")) << "the work directory of a passing run is removed";
}

TEST(SelftestCli, ExitsOneWhenTheKernelLibraryIsWrong) {
  TempDir t("selftest_bad");
  // A copy of the kernel library whose Latency Dense drops the bias.
  const fs::path hls = Source("src/backends/hls");
  fs::copy(hls, t.path() / "hls", fs::copy_options::recursive);
  const std::string dense = (t.path() / "hls/kernels/dense_latency.h").string();
  std::string text = Slurp(dense);
  const std::string from = "acc[j] = (accum_t)biases[j];";
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "acc[j] = 0;");
  std::ofstream(dense, std::ios::binary) << text;
  const std::string cmd = "HLSFORGE_HLS_DIR=" + Quote((t.path() / "hls").string()) + " " + Quote(HLSFORGE_BINARY) +
                          " selftest --cases 6 --seed 11 --family mlp --work " + Quote(t / "w") + " >" +
                          Quote(t / "out") + " 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 1) << Slurp(t / "out");
  EXPECT_NE(Slurp(t / "out").find("FAIL seed"), std::string::npos) << Slurp(t / "out");
}

TEST(SelftestCli, UsageErrorExitsTwo) {
  auto r = RunCli({"selftest", "--family", "rnn"});
  EXPECT_EQ(r.status, 2);
  auto v = RunCli({"selftest", "--against", "vivado"});
  EXPECT_EQ(v.status, 2);
  EXPECT_NE(v.err.find("--against"), std::string::npos) << v.err;
  auto c = RunCli({"selftest", "--against", "verilator", "--family", "cnn"});  // would compare nothing
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.err.find("needs MLPs"), std::string::npos) << c.err;
  TempDir t("selftest_no_verilator");
  const std::string cmd = "PATH=/nonexistent " + Quote(HLSFORGE_BINARY) +
                          " selftest --cases 1 --family mlp --against verilator --work " + Quote(t / "w") + " >" +
                          Quote(t / "out") + " 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 2) << Slurp(t / "out");
  EXPECT_NE(Slurp(t / "out").find("apt-get install verilator"), std::string::npos) << Slurp(t / "out");
  EXPECT_NE(r.err.find("hlsforge: "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hlsforge::cli_test
