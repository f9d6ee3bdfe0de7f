// The CLI's contract on bad input: exit status 2 and one line
// "hlsforge: <message>" naming the file/layer/field; never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::cli_test {
namespace {

namespace fs = std::filesystem;
const std::string kJet = Shared("golden/hls4ml/three_layer_keras/model_clean.onnx");
const std::string kJetInput = Shared("golden/hls4ml/three_layer_keras/input_normal.npy");

/// Expects exit status 2 and a "hlsforge: " message containing every `needle`.
void ExpectFailure(const RunResult& r, const std::vector<std::string>& needles) {
  EXPECT_EQ(r.status, 2) << "stderr: " << r.err;
  EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << "stderr: " << r.err;
  for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "want '" << n << "' in: " << r.err;
}

TEST(CliErrors, NoArgumentsAndUnknownCommand) {
  ExpectFailure(RunCli({}), {});
  ExpectFailure(RunCli({"frobnicate"}), {});
  ExpectFailure(RunCli({"predict", kJet}), {"--input"});  // required option missing
}

TEST(CliErrors, HelpAndVersionSucceed) {
  RunResult h = RunCli({"--help"});
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("predict"), std::string::npos);
  EXPECT_NE(h.out.find("inspect"), std::string::npos);
  EXPECT_EQ(RunCli({"predict", "--help"}).status, 0);
  EXPECT_EQ(RunCli({"--version"}).status, 0);
}

TEST(CliErrors, MissingFiles) {
  TempDir t("cli");
  ExpectFailure(RunCli({"inspect", t / "nope.onnx"}), {"nope.onnx", "no such file"});
  ExpectFailure(RunCli({"predict", kJet, "-i", t / "nope.npy", "-o", t / "y.npy"}), {"nope.npy"});
  ExpectFailure(RunCli({"predict", kJet, "-c", t / "nope.yml", "-i", kJetInput, "-o", t / "y.npy"}), {"nope.yml"});
  ExpectFailure(RunCli({"eval", kJet, "--mnist", t / "nodir"}), {"t10k-images-idx3-ubyte.gz"});
  EXPECT_FALSE(fs::exists(t / "y.npy"));
}

TEST(CliErrors, TruncatedAndGarbageOnnx) {
  TempDir t("cli");
  std::string bytes = Slurp(kJet);
  ASSERT_GT(bytes.size(), 1000u);
  std::ofstream(t / "cut.onnx", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::ofstream(t / "junk.onnx", std::ios::binary) << "\x01\x02 this is not a protobuf \xff\xfe\xfd";
  std::ofstream(t / "empty.onnx", std::ios::binary) << "";
  for (const char* name : {"cut.onnx", "junk.onnx", "empty.onnx"}) {
    ExpectFailure(RunCli({"inspect", t / name}), {name});
    ExpectFailure(RunCli({"predict", t / name, "-i", kJetInput, "-o", t / "y.npy"}), {name});
  }
}

TEST(CliErrors, UnknownModelExtension) {
  TempDir t("cli");
  std::ofstream(t / "model.txt") << "hello";
  ExpectFailure(RunCli({"inspect", t / "model.txt"}), {"model.txt", "unknown model format"});
}

TEST(CliErrors, WrongInputShape) {
  TempDir t("cli");
  ASSERT_TRUE(WriteNpy(t / "x.npy", NDArray{{5, 7}, std::vector<double>(35, 0.5)}).ok());
  ExpectFailure(RunCli({"predict", kJet, "-i", t / "x.npy", "-o", t / "y.npy"}), {"x.npy", "[5, 7]", "[N, 16]"});
  EXPECT_FALSE(fs::exists(t / "y.npy"));
}

TEST(CliErrors, WrongInputDtype) {
  TempDir t("cli");
  // An int64 .npy of the right shape, written by hand.
  std::string dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 16), }";
  while ((10 + dict.size() + 1) % 64) dict += ' ';
  dict += '\n';
  std::string file("\x93NUMPY\x01\x00", 8);
  file += static_cast<char>(dict.size() & 0xff);
  file += static_cast<char>(dict.size() >> 8);
  file += dict + std::string(2 * 16 * 8, '\0');
  std::ofstream(t / "ints.npy", std::ios::binary) << file;
  ExpectFailure(RunCli({"predict", kJet, "-i", t / "ints.npy", "-o", t / "y.npy"}), {"ints.npy", "<i8", "float32"});
  std::ofstream(t / "bad.npy", std::ios::binary) << "not an npy file";
  ExpectFailure(RunCli({"predict", kJet, "-i", t / "bad.npy", "-o", t / "y.npy"}), {"bad.npy", "bad magic"});
}

