// Acceptance of the HLS backend (issue 4): for every dense model of
// shared/models/onnx, shared/models/qonnx and shared/golden/hls4ml (with the
// legacy_softmax variants), the C simulation equals emu::Predict bit for bit
// in both io types and both strategies:
//   variants  latency_parallel, latency_stream, resource_parallel, resource_stream
//             (Resource: every Dense layer gets the valid reuse factor nearest 4)
//   rows      golden models and models with a golden twin: the first 200 rows of
//             input_normal.npy + the first 100 of input_uniform4.npy (300 rows);
//             three_layer_bn_pytorch: 300 rows N(0, 2) (seed 1); TFC_1W1A:
//             300 rows U[0, 1) of 784 pixels (seed 2).
// The four variants of a model are compiled into ONE C-simulation program
// (RunCsimBatch: one g++ run per model, -O1). Each test prints its coverage.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "hlsforge/flow/flow.h"
#include "hls_test_util.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

const std::string kShared = HLSFORGE_SHARED_DIR;

NDArray GoldenInput(const std::string& golden_dir) {
  auto n = ReadNpy(golden_dir + "/input_normal.npy");
  auto u = ReadNpy(golden_dir + "/input_uniform4.npy");
  if (!n.ok() || !u.ok()) throw Error("cannot read inputs of " + golden_dir);
  return Concat(Rows(*n, 200), Rows(*u, 100));
}

NDArray SyntheticInput(const ir::Graph& g, uint32_t seed, bool uniform01) {
  const int64_t n = g.tensor(g.inputs.at(0)).size();
  std::mt19937 rng(seed);
  NDArray x;
  x.shape = {300, n};
  std::normal_distribution<double> d(0, 2);
  std::uniform_real_distribution<double> u(0, 1);
  for (int64_t i = 0; i < 300 * n; ++i) x.data.push_back(static_cast<float>(uniform01 ? u(rng) : d(rng)));
  return x;
}

struct Variant {
  const char* name;
  ir::Strategy strategy;
  ir::IOType io;
};
const Variant kVariants[] = {
    {"latency_parallel", ir::Strategy::Latency, ir::IOType::Parallel},
    {"latency_stream", ir::Strategy::Latency, ir::IOType::Stream},
    {"resource_parallel", ir::Strategy::Resource, ir::IOType::Parallel},
    {"resource_stream", ir::Strategy::Resource, ir::IOType::Stream},
};

// model: path of the .onnx; config: "" (default config) or a YAML.
void AcceptanceCase(const std::string& tag, const std::string& model, const std::string& config, const NDArray& x) {
  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = flow::LoadConfiguredModel(model, config);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const fs::path root = TmpDir("acc_" + tag);
  std::vector<std::string> dirs;
  std::vector<NDArray> inputs;
  std::vector<ir::Graph> graphs;
  int dense = 0;
  for (const auto& v : kVariants) {
    ir::Graph g = *loaded;
    for (auto& l : g.layers) {
      if (l.kind != ir::LayerKind::Dense) continue;
      ++dense;
      l.config.strategy = v.strategy;
      if (v.strategy == ir::Strategy::Resource) {
        const auto& w = l.params.at("weight").shape;
        l.config.reuse_factor = backends::ClosestReuseFactor(
            backends::ValidDenseReuseFactors(static_cast<int>(w[0]), static_cast<int>(w[1])), 4);
      }
    }
    auto dir = WriteBatchProject(g, v.io, v.name, root);
    ASSERT_TRUE(dir.ok()) << tag << " " << v.name << ": " << dir.status().message();
    dirs.push_back(*dir);
    inputs.push_back(x);
    graphs.push_back(std::move(g));
  }
  ASSERT_GT(dense, 0) << tag << ": no Dense layer, the strategies do not apply";
  backends::CsimOptions co;
  double compile_s = 0;
  co.compile_seconds = &compile_s;
  auto ys = backends::RunCsimBatch(dirs, inputs, (root / "batch").string(), co);
  ASSERT_TRUE(ys.ok()) << tag << ": " << ys.status().message();
  auto e = emu::Predict(graphs[0], x);
  ASSERT_TRUE(e.ok()) << e.status().message();
  for (size_t k = 0; k < graphs.size(); ++k) {
    if (k > 0) {  // the strategy never changes the emulator's arithmetic; check it anyway
      auto ek = emu::Predict(graphs[k], x);
      ASSERT_TRUE(ek.ok()) << ek.status().message();
      ASSERT_EQ(ek->data, e->data) << tag << " " << kVariants[k].name;
    }
    std::string first;
    const int64_t diff = CountDiff((*ys)[k], *e, &first);
    EXPECT_EQ(diff, 0) << tag << " " << kVariants[k].name << ": " << diff << " values differ; first: " << first;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ covered  ] %s: %lld rows x %lld outputs, 4 variants (latency/resource x io_parallel/io_stream) "
              "bit-exact vs emu::Predict; one g++ %.1f s, total %.1f s\n",
              tag.c_str(), static_cast<long long>(x.rows()), static_cast<long long>(e->row_size()), compile_s, secs);
  if (!::testing::Test::HasFailure()) fs::remove_all(root);
}

