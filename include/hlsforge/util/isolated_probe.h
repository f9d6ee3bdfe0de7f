// Running a risky read once in a child process before running it in this
// one. Some libraries we read untrusted files with cannot be protected from
// their input by validating it first: libhdf5 parses object headers itself,
// and a corrupt header can make it read out of bounds or crash (found by
// fuzzing, HDF5 1.10 as packaged by Debian). Such a fault must become a
// clean error, never a crash of hlsforge (docs/ERRORS.md).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace hlsforge {

/// Runs `probe` in a forked child process whose stdout/stderr go to
/// /dev/null and whose crash handlers are reset to the default action (a
/// sanitizer's death callback too, so that a fuzzer does not record the
/// child's fault as its own finding), and waits for it. The child's result is discarded: the probe
/// only asks whether the same deterministic work can run to completion
/// without the process dying. Returns nullopt when the child exited with
/// status 0 (the caller then does the work itself), or when isolation is
/// unavailable (fork failed) or disabled (environment variable
/// HLSFORGE_ISOLATE=0, for debugging the library fault in process);
/// otherwise a description of how the child ended, e.g. "killed by signal
/// 11 (Segmentation fault)" or "exited with status 1" (a sanitizer report).
/// `probe` must not rely on threads of the parent (only the calling thread
/// exists in the child) and should catch its own exceptions.
std::optional<std::string> ProbeInChildProcess(const std::function<void()>& probe);

}  // namespace hlsforge
