// Acceptance of the HLS backend on convolutional networks: for every CNN
// below, every layer's output of the C simulation (traced) equals emu::Trace
// bit for bit, in both io types and both strategies:
//   models    models/onnx/conv1d_small_keras, conv2d_small_keras (channels-first
//             Keras exports), separable_conv_model_ch_last (QONNX, channels-
//             last), models/keras/KERAS_conv1d_small, KERAS_conv2d_model
//             (default config: every precision auto over fixed<16,6>), and
//             golden/hls4ml/conv{1d,2d}_small_keras/model_clean.onnx with the
//             golden hls4ml_config_input.yml (there the C simulation must also
//             equal the reference hls4ml C simulation, output_hls4ml_*.npy).
//   variants  latency_parallel      Latency, io_parallel
//             latency_parallel_pf   Latency, io_parallel, ParallelizationFactor
//                                   (Conv/Pooling) = largest divisor <= 4 of
//                                   the layer's output pixels
//             latency_stream        Latency, io_stream
//             resource_parallel     Resource (Conv/Dense reuse factor = the
//                                   valid one nearest 4), io_parallel, PF as above
//             resource_stream       Resource (same reuse factors), io_stream
//             latency_parallel_inp_norm  (only for the models whose stable
//                                   softmax returns hls4ml's constant 1/N under
//                                   their config) explicit inp_norm
//                                   ap_ufixed<16,5,TRN,SAT>: the softmax varies
//   varying   every compared layer output takes at least the case's minimum
//             of distinct values (stated in each TEST); the constant softmax
//             of those configs is asserted constant instead
//   rows      golden dirs: the first 200 rows of input_normal.npy + the first
//             100 of input_uniform4.npy (channels-last; the channels-first
//             exports take channels-last inputs too, their transposes are
//             converted inside hlsforge); Keras models: the first 300 rows of
//             golden/keras/<model>/input.npy; separable_conv_model_ch_last
//             (a 512x512x3 image, 4,194,304 outputs and 107 M MACs per row):
//             2 rows N(0, 1) with seed 6.
// separable_conv_model_ch_last traces one variant only (latency_parallel:
// 8.4 M values per layer output), the others compare the model output.
// The variants of a model are compiled into ONE C-simulation program
// (RunCsimBatch, distinct namespaces: one g++ run per model and config, -O1).
// Each test prints its coverage and compile time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "hlsforge/flow/flow.h"
#include "hls_test_util.h"
#include "test_data.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

const std::string kShared = hlsforge::test_data::Root();

struct Variant {
  const char* name;
  ir::Strategy strategy;
  ir::IOType io;
  bool pf;  // ParallelizationFactor > 1 where valid
  bool inp_norm = false;  // explicit inp_norm: the stable softmax varies
};
const Variant kVariants[] = {
    {"latency_parallel", ir::Strategy::Latency, ir::IOType::Parallel, false},
    {"latency_parallel_pf", ir::Strategy::Latency, ir::IOType::Parallel, true},
    {"latency_stream", ir::Strategy::Latency, ir::IOType::Stream, false},
    {"resource_parallel", ir::Strategy::Resource, ir::IOType::Parallel, true},
    {"resource_stream", ir::Strategy::Resource, ir::IOType::Stream, false},
};
const Variant kInpNorm = {"latency_parallel_inp_norm", ir::Strategy::Latency, ir::IOType::Parallel, false, true};

// What a case's softmax does under its config.
enum class Softmax { Varies, ConstantPitfall };

/// Applies a variant's strategy, reuse factors and parallelization factors;
/// returns a description of what was set ("Conv_0 rf 4 pf 2, ...").
std::string ApplyVariant(ir::Graph& g, const Variant& v) {
  std::string what;
  for (auto& l : g.layers) {
    const bool conv = l.kind == ir::LayerKind::Conv, dense = l.kind == ir::LayerKind::Dense;
    const bool pool = l.kind == ir::LayerKind::Pooling && l.pool && !l.pool->global;
    if (!conv && !dense && !pool) continue;
    if (conv || dense) {
      l.config.strategy = v.strategy;
      if (v.strategy == ir::Strategy::Resource) {
        const auto& w = l.params.at("weight").shape;
        int64_t n_in = 1, n_out = w.back();
        for (size_t i = 0; i + 1 < w.size(); ++i) n_in *= w[i];
        if (conv && l.conv->depthwise) {  // each output channel sums kh*kw products
          n_in /= w[w.size() - 2];
          n_out = w[w.size() - 2] * w.back();
        }
        l.config.reuse_factor = backends::ClosestReuseFactor(
            backends::ValidDenseReuseFactors(static_cast<int>(n_in), static_cast<int>(n_out)), 4);
        what += " " + l.name + " rf " + std::to_string(l.config.reuse_factor);
      }
    }
    if (v.pf && (conv || pool)) {
      const auto& s = g.tensor(l.output).shape;
      int64_t pixels = 1;
      for (size_t i = 0; i + 1 < s.size(); ++i) pixels *= s[i];
      int pf = 1;
      for (int d = 4; d >= 1; --d)
        if (pixels % d == 0) {
          pf = d;
          break;
        }
      l.config.parallelization_factor = pf;
      what += " " + l.name + " pf " + std::to_string(pf);
    }
  }
  return what;
}

