#include "hlsforge/util/atomic_dir.h"

#include <random>

namespace hlsforge {

namespace fs = std::filesystem;

Status WriteDirAtomically(const std::string& out_dir, bool force, const std::function<void(const fs::path&)>& fill) {
  return CatchStatus([&] {
    fs::path dir = fs::absolute(fs::path(out_dir)).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    std::error_code ec;
    const bool exists = fs::exists(dir, ec);
    if (exists && !fs::is_directory(dir)) throw Error("output '" + dir.string() + "' exists and is not a directory");
    if (exists && !fs::is_empty(dir, ec) && !force)
      throw Error("output directory '" + dir.string() + "' is not empty (use --force to replace it)");
    const fs::path parent = dir.parent_path();
    fs::create_directories(parent, ec);
    if (ec) throw Error("cannot create directory '" + parent.string() + "': " + ec.message());
    std::random_device rd;
    auto sibling = [&](const char* what) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
      return parent / ("." + dir.filename().string() + what + buf);
    };
    const fs::path tmp = sibling(".tmp-");
    fs::create_directory(tmp, ec);
    if (ec) throw Error("cannot create directory in '" + parent.string() + "': " + ec.message());
    try {
      fill(tmp);
    } catch (...) {
      fs::remove_all(tmp, ec);
      throw;
    }
    fs::path old;
    if (exists) {
      old = sibling(".old-");
      fs::rename(dir, old, ec);
      if (ec) {
        std::error_code e2;
        fs::remove_all(tmp, e2);
        throw Error("cannot replace '" + dir.string() + "': " + ec.message());
      }
    }
    fs::rename(tmp, dir, ec);
    if (ec) {
      std::error_code e2;
      if (!old.empty()) fs::rename(old, dir, e2);
      fs::remove_all(tmp, e2);
      throw Error("cannot create '" + dir.string() + "': " + ec.message());
    }
    if (!old.empty()) fs::remove_all(old, ec);
  });
}

}  // namespace hlsforge
