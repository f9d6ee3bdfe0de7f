// Acceptance of the Verilog backend: the Verilator simulation of the RTL of
// bundled models equals emu::Predict bit for bit and the measured latency
// equals hlsforge_rtl.json's.
//  * CI (RtlAcceptance.SmallBundledModelsCi): the smallest bundled models
//    that together build every construction (fixed, binary, ternary and XNOR
//    products, thresholds, activations, stable and legacy softmax) in ONE
//    Verilator build, 200 rows each.
//  * HLSFORGE_RTL_ACCEPTANCE=1 (scripts/rtl_acceptance.sh, ~25 min): every
//    dense model of shared/models (ONNX, QONNX, Keras/QKeras incl. binary and
//    ternary) with the default config, and every dense golden hls4ml config
//    (with the legacy-softmax variants), 1,000 rows each. Rows: golden models
//    600 rows of input_normal + 400 of input_uniform4; Keras models their
//    golden input; others N(0, 2) (TFC_1W1A: U[0, 1)).
#include <random>

#include "hlsforge/flow/flow.h"
#include "hlsforge/passes/pass.h"
#include "rtl_test_util.h"
#include "test_data.h"

using namespace rtl_test;

namespace {

/// A corpus file (../shared, else tests/data or the bundled examples).
std::string P(const std::string& rel) { return hlsforge::test_data::Path(rel); }

NDArray GoldenInput(const std::string& dir, int rows) {
  auto n = ReadNpy(dir + "/input_normal.npy");
  auto u = ReadNpy(dir + "/input_uniform4.npy");
  if (!n.ok() || !u.ok()) throw Error("cannot read inputs of " + dir);
  return Concat(Rows(*n, rows * 3 / 5), Rows(*u, rows - rows * 3 / 5));
}

NDArray Synthetic(const ir::Graph& g, uint32_t seed, bool uniform01, int rows) {
  const int64_t n = g.tensor(g.inputs.at(0)).size();
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, 2);
  std::uniform_real_distribution<double> u(0, 1);
  NDArray x;
  x.shape = {rows, n};
  for (int64_t i = 0; i < rows * n; ++i) x.data.push_back(static_cast<float>(uniform01 ? u(rng) : d(rng)));
  return x;
}

struct Model {
  std::string tag, path, weights, config, input;  // input: golden dir, keras golden dir, or "" (synthetic)
  bool keras_input = false, uniform01 = false;
  bool skip_softmax = false;  // `Skip: true` on every softmax (replanned)
};

Model Golden(const std::string& name, bool legacy = false) {
  const std::string d = P("golden/hls4ml/" + name + (legacy ? "/legacy_softmax" : ""));
  return {"g_" + name + (legacy ? "_legacy" : ""), d + "/model_clean.onnx", "", d + "/hls4ml_config_input.yml", d};
}
Model Onnx(const std::string& sub, const std::string& name, const std::string& golden_twin) {
  return {"d_" + name, P("models/" + sub + "/" + name + ".onnx"), "", "",
          golden_twin.empty() ? "" : P("golden/hls4ml/" + golden_twin)};
}
Model Keras(const std::string& file, const std::string& weights, const std::string& golden) {
  Model m{"k_" + golden, P("models/keras/" + file), weights.empty() ? "" : P("models/keras/" + weights), "",
          P("golden/keras/" + golden)};
  m.keras_input = true;
  return m;
}

bool FullRun() { return EnvInt("HLSFORGE_RTL_ACCEPTANCE", 0) != 0; }

/// All models of a batch in one Verilator build, `rows` rows each (golden
/// inputs: the first 60 % from input_normal, the rest from input_uniform4).
void RunModels(const std::string& batch, const std::vector<Model>& models, int rows = 1000) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Case> cases;
  for (const Model& m : models) {
    auto g = flow::LoadConfiguredModel(m.path, m.config, flow::Options{.weights_path = m.weights});
    ASSERT_TRUE(g.ok()) << m.tag << ": " << g.status().message();
    Case c;
    c.tag = m.tag;
    for (char& ch : c.tag) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    c.g = std::move(g).value();
    if (m.skip_softmax) {
      int skipped = 0;
      for (auto& l : c.g.layers)
        if (l.kind == ir::LayerKind::Softmax) l.config.softmax_skip = true, ++skipped;
      ASSERT_GT(skipped, 0) << m.tag << ": no softmax to skip";
      ASSERT_TRUE(passes::RunPipeline(c.g, {"lower_hardware"}).ok());
      c.tag += "_skip_softmax";
    }
    if (m.keras_input) {
      auto x = ReadNpy(m.input + "/input.npy");
      ASSERT_TRUE(x.ok()) << x.status().message();
      c.x = Rows(*x, rows);
    } else if (!m.input.empty()) {
      c.x = GoldenInput(m.input, rows);
    } else {
      c.x = Synthetic(c.g, m.tag == "d_TFC_1W1A" ? 2 : 1, m.uniform01, rows);
    }
    cases.push_back(std::move(c));
  }
  const fs::path root = RtlTmpDir("acc_" + batch);
  const BatchStats st = ExpectRtlMatchesEmulator(cases, root);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ covered  ] %s: %lld designs x %d rows (%lld values) bit-exact vs emu::Predict, latency as "
              "reported; Verilator build %.1f s, simulation %.2f s, total %.1f s\n",
              batch.c_str(), static_cast<long long>(st.designs), rows, static_cast<long long>(st.values),
              st.build_s, st.run_s, secs);
}

}  // namespace