NDArray ReadOrThrow(const std::string& path) {
  auto a = ReadNpy(path);
  if (!a.ok()) throw Error(a.status().message());
  return *a;
}

NDArray GoldenRows(const std::string& golden_dir, const std::string& prefix) {
  return Concat(Rows(ReadOrThrow(golden_dir + "/" + prefix + "_normal.npy"), 200),
                Rows(ReadOrThrow(golden_dir + "/" + prefix + "_uniform4.npy"), 100));
}

// model: .onnx / .json; config: "" (default config) or a YAML; x: inputs
// [rows, per-sample shape...]; min_distinct: distinct values every compared
// layer output must take; golden_out: the reference hls4ml C simulation for
// those rows (empty: none).
void CnnAcceptanceCase(const std::string& tag, const std::string& model, const std::string& config, const NDArray& x,
                       const Distinct& min_distinct, Softmax softmax, const NDArray& golden_out = {}) {
  const auto t0 = std::chrono::steady_clock::now();
  auto loaded = flow::LoadConfiguredModel(model, config);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  int windows = 0;
  for (const auto& l : loaded->layers) windows += l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Pooling;
  ASSERT_GT(windows, 0) << tag << ": no Conv/Pooling layer";
  const fs::path root = TmpDir("cnn_acc_" + tag);
  std::vector<std::string> dirs;
  std::vector<NDArray> inputs;
  std::vector<ir::Graph> graphs;
  std::vector<std::string> applied;
  std::vector<Variant> variants(std::begin(kVariants), std::end(kVariants));
  if (softmax == Softmax::ConstantPitfall) variants.push_back(kInpNorm);
  for (const auto& v : variants) {
    ir::Graph g = *loaded;
    if (v.inp_norm) ExplicitInpNorm(g);
    applied.push_back(ApplyVariant(g, v));
    Replan(g, v.io);
    for (const auto& l : g.layers)
      if (l.kind == ir::LayerKind::Dense || l.kind == ir::LayerKind::Conv)
        ASSERT_EQ(l.plan->strategy, v.strategy) << tag << " " << l.name;
    auto dir = WriteBatchProject(g, v.io, v.name, root);
    ASSERT_TRUE(dir.ok()) << tag << " " << v.name << ": " << dir.status().message();
    dirs.push_back(*dir);
    inputs.push_back(x);
    graphs.push_back(std::move(g));
  }
  backends::CsimOptions co;
  double compile_s = 0;
  co.compile_seconds = &compile_s;
  const auto t1 = std::chrono::steady_clock::now();
  // A huge model: the first variant only is traced (one more program).
  const bool huge = x.size() >= 1000000;
  std::vector<std::map<std::string, NDArray>> traces;
  if (!huge) co.traces = &traces;
  auto ys = backends::RunCsimBatch(dirs, inputs, (root / "batch").string(), co);
  ASSERT_TRUE(ys.ok()) << tag << ": " << ys.status().message();
  if (huge) {
    backends::CsimOptions c1;
    c1.traces = &traces;
    auto y1 = backends::RunCsimBatch({dirs[0]}, {x}, (root / "batch_trace").string(), c1);
    ASSERT_TRUE(y1.ok()) << tag << ": " << y1.status().message();
  }
  const double csim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  auto e = emu::Predict(graphs[0], x);
  ASSERT_TRUE(e.ok()) << e.status().message();
  int64_t layers = 0;
  for (size_t k = 0; k < graphs.size(); ++k) {
    NDArray ek = *e;
    if (k > 0 && (!huge || variants[k].inp_norm)) {
      auto p = emu::Predict(graphs[k], x);
      ASSERT_TRUE(p.ok()) << p.status().message();
      ek = std::move(p).value();
      if (!variants[k].inp_norm) {  // strategy, reuse, parallelization never change the emulator's arithmetic
        ASSERT_EQ(ek.data, e->data) << tag << " " << variants[k].name;
      }
    }
    std::string first;
    const int64_t diff = CountDiff((*ys)[k], ek, &first);
    EXPECT_EQ(diff, 0) << tag << " " << variants[k].name << " (" << applied[k] << "): " << diff
                       << " values differ; first: " << first;
    if (k >= traces.size()) continue;
    // the layers' values vary alike in every variant but the explicit-inp_norm one: checked once
    ExpectTraceEqualAndVarying(graphs[k], x, traces[k], &layers, k == 0 || variants[k].inp_norm, min_distinct,
                               softmax == Softmax::ConstantPitfall && !variants[k].inp_norm,
                               tag + " " + variants[k].name);
  }
  if (!golden_out.data.empty()) {  // the reference hls4ml C simulation (float32 outputs)
    ASSERT_EQ(golden_out.data.size(), e->data.size()) << tag;
    int64_t bad = 0;
    std::string first;
    for (size_t i = 0; i < e->data.size(); ++i)
      if (static_cast<float>((*ys)[0].data[i]) != static_cast<float>(golden_out.data[i]) && bad++ == 0)
        first = "value " + std::to_string(i) + ": csim " + std::to_string((*ys)[0].data[i]) + " vs hls4ml " +
                std::to_string(golden_out.data[i]);
    EXPECT_EQ(bad, 0) << tag << ": C simulation differs from the reference hls4ml C simulation; first " << first;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ covered  ] %s: %lld rows x %lld outputs, %zu variants (latency/resource x io_parallel/io_stream, "
              "parallelization factor%s) bit-exact vs emu::Predict%s, %lld layer outputs vs emu::Trace, each >= %lld "
              "distinct values%s; one g++ %.1f s, C simulation (with g++) %.1f s, total %.1f s\n",
              tag.c_str(), static_cast<long long>(x.rows()), static_cast<long long>(e->row_size()), graphs.size(),
              softmax == Softmax::ConstantPitfall ? ", explicit inp_norm" : "",
              golden_out.data.empty() ? "" : " and vs hls4ml's C simulation", static_cast<long long>(layers),
              static_cast<long long>(min_distinct.all),
              softmax == Softmax::ConstantPitfall ? " (the default-config softmax: constant 1/N, asserted)" : "",
              compile_s, csim_s, secs);
  if (!::testing::Test::HasFailure()) fs::remove_all(root);
}

