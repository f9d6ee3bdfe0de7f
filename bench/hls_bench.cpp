// HLS backend figures:
//   convert       LoadConfiguredModel (ONNX + config + passes) and
//                 WriteHlsProject, for the jet tagger (golden three_layer_keras),
//                 golden dense_big_keras (model_clean.onnx +
//                 hls4ml_config_input.yml) and a generated 1,000,000-weight MLP
//                 (1000 -> 1000 -> 10, Resource, reuse factor 1000; required < 2 s)
//   csim compile  CompileCsim (g++ -O1, one translation unit, hlsforge's
//                 simulation headers) from scratch: wall time, CPU time (user +
//                 sys) and peak RSS of g++, measured with getrusage(RUSAGE_CHILDREN)
//                 in a forked process per compile, so each peak is that compile's.
// Reference hls4ml compile(): ~10 s (jet tagger), ~11 s (dense_big_keras) on
// this kind of machine; the table prints our/reference ratios (wall and CPU:
// on a loaded shared machine the wall time includes waiting for a core).
// Compiles are single runs (Iterations(1)): g++ is costly on 2 shared cores.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/flow/flow.h"
#include "test_data.h"

namespace fs = std::filesystem;
using namespace hlsforge;

namespace {

const std::string kGolden = hlsforge::test_data::Root() + "/golden/hls4ml/";

StatusOr<ir::Graph> LoadGolden(const std::string& model) {
  const std::string dir = kGolden + model;
  return flow::LoadConfiguredModel(dir + "/model_clean.onnx", dir + "/hls4ml_config_input.yml");
}

// 1000 -> 1000 -> 10 MLP with resolved precisions: 1,010,000 weights.
ir::Graph BigMlp() {
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-1, 1);
  ir::Graph g;
  g.name = "mlp_1m";
  auto tensor = [&](const std::string& n, int64_t size, FixedType t) {
    ir::Tensor x;
    x.name = n;
    x.shape = {size};
    x.type = t;
    g.tensors[n] = x;
  };
  ir::Layer in;
  in.name = "input_1";
  in.output = "input_1";
  g.layers.push_back(in);
  tensor("input_1", 1000, FixedType(16, 6));
  g.inputs = {"input_1"};
  std::string cur = "input_1";
  int n = 1000;
  for (int d = 0; d < 2; ++d) {
    const int n_out = d == 0 ? 1000 : 10;
    ir::Layer l;
    l.name = "dense_" + std::to_string(d);
    l.kind = ir::LayerKind::Dense;
    l.inputs = {cur};
    l.output = l.name + "_out";
    ir::Param w, b;
    w.shape = {n, n_out};
    w.values.resize(static_cast<size_t>(n) * n_out);
    for (auto& v : w.values) v = u(rng);
    w.type = FixedType(8, 1);
    b.shape = {n_out};
    b.values.resize(n_out);
    for (auto& v : b.values) v = u(rng);
    b.type = FixedType(8, 3);
    l.params["weight"] = w;
    l.params["bias"] = b;
    l.config.precision["accum"].type = FixedType(32, 16);
    l.config.strategy = ir::Strategy::Resource;
    l.config.reuse_factor = 1000;
    g.layers.push_back(l);
    tensor(l.output, n_out, FixedType(16, 6));
    cur = l.output;
    n = n_out;
  }
  g.outputs = {cur};
  return g;
}

struct Figures {
  double load_ms = -1, write_ms = -1;
  double compile_wall = -1, compile_cpu = -1, peak_rss_mb = -1;
  bool txt = false;
  std::string error;
};
std::map<std::string, Figures> g_fig;
std::map<std::string, ir::Graph> g_graph;

fs::path Dir(const std::string& tag) { return fs::temp_directory_path() / ("hlsforge_bench_" + tag); }

void Load(benchmark::State& state, const std::string& tag, const std::string& model) {
  for (auto _ : state) {
    auto g = LoadGolden(model);
    if (!g.ok()) { state.SkipWithError(g.status().message().c_str()); return; }
    g_graph[tag] = std::move(g).value();
  }
}

void Write(benchmark::State& state, const std::string& tag) {
  if (!g_graph.count(tag)) { state.SkipWithError("model not loaded"); return; }
  backends::HlsOptions opt;
  opt.force = true;
  opt.warn = [](const std::string&) {};
  for (auto _ : state) {
    Status st = backends::WriteHlsProject(g_graph[tag], opt, Dir(tag).string());
    if (!st.ok()) { state.SkipWithError(st.message().c_str()); return; }
  }
}

