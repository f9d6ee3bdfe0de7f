// The Catapult backend from the command line: `hlsforge convert MODEL
// --backend catapult` (the AC family implied), `hlsforge csim` on the
// project, `inspect` with Model: {Family: ac}, and bad input (a family or a
// mode the backend cannot take): `hlsforge: <message>` naming the file, layer
// and field, exit status 2, nothing written.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "../cli/cli_test_util.h"
#include "hlsforge/util/ndarray.h"

using namespace hlsforge;
using namespace hlsforge::cli_test;

namespace {

const char* const kMlp = "models/onnx/three_layer_keras.onnx";

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

TEST(CatapultCli, ConvertCsimAndEmulatorAgree) {
  const std::string model = test_data::Find(kMlp);
  if (model.empty()) GTEST_SKIP() << "needs " << kMlp;
  TempDir t("catapult_cli");
  NDArray x;
  x.shape = {16, 16};
  std::mt19937 rng(3);
  std::normal_distribution<double> d(0, 1.5);
  for (int i = 0; i < 16 * 16; ++i) x.data.push_back(static_cast<float>(d(rng)));
  ASSERT_TRUE(WriteNpy(t / "x.npy", x).ok());
  RunResult r = RunCli({"convert", model, "--backend", "catapult", "--io-type", "io_stream", "-o", t / "prj", "-i",
                        t / "x.npy", "--csim"});
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("bit-exact with the emulator"), std::string::npos) << r.out;
  const std::string defines = Slurp(t / "prj/firmware/defines.h");
  EXPECT_NE(defines.find("typedef ac_fixed<16,6,true> input_t;"), std::string::npos) << defines;
  EXPECT_EQ(defines.find("ap_fixed"), std::string::npos) << defines;
  const std::string top = Slurp(t / "prj/firmware/myproject.cpp");
  EXPECT_NE(top.find("#pragma hls_design top"), std::string::npos);
  EXPECT_NE(top.find("ac_channel<nnet::array<"), std::string::npos);
  EXPECT_EQ(top.find("#pragma HLS"), std::string::npos);
  EXPECT_EQ(top.find("hls::stream"), std::string::npos);
  const std::string tcl = Slurp(t / "prj/build_prj.tcl");
  EXPECT_NE(tcl.find("solution design set myproject -top"), std::string::npos) << tcl;
  // hlsforge csim on the written project: the outputs it writes.
  r = RunCli({"csim", t / "prj", "-i", t / "x.npy", "-o", t / "y.npy"});
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  auto y = ReadNpy(t / "y.npy");
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->rows(), 16);
  auto y0 = ReadNpy(t / "prj/tb_data/csim_results.npy");  // written by convert --csim
  ASSERT_TRUE(y0.ok()) << y0.status().message();
  EXPECT_EQ(y->data, y0->data);
}

TEST(CatapultCli, InspectShowsAcTypeNamesWhenTheFamilyIsAc) {
  const std::string model = test_data::Find(kMlp);
  if (model.empty()) GTEST_SKIP() << "needs " << kMlp;
  TempDir t("catapult_inspect");
  WriteText(t / "ac.yml", "Model:\n  Precision: fixed<12,4,RND,SAT_SYM>\n  ReuseFactor: 1\n  Family: ac\n");
  WriteText(t / "ap.yml", "Model:\n  Precision: fixed<12,4,RND,SAT_SYM>\n  ReuseFactor: 1\n");
  RunResult ac = RunCli({"inspect", model, "-c", t / "ac.yml"});
  ASSERT_EQ(ac.status, 0) << ac.err;
  EXPECT_NE(ac.out.find("ac_fixed<12,4,true,AC_RND,AC_SAT_SYM>"), std::string::npos) << ac.out;
  EXPECT_EQ(ac.out.find("ap_fixed"), std::string::npos) << ac.out;
  RunResult ap = RunCli({"inspect", model, "-c", t / "ap.yml"});
  ASSERT_EQ(ap.status, 0) << ap.err;
  EXPECT_NE(ap.out.find("fixed<12,4,RND,SAT_SYM>"), std::string::npos) << ap.out;  // the config spelling
  EXPECT_EQ(ap.out.find("ac_fixed"), std::string::npos) << ap.out;
}

struct BadCase {
  const char* what;
  const char* config;  // YAML
  const char* backend;
  std::vector<std::string> message;  // every piece must be in stderr
};

TEST(CatapultCli, BadInputIsALocatedErrorExit2) {
  const std::string model = test_data::Find(kMlp);
  if (model.empty()) GTEST_SKIP() << "needs " << kMlp;
  const BadCase cases[] = {
      {"family ap for the catapult backend", "Model:\n  Precision: fixed<16,6>\n  Family: ap\n", "catapult",
       {"cfg.yml: Model.Family: 'ap'", "needs 'ac'"}},
      {"unknown family", "Model:\n  Precision: fixed<16,6>\n  Family: xilinx\n", "catapult",
       {"cfg.yml: Model.Family: unknown Family 'xilinx'"}},
      {"AC-only mode in an ap model", "Model:\n  Precision: fixed<16,6>\nLayerName:\n  MatMul_0:\n    Precision:\n      result: fixed<16,6,RND_CONV_ODD,SAT>\n",
       "vitis", {"cfg.yml", "MatMul_0", "'result'", "RND_CONV_ODD has no ap_fixed equivalent"}},
      {"a mode with no AC equivalent (WRAP_SM)", "Model:\n  Precision: fixed<16,6,RND,WRAP_SM>\n", "catapult",
       {"cfg.yml: Model.Precision", "WRAP_SM"}},
      {"ap_fixed saturation bits (no AC equivalent)", "Model:\n  Precision: ap_fixed<16,6,AP_RND,AP_SAT,2>\n",
       "catapult", {"cfg.yml: Model.Precision", "ap_fixed<16,6,AP_RND,AP_SAT,2>"}},
  };
  for (const BadCase& c : cases) {
    TempDir t("catapult_bad");
    WriteText(t / "cfg.yml", c.config);
    RunResult r = RunCli({"convert", model, "-c", t / "cfg.yml", "--backend", c.backend, "-o", t / "prj"});
    EXPECT_EQ(r.status, 2) << c.what << ": " << r.err;
    EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << c.what << ": " << r.err;
    for (const std::string& m : c.message) EXPECT_NE(r.err.find(m), std::string::npos) << c.what << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(t / "prj")) << c.what;
  }
}

}  // namespace
