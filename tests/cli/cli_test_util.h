// Runs the built hlsforge CLI (HLSFORGE_BINARY) or another program and captures its results.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_data.h"

namespace hlsforge::cli_test {

struct RunResult {
  int status = -1;  ///< exit status (-1: killed by a signal)
  std::string out, err;
};

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string Slurp(const std::string& path) {
  std::stringstream ss;
  ss << std::ifstream(path, std::ios::binary).rdbuf();
  return ss.str();
}

/// A scratch directory removed at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("hlsforge_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::error_code ec; std::filesystem::remove_all(path_, ec); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }
 private:
  static int& counter() { static int c = 0; return c; }
  std::filesystem::path path_;
};

/// Runs `program <args...>` in the directory `cwd` (empty: the current one);
/// stdout and stderr are captured separately.
inline RunResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                            const std::string& cwd = "") {
  TempDir tmp("run");
  std::string cmd = cwd.empty() ? std::string() : std::string("cd ").append(Quote(cwd)).append(" && ");
  cmd.append(Quote(program));
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + string temporaries.
  for (const auto& a : args) cmd.append(" ").append(Quote(a));
  cmd.append(" >").append(Quote(tmp / "out")).append(" 2>").append(Quote(tmp / "err")).append(" </dev/null");
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = Slurp(tmp / "out");
  r.err = Slurp(tmp / "err");
  return r;
}

/// Runs the built `hlsforge <args...>` (HLSFORGE_BINARY).
inline RunResult RunCli(const std::vector<std::string>& args) { return RunProgram(HLSFORGE_BINARY, args); }

inline std::string Shared(const std::string& rel) { return test_data::Path(rel); }
inline std::string Source(const std::string& rel) { return std::string(HLSFORGE_SOURCE_DIR) + "/" + rel; }

}  // namespace hlsforge::cli_test
