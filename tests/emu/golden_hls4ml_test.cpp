// End-to-end bit-exactness against hls4ml's C simulation through the real
// pipeline: model_clean.onnx -> LoadOnnx -> hls4ml_config_input.yml
// (LoadConfig/ApplyConfig) -> passes::RunPipeline(DefaultPipeline) ->
// emu::Predict on all 1000 rows of input_normal and input_uniform4, and
// emu::Trace against trace_normal_first100.npz where the layer names map.
// Every compared tensor must vary (golden_distinct.h: thresholds per model);
// the stable-softmax outputs that hls4ml makes the constant 1/N under these
// configs are asserted constant, their pre-softmax layers compared through
// the trace and their legacy_softmax variants.
#include <gtest/gtest.h>

#include "golden_distinct.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/util/ndarray.h"
#include "test_data.h"

namespace hlsforge::emu {
namespace {

const std::string kDir = hlsforge::test_data::Root() + "/golden/hls4ml/";

int64_t CountMismatches(const NDArray& got, const NDArray& want, int64_t rows, std::string* first) {
  int64_t bad = 0;
  const int64_t cols = want.row_size();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const float g = static_cast<float>(got.data[r * cols + c]);
      const float w = static_cast<float>(want.data[r * cols + c]);
      if (g != w && bad++ == 0)
        *first = "row " + std::to_string(r) + " col " + std::to_string(c) + ": got " + std::to_string(g) +
                 " want " + std::to_string(w);
    }
  return bad;
}

class GoldenHls4ml : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenHls4ml, PipelineOutputsBitExact) {
  const std::string dir = kDir + GetParam();
  auto g = frontends::LoadOnnx(dir + "/model_clean.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto cfg = ir::LoadConfig(dir + "/hls4ml_config_input.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  Status st = ir::ApplyConfig(*cfg, *g);
  ASSERT_TRUE(st.ok()) << st.message();
  st = passes::RunPipeline(*g, passes::DefaultPipeline());
  ASSERT_TRUE(st.ok()) << st.message();

  for (const std::string set : {"normal", "uniform4"}) {
    auto in = ReadNpy(dir + "/input_" + set + ".npy");
    ASSERT_TRUE(in.ok()) << in.status().message();
    auto want = ReadNpy(dir + "/output_hls4ml_" + set + ".npy");
    ASSERT_TRUE(want.ok()) << want.status().message();
    auto got = Predict(*g, *in);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->size(), want->size());
    std::string first;
    const int64_t bad = CountMismatches(*got, *want, want->rows(), &first);
    EXPECT_EQ(bad, 0) << GetParam() << " " << set << ": first mismatch " << first;
    golden::ExpectOutputVaries(GetParam(), *got, GetParam() + " " + set + " output");
    std::cout << "[golden-pipeline] " << GetParam() << " " << set << ": " << want->rows() << " rows, " << bad
              << " mismatching values\n";
  }

  const std::string npz = dir + "/trace_normal_first100.npz";
  auto keys = ListNpz(npz);
  if (!keys.ok()) return;  // no trace for this model
  auto in = ReadNpy(dir + "/input_normal.npy");
  ASSERT_TRUE(in.ok());
  NDArray first100{{100, in->row_size()},
                   std::vector<double>(in->data.begin(), in->data.begin() + 100 * in->row_size())};
  auto tr = Trace(*g, first100);
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  int mapped = 0;
  for (const std::string& k : *keys) {
    // hls4ml names a merged MatMul+Add "Dense_<MatMul name>".
    const ir::Layer* l = g->FindLayer(k);
    if (!l && k.rfind("Dense_", 0) == 0) l = g->FindLayer(k.substr(6));
    if (!l || !tr->count(l->name)) {
      std::cout << "[golden-pipeline] " << GetParam() << ": trace key " << k << " has no layer\n";
      continue;
    }
    auto want = ReadNpz(npz, k);
    ASSERT_TRUE(want.ok());
    std::string first;
    EXPECT_EQ(CountMismatches(tr->at(l->name), *want, 100, &first), 0)
        << GetParam() << " layer " << k << " (" << l->name << "): " << first;
    golden::ExpectLayerVaries(GetParam(), k, l->kind == ir::LayerKind::Softmax, tr->at(l->name),
                              GetParam() + " trace " + k);
    ++mapped;
  }
  std::cout << "[golden-pipeline] " << GetParam() << " trace: " << mapped << "/" << keys->size()
            << " layers matched x 100 rows\n";
  EXPECT_GT(mapped, 0);
}

INSTANTIATE_TEST_SUITE_P(Models, GoldenHls4ml,
                         ::testing::Values("two_layer_keras", "three_layer_keras", "three_layer_keras/legacy_softmax",
                                           "three_layer_pytorch", "dense_big_keras"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '/') c = '_';
                           return s;
                         });

}  // namespace
}  // namespace hlsforge::emu

namespace hlsforge::emu {
namespace {
// Quantized models (QONNX Quant / BipolarQuant, BN folding, binary thresholds).
INSTANTIATE_TEST_SUITE_P(Quantized, GoldenHls4ml,
                         ::testing::Values("qkeras_jettagging", "TFC_2W2A", "bnn_model_fc_1layer"));
}  // namespace
}  // namespace hlsforge::emu

namespace hlsforge::emu {
namespace {

// Float mode against the float reference (ONNX reference evaluator / QONNX
// execution in float32): equal up to float32 rounding of the reference.
TEST_P(GoldenHls4ml, FloatModeMatchesFloatReference) {
  const std::string dir = kDir + GetParam();
  auto g = frontends::LoadOnnx(dir + "/model_clean.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto in = ReadNpy(dir + "/input_normal.npy");
  ASSERT_TRUE(in.ok());
  auto want = ReadNpy(dir + "/output_float_normal.npy");
  ASSERT_TRUE(want.ok());
  Options o;
  o.float_mode = true;
  auto got = Predict(*g, *in, o);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), want->size());
  double worst = 0;
  for (size_t i = 0; i < want->data.size(); ++i)
    worst = std::max(worst, std::abs(got->data[i] - want->data[i]) / (1.0 + std::abs(want->data[i])));
  std::cout << "[float] " << GetParam() << ": max rel diff vs float reference " << worst << "\n";
  EXPECT_LT(worst, 1e-4) << GetParam();
}

}  // namespace
}  // namespace hlsforge::emu
