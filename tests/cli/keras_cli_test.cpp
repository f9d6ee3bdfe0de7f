// Keras / QKeras models through the CLI:
//  * `hlsforge convert MODEL -o DIR --csim -i X.npy` writes an HLS project
//    whose C simulation equals `hlsforge predict MODEL -i X.npy` bit for bit
//    (first 100 rows of ../shared/golden/keras/<model>/input.npy, to bound
//    the compile + run time; one test per model, both io types for some);
//  * `hlsforge inspect` shows the per-layer operation columns;
//  * bad Keras inputs end with exit status 2 and a message naming the culprit.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <zip.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::cli_test {
namespace {

namespace fs = std::filesystem;

std::string KerasModel(const std::string& f) { return Shared("models/keras/" + f); }

void ExpectFailure(const RunResult& r, const std::vector<std::string>& needles) {
  EXPECT_EQ(r.status, 2) << "stdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << "stderr: " << r.err;
  for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "want '" << n << "' in: " << r.err;
}

struct CsimCase {
  const char* test_name;
  const char* golden;   ///< golden/keras/<golden>/input.npy
  const char* model;
  const char* weights;  ///< "" = default
  const char* io_type;  ///< "" = the config's (io_parallel)
  bool auto_config;     ///< use `hlsforge config MODEL` (every slot auto) instead of the default config
};

class KerasCsim : public ::testing::TestWithParam<CsimCase> {};

TEST_P(KerasCsim, EqualsPredictBitForBit) {
  const CsimCase& c = GetParam();
  TempDir t("keras_csim");
  auto x = ReadNpy(Shared(std::string("golden/keras/") + c.golden + "/input.npy"));
  ASSERT_TRUE(x.ok()) << x.status().message();
  const int64_t rows = std::min<int64_t>(100, x->rows());
  x->data.resize(static_cast<size_t>(rows * x->row_size()));
  x->shape[0] = rows;
  ASSERT_TRUE(WriteNpy(t / "x.npy", *x, /*as_float32=*/true).ok());

  std::vector<std::string> model_args = {KerasModel(c.model)};
  if (c.weights[0]) model_args.insert(model_args.end(), {"--weights", KerasModel(c.weights)});
  if (c.auto_config) {
    std::vector<std::string> a = {"config"};
    a.insert(a.end(), model_args.begin(), model_args.end());
    a.insert(a.end(), {"-o", t / "auto.yml"});
    RunResult r = RunCli(a);
    ASSERT_EQ(r.status, 0) << r.err;
    model_args.insert(model_args.end(), {"-c", t / "auto.yml"});
  }

  std::vector<std::string> conv = {"convert"};
  conv.insert(conv.end(), model_args.begin(), model_args.end());
  conv.insert(conv.end(), {"-o", t / "prj", "--csim", "-i", t / "x.npy"});
  if (c.io_type[0]) conv.insert(conv.end(), {"--io-type", c.io_type});
  RunResult rc = RunCli(conv);
  ASSERT_EQ(rc.status, 0) << "stdout: " << rc.out << "\nstderr: " << rc.err;
  EXPECT_NE(rc.out.find("bit-exact with the emulator"), std::string::npos) << rc.out;
  if (c.io_type[0]) {
    EXPECT_NE(rc.out.find(c.io_type), std::string::npos) << rc.out;
  }

  std::vector<std::string> pred = {"predict"};
  pred.insert(pred.end(), model_args.begin(), model_args.end());
  pred.insert(pred.end(), {"-i", t / "x.npy", "-o", t / "y.npy"});
  RunResult rp = RunCli(pred);
  ASSERT_EQ(rp.status, 0) << rp.err;

  auto csim = ReadNpy(t / "prj/tb_data/csim_results.npy");
  auto emu = ReadNpy(t / "y.npy");
  ASSERT_TRUE(csim.ok()) << csim.status().message();
  ASSERT_TRUE(emu.ok()) << emu.status().message();
  ASSERT_EQ(csim->shape, emu->shape);
  EXPECT_EQ(csim->rows(), rows);
  int64_t diff = 0;
  for (size_t i = 0; i < emu->data.size(); ++i) diff += csim->data[i] != emu->data[i];
  EXPECT_EQ(diff, 0) << diff << " of " << emu->data.size() << " outputs differ between csim and predict";
}

INSTANTIATE_TEST_SUITE_P(
    Models, KerasCsim,
    ::testing::Values(
        CsimCase{"KERAS_1layer", "KERAS_1layer", "KERAS_1layer.json", "", "", false},
        CsimCase{"KERAS_3layer", "KERAS_3layer", "KERAS_3layer.json", "", "", false},
        CsimCase{"KERAS_3layer_stream", "KERAS_3layer", "KERAS_3layer.json", "", "io_stream", false},
        CsimCase{"KERAS_3layer_70pruned", "KERAS_3layer_70pruned_retrained", "KERAS_3layer.json",
                 "KERAS_3layer_70pruned_retrained_weights.h5", "", false},
        CsimCase{"binary", "KERAS_3layer_binary_smaller", "KERAS_3layer_binary_smaller.json", "", "", false},
        CsimCase{"binary_stream", "KERAS_3layer_binary_smaller", "KERAS_3layer_binary_smaller.json", "",
                 "io_stream", false},
        CsimCase{"ternary", "KERAS_3layer_ternary_small", "KERAS_3layer_ternary_small.json", "", "", false},
        CsimCase{"qkeras", "qkeras_3layer", "qkeras_3layer.json", "", "", false},
        CsimCase{"qkeras_auto_config", "qkeras_3layer", "qkeras_3layer.json", "", "", true},
        CsimCase{"qkeras_v3_keras_stream", "qkeras-v3_3layer", "qkeras-v3_3layer.keras", "", "io_stream", true}),
    [](const ::testing::TestParamInfo<CsimCase>& i) { return std::string(i.param.test_name); });

TEST(KerasInspect, ShowsOperationColumns) {
  RunResult r = RunCli({"inspect", KerasModel("KERAS_3layer_binary_smaller.json")});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* want : {"mul-ops", "xnor-ops", "add-ops", "zeros", "BOPs", "Threshold"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << " in:\n" << r.out;
  // fc2: 64x32 XNOR products, BOPs 32*64*(1 + 1 + 1 + 6) = 18432
  size_t p = r.out.find("\nfc2 ");
  ASSERT_NE(p, std::string::npos) << r.out;
  std::string row = r.out.substr(p + 1, r.out.find('\n', p + 1) - p - 1);
  EXPECT_NE(row.find(" 2048 "), std::string::npos) << row;
  EXPECT_NE(row.find("18432"), std::string::npos) << row;
  // only the final BatchNormalization's 5 scales need multipliers
  EXPECT_NE(r.out.find("per sample: 5 products need a multiplier, 3232 are XNOR, 1024 add/subtract only"),
            std::string::npos)
      << r.out;

  // the pruned jet tagger through --weights: its zero weights are reported
  RunResult rp = RunCli({"inspect", KerasModel("KERAS_3layer.json"), "--weights",
                         KerasModel("KERAS_3layer_70pruned_retrained_weights.h5")});
  ASSERT_EQ(rp.status, 0) << rp.err;
  EXPECT_NE(rp.out.find("(3051 zero weights)"), std::string::npos) << rp.out;
}

TEST(KerasCliErrors, BadKerasInputsExitWithStatus2) {
  TempDir t("keras_bad");
  // a layer class we do not support: message names layer and class
  std::string json = Slurp(KerasModel("KERAS_1layer.json"));
  const std::string dense = "\"class_name\": \"Dense\"";
  size_t p = json.find(dense);
  ASSERT_NE(p, std::string::npos);
  json.replace(p, dense.size(), "\"class_name\": \"FancyAttention\"");
  std::ofstream(t / "m.json") << json;
  ExpectFailure(RunCli({"inspect", t / "m.json", "--weights", KerasModel("KERAS_1layer_weights.h5")}),
                {"fc1_relu", "FancyAttention"});

  // a weights file missing a layer's dataset: names file, layer and dataset
  const std::string w = t / "w.h5";
  fs::copy_file(KerasModel("KERAS_1layer_weights.h5"), w);
  fs::permissions(w, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
  hid_t f = H5Fopen(w.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, "/output_sigmoid/output_sigmoid/bias:0", H5P_DEFAULT), 0);
  H5Fclose(f);
  ExpectFailure(RunCli({"predict", KerasModel("KERAS_1layer.json"), "--weights", w, "-i",
                        Shared("golden/keras/KERAS_1layer/input.npy"), "-o", t / "y.npy"}),
                {"w.h5", "output_sigmoid", "bias:0"});
  EXPECT_FALSE(fs::exists(t / "y.npy"));

  // a truncated .h5, as weights and as a full model
  const std::string bytes = Slurp(KerasModel("KERAS_1layer_weights.h5"));
  std::ofstream(t / "cut.h5", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  ExpectFailure(RunCli({"inspect", KerasModel("KERAS_1layer.json"), "--weights", t / "cut.h5"}), {"cut.h5"});
  ExpectFailure(RunCli({"inspect", t / "cut.h5"}), {"cut.h5"});

  // a .keras zip without config.json
  const std::string z = t / "noconfig.keras";
  int err = 0;
  zip_t* dst = zip_open(z.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(dst, nullptr);
  static const char meta[] = "{\"keras_version\": \"3.0.0\"}";
  zip_source_t* m = zip_source_buffer(dst, meta, sizeof(meta) - 1, 0);
  ASSERT_GE(zip_file_add(dst, "metadata.json", m, ZIP_FL_OVERWRITE), 0);
  ASSERT_EQ(zip_close(dst), 0);
  ExpectFailure(RunCli({"inspect", z}), {"noconfig.keras", "config.json"});
  ExpectFailure(RunCli({"convert", z, "-o", t / "prj"}), {"config.json"});
  EXPECT_FALSE(fs::exists(t / "prj"));
}

}  // namespace
}  // namespace hlsforge::cli_test
