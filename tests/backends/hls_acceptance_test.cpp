// Acceptance of the HLS backend: for every dense model of shared/models/onnx,
// shared/models/qonnx and shared/golden/hls4ml (with the legacy_softmax
// variants), every layer's output of the C simulation (traced) equals
// emu::Trace bit for bit, in both io types and both strategies:
//   variants  latency_parallel, latency_stream, resource_parallel, resource_stream
//             (Resource: every Dense layer gets the valid reuse factor nearest 4);
//             for the models whose stable softmax returns hls4ml's constant
//             1/N under their config (the exp table indexed by the top bits of
//             the default `auto` inp_norm_t), also latency_parallel_inp_norm:
//             the same with an explicit inp_norm ap_ufixed<16,5,TRN,SAT>,
//             whose softmax output varies
//   varying   every compared layer output must take at least the case's
//             minimum of distinct values (stated in each TEST; binary outputs
//             2, ternary 3); the constant softmax of those configs is asserted
//             constant instead (this test is then also about that constant)
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
#include "hlsforge/testing/random_model.h"
#include "hls_test_util.h"
#include "test_data.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

const std::string kShared = hlsforge::test_data::Root();

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
  bool inp_norm = false;  // explicit inp_norm: the stable softmax varies
};
const Variant kVariants[] = {
    {"latency_parallel", ir::Strategy::Latency, ir::IOType::Parallel},
    {"latency_stream", ir::Strategy::Latency, ir::IOType::Stream},
    {"resource_parallel", ir::Strategy::Resource, ir::IOType::Parallel},
    {"resource_stream", ir::Strategy::Resource, ir::IOType::Stream},
};
const Variant kInpNorm = {"latency_parallel_inp_norm", ir::Strategy::Latency, ir::IOType::Parallel, true};

// What a case's softmax does under its config.
enum class Softmax { Varies, ConstantPitfall };

// model: path of the .onnx; config: "" (default config) or a YAML;
// min_distinct: distinct values every compared layer output must take.
void AcceptanceCase(const std::string& tag, const std::string& model, const std::string& config, const NDArray& x,
                    const Distinct& min_distinct, Softmax softmax) {
  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = flow::LoadConfiguredModel(model, config);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const fs::path root = TmpDir("acc_" + tag);
  std::vector<std::string> dirs;
  std::vector<NDArray> inputs;
  std::vector<ir::Graph> graphs;
  std::vector<Variant> variants(std::begin(kVariants), std::end(kVariants));
  if (softmax == Softmax::ConstantPitfall) variants.push_back(kInpNorm);
  int dense = 0;
  for (const auto& v : variants) {
    ir::Graph g = *loaded;
    if (v.inp_norm) ExplicitInpNorm(g);
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
    Replan(g, v.io);
    for (const auto& l : g.layers)
      if (l.kind == ir::LayerKind::Dense) ASSERT_EQ(l.plan->strategy, v.strategy) << tag << " " << l.name;
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
  std::vector<std::map<std::string, NDArray>> traces;
  co.traces = &traces;
  auto ys = backends::RunCsimBatch(dirs, inputs, (root / "batch").string(), co);
  ASSERT_TRUE(ys.ok()) << tag << ": " << ys.status().message();
  auto e = emu::Predict(graphs[0], x);
  ASSERT_TRUE(e.ok()) << e.status().message();
  int64_t layers = 0;
  for (size_t k = 0; k < graphs.size(); ++k) {
    auto ek = emu::Predict(graphs[k], x);
    ASSERT_TRUE(ek.ok()) << ek.status().message();
    if (!variants[k].inp_norm) {  // the strategy never changes the emulator's arithmetic; check it anyway
      ASSERT_EQ(ek->data, e->data) << tag << " " << variants[k].name;
    }
    std::string first;
    const int64_t diff = CountDiff((*ys)[k], *ek, &first);
    EXPECT_EQ(diff, 0) << tag << " " << variants[k].name << ": " << diff << " values differ; first: " << first;
    // the layers' values vary alike in every variant but the explicit-inp_norm one: checked once
    ExpectTraceEqualAndVarying(graphs[k], x, traces[k], &layers, k == 0 || variants[k].inp_norm, min_distinct,
                               softmax == Softmax::ConstantPitfall && !variants[k].inp_norm,
                               tag + " " + variants[k].name);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ covered  ] %s: %lld rows x %lld outputs, %zu variants (latency/resource x io_parallel/io_stream%s), "
              "%lld layer outputs bit-exact vs emu::Trace, each >= %lld distinct values%s; one g++ %.1f s, "
              "total %.1f s\n",
              tag.c_str(), static_cast<long long>(x.rows()), static_cast<long long>(e->row_size()), variants.size(),
              softmax == Softmax::ConstantPitfall ? ", explicit inp_norm" : "", static_cast<long long>(layers),
              static_cast<long long>(min_distinct.all),
              softmax == Softmax::ConstantPitfall ? " (the default-config softmax: constant 1/N, asserted)" : "",
              compile_s, secs);
  if (!::testing::Test::HasFailure()) fs::remove_all(root);
}

void Golden(const std::string& model, const Distinct& min_distinct, Softmax softmax, bool legacy = false) {
  const std::string d = kShared + "/golden/hls4ml/" + model + (legacy ? "/legacy_softmax" : "");
  AcceptanceCase(std::string("golden_") + model + (legacy ? "_legacy_softmax" : ""), d + "/model_clean.onnx",
                 d + "/hls4ml_config_input.yml", GoldenInput(d), min_distinct, softmax);
}

