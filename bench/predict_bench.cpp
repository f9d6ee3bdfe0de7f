// Throughput of the emulator: bit-exact predict vs float-mode predict of the
// same network, same batch, same run.
//   * jet tagger three_layer_keras (16-64-32-32-5) at ap_fixed<16,6>, with
//     hls4ml's own config (golden/hls4ml/three_layer_keras);
//   * TFC_2W2A (784-64-64-64-10, 2-bit weights/activations) with the
//     per-layer config `hlsforge config --granularity name` writes
//     (fixed<16,6> default, `auto` where hls4ml infers; BN + 2-bit Quant
//     become ternary Thresholds; 96.60 % on MNIST);
//   * TFC_2W2A with hls4ml's config (golden/hls4ml/TFC_2W2A): the BNs stay
//     ScaleShifts with fixed<16,6> params (96.48 % on MNIST).
// Batch: HLSFORGE_BENCH_ROWS rows (default 100,000) of standard normal
// values (seed 0). Prints samples/s per case and the float/bit-exact ratio.
// HLSFORGE_BENCH_ITERS=n runs exactly n iterations per case (callgrind:
// instruction counts per sample = difference of two batch sizes).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

#include "hlsforge/emu/emulator.h"
#include "predict_timing.h"
#include "hlsforge/flow/flow.h"
#include "test_data.h"

namespace {

using hlsforge::NDArray;

/// Config marker: generate the granularity-"name" config of the model.
constexpr const char* kGeneratedConfig = "@name";

struct Case {
  std::string name, model, config;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"jet_tagger_fixed16_6", hlsforge::test_data::Path("golden/hls4ml/three_layer_keras/model_clean.onnx"),
       hlsforge::test_data::Path("golden/hls4ml/three_layer_keras/hls4ml_config_input.yml")},
      {"TFC_2W2A", hlsforge::test_data::Path("models/qonnx/TFC_2W2A.onnx"), kGeneratedConfig},
      // hls4ml's own config: BatchNormalizations stay ScaleShifts (fixed<16,6> scale/bias,
      // RND_CONV/SAT_SYM 2-bit results), the path other models' ScaleShifts take
      {"TFC_2W2A_hls4ml_config", hlsforge::test_data::Path("golden/hls4ml/TFC_2W2A/model_clean.onnx"),
       hlsforge::test_data::Path("golden/hls4ml/TFC_2W2A/hls4ml_config_input.yml")},
  };
  return cases;
}

/// samples/s per (case, mode), filled by the benchmarks, printed at the end.
std::map<std::string, std::map<bool, double>>& Rates() {
  static std::map<std::string, std::map<bool, double>> r;
  return r;
}

/// The model with its config; kGeneratedConfig = LoadConfiguredModel's
/// default (the granularity-"name" config, as `predict` without -c).
hlsforge::StatusOr<hlsforge::ir::Graph> Load(const Case& c) {
  return hlsforge::flow::LoadConfiguredModel(c.model, c.config == kGeneratedConfig ? "" : c.config);
}

void BM_Predict(benchmark::State& state, const Case& c, bool float_mode) {
  auto g = Load(c);
  if (!g.ok()) {
    state.SkipWithError(g.status().message().c_str());
    return;
  }
  const NDArray x = bench::NormalBatch(*g);
  if (const double r = bench::TimedPredict(state, *g, x, float_mode); r > 0) Rates()[c.name][float_mode] = r;
}

/// HLSFORGE_BENCH_ITERS=n: exactly n iterations per case (for callgrind runs).
int64_t Iters() {
  const char* env = std::getenv("HLSFORGE_BENCH_ITERS");
  return env ? std::max<int64_t>(1, std::atoll(env)) : 0;
}

void Register() {
  for (const Case& c : Cases())
    for (bool fm : {false, true}) {
      auto* b = benchmark::RegisterBenchmark((c.name + (fm ? "/float" : "/bit_exact")).c_str(),
                                             [&c, fm](benchmark::State& s) { BM_Predict(s, c, fm); })
                    ->Unit(benchmark::kMillisecond)
                    ->UseRealTime();
      if (Iters() > 0) b->Iterations(Iters());
      else b->MinTime(2.0);
    }
}

}  // namespace

int main(int argc, char** argv) {
  Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("\nbatch %lld rows; samples/s (bit-exact vs float, same run)\n", static_cast<long long>(bench::Rows()));
  for (const auto& [name, r] : Rates()) {
    double bx = r.count(false) ? r.at(false) : 0, fl = r.count(true) ? r.at(true) : 0;
    std::printf("  %-22s bit-exact %12.0f   float %12.0f   bit-exact/float %.3f\n", name.c_str(), bx, fl,
                fl > 0 ? bx / fl : 0.0);
  }
  return 0;
}
