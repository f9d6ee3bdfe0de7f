// `cmake --install` of this build into a temporary prefix, then the installed
// program used as a user would: from another directory, with no lookup
// variable set, after the installed tree was moved to another prefix.
//  * the layout: P/bin/hlsforge, P/lib/libhlsforge.a, P/include/hlsforge/**,
//    P/share/hlsforge/hls/{kernels,sim_headers}/ (hlsforge_fixed_core.h being
//    include/hlsforge/fixed/fixed_core.h), and no build-tree marker;
//  * `convert` copies the kernel library and simulation headers from the
//    prefix (the installed copies are marked, the marks must reach the
//    project), `csim` of that project equals `predict` on MNIST images;
//  * the binary copied alone (no share/ beside it) fails with a clear
//    message instead of finding the source tree: no source path is compiled in.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/cli_test_util.h"
#include "hlsforge/util/mnist.h"
#include "hlsforge/util/ndarray.h"
#include "test_data.h"

namespace hlsforge::cli_test {
namespace {

namespace fs = std::filesystem;

class Installed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // What a user's shell has: none of the lookup overrides.
    for (const char* v : {"HLSFORGE_HLS_DIR", "HLSFORGE_FIXED_CORE", "HLSFORGE_DATA_DIR"}) ::unsetenv(v);
    tmp_ = std::make_unique<TempDir>("install");
    const std::string first = *tmp_ / "prefix";
    install_ = RunProgram(HLSFORGE_CMAKE, {"--install", HLSFORGE_BUILD_DIR, "--prefix", first});
    // Moved after installation: lookups must be relative to the binary.
    prefix_ = *tmp_ / "moved_prefix";
    std::error_code ec;
    if (install_.status == 0) fs::rename(first, prefix_, ec);
    if (ec) install_.status = 1, install_.err = "rename: " + ec.message();
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override { ASSERT_EQ(install_.status, 0) << install_.out << install_.err; }

  static std::string P(const std::string& rel) { return prefix_ + "/" + rel; }

