// CNN figures on conv2d_small_keras (Conv2D 3x3, 8x8x1 -> 8x8x2,
// ReLU, Dense 128 -> 10, softmax) with hls4ml's own config (golden/hls4ml/
// conv2d_small_keras/hls4ml_config_input.yml: ap_fixed<16,6>, accum auto):
//  * predict: throughput of the emulator, bit-exact vs float mode, same batch,
//    same run. Reference: hls4ml's C simulation predicts it at about 6,400
//    samples/s on this machine (golden meta.json). Batch: HLSFORGE_BENCH_ROWS
//    rows (default 100,000) of standard normal float32 values (seed 0).
//  * csim_compile: g++ C-simulation compile time of the generated HLS project
//    (models/onnx/conv2d_small_keras.onnx + that config; WriteHlsProject, then
//    CompileCsim with force_rebuild, time from CsimOptions::compile_seconds),
//    io_parallel and io_stream, as in bench/hls_bench: one compile per
//    benchmark (Iterations(1), g++ is costly on 2 shared cores) in a forked
//    child, so getrusage(RUSAGE_CHILDREN) gives that compile's CPU time and
//    peak RSS. Reference: hls4ml's compile() of this model, about 8.7 s
//    (compile_s_median in its golden meta.json); the summary prints
//    our/reference ratios (wall and CPU: on a loaded machine the wall time
//    includes waiting for a core). While the HLS
//    backend cannot write conv layers, these benchmarks are skipped with the
//    backend's message.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/emu/emulator.h"
#include "predict_timing.h"
#include "hlsforge/flow/flow.h"
#include "test_data.h"

