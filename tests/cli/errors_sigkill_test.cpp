// No half-written output even when killed: `hlsforge convert` of a large
// model (TFC_2W2A, 784-64-64-64-10: the biggest weight headers of the
// bundled models) is sent SIGKILL at delays spread over its run time; after
// each kill the output directory is either absent or complete (the same
// files with the same bytes as an uninterrupted run), because the project
// is written into a temporary directory that is renamed into place.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "cli_test_util.h"

extern char** environ;

namespace hlsforge::cli_test {
namespace {

namespace fs = std::filesystem;

/// Relative path -> bytes of every regular file under `dir`.
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = Slurp(e.path().string());
  return out;
}

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

TEST(SigkillDuringConvert, OutputIsCompleteOrAbsent) {
  TempDir t("sigkill");
  const std::string model = Source("examples/models/TFC_2W2A.onnx");
  const std::string bin = HLSFORGE_BINARY;
  // Reference run, timed.
  const auto t0 = std::chrono::steady_clock::now();
  RunResult ref = RunCli({"convert", model, "-o", t / "ref"});
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(ref.status, 0) << ref.err;
  const auto want = Tree(t / "ref");
  ASSERT_GE(want.size(), 5u);

  int absent = 0, complete = 0;
  constexpr int kKills = 12;
  for (int k = 0; k < kKills; ++k) {
    const std::string out = t / ("out" + std::to_string(k));
    pid_t pid = Spawn({bin, "convert", model, "-o", out});
    ASSERT_GT(pid, 0);
    // Delays from 5% to 115% of a full run: early kills, kills while the
    // files are written, and kills around the rename.
    std::this_thread::sleep_for(std::chrono::duration<double>(run_s * (0.05 + 0.1 * k)));
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    SCOPED_TRACE("kill " + std::to_string(k) + (WIFSIGNALED(st) ? " (killed)" : " (had exited)"));
    if (!fs::exists(out)) {
      ++absent;
      continue;
    }
    ++complete;
    EXPECT_EQ(Tree(out), want) << out << " is neither absent nor complete";
  }
  std::printf("SIGKILL during convert (%.2f s per run): %d kills left no output, %d a complete project\n", run_s, absent,
              complete);
  EXPECT_EQ(absent + complete, kKills);
}

}  // namespace
}  // namespace hlsforge::cli_test
