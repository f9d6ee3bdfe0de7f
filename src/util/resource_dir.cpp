#include "hlsforge/util/resource_dir.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace hlsforge {
namespace {

namespace fs = std::filesystem;

// Written by CMake into the build directory (beside the hlsforge binary and
// the test programs), never installed: its one line is the source tree.
constexpr const char* kBuildTreeMarker = "hlsforge_source_dir.txt";

struct Resources {
  fs::path hls_dir;     // holds kernels/ and sim_headers/
  fs::path fixed_core;  // fixed_core.h
};

Resources Installed(const fs::path& data_dir) {
  return {data_dir / "hls", data_dir / "hls" / "sim_headers" / "hlsforge_fixed_core.h"};
}

Resources SourceTree(const fs::path& src) {
  return {src / "src" / "backends" / "hls", src / "include" / "hlsforge" / "fixed" / "fixed_core.h"};
}

bool HasKernels(const Resources& r) {
  std::error_code ec;
  return fs::is_directory(r.hls_dir / "kernels", ec);
}

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

StatusOr<Resources> Locate() {
  if (const char* d = Env("HLSFORGE_DATA_DIR")) {
    if (!HasKernels(Installed(d)))
      return Status::Fail(fmt::format("HLSFORGE_DATA_DIR='{}' has no hls/kernels/ directory (expected an installed "
                                      "<prefix>/share/hlsforge)", d));
    return Installed(d);
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    return Status::Fail(fmt::format("cannot locate the HLS kernel library: reading /proc/self/exe failed ({}); set "
                                    "HLSFORGE_DATA_DIR to <prefix>/share/hlsforge", ec.message()));
  const fs::path exe_dir = exe.parent_path();
  const fs::path data_dir = exe_dir.parent_path() / "share" / "hlsforge";
  if (HasKernels(Installed(data_dir))) return Installed(data_dir);

  const fs::path marker = exe_dir / kBuildTreeMarker;
  std::ifstream f(marker);
  std::string src;
  if (f && std::getline(f, src) && !src.empty()) {
    if (HasKernels(SourceTree(src))) return SourceTree(src);
    return Status::Fail(fmt::format("{}: names the source tree '{}', which has no src/backends/hls/kernels/",
                                    marker.string(), src));
  }
  return Status::Fail(fmt::format("HLS kernel library not found: neither '{}' (installed layout) nor '{}' (build "
                                  "tree) exists; install with 'cmake --install' or set HLSFORGE_DATA_DIR",
                                  (data_dir / "hls" / "kernels").string(), marker.string()));
}

}  // namespace

StatusOr<fs::path> HlsLibraryDir() {
  if (const char* e = Env("HLSFORGE_HLS_DIR")) return fs::path(e);
  auto r = Locate();
  if (!r.ok()) return r.status();
  return r->hls_dir;
}

StatusOr<fs::path> FixedCoreHeader() {
  if (const char* e = Env("HLSFORGE_FIXED_CORE")) return fs::path(e);
  auto r = Locate();
  if (!r.ok()) return r.status();
  return r->fixed_core;
}

}  // namespace hlsforge
