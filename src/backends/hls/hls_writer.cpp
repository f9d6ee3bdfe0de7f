// The Vitis/Vivado HLS and Catapult HLS project writer (see include/hlsforge/backends/hls_backend.h):
// the entry points, and where the kernel library is read from (through
// util/resource_dir.h). The layers are emitted by the kernel families around
// emitter.h, the files written by project_files.cpp.
#include <cctype>
#include <filesystem>
#include <random>
#include <system_error>

#include <fmt/format.h>

#include "emitter.h"
#include "hlsforge/ir/family.h"
#include "hlsforge/util/resource_dir.h"

namespace hlsforge::backends {

namespace detail {

// The one place the writer asks where the HLS kernel library, the simulation
// headers and fixed_core.h are: util/resource_dir.h (environment overrides,
// else relative to the running binary: installed layout or build tree).
// Throws the lookup's error, which names the places searched.
LibraryPaths HlsLibraryPaths() {
  const fs::path dir = HlsLibraryDir().value();
  return {dir / "kernels", dir / "sim_headers", FixedCoreHeader().value()};
}

}  // namespace detail

using detail::Fail;
using detail::Sanitize;
namespace fs = std::filesystem;

Status CheckHlsGraph(const ir::Graph& g) {
  return CatchStatus([&] {
    HlsOptions o;
    o.backend = ir::FamilyOf(g) == Family::AC ? "catapult" : "vitis";  // the dialect of the model's type family
    o.warn = [](const std::string&) {};
    detail::Emitter gen(g, o);
    gen.Run();
  });
}

Status WriteHlsProject(const ir::Graph& g, const HlsOptions& opt, const std::string& out_dir) {
  return CatchStatus([&] {
    detail::Dialect::Of(opt.backend);  // throws for an unknown backend
    if (opt.project_name.empty() || !(std::isalpha(static_cast<unsigned char>(opt.project_name[0])) || opt.project_name[0] == '_') ||
        Sanitize(opt.project_name) != opt.project_name)
      Fail(fmt::format("project name '{}' is not a C identifier", opt.project_name));
    if (!opt.cpp_namespace.empty() && (std::isdigit(static_cast<unsigned char>(opt.cpp_namespace[0])) || Sanitize(opt.cpp_namespace) != opt.cpp_namespace))
      Fail(fmt::format("namespace '{}' is not a C identifier", opt.cpp_namespace));
    detail::Emitter gen(g, opt);
    gen.Run();
    fs::path dir = fs::absolute(fs::path(out_dir)).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    std::error_code ec;
    const bool exists = fs::exists(dir, ec);
    if (exists && !fs::is_directory(dir)) Fail(fmt::format("output '{}' exists and is not a directory", dir.string()));
    if (exists && !fs::is_empty(dir, ec) && !opt.force)
      Fail(fmt::format("output directory '{}' is not empty (use --force to replace it)", dir.string()));
    fs::path parent = dir.parent_path();
    fs::create_directories(parent, ec);
    if (ec) Fail(fmt::format("cannot create directory '{}': {}", parent.string(), ec.message()));
    std::random_device rd;
    fs::path tmp = parent / fmt::format(".{}.tmp-{:08x}", dir.filename().string(), rd());
    fs::create_directory(tmp, ec);
    if (ec) Fail(fmt::format("cannot create directory in '{}': {}", parent.string(), ec.message()));
    try {
      detail::WriteProjectFiles(gen, opt, tmp);
    } catch (...) {
      fs::remove_all(tmp, ec);
      throw;
    }
    fs::path old;
    if (exists) {
      old = parent / fmt::format(".{}.old-{:08x}", dir.filename().string(), rd());
      fs::rename(dir, old, ec);
      if (ec) { std::error_code e2; fs::remove_all(tmp, e2); Fail(fmt::format("cannot replace '{}': {}", dir.string(), ec.message())); }
    }
    fs::rename(tmp, dir, ec);
    if (ec) {
      std::error_code e2;
      if (!old.empty()) fs::rename(old, dir, e2);
      fs::remove_all(tmp, e2);
      Fail(fmt::format("cannot create '{}': {}", dir.string(), ec.message()));
    }
    if (!old.empty()) fs::remove_all(old, ec);
  });
}

}  // namespace hlsforge::backends

