// Convolutional networks against hls4ml's C simulation, bit for bit, through
// the real pipeline: model_clean.onnx (QONNX channels-last) -> LoadOnnx ->
// hls4ml_config_input.yml -> DefaultPipeline -> Predict, on all 1000 rows of
// input_normal and input_uniform4, for conv1d_small_keras and
// conv2d_small_keras (default `stable` softmax and the `legacy_softmax`
// variant, whose outputs vary with the input). Also: the channels-first
// Keras exports in models/onnx (Transposes at the boundary) give the same
// float outputs as model_clean.onnx, and float mode equals the float
// reference to 1e-5. Every compared tensor must vary (golden_distinct.h);
// the default configs' stable softmax, which hls4ml makes the constant 1/N,
// is asserted constant (its legacy_softmax variant varies).
#include <gtest/gtest.h>

#include <cmath>

#include "golden_distinct.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/util/ndarray.h"
#include "test_data.h"

namespace hlsforge::emu {
namespace {

const std::string kShared = hlsforge::test_data::Root();
const std::string kDir = kShared + "/golden/hls4ml/";

StatusOr<ir::Graph> Load(const std::string& dir) {
  auto g = frontends::LoadOnnx(dir + "/model_clean.onnx");
  if (!g.ok()) return g.status();
  auto cfg = ir::LoadConfig(dir + "/hls4ml_config_input.yml");
  if (!cfg.ok()) return cfg.status();
  HLSFORGE_RETURN_IF_ERROR(ir::ApplyConfig(*cfg, *g));
  HLSFORGE_RETURN_IF_ERROR(passes::RunPipeline(*g, passes::DefaultPipeline()));
  return g;
}

class GoldenConv : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenConv, PredictBitExact) {
  const std::string dir = kDir + GetParam();
  auto g = Load(dir);
  ASSERT_TRUE(g.ok()) << g.status().message();
  for (const std::string set : {"normal", "uniform4"}) {
    auto in = ReadNpy(dir + "/input_" + set + ".npy");
    ASSERT_TRUE(in.ok()) << in.status().message();
    auto want = ReadNpy(dir + "/output_hls4ml_" + set + ".npy");
    ASSERT_TRUE(want.ok()) << want.status().message();
    auto got = Predict(*g, *in);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->size(), want->size());
    int64_t bad = 0;
    std::string first;
    for (size_t i = 0; i < want->data.size(); ++i)
      if (static_cast<float>(got->data[i]) != static_cast<float>(want->data[i]) && bad++ == 0)
        first = "element " + std::to_string(i) + ": got " + std::to_string(got->data[i]) + " want " +
                std::to_string(want->data[i]);
    EXPECT_EQ(bad, 0) << GetParam() << " " << set << ": first mismatch " << first;
    golden::ExpectOutputVaries(GetParam(), *got, GetParam() + " " + set + " output");
    std::cout << "[golden-conv] " << GetParam() << " " << set << ": " << want->rows() << " rows, " << bad
              << " mismatching values\n";
  }
}

TEST_P(GoldenConv, FloatModeMatchesReference) {
  const std::string dir = kDir + GetParam();
  auto g = Load(dir);
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto in = ReadNpy(dir + "/input_normal.npy");
  ASSERT_TRUE(in.ok());
  auto want = ReadNpy(dir + "/output_float_normal.npy");
  ASSERT_TRUE(want.ok());
  auto got = Predict(*g, *in, Options{.float_mode = true});
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->shape, want->shape);
  double worst = 0;
  for (size_t i = 0; i < want->data.size(); ++i) worst = std::max(worst, std::fabs(got->data[i] - want->data[i]));
  EXPECT_LT(worst, 1e-5);
  hlsforge::testing::ExpectVarying(*got, 1000, GetParam() + " float outputs");
}

INSTANTIATE_TEST_SUITE_P(Models, GoldenConv,
                         ::testing::Values("conv1d_small_keras", "conv2d_small_keras",
                                           "conv1d_small_keras/legacy_softmax",
                                           "conv2d_small_keras/legacy_softmax"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '/') c = '_';
                           return s;
                         });

TEST(GoldenConvTypes, ConvAccumAndResultAsDefinesH) {
  // firmware/defines.h of the two models
  auto g1 = Load(kDir + "conv1d_small_keras");
  ASSERT_TRUE(g1.ok()) << g1.status().message();
  const char* want1[][2] = {{"Conv_0", "ap_fixed<37,17>"}, {"Conv_1", "ap_fixed<37,17>"}, {"Conv_2", "ap_fixed<36,16>"}};
  for (auto& w : want1) {
    const ir::Layer* l = g1->FindLayer(w[0]);
    ASSERT_NE(l, nullptr) << w[0];
    EXPECT_EQ(l->config.precision.at("accum").type->ToString(), w[1]) << w[0];
    EXPECT_EQ(g1->tensor(l->output).type->ToString(), w[1]) << w[0];
  }
  auto g2 = Load(kDir + "conv2d_small_keras");
  ASSERT_TRUE(g2.ok()) << g2.status().message();
  const ir::Layer* c = g2->FindLayer("Conv_0");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->config.precision.at("accum").type->ToString(), "ap_fixed<37,17>");
  EXPECT_EQ(c->params.at("weight").type->ToString(), "ap_fixed<16,6>");
}

// The channels-first Keras exports (Transpose -> Conv ... -> Transpose ->
// Flatten) convert to the same channels-last IR: same float outputs as the
// golden float reference, same fixed outputs as the clean model.
TEST(ChannelsFirstExport, SameAsCleanModel) {
  for (const std::string m : {"conv1d_small_keras", "conv2d_small_keras"}) {
    auto g = frontends::LoadOnnx(kShared + "/models/onnx/" + m + ".onnx");
    ASSERT_TRUE(g.ok()) << g.status().message();
    ASSERT_TRUE(g->Validate().ok()) << g->Validate().message();
    auto in = ReadNpy(kDir + m + "/input_normal.npy");
    ASSERT_TRUE(in.ok());
    auto want = ReadNpy(kDir + m + "/output_float_normal.npy");
    ASSERT_TRUE(want.ok());
    auto got = Predict(*g, *in, Options{.float_mode = true});
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->shape, want->shape) << m;
    hlsforge::testing::ExpectVarying(*got, 1000, m + " float outputs");
    double worst = 0;
    for (size_t i = 0; i < want->data.size(); ++i) worst = std::max(worst, std::fabs(got->data[i] - want->data[i]));
    EXPECT_LT(worst, 1e-5) << m;
  }
}

}  // namespace
}  // namespace hlsforge::emu
