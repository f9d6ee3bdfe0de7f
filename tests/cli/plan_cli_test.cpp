// `inspect` and `convert` show the same hardware plan (reuse factor,
// ParallelizationFactor, multipliers), with the io type override applied
// before the plan is made; --passes runs another pipeline.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "cli_test_util.h"

using namespace hlsforge::cli_test;

namespace {

int Occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

/// The line of layer `name` in inspect's table.
std::string Row(const std::string& table, const std::string& name) {
  const size_t p = table.find("\n" + name + " ");
  if (p == std::string::npos) return "";
  return table.substr(p + 1, table.find('\n', p + 1) - p - 1);
}

/// The config struct of `layer` in parameters.h (from its comment to the next layer's).
std::string Block(const std::string& params, const std::string& layer) {
  const size_t p = params.find("// layer '" + layer + "'");
  if (p == std::string::npos) return "";
  return params.substr(p, params.find("// layer '", p + 1) - p);
}

}  // namespace

// TFC_2W2A at ReuseFactor 7: MatMul_1 (64 x 64) gets 8, multiplier_limit 379,
// in both commands, and each warns once.
TEST(PlanCli, InspectAndConvertAgreeOnASnappedReuseFactor) {
  TempDir t("plan_rf7");
  std::ofstream(t / "rf7.yml") << "Model:\n  Precision: fixed<16,6>\n  ReuseFactor: 7\n";
  const std::string model = Source("examples/models/TFC_2W2A.onnx");
  auto i = RunCli({"inspect", model, "-c", t / "rf7.yml"});
  ASSERT_EQ(i.status, 0) << i.err;
  const std::string row = Row(i.out, "MatMul_1");
  ASSERT_FALSE(row.empty()) << i.out;
  EXPECT_TRUE(std::regex_search(row, std::regex(" 8 .* 379 "))) << row;
  EXPECT_EQ(Occurrences(i.err, "layer 'MatMul_1': reuse factor 7 is not valid"), 1) << i.err;
  auto c = RunCli({"convert", model, "-c", t / "rf7.yml", "-o", t / "prj"});
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(Occurrences(c.err, "layer 'MatMul_1': reuse factor 7 is not valid"), 1) << c.err;
  const std::string block = Block(Slurp(t / "prj/firmware/parameters.h"), "MatMul_1");
  EXPECT_NE(block.find("reuse_factor = 8;"), std::string::npos) << block;
  const std::smatch z = [&] {
    std::smatch m;
    std::regex_search(block, m, std::regex("n_zeros = (\\d+);"));
    return m;
  }();
  ASSERT_FALSE(z.empty()) << block;
  EXPECT_EQ(4096 / 8 - std::stoi(z[1]) / 8, 379);
}

// conv2d_small_keras with ParallelizationFactor 4: io_parallel keeps it,
// `--io-type io_stream` plans one pixel per step (PF 1, warned once), in
// inspect and convert alike.
TEST(PlanCli, IoTypeOverrideIsPlanned) {
  TempDir t("plan_io");
  std::ofstream(t / "pf.yml") << "Model:\n  Precision: fixed<16,6>\n  ReuseFactor: 3\n  ParallelizationFactor: 4\n";
  const std::string model = Shared("models/onnx/conv2d_small_keras.onnx");
  auto par = RunCli({"inspect", model, "-c", t / "pf.yml"});
  ASSERT_EQ(par.status, 0) << par.err;
  EXPECT_TRUE(std::regex_search(Row(par.out, "Conv_0"), std::regex(" 3 +4 .* 24 "))) << par.out;
  auto st = RunCli({"inspect", model, "-c", t / "pf.yml", "--io-type", "io_stream"});
  ASSERT_EQ(st.status, 0) << st.err;
  EXPECT_TRUE(std::regex_search(Row(st.out, "Conv_0"), std::regex(" 3 +1 .* 6 "))) << st.out;
  EXPECT_EQ(Occurrences(st.err, "applies to io_parallel only"), 1) << st.err;
  auto c = RunCli({"convert", model, "-c", t / "pf.yml", "--io-type", "io_stream", "-o", t / "prj"});
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(Occurrences(c.err, "applies to io_parallel only"), 1) << c.err;
  EXPECT_NE(Block(Slurp(t / "prj/firmware/parameters.h"), "Conv_0").find("parallelization_factor = 1;"),
            std::string::npos);
}

TEST(PlanCli, PassesOption) {
  TempDir t("plan_passes");
  const std::string model = Shared("models/onnx/three_layer_keras.onnx");
  auto bad = RunCli({"inspect", model, "--passes", "infer_precision,no_such_pass"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("unknown pass 'no_such_pass' (known: "), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("lower_hardware"), std::string::npos) << bad.err;
  auto empty = RunCli({"convert", model, "--passes", "infer_precision,,", "-o", t / "x"});
  EXPECT_EQ(empty.status, 2);
  EXPECT_NE(empty.err.find("empty pass name"), std::string::npos) << empty.err;
  // Without fuse_batchnorm the BatchNormalization stays a layer of its own.
  const std::string bn = Shared("models/onnx/three_layer_bn_pytorch.onnx");
  auto all = RunCli({"inspect", bn});
  auto few = RunCli({"inspect", bn, "--passes", "infer_precision"});
  ASSERT_EQ(all.status, 0) << all.err;
  ASSERT_EQ(few.status, 0) << few.err;
  EXPECT_EQ(all.out.find("ScaleShift"), std::string::npos) << all.out;
  EXPECT_NE(few.out.find("ScaleShift"), std::string::npos) << few.out;
  const std::string x = Shared("golden/hls4ml/three_layer_keras/input_normal.npy");
  auto p = RunCli({"predict", model, "--passes", "fold_constants,infer_precision", "-i", x, "-o", t / "y.npy"});
  EXPECT_EQ(p.status, 0) << p.err;
}