  static std::unique_ptr<TempDir> tmp_;
  static RunResult install_;
  static std::string prefix_;
};
std::unique_ptr<TempDir> Installed::tmp_;
RunResult Installed::install_;
std::string Installed::prefix_;

TEST_F(Installed, StandardLayout) {
  for (const char* rel : {"bin/hlsforge", "lib/libhlsforge.a", "include/hlsforge/fixed/fixed_core.h",
                          "include/hlsforge/backends/hls_backend.h", "include/hlsforge/util/resource_dir.h",
                          "share/hlsforge/hls/kernels/nnet_all.h", "share/hlsforge/hls/kernels/dense.h",
                          "share/hlsforge/hls/sim_headers/ap_fixed.h", "share/hlsforge/hls/sim_headers/hls_stream.h",
                          "share/hlsforge/hls/sim_headers/ac_fixed.h", "share/hlsforge/hls/sim_headers/ac_int.h",
                          "share/hlsforge/hls/sim_headers/hlsforge_fixed_core.h"})
    EXPECT_TRUE(fs::is_regular_file(P(rel))) << rel << " not installed";
  // The installed simulation headers are self-contained: the core itself,
  // not the in-tree forwarding header.
  EXPECT_EQ(Slurp(P("share/hlsforge/hls/sim_headers/hlsforge_fixed_core.h")),
            Slurp(Source("include/hlsforge/fixed/fixed_core.h")));
  EXPECT_FALSE(fs::exists(P("bin/hlsforge_source_dir.txt")));
  EXPECT_FALSE(fs::exists(P("share/hlsforge/hlsforge_source_dir.txt")));
}

TEST_F(Installed, ConvertAndCsimFromAnotherDirectoryUseThePrefix) {
  // Marks appended to the installed kernel library and fixed-point core: a
  // project written from any other copy (the source tree) would lack them.
  const std::string mark = "// installed copy, test process " + std::to_string(::getpid()) + "\n";
  for (const char* rel : {"share/hlsforge/hls/kernels/nnet_common.h", "share/hlsforge/hls/sim_headers/hlsforge_fixed_core.h"})
    std::ofstream(P(rel), std::ios::app) << "\n" << mark;

  TempDir work("install_work");
  auto images = ReadIdxImages(test_data::Path("data/mnist/t10k-images-idx3-ubyte.gz"));
  ASSERT_TRUE(images.ok()) << images.status().message();
  NDArray x;
  x.shape = {16, 784};
  x.data.assign(images->data.begin() + 784 * 100, images->data.begin() + 784 * 116);  // 16 digits
  ASSERT_TRUE(WriteNpy(work / "x.npy", x).ok());
  const std::string model = Source("examples/models/TFC_2W2A.onnx");
  const std::string hlsforge = P("bin/hlsforge");

  RunResult c = RunProgram(hlsforge, {"convert", model, "-o", "prj"}, work.path().string());
  ASSERT_EQ(c.status, 0) << c.err;
  for (const char* rel : {"prj/firmware/nnet_utils/nnet_common.h", "prj/sim_include/hlsforge_fixed_core.h"}) {
    const std::string text = Slurp(work / rel);
    EXPECT_NE(text.find(mark), std::string::npos) << rel << " was not copied from the installed prefix";
  }
  EXPECT_TRUE(fs::is_regular_file(work / "prj/sim_include/ap_fixed.h"));

  RunResult s = RunProgram(hlsforge, {"csim", "prj", "-i", "x.npy", "-o", "csim.npy"}, work.path().string());
  ASSERT_EQ(s.status, 0) << s.err;
  RunResult p = RunProgram(hlsforge, {"predict", model, "-i", "x.npy", "-o", "pred.npy"}, work.path().string());
  ASSERT_EQ(p.status, 0) << p.err;
  auto got = ReadNpy(work / "csim.npy");
  auto want = ReadNpy(work / "pred.npy");
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_EQ(got->shape, want->shape);
  ASSERT_EQ(got->shape, (std::vector<int64_t>{16, 10}));
  int64_t mismatches = 0;
  for (size_t i = 0; i < want->data.size(); ++i) mismatches += got->data[i] != want->data[i];
  EXPECT_EQ(mismatches, 0) << "installed csim differs from predict";
  // Varying data: the 16 digits do not all give the same logits.
  EXPECT_NE(std::vector<double>(want->data.begin(), want->data.begin() + 10),
            std::vector<double>(want->data.begin() + 10, want->data.begin() + 20));
}

TEST_F(Installed, BinaryWithoutItsDataFailsClearly) {
  TempDir alone("install_alone");
  fs::create_directories(alone / "bin");
  fs::copy_file(P("bin/hlsforge"), alone / "bin/hlsforge");
  fs::permissions(alone / "bin/hlsforge", fs::perms::owner_all);
  RunResult r = RunProgram(alone / "bin/hlsforge", {"convert", Source("examples/models/TFC_2W2A.onnx"), "-o", "prj"},
                           alone.path().string());
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("share/hlsforge/hls/kernels"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("HLSFORGE_DATA_DIR"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(alone / "prj/firmware/nnet_utils/nnet_all.h"));

  // HLSFORGE_DATA_DIR points such a binary (or a program linking the
  // library) at an installed data directory.
  RunResult d = RunProgram("env", {"HLSFORGE_DATA_DIR=" + P("share/hlsforge"), alone / "bin/hlsforge", "convert",
                                   Source("examples/models/TFC_2W2A.onnx"), "-o", "prj"},
                           alone.path().string());
  EXPECT_EQ(d.status, 0) << d.err;
  EXPECT_TRUE(fs::is_regular_file(alone / "prj/firmware/nnet_utils/nnet_all.h"));
}

}  // namespace
}  // namespace hlsforge::cli_test