namespace {

using hlsforge::NDArray;

const std::string kDir = hlsforge::test_data::Root() + "/golden/hls4ml/conv2d_small_keras";

std::map<bool, double>& Rates() {
  static std::map<bool, double> r;
  return r;
}

void BM_ConvPredict(benchmark::State& state, bool float_mode) {
  auto g = hlsforge::flow::LoadConfiguredModel(kDir + "/model_clean.onnx", kDir + "/hls4ml_config_input.yml");
  if (!g.ok()) {
    state.SkipWithError(g.status().message().c_str());
    return;
  }
  const NDArray x = bench::NormalBatch(*g);
  if (const double r = bench::TimedPredict(state, *g, x, float_mode); r > 0) Rates()[float_mode] = r;
}

// ---- C-simulation compile time of the generated project ----------------------------

constexpr double kHls4mlCompileSeconds = 8.7;  // hls4ml compile() of conv2d_small_keras
const std::string kOnnx = hlsforge::test_data::Path("models/onnx/conv2d_small_keras.onnx");

struct CompileFigures {
  double write_ms = -1, compile_s = -1, cpu_s = -1, peak_rss_mb = -1;
  std::string skipped;  ///< why there is no figure
};
std::map<std::string, CompileFigures>& Compiles() {
  static std::map<std::string, CompileFigures> c;
  return c;
}

std::filesystem::path ProjectDir(const std::string& io) {
  return std::filesystem::temp_directory_path() / ("hlsforge_conv_bench_" + io);
}

void BM_CsimCompile(benchmark::State& state, hlsforge::ir::IOType io) {
  const std::string tag = io == hlsforge::ir::IOType::Parallel ? "io_parallel" : "io_stream";
  CompileFigures& f = Compiles()[tag];
  auto skip = [&](const std::string& why) {
    f.skipped = why;
    state.SkipWithError(("conv2d_small_keras " + tag + ": " + why).c_str());
  };
  auto g = hlsforge::flow::LoadConfiguredModel(kOnnx, kDir + "/hls4ml_config_input.yml");
  if (!g.ok()) return skip("cannot load the model: " + g.status().message());
  hlsforge::backends::HlsOptions opt;
  opt.force = true;
  opt.io_type = io;
  opt.warn = [](const std::string&) {};  // the golden config's softmax table warnings
  const std::string dir = ProjectDir(tag).string();
  const auto t0 = std::chrono::steady_clock::now();
  hlsforge::Status st = hlsforge::backends::WriteHlsProject(*g, opt, dir);
  f.write_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!st.ok()) {
    const bool unsupported = st.message().find("not supported") != std::string::npos;
    return skip(std::string(unsupported ? "HLS backend does not support this CNN yet: "
                                        : "WriteHlsProject failed: ") + st.message());
  }
  for (auto _ : state) {
    // CompileCsim in a forked child: its RUSAGE_CHILDREN is exactly this compile's.
    int fd[2];
    if (pipe(fd) != 0) return skip("pipe() failed");
    pid_t pid = fork();
    if (pid == 0) {
      close(fd[0]);
      hlsforge::backends::CsimOptions co;
      co.force_rebuild = true;
      double seconds = -1;
      co.compile_seconds = &seconds;
      hlsforge::Status cs = hlsforge::backends::CompileCsim(dir, co);
      rusage ru{};
      getrusage(RUSAGE_CHILDREN, &ru);
      double v[4] = {seconds,
                     ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6,
                     static_cast<double>(ru.ru_maxrss) / 1024.0, cs.ok() ? 1.0 : 0.0};
      if (write(fd[1], v, sizeof v) != sizeof v) _exit(2);
      if (!cs.ok()) std::fprintf(stderr, "%s\n", cs.message().c_str());
      _exit(cs.ok() ? 0 : 1);
    }
    close(fd[1]);
    double v[4] = {-1, -1, -1, 0};
    const bool got = read(fd[0], v, sizeof v) == sizeof v;
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!got || v[3] != 1.0) return skip("g++ compile of the C simulation failed (message above)");
    f.compile_s = v[0];
    f.cpu_s = v[1];
    f.peak_rss_mb = v[2];
    state.SetIterationTime(v[0]);
    state.counters["compile_s"] = v[0];
    state.counters["cpu_s"] = v[1];
    state.counters["peak_rss_MB"] = v[2];
    state.counters["ratio_to_hls4ml"] = v[0] / kHls4mlCompileSeconds;
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (bool fm : {false, true})
    benchmark::RegisterBenchmark(fm ? "conv2d_small_keras/float" : "conv2d_small_keras/bit_exact",
                                 [fm](benchmark::State& s) { BM_ConvPredict(s, fm); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(2.0);
  for (auto io : {hlsforge::ir::IOType::Parallel, hlsforge::ir::IOType::Stream})
    benchmark::RegisterBenchmark(io == hlsforge::ir::IOType::Parallel ? "csim_compile/conv2d_small_keras/io_parallel"
                                                                      : "csim_compile/conv2d_small_keras/io_stream",
                                 [io](benchmark::State& s) { BM_CsimCompile(s, io); })
        ->Unit(benchmark::kSecond)
        ->Iterations(1)
        ->UseManualTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const double bx = Rates().count(false) ? Rates()[false] : 0, fl = Rates().count(true) ? Rates()[true] : 0;
  if (!Rates().empty())
    std::printf("\nbatch %lld rows; conv2d_small_keras samples/s: bit-exact %.0f, float %.0f, bit-exact/float %.3f "
                "(hls4ml C simulation: ~6,400)\n",
                static_cast<long long>(bench::Rows()), bx, fl, fl > 0 ? bx / fl : 0.0);
  if (!Compiles().empty()) {
    std::printf("\nC-simulation compile of the generated conv2d_small_keras project (g++ -O1, from scratch)\n");
    std::printf("%-12s %10s %11s %9s %9s %10s %10s\n", "io type", "write ms", "compile s", "cpu s", "peak MB",
                "wall/ref", "cpu/ref");
    for (const auto& [tag, f] : Compiles()) {
      if (!f.skipped.empty()) {
        std::printf("%-12s SKIPPED: %s\n", tag.c_str(), f.skipped.c_str());
        continue;
      }
      std::printf("%-12s %10.1f %11.2f %9.2f %9.0f %10.2f %10.2f\n", tag.c_str(), f.write_ms, f.compile_s, f.cpu_s,
                  f.peak_rss_mb, f.compile_s / kHls4mlCompileSeconds, f.cpu_s / kHls4mlCompileSeconds);
    }
    std::printf("reference hls4ml compile() of conv2d_small_keras: ~%.1f s\n", kHls4mlCompileSeconds);
  }
  return 0;
}