void Plain(const std::string& subdir, const std::string& model, const std::string& golden_twin, const Distinct& min_distinct,
           Softmax softmax) {
  const std::string path = hlsforge::test_data::Path("models/" + subdir + "/" + model + ".onnx");
  NDArray x;
  if (!golden_twin.empty()) {
    x = GoldenInput(kShared + "/golden/hls4ml/" + golden_twin);
  } else {
    auto g = flow::LoadConfiguredModel(path, "");
    ASSERT_TRUE(g.ok()) << g.status().message();
    x = model == "TFC_1W1A" ? SyntheticInput(*g, 2, true) : SyntheticInput(*g, 1, false);
  }
  AcceptanceCase(subdir + "_" + model, path, "", x, min_distinct, softmax);
}

}  // namespace

// Each case states the distinct values every compared layer output must take
// over its 300 rows (capped by what the layer's type holds: binary 2, ternary
// 3), with the exceptions it lists, and whether its stable softmax is the
// known constant 1/N under its config.
// dense_big_keras at fixed<16,6> saturates from its third Dense on: its ReLUs
// take 34-82 values, the last Dense 5 and the softmax 2 (legacy, or with an
// explicit inp_norm); its first Dense carries thousands.
const Distinct kDenseBig = {30, {{"MatMul_5", 5}, {"Softmax_0", 2}}};
// bnn_model_fc_1layer: 3 XNOR inputs, so the popcount sums take 4 values.
const Distinct kBnn = {100, {{"MatMul_0", 4}}};
// three_layer_pytorch: its logits spread wide, so the softmax with an explicit
// inp_norm takes 30 values (legacy: 54).
const Distinct kPytorch = {100, {{"Softmax_0", 25}}};

// models/onnx, default config (fixed<16,6>; the softmax's inp_norm chosen from its input's range: it varies)
TEST(HlsAcceptance, Onnx_two_layer_keras) { Plain("onnx", "two_layer_keras", "two_layer_keras", {100}, Softmax::Varies); }
TEST(HlsAcceptance, Onnx_three_layer_keras) {
  Plain("onnx", "three_layer_keras", "three_layer_keras", {100}, Softmax::Varies);
}
TEST(HlsAcceptance, Onnx_three_layer_pytorch) {
  Plain("onnx", "three_layer_pytorch", "three_layer_pytorch", kPytorch, Softmax::Varies);
}
TEST(HlsAcceptance, Onnx_three_layer_bn_pytorch) {  // the softmax takes >= 8 values
  Plain("onnx", "three_layer_bn_pytorch", "", {100, {{"Softmax_0", 8}}}, Softmax::Varies);
}
TEST(HlsAcceptance, Onnx_dense_big_keras) {
  Plain("onnx", "dense_big_keras", "dense_big_keras", kDenseBig, Softmax::Varies);
}
TEST(HlsAcceptance, Onnx_bnn_model_fc_1layer) {
  Plain("onnx", "bnn_model_fc_1layer", "bnn_model_fc_1layer", kBnn, Softmax::Varies);
}
// models/qonnx, default config
TEST(HlsAcceptance, Qonnx_qkeras_jettagging) {
  Plain("qonnx", "qkeras_jettagging", "qkeras_jettagging", {100}, Softmax::Varies);
}
// TFC: 2-bit (1-bit) activations between the Dense layers, whose sums take 54-90 (39-46) values
TEST(HlsAcceptance, Qonnx_TFC_2W2A) { Plain("qonnx", "TFC_2W2A", "TFC_2W2A", {50}, Softmax::Varies); }
TEST(HlsAcceptance, Qonnx_TFC_1W1A) { Plain("qonnx", "TFC_1W1A", "", {35}, Softmax::Varies); }
// golden/hls4ml: model_clean.onnx + hls4ml_config_input.yml
TEST(HlsAcceptance, Golden_two_layer_keras) { Golden("two_layer_keras", {100}, Softmax::Varies); }
TEST(HlsAcceptance, Golden_three_layer_keras) { Golden("three_layer_keras", {100}, Softmax::ConstantPitfall); }
TEST(HlsAcceptance, Golden_three_layer_keras_legacy_softmax) {
  Golden("three_layer_keras", {100}, Softmax::Varies, true);
}
TEST(HlsAcceptance, Golden_three_layer_pytorch) { Golden("three_layer_pytorch", kPytorch, Softmax::ConstantPitfall); }
TEST(HlsAcceptance, Golden_three_layer_pytorch_legacy_softmax) {
  Golden("three_layer_pytorch", {100, {{"Softmax_0", 50}}}, Softmax::Varies, true);
}
TEST(HlsAcceptance, Golden_dense_big_keras) { Golden("dense_big_keras", kDenseBig, Softmax::ConstantPitfall); }
TEST(HlsAcceptance, Golden_dense_big_keras_legacy_softmax) {
  Golden("dense_big_keras", kDenseBig, Softmax::Varies, true);
}
TEST(HlsAcceptance, Golden_bnn_model_fc_1layer) { Golden("bnn_model_fc_1layer", kBnn, Softmax::Varies); }
TEST(HlsAcceptance, Golden_qkeras_jettagging) { Golden("qkeras_jettagging", {100}, Softmax::Varies); }
TEST(HlsAcceptance, Golden_TFC_2W2A) { Golden("TFC_2W2A", {50}, Softmax::Varies); }
