// `hlsforge predict` streams a float .npy input in row blocks (memory map,
// emu::PredictBlocks, NpyWriter). The in-memory path (taken with --trace)
// is the reference: for an MLP and a CNN, float32 and float64 inputs,
// bit-exact and --float, a row count that is not a multiple of the block
// size and 0 rows, both write byte-identical files; a truncated input or a
// wrong per-sample shape gives the same message; a failure leaves no output.
#include <gtest/gtest.h>

#include <random>

#include "cli_test_util.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/npy_stream.h"

namespace hlsforge::cli_test {
namespace {

/// [rows, model input shape...] normal values (scale 3, seed `seed`).
NDArray RandomInput(const std::string& model, int64_t rows, uint64_t seed) {
  auto g = flow::LoadConfiguredModel(model, "");
  EXPECT_TRUE(g.ok()) << g.status().message();
  NDArray x;
  x.shape = {rows};
  if (g.ok())
    for (int64_t d : g->tensor(g->inputs.at(0)).shape) x.shape.push_back(d);
  x.data.resize(static_cast<size_t>(x.size()));
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 3.0);
  for (double& v : x.data) v = normal(rng);
  return x;
}

/// Streamed (block of `block_rows`) and in-memory (--trace) predictions of
/// `x` are byte-identical; returns the streamed file's bytes.
std::string ExpectSameAsInMemory(const TempDir& t, const std::string& model, const NDArray& x, bool x_float32,
                                 const std::vector<std::string>& extra, int64_t block_rows) {
  const std::string in = t / "x.npy";
  EXPECT_TRUE(WriteNpy(in, x, x_float32).ok());
  std::vector<std::string> s = {"predict", model, "-i", in, "-o", t / "s.npy", "--block-rows",
                                std::to_string(block_rows)};
  std::vector<std::string> m = {"predict", model, "-i", in, "-o", t / "m.npy", "--trace", t / "trace"};
  s.insert(s.end(), extra.begin(), extra.end());
  m.insert(m.end(), extra.begin(), extra.end());
  const RunResult rs = RunCli(s), rm = RunCli(m);
  EXPECT_EQ(rs.status, 0) << rs.err;
  EXPECT_EQ(rm.status, 0) << rm.err;
  const std::string streamed = Slurp(t / "s.npy"), in_memory = Slurp(t / "m.npy");
  EXPECT_GT(streamed.size(), 64u);
  EXPECT_TRUE(streamed == in_memory) << "streamed and in-memory outputs differ (" << streamed.size() << " vs "
                                     << in_memory.size() << " bytes)";
  return streamed;
}

TEST(PredictStream, MlpEqualsInMemoryForAnyBlockSize) {
  const std::string model = Shared("models/keras/KERAS_3layer.json");
  HLSFORGE_REQUIRE_DATA("models/keras/KERAS_3layer.json");
  TempDir t("pstream");
  uint64_t seed = 1;
  for (int64_t block : {1000, 128, 7}) {
    for (bool f32 : {true, false}) {
      SCOPED_TRACE("block " + std::to_string(block) + (f32 ? " <f4" : " <f8"));
      const NDArray x = RandomInput(model, 1037, seed++);
      const std::string y = ExpectSameAsInMemory(t, model, x, f32, {}, block);
      // and equal to the library's in-memory prediction written by WriteNpy
      auto g = flow::LoadConfiguredModel(model, "");
      ASSERT_TRUE(g.ok());
      auto ref = emu::Predict(*g, x);
      ASSERT_TRUE(ref.ok()) << ref.status().message();
      ASSERT_TRUE(WriteNpy(t / "ref.npy", *ref, false).ok());
      EXPECT_TRUE(y == Slurp(t / "ref.npy"));
    }
  }
  // float output, float mode
  ExpectSameAsInMemory(t, model, RandomInput(model, 300, 77), true, {"--dtype", "float32"}, 64);
  ExpectSameAsInMemory(t, model, RandomInput(model, 300, 78), true, {"--float"}, 64);
}

TEST(PredictStream, CnnEqualsInMemory) {
  const std::string model = Shared("models/onnx/conv2d_small_keras.onnx");
  HLSFORGE_REQUIRE_DATA("models/onnx/conv2d_small_keras.onnx");
  TempDir t("pstream_cnn");
  ExpectSameAsInMemory(t, model, RandomInput(model, 203, 5), true, {}, 64);
  ExpectSameAsInMemory(t, model, RandomInput(model, 67, 6), false, {"--float"}, 16);
}

TEST(PredictStream, ZeroRowsWritesAnEmptyArrayOfTheOutputShape) {
  const std::string model = Shared("models/keras/KERAS_3layer.json");
  HLSFORGE_REQUIRE_DATA("models/keras/KERAS_3layer.json");
  TempDir t("pstream0");
  ExpectSameAsInMemory(t, model, RandomInput(model, 0, 1), true, {}, 64);
  auto y = ReadNpy(t / "s.npy");
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape, (std::vector<int64_t>{0, 5}));
}

TEST(PredictStream, BadInputGivesTheInMemoryMessageAndNoOutput) {
  const std::string model = Shared("models/keras/KERAS_3layer.json");
  HLSFORGE_REQUIRE_DATA("models/keras/KERAS_3layer.json");
  TempDir t("pstream_bad");
  const NDArray x = RandomInput(model, 500, 9);
  ASSERT_TRUE(WriteNpy(t / "full.npy", x, true).ok());
  const std::string full = Slurp(t / "full.npy");
  // truncated by a few bytes, and cut inside the header
  for (size_t keep : {full.size() - 3, full.size() / 2, size_t{40}}) {
    SCOPED_TRACE(keep);
    std::ofstream(t / "x.npy", std::ios::binary) << full.substr(0, keep);
    const RunResult s = RunCli({"predict", model, "-i", t / "x.npy", "-o", t / "y.npy"});
    const RunResult m = RunCli({"predict", model, "-i", t / "x.npy", "-o", t / "y.npy", "--trace", t / "tr"});
    EXPECT_EQ(s.status, 2);
    EXPECT_EQ(s.err, m.err);
    EXPECT_NE(s.err.find("x.npy"), std::string::npos) << s.err;
    EXPECT_NE(s.err.find(keep > 128 ? "truncated data" : "truncated header"), std::string::npos) << s.err;
    EXPECT_FALSE(std::filesystem::exists(t / "y.npy"));
  }
  // a per-sample shape the model does not take
  NDArray bad = x;
  bad.shape = {250, 32};
  ASSERT_TRUE(WriteNpy(t / "x.npy", bad, true).ok());
  const RunResult s = RunCli({"predict", model, "-i", t / "x.npy", "-o", t / "y.npy"});
  const RunResult m = RunCli({"predict", model, "-i", t / "x.npy", "-o", t / "y.npy", "--trace", t / "tr"});
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(s.err, m.err);
  EXPECT_NE(s.err.find("[250, 32]"), std::string::npos) << s.err;
  // an output that cannot be written: no file, no temporary left
  ASSERT_TRUE(WriteNpy(t / "x.npy", x, true).ok());
  const RunResult w = RunCli({"predict", model, "-i", t / "x.npy", "-o", t / "no/dir/y.npy"});
  EXPECT_EQ(w.status, 2);
  EXPECT_NE(w.err.find("y.npy"), std::string::npos) << w.err;
  for (const auto& e : std::filesystem::directory_iterator(t.path()))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

}  // namespace
}  // namespace hlsforge::cli_test
