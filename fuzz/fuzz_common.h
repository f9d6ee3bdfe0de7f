// Shared helpers of the libFuzzer harnesses in fuzz/: most frontends read a
// path, so a harness writes the input bytes to a file in a private
// per-process directory and calls the same entry point the CLI calls.
// Every harness accepts any result (a model or a Status); a crash, a
// sanitizer report, a leak, a timeout or an out-of-memory is the finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace hlsforge::fuzz {

/// A directory private to this process (under $TMPDIR, else /tmp), created
/// on first use and removed at exit.
inline const std::string& ScratchDir() {
  // Never destroyed: the atexit handler runs after static destructors.
  static const std::string* dir = [] {
    const char* base = std::getenv("TMPDIR");
    auto* d = new std::string(std::string(base && *base ? base : "/tmp") + "/hlsforge-fuzz-" +
                              std::to_string(getpid()));
    std::filesystem::create_directories(*d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return d;
  }();
  return *dir;
}

/// Writes `size` bytes to ScratchDir()/name and returns the path (aborts if
/// the file cannot be written: that is a harness fault, not a finding).
inline std::string WriteInput(const std::string& name, const uint8_t* data, size_t size) {
  std::string path = ScratchDir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) std::abort();
  return path;
}

#ifndef HLSFORGE_FUZZ_SOURCE_DIR
#define HLSFORGE_FUZZ_SOURCE_DIR HLSFORGE_SOURCE_DIR  // the tests' definition
#endif

/// A file of the source tree (seed models the harness pairs the input with).
inline std::string SourceFile(const std::string& rel) {
  const char* env = std::getenv("HLSFORGE_SOURCE_DIR");
  return std::string(env && *env ? env : HLSFORGE_FUZZ_SOURCE_DIR) + "/" + rel;
}

}  // namespace hlsforge::fuzz
