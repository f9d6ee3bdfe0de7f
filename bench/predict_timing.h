// Shared by the predict benchmarks: a fixed batch of standard normal inputs and
// the timed emu::Predict loop (seconds measured around Predict only).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>

#include "hlsforge/emu/emulator.h"

namespace bench {

/// Batch rows: HLSFORGE_BENCH_ROWS (default 100,000).
inline int64_t Rows() {
  const char* env = std::getenv("HLSFORGE_BENCH_ROWS");
  return env ? std::max<int64_t>(1, std::atoll(env)) : 100000;
}

/// [Rows(), input shape...] standard normal float32 values (seed 0), as
/// hls4ml's testbench reads floats.
inline hlsforge::NDArray NormalBatch(const hlsforge::ir::Graph& g) {
  const auto& in = g.tensor(g.inputs.at(0));
  hlsforge::NDArray x;
  x.shape = {Rows()};
  x.shape.insert(x.shape.end(), in.shape.begin(), in.shape.end());
  x.data.resize(static_cast<size_t>(x.size()));
  std::mt19937_64 rng(0);
  std::normal_distribution<float> normal;
  for (double& v : x.data) v = normal(rng);
  return x;
}

/// Runs Predict(g, x) once per benchmark iteration; sets the samples/s counter
/// and returns samples/s over the time spent in Predict (0 on error, reported
/// through SkipWithError).
inline double TimedPredict(benchmark::State& state, const hlsforge::ir::Graph& g, const hlsforge::NDArray& x,
                           bool float_mode) {
  hlsforge::emu::Options opt;
  opt.float_mode = float_mode;
  double seconds = 0;
  int64_t samples = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto y = hlsforge::emu::Predict(g, x, opt);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!y.ok()) {
      state.SkipWithError(y.status().message().c_str());
      return 0;
    }
    benchmark::DoNotOptimize(y->data.data());
    samples += x.rows();
  }
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
  return seconds > 0 ? static_cast<double>(samples) / seconds : 0;
}

}  // namespace bench
