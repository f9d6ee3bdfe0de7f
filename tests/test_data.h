// Where the tests find their data. Paths are given in the layout of the full
// test corpus (`golden/hls4ml/<model>/...`, `golden/keras/...`,
// `models/{onnx,qonnx,keras}/...`, `golden/{ap,ac}_fixed/vectors.txt`,
// `data/mnist/...`), which lives in `../shared` beside the source tree.
//
//  * With the full corpus present (CI, developers), every test reads it.
//  * A clone on its own reads `tests/data/`, a subset of the corpus in the
//    same layout (see tests/data/PROVENANCE.md); the bundled `examples/`
//    copies stand in for the TFC models and MNIST. A test whose files are in
//    neither skips with a one-line reason (HLSFORGE_REQUIRE_DATA), it never
//    fails for a missing corpus.
//  * The environment variable HLSFORGE_SHARED_DIR, read at run time,
//    replaces the corpus directory; a directory that does not exist runs the
//    suite exactly as a clone without `../shared` does.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace hlsforge::test_data {

/// The full corpus directory: $HLSFORGE_SHARED_DIR if set, else ../shared
/// beside the source tree. It may not exist.
inline std::string SharedDir() {
  const char* e = std::getenv("HLSFORGE_SHARED_DIR");
  return e ? std::string(e) : std::string(HLSFORGE_DEFAULT_SHARED_DIR);
}

/// The subset bundled with the repository (tests/data/), same layout.
inline std::string BundledDir() { return std::string(HLSFORGE_SOURCE_DIR) + "/tests/data"; }

/// Directory to which corpus-relative paths are appended: the full corpus if
/// present, else tests/data/. Files missing from tests/data/ are caught by
/// HLSFORGE_REQUIRE_DATA in the tests that read them.
inline std::string Root() {
  static const std::string root = [] {
    std::error_code ec;
    const std::string shared = SharedDir();
    return std::filesystem::is_directory(shared, ec) ? shared : BundledDir();
  }();
  return root;
}

/// Where the file `rel` (corpus layout) is: under Root(), else, for the files
/// the repository bundles in examples/ (the TFC models, MNIST), there; "" if
/// nowhere.
inline std::string Find(const std::string& rel) {
  std::error_code ec;
  const std::string p = Root() + "/" + rel;
  if (std::filesystem::exists(p, ec)) return p;
  const std::string src = HLSFORGE_SOURCE_DIR;
  for (const char* stem : {"models/qonnx/TFC_1W1A.onnx", "models/qonnx/TFC_2W2A.onnx"})
    if (rel == stem) return src + "/examples/models/" + rel.substr(rel.rfind('/') + 1);
  if (rel.rfind("data/mnist/", 0) == 0) {
    const std::string e = src + "/examples/" + rel;
    if (std::filesystem::exists(e, ec)) return e;
  }
  return "";
}

/// Find(rel), or Root()/rel when it is nowhere (reading it then fails with
/// a message naming the file).
inline std::string Path(const std::string& rel) {
  const std::string f = Find(rel);
  return f.empty() ? Root() + "/" + rel : f;
}

}  // namespace hlsforge::test_data

/// Skips the current test (one line in the log) when the corpus file `rel`
/// is not available: a clone without ../shared lacks the large files.
#define HLSFORGE_REQUIRE_DATA(rel)                                                                        \
  do {                                                                                                    \
    if (::hlsforge::test_data::Find(rel).empty())                                                         \
      GTEST_SKIP() << "needs " << (rel) << " of the full test corpus (../shared), not bundled in tests/data"; \
  } while (0)
