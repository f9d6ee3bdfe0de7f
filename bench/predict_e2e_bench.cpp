// Whole-process `hlsforge predict` against the in-process emulator, same run,
// same machine load: the cost of reading, converting and writing the arrays.
//   * model: the jet tagger KERAS_3layer (16-64-32-32-5, Keras JSON + HDF5),
//     default config (what `predict` uses without -c);
//   * input: HLSFORGE_BENCH_ROWS rows (default 1,000,000) of standard normal
//     float32 values (seed 0), written as a float32 .npy;
//   * in-process rate: emu::Predict over the batch already in memory
//     (samples / seconds around Predict only), best of HLSFORGE_BENCH_REPS
//     (default 3);
//   * whole-process rate: samples / wall seconds of `hlsforge predict MODEL
//     -i X.npy -o Y.npy` (process start, model load, input, output included),
//     best of the same number of runs; its output is compared byte for byte
//     with WriteNpy of the in-process prediction;
//   * peak memory: the maximum resident set size (`/usr/bin/time -v`) of
//     one whole-process predict of
//     HLSFORGE_BENCH_BIG_ROWS rows (default 20,000,000; 0 skips it).
// Prints both rates, their ratio (target >= 0.7) and the peak RSS (target
// < 1 GB). Not a Google Benchmark fixture: each figure is one process run.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/util/npy_stream.h"
#include "test_data.h"

namespace {

namespace fs = std::filesystem;
using hlsforge::NDArray;
using Clock = std::chrono::steady_clock;

int64_t EnvInt(const char* name, int64_t def) {
  const char* e = std::getenv(name);
  return e ? std::max<int64_t>(0, std::atoll(e)) : def;
}

struct ChildRun {
  int status = -1;
  double seconds = 0;
  long max_rss_kb = 0;
};

/// Runs argv as a child process (stderr to `err_path` if given); wall time
/// and wait4's peak RSS (kB). That peak includes the memory the child shared
/// with this process before exec, so the big run's figure comes from
/// /usr/bin/time, which forks from its own small image.
ChildRun Spawn(const std::vector<std::string>& args, const std::string& err_path = "") {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ChildRun r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!err_path.empty())
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const auto t0 = Clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return r;
  int st = 0;
  struct rusage ru {};
  if (wait4(pid, &st, 0, &ru) < 0) return r;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.max_rss_kb = ru.ru_maxrss;
  return r;
}