TEST(CliErrors, ConfigNamingUnknownLayer) {
  TempDir t("cli");
  std::ofstream(t / "cfg.yml") << "Model:\n  Precision: fixed<16,6>\n  ReuseFactor: 1\n"
                                  "LayerName:\n  no_such_layer_xyz:\n    Precision: fixed<8,3>\n";
  ExpectFailure(RunCli({"predict", kJet, "-c", t / "cfg.yml", "-i", kJetInput, "-o", t / "y.npy"}),
                {"no_such_layer_xyz"});
  ExpectFailure(RunCli({"inspect", kJet, "-c", t / "cfg.yml"}), {"no_such_layer_xyz"});
}

TEST(CliErrors, MalformedConfig) {
  TempDir t("cli");
  std::ofstream(t / "bad.yml") << "Model: [unclosed\n";
  ExpectFailure(RunCli({"inspect", kJet, "-c", t / "bad.yml"}), {"bad.yml"});
}

TEST(CliErrors, UnwritableOutput) {
  TempDir t("cli");
  ExpectFailure(RunCli({"predict", kJet, "-i", kJetInput, "-o", t / "no/such/dir/y.npy"}), {"y.npy"});
}

TEST(CliErrors, BadOptionValues) {
  TempDir t("cli");
  ExpectFailure(RunCli({"config", kJet, "--granularity", "layer"}), {"layer"});
  ExpectFailure(RunCli({"predict", kJet, "-i", kJetInput, "-o", t / "y.npy", "--threads", "-3"}), {"threads"});
}

// ---- the good paths of the same commands ----

TEST(Cli, PredictWritesOutputOfTheRightShape) {
  TempDir t("cli");
  RunResult r = RunCli({"predict", kJet, "-i", kJetInput, "-o", t / "y.npy", "--trace", t / "trace"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto y = ReadNpy(t / "y.npy");
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape, (std::vector<int64_t>{1000, 5}));
  int traced = 0;
  for (const auto& e : fs::directory_iterator(t / "trace")) traced += e.path().extension() == ".npy";
  EXPECT_GE(traced, 4);
}

TEST(Cli, PredictAcceptsFlatRowsForImageModels) {
  // TFC's input is [1, 28, 28] per sample; [N, 784] rows are accepted too.
  TempDir t("cli");
  ASSERT_TRUE(WriteNpy(t / "x.npy", NDArray{{3, 784}, std::vector<double>(3 * 784, 0.25)}).ok());
  RunResult r = RunCli({"predict", Source("examples/models/TFC_2W2A.onnx"), "-i", t / "x.npy", "-o", t / "y.npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadNpy(t / "y.npy")->shape, (std::vector<int64_t>{3, 10}));
}

TEST(Cli, InspectPrintsTheSummaryTable) {
  RunResult r = RunCli({"inspect", kJet});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* want : {"Dense", "BOPs", "MACs", "total", "[64]", "[5]"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << " in:\n" << r.out;
  // 16*64 + 64*32 + 32*32 + 32*5 = 4256 products per sample, of which 12
  // have a weight that rounds to 0 in fixed<16,6> (skipped, as hls4ml's
  // n_zeros): 4244 MACs; parameters 4256 + 64 + 32 + 32 + 5 biases.
  EXPECT_NE(r.out.find("4389 parameters (12 zero weights), 4244 MACs/sample"), std::string::npos) << r.out;
}

TEST(Cli, ConfigWritesYamlThatPredictAccepts) {
  TempDir t("cli");
  RunResult r = RunCli({"config", kJet, "--granularity", "name", "-o", t / "cfg.yml"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string yaml = Slurp(t / "cfg.yml");
  EXPECT_NE(yaml.find("Model"), std::string::npos);
  EXPECT_NE(yaml.find("LayerName"), std::string::npos);
  RunResult p = RunCli({"predict", kJet, "-c", t / "cfg.yml", "-i", kJetInput, "-o", t / "y.npy"});
  EXPECT_EQ(p.status, 0) << p.err;
  RunResult s = RunCli({"config", kJet});
  EXPECT_EQ(s.status, 0) << s.err;
  EXPECT_NE(s.out.find("Model"), std::string::npos);
}

}  // namespace
}  // namespace hlsforge::cli_test