// CompileCsim in a forked child: its RUSAGE_CHILDREN is exactly this compile's.
void Compile(benchmark::State& state, const std::string& tag) {
  if (!fs::exists(Dir(tag) / "hlsforge_project.json")) { state.SkipWithError("project not written"); return; }
  for (auto _ : state) {
    int fd[2];
    if (pipe(fd) != 0) { state.SkipWithError("pipe"); return; }
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      close(fd[0]);
      backends::CsimOptions co;
      co.force_rebuild = true;
      Status st = backends::CompileCsim(Dir(tag).string(), co);
      rusage ru{};
      getrusage(RUSAGE_CHILDREN, &ru);
      double v[3] = {ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6,
                     static_cast<double>(ru.ru_maxrss) / 1024.0, st.ok() ? 1.0 : 0.0};
      if (write(fd[1], v, sizeof v) != sizeof v) _exit(2);
      if (!st.ok()) std::fprintf(stderr, "%s\n", st.message().c_str());
      _exit(st.ok() ? 0 : 1);
    }
    close(fd[1]);
    double v[3] = {-1, -1, 0};
    const bool got = read(fd[0], v, sizeof v) == sizeof v;
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!got || v[2] != 1.0) { state.SkipWithError("compile failed"); return; }
    auto& f = g_fig[tag];
    f.compile_wall = wall;
    f.compile_cpu = v[0];
    f.peak_rss_mb = v[1];
    state.SetIterationTime(wall);
    state.counters["cpu_s"] = v[0];
    state.counters["peak_rss_MB"] = v[1];
  }
}

// Custom timing of the whole convert (load + write) for the summary table.
void TimeConvert(const std::string& tag, const std::string& model) {
  auto& f = g_fig[tag];
  const auto t0 = std::chrono::steady_clock::now();
  if (!model.empty()) {
    auto g = LoadGolden(model);
    if (!g.ok()) { f.error = g.status().message(); return; }
    g_graph[tag] = std::move(g).value();
  } else {
    g_graph[tag] = BigMlp();
  }
  const auto t1 = std::chrono::steady_clock::now();
  backends::HlsOptions opt;
  opt.force = true;
  opt.warn = [](const std::string&) {};
  Status st = backends::WriteHlsProject(g_graph[tag], opt, Dir(tag).string());
  const auto t2 = std::chrono::steady_clock::now();
  if (!st.ok()) { f.error = st.message(); return; }
  f.load_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  f.write_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::pair<std::string, std::string> models[] = {
      {"three_layer_keras", "three_layer_keras"}, {"dense_big_keras", "dense_big_keras"}, {"mlp_1M_weights", ""}};
  for (const auto& [tag, model] : models) TimeConvert(tag, model);
  for (const auto& [tag, model] : models) {
    if (!model.empty())
      benchmark::RegisterBenchmark(("convert_load/" + tag).c_str(), [tag = tag, model = model](benchmark::State& s) { Load(s, tag, model); })
          ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("convert_write/" + tag).c_str(), [tag = tag](benchmark::State& s) { Write(s, tag); })
        ->Unit(benchmark::kMillisecond)->Iterations(model.empty() ? 3 : 10);
  }
  for (const auto& [tag, model] : models)
    benchmark::RegisterBenchmark(("csim_compile/" + tag).c_str(), [tag = tag](benchmark::State& s) { Compile(s, tag); })
        ->Unit(benchmark::kSecond)->Iterations(1)->UseManualTime();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();

  const std::map<std::string, double> ref = {{"three_layer_keras", 10.0}, {"dense_big_keras", 11.0}};
  std::printf("\nHLS backend summary (convert = load ONNX + config + passes, then write the project; "
              "compile = g++ -O1 of the C simulation)\n");
  std::printf("%-18s %10s %10s %11s %12s %11s %11s %12s %12s\n", "model", "load ms", "write ms", "convert s",
              "compile s", "cpu s", "peak MB", "wall/ref", "cpu/ref");
  for (const auto& [tag, model] : models) {
    const auto& f = g_fig[tag];
    if (!f.error.empty()) { std::printf("%-18s ERROR %s\n", tag.c_str(), f.error.c_str()); continue; }
    char r1[32] = "-", r2[32] = "-";
    if (ref.count(tag) && f.compile_wall > 0) {
      std::snprintf(r1, sizeof r1, "%.2f", f.compile_wall / ref.at(tag));
      std::snprintf(r2, sizeof r2, "%.2f", f.compile_cpu / ref.at(tag));
    }
    std::printf("%-18s %10.1f %10.1f %11.3f %12.2f %11.2f %11.0f %12s %12s\n", tag.c_str(), f.load_ms, f.write_ms,
                (f.load_ms + f.write_ms) / 1000.0, f.compile_wall, f.compile_cpu, f.peak_rss_mb, r1, r2);
  }
  std::printf("reference hls4ml compile(): three_layer_keras ~10 s, dense_big_keras ~11 s\n");
  return 0;
}