const std::string kGolden = kShared + "/golden/hls4ml/";

void OnnxWithGoldenInputs(const std::string& model, const Distinct& min_distinct, Softmax softmax) {
  CnnAcceptanceCase("onnx_" + model, kShared + "/models/onnx/" + model + ".onnx", "",
                    GoldenRows(kGolden + model, "input"), min_distinct, softmax);
}

void GoldenConfig(const std::string& model, const Distinct& min_distinct, Softmax softmax) {
  const std::string d = kGolden + model;
  CnnAcceptanceCase("golden_" + model, d + "/model_clean.onnx", d + "/hls4ml_config_input.yml",
                    GoldenRows(d, "input"), min_distinct, softmax, GoldenRows(d, "output_hls4ml"));
}

void Keras(const std::string& model, const Distinct& min_distinct, Softmax softmax) {
  CnnAcceptanceCase("keras_" + model, kShared + "/models/keras/" + model + ".json", "",
                    Rows(ReadOrThrow(kShared + "/golden/keras/" + model + "/input.npy"), 300), min_distinct, softmax);
}

}  // namespace

// Each case states the distinct values every compared layer output must take
// over its rows (capped by what the layer's type holds), with the exceptions
// it lists, and whether its stable softmax is the known constant 1/N under its
// config.
// models/onnx, default config (every precision auto over fixed<16,6>)
TEST(HlsCnnAcceptance, Onnx_conv1d_small_keras) { OnnxWithGoldenInputs("conv1d_small_keras", {100}, Softmax::Varies); }
TEST(HlsCnnAcceptance, Onnx_conv2d_small_keras) { OnnxWithGoldenInputs("conv2d_small_keras", {100}, Softmax::Varies); }
TEST(HlsCnnAcceptance, Onnx_separable_conv_model_ch_last) {
  const std::string path = kShared + "/models/onnx/separable_conv_model_ch_last.onnx";
  auto g = flow::LoadConfiguredModel(path, "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const ir::Tensor& in = g->tensor(g->inputs.at(0));
  NDArray x;
  const int64_t rows = 2;  // 512x512x3 inputs: 2 rows = 8.4 M output values per variant
  x.shape = {rows};
  x.shape.insert(x.shape.end(), in.shape.begin(), in.shape.end());
  std::mt19937 rng(6);
  std::normal_distribution<double> d(0, 1);
  for (int64_t i = 0; i < rows * in.size(); ++i) x.data.push_back(static_cast<float>(d(rng)));
  // A 4-bit quantized model: LeakyRelu_0 (fixed<4,2>) of a 4-bit input takes 7 values.
  CnnAcceptanceCase("onnx_separable_conv_model_ch_last", path, "", x, {150, {{"LeakyRelu_0", 7}}}, Softmax::Varies);
}
// golden/hls4ml: model_clean.onnx + hls4ml_config_input.yml (also == hls4ml's C simulation)
TEST(HlsCnnAcceptance, Golden_conv1d_small_keras) { GoldenConfig("conv1d_small_keras", {100}, Softmax::ConstantPitfall); }
TEST(HlsCnnAcceptance, Golden_conv2d_small_keras) { GoldenConfig("conv2d_small_keras", {100}, Softmax::ConstantPitfall); }
// models/keras, default config (the default softmax: inp_norm auto, useful)
TEST(HlsCnnAcceptance, Keras_KERAS_conv1d_small) { Keras("KERAS_conv1d_small", {100}, Softmax::Varies); }
TEST(HlsCnnAcceptance, Keras_KERAS_conv2d_model) { Keras("KERAS_conv2d_model", {100}, Softmax::Varies); }
