// Writing a whole output directory atomically: the files go to a fresh
// temporary sibling, which then replaces the target (so a failed run never
// leaves a half-written project behind).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "hlsforge/util/status.h"

namespace hlsforge {

/// Calls fill(tmp) on a new empty directory next to `dir`, then renames it
/// to `dir` (replacing an existing `dir` when `force`). fill may throw
/// hlsforge::Error; the temporary directory is removed then. Errors: `dir`
/// exists and is not a directory, is not empty without `force`, or cannot
/// be created or replaced (names the path and the OS reason).
Status WriteDirAtomically(const std::string& dir, bool force,
                          const std::function<void(const std::filesystem::path&)>& fill);

}  // namespace hlsforge