void Golden(const std::string& model, bool legacy = false) {
  const std::string d = kShared + "/golden/hls4ml/" + model + (legacy ? "/legacy_softmax" : "");
  AcceptanceCase(std::string("golden_") + model + (legacy ? "_legacy_softmax" : ""), d + "/model_clean.onnx",
                 d + "/hls4ml_config_input.yml", GoldenInput(d));
}

void Plain(const std::string& subdir, const std::string& model, const std::string& golden_twin) {
  const std::string path = kShared + "/models/" + subdir + "/" + model + ".onnx";
  NDArray x;
  if (!golden_twin.empty()) {
    x = GoldenInput(kShared + "/golden/hls4ml/" + golden_twin);
  } else {
    auto g = flow::LoadConfiguredModel(path, "");
    ASSERT_TRUE(g.ok()) << g.status().message();
    x = model == "TFC_1W1A" ? SyntheticInput(*g, 2, true) : SyntheticInput(*g, 1, false);
  }
  AcceptanceCase(subdir + "_" + model, path, "", x);
}

}  // namespace

// models/onnx, default config (fixed<16,6>)
TEST(HlsAcceptance, Onnx_two_layer_keras) { Plain("onnx", "two_layer_keras", "two_layer_keras"); }
TEST(HlsAcceptance, Onnx_three_layer_keras) { Plain("onnx", "three_layer_keras", "three_layer_keras"); }
TEST(HlsAcceptance, Onnx_three_layer_pytorch) { Plain("onnx", "three_layer_pytorch", "three_layer_pytorch"); }
TEST(HlsAcceptance, Onnx_three_layer_bn_pytorch) { Plain("onnx", "three_layer_bn_pytorch", ""); }
TEST(HlsAcceptance, Onnx_dense_big_keras) { Plain("onnx", "dense_big_keras", "dense_big_keras"); }
TEST(HlsAcceptance, Onnx_bnn_model_fc_1layer) { Plain("onnx", "bnn_model_fc_1layer", "bnn_model_fc_1layer"); }
// models/qonnx, default config
TEST(HlsAcceptance, Qonnx_qkeras_jettagging) { Plain("qonnx", "qkeras_jettagging", "qkeras_jettagging"); }
TEST(HlsAcceptance, Qonnx_TFC_2W2A) { Plain("qonnx", "TFC_2W2A", "TFC_2W2A"); }
TEST(HlsAcceptance, Qonnx_TFC_1W1A) { Plain("qonnx", "TFC_1W1A", ""); }
// golden/hls4ml: model_clean.onnx + hls4ml_config_input.yml
TEST(HlsAcceptance, Golden_two_layer_keras) { Golden("two_layer_keras"); }
TEST(HlsAcceptance, Golden_three_layer_keras) { Golden("three_layer_keras"); }
TEST(HlsAcceptance, Golden_three_layer_keras_legacy_softmax) { Golden("three_layer_keras", true); }
TEST(HlsAcceptance, Golden_three_layer_pytorch) { Golden("three_layer_pytorch"); }
TEST(HlsAcceptance, Golden_three_layer_pytorch_legacy_softmax) { Golden("three_layer_pytorch", true); }
TEST(HlsAcceptance, Golden_dense_big_keras) { Golden("dense_big_keras"); }
TEST(HlsAcceptance, Golden_dense_big_keras_legacy_softmax) { Golden("dense_big_keras", true); }
TEST(HlsAcceptance, Golden_bnn_model_fc_1layer) { Golden("bnn_model_fc_1layer"); }
TEST(HlsAcceptance, Golden_qkeras_jettagging) { Golden("qkeras_jettagging"); }
TEST(HlsAcceptance, Golden_TFC_2W2A) { Golden("TFC_2W2A"); }