/// [rows, 16] standard normal float32 values (seed `seed`), as doubles.
NDArray Normal(int64_t rows, int64_t cols, uint64_t seed) {
  NDArray x;
  x.shape = {rows, cols};
  x.data.resize(static_cast<size_t>(rows * cols));
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  for (double& v : x.data) v = normal(rng);
  return x;
}

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "predict_e2e_bench: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main() {
  const int64_t rows = EnvInt("HLSFORGE_BENCH_ROWS", 1000000);
  const int64_t big_rows = EnvInt("HLSFORGE_BENCH_BIG_ROWS", 20000000);
  const int reps = static_cast<int>(std::max<int64_t>(1, EnvInt("HLSFORGE_BENCH_REPS", 3)));
  const std::string model = hlsforge::test_data::Path("models/keras/KERAS_3layer.json");
  const std::string exe = (fs::read_symlink("/proc/self/exe").parent_path() / "hlsforge").string();
  if (!fs::exists(exe)) return Fail(exe + " not found (build the hlsforge target)");
  auto g = hlsforge::flow::LoadConfiguredModel(model, "");
  if (!g.ok()) return Fail(g.status().message());
  const int64_t cols = hlsforge::NDArray{g->tensor(g->inputs.at(0)).shape, {}}.size();

  const fs::path dir = fs::temp_directory_path() / ("hlsforge_e2e_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
  } cleanup{dir};

  const NDArray x = Normal(rows, cols, 0);
  const std::string x_path = (dir / "x.npy").string(), y_path = (dir / "y.npy").string();
  if (auto s = hlsforge::WriteNpy(x_path, x, true); !s.ok()) return Fail(s.message());

  double emu_best = 1e30;
  NDArray y_ref;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = Clock::now();
    auto y = hlsforge::emu::Predict(*g, x, {});
    emu_best = std::min(emu_best, std::chrono::duration<double>(Clock::now() - t0).count());
    if (!y.ok()) return Fail(y.status().message());
    y_ref = std::move(*y);
  }
  const std::string ref_path = (dir / "ref.npy").string();
  if (auto s = hlsforge::WriteNpy(ref_path, y_ref, false); !s.ok()) return Fail(s.message());

  double cli_best = 1e30;
  for (int i = 0; i < reps; ++i) {
    ChildRun r = Spawn({exe, "predict", model, "-i", x_path, "-o", y_path});
    if (r.status != 0) return Fail("hlsforge predict failed (status " + std::to_string(r.status) + ")");
    cli_best = std::min(cli_best, r.seconds);
  }
  const bool identical = Slurp(y_path) == Slurp(ref_path);

  const double emu_rate = static_cast<double>(rows) / emu_best, cli_rate = static_cast<double>(rows) / cli_best;
  std::printf("jet tagger KERAS_3layer, %lld rows, best of %d\n", static_cast<long long>(rows), reps);
  std::printf("  in-process emu::Predict   %8.3f s  %12.0f samples/s\n", emu_best, emu_rate);
  std::printf("  whole-process predict     %8.3f s  %12.0f samples/s\n", cli_best, cli_rate);
  std::printf("  whole-process / in-process  %.3f   (target >= 0.7)\n", cli_rate / emu_rate);
  std::printf("  output identical to WriteNpy(emu::Predict): %s\n", identical ? "yes" : "NO");
  if (!identical) return 1;

  if (big_rows > 0) {
    // Written in chunks (the bench itself stays small too).
    const std::string big_in = (dir / "big.npy").string(), big_out = (dir / "big_y.npy").string();
    {
      hlsforge::NpyWriter w;
      if (auto s = w.Open(big_in, {big_rows, cols}, true); !s.ok()) return Fail(s.message());
      const int64_t chunk = 1000000;
      for (int64_t r = 0; r < big_rows; r += chunk) {
        const NDArray part = Normal(std::min(chunk, big_rows - r), cols, static_cast<uint64_t>(r) + 1);
        if (auto s = w.Append(part.data.data(), part.size()); !s.ok()) return Fail(s.message());
      }
      if (auto s = w.Finish(); !s.ok()) return Fail(s.message());
    }
    const bool have_time = fs::exists("/usr/bin/time");
    std::vector<std::string> cmd = {exe, "predict", model, "-i", big_in, "-o", big_out};
    if (have_time) cmd.insert(cmd.begin(), {"/usr/bin/time", "-v"});
    const std::string err = (dir / "time.txt").string();
    ChildRun r = Spawn(cmd, err);
    if (r.status != 0) return Fail("hlsforge predict of the big input failed:\n" + Slurp(err));
    long rss_kb = r.max_rss_kb;
    const std::string key = "Maximum resident set size (kbytes):";
    if (const std::string t = Slurp(err); have_time && t.find(key) != std::string::npos)
      rss_kb = std::atol(t.c_str() + t.find(key) + key.size());
    std::printf("  %lld rows (%.0f MB in, %.0f MB out): %.2f s, %.0f samples/s, peak RSS %.1f MB (target < 1024)%s\n",
                static_cast<long long>(big_rows), fs::file_size(big_in) / 1048576.0,
                fs::file_size(big_out) / 1048576.0, r.seconds, static_cast<double>(big_rows) / r.seconds,
                static_cast<double>(rss_kb) / 1024.0,
                have_time ? " [/usr/bin/time -v]" : " [wait4: includes this bench's memory]");
  }
  return 0;
}