TEST(RtlAcceptance, SmallBundledModelsCi) {
  // bnn: binary_tanh, XNOR products, binary thresholds; KERAS_1layer: CSD
  // products of 16-bit weights, relu, the sigmoid ROM; ternary_small:
  // ternary products with free zero weights, ternary thresholds, ScaleShift.
  // KERAS_3layer with `Skip: true`: the softmax left out of the RTL as in
  // the emulator and the HLS firmware (the logits come out, in their type).
  // (Softmax implementations: the property test.)
  Model skip = Keras("KERAS_3layer.json", "KERAS_3layer_weights.h5", "KERAS_3layer");
  skip.skip_softmax = true;
  RunModels("ci", {Onnx("onnx", "bnn_model_fc_1layer", "bnn_model_fc_1layer"),
                   Keras("KERAS_1layer.json", "", "KERAS_1layer"),
                   Keras("KERAS_3layer_ternary_small.json", "", "KERAS_3layer_ternary_small"), skip},
            200);
}

TEST(RtlAcceptance, HgqProxyJetClassifierCi) {
  // Per-element formats (most of the 64 first-layer neurons pruned to 0 bits,
  // the inputs' formats from 2 to 12 bits), the embedded types of an HGQ
  // proxy model; 1,000 normal rows.
  HLSFORGE_REQUIRE_DATA("models/keras/proxy_jet_classifier.json");
  RunModels("hgq", {Model{"k_proxy_jet_classifier", P("models/keras/proxy_jet_classifier.json"), "", "", ""}});
}

TEST(RtlAcceptance, OnnxMlps) {
  if (!FullRun()) GTEST_SKIP() << "set HLSFORGE_RTL_ACCEPTANCE=1 (scripts/rtl_acceptance.sh)";
  RunModels("onnx", {Onnx("onnx", "two_layer_keras", "two_layer_keras"),
                     Onnx("onnx", "three_layer_keras", "three_layer_keras"),
                     Onnx("onnx", "three_layer_pytorch", "three_layer_pytorch"),
                     Onnx("onnx", "three_layer_bn_pytorch", ""), Golden("two_layer_keras"),
                     Golden("three_layer_keras"), Golden("three_layer_keras", true), Golden("three_layer_pytorch"),
                     Golden("three_layer_pytorch", true)});
}

TEST(RtlAcceptance, JetTaggers) {
  if (!FullRun()) GTEST_SKIP() << "set HLSFORGE_RTL_ACCEPTANCE=1 (scripts/rtl_acceptance.sh)";
  RunModels("jet", {Onnx("qonnx", "qkeras_jettagging", "qkeras_jettagging"), Golden("qkeras_jettagging"),
                    Keras("qkeras_3layer.json", "", "qkeras_3layer"),
                    Keras("qkeras-v3_3layer.keras", "", "qkeras-v3_3layer"),
                    Keras("KERAS_1layer.json", "", "KERAS_1layer"), Keras("KERAS_3layer.json", "", "KERAS_3layer"),
                    Keras("KERAS_3layer.json", "KERAS_3layer_70pruned_retrained_weights.h5",
                          "KERAS_3layer_70pruned_retrained"),
                    Keras("KERAS_3layer_binary_smaller.json", "", "KERAS_3layer_binary_smaller"),
                    Keras("KERAS_3layer_ternary_small.json", "", "KERAS_3layer_ternary_small")});
}

TEST(RtlAcceptance, BigAndBinary) {
  if (!FullRun()) GTEST_SKIP() << "set HLSFORGE_RTL_ACCEPTANCE=1 (scripts/rtl_acceptance.sh)";
  RunModels("big", {Onnx("onnx", "dense_big_keras", "dense_big_keras"), Golden("dense_big_keras"),
                    Golden("dense_big_keras", true), Onnx("onnx", "bnn_model_fc_1layer", "bnn_model_fc_1layer"),
                    Golden("bnn_model_fc_1layer")});
}

TEST(RtlAcceptance, Tfc) {
  if (!FullRun()) GTEST_SKIP() << "set HLSFORGE_RTL_ACCEPTANCE=1 (scripts/rtl_acceptance.sh)";
  Model w1 = Onnx("qonnx", "TFC_1W1A", "");
  w1.uniform01 = true;
  RunModels("tfc", {Onnx("qonnx", "TFC_2W2A", "TFC_2W2A"), Golden("TFC_2W2A"), w1});
}
