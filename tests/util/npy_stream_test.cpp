// Streaming .npy I/O and block prediction: MappedNpy reads what ReadNpy
// reads and rejects what it rejects with the same message; NpyWriter writes
// the bytes WriteNpy writes and leaves nothing behind when unfinished;
// emu::PredictBlocks over any block size (and an integer dtype view) equals
// emu::Predict over the whole array.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hlsforge/emu/predict_blocks.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/npy_stream.h"
#include "test_data.h"

namespace hlsforge {
namespace {

namespace fs = std::filesystem;

class NpyStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hlsforge_npy_stream_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Slurp(const std::string& p) {
    std::ostringstream s;
    s << std::ifstream(p, std::ios::binary).rdbuf();
    return s.str();
  }
  fs::path dir_;
};

NDArray Random(std::vector<int64_t> shape, uint64_t seed) {
  NDArray a;
  a.shape = std::move(shape);
  a.data.resize(static_cast<size_t>(a.size()));
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 4.0);
  for (double& v : a.data) v = normal(rng);
  return a;
}

TEST_F(NpyStreamTest, MappedViewConvertsAsReadNpy) {
  for (bool f32 : {true, false}) {
    const NDArray a = Random({123, 3, 2}, f32 ? 1 : 2);
    ASSERT_TRUE(WriteNpy(Path("a.npy"), a, f32).ok());
    auto m = MappedNpy::Open(Path("a.npy"));
    ASSERT_TRUE(m.ok()) << m.status().message();
    auto r = ReadNpy(Path("a.npy"));
    ASSERT_TRUE(r.ok());
    const NdArrayView v = m->view();
    EXPECT_EQ(v.shape, r->shape);
    EXPECT_EQ(v.row_size(), 6);
    std::vector<double> part(50);
    ASSERT_TRUE(ConvertToDouble(v, 17, 50, part.data(), "a").ok());
    m->Release(40);  // advice only: the data stays readable
    for (int i = 0; i < 50; ++i) EXPECT_EQ(part[i], r->data[17 + i]) << i;
    ASSERT_TRUE(ConvertToDouble(v, 0, 50, part.data(), "a").ok());
    for (int i = 0; i < 50; ++i) EXPECT_EQ(part[i], r->data[i]) << i;
    EXPECT_FALSE(ConvertToDouble(v, 700, 50, part.data(), "a").ok());  // outside the array
  }
}

TEST_F(NpyStreamTest, MappedRejectsWhatReadNpyRejectsWithTheSameMessage) {
  ASSERT_TRUE(WriteNpy(Path("a.npy"), Random({40, 4}, 3), true).ok());
  const std::string full = Slurp(Path("a.npy"));
  std::string lying = full;  // header declares more rows than the data holds
  lying.replace(lying.find("(40, 4)"), 7, "(90, 4)");
  std::string fortran = full;
  fortran.replace(fortran.find("False"), 5, "True ");
  const std::vector<std::string> bad = {full.substr(0, full.size() - 1), full.substr(0, 30), "", lying, fortran,
                                        "not a numpy file at all"};
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    std::ofstream(Path("b.npy"), std::ios::binary | std::ios::trunc) << bad[i];
    auto m = MappedNpy::Open(Path("b.npy"));
    auto r = ReadNpy(Path("b.npy"));
    ASSERT_FALSE(m.ok());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(m.status().message(), r.status().message());
  }
  EXPECT_FALSE(MappedNpy::Open(Path("missing.npy")).ok());
  EXPECT_FALSE(MappedNpy::Open(dir_.string()).ok());
}

TEST_F(NpyStreamTest, WriterWritesWriteNpysBytesIncrementally) {
  for (bool f32 : {true, false})
    for (const std::vector<int64_t>& shape : std::vector<std::vector<int64_t>>{{37, 5}, {0, 5}, {9}, {4, 3, 2}}) {
      const NDArray a = Random(shape, static_cast<uint64_t>(shape[0]) + f32);
      ASSERT_TRUE(WriteNpy(Path("ref.npy"), a, f32).ok());
      fs::remove(Path("inc.npy"));
      NpyWriter w;
      ASSERT_TRUE(w.Open(Path("inc.npy"), a.shape, f32).ok());
      EXPECT_FALSE(fs::exists(Path("inc.npy")));  // only the temporary until Finish
      for (size_t i = 0; i < a.data.size(); i += 7)
        ASSERT_TRUE(w.Append(a.data.data() + i, static_cast<int64_t>(std::min<size_t>(7, a.data.size() - i))).ok());
      ASSERT_TRUE(w.Finish().ok());
      EXPECT_TRUE(Slurp(Path("inc.npy")) == Slurp(Path("ref.npy")));
    }
}

TEST_F(NpyStreamTest, UnfinishedOrShortWriterLeavesNoFile) {
  const NDArray a = Random({10, 2}, 4);
  {
    NpyWriter w;
    ASSERT_TRUE(w.Open(Path("y.npy"), a.shape, true).ok());
    ASSERT_TRUE(w.Append(a.data.data(), 6).ok());
  }  // destroyed unfinished
  {
    NpyWriter w;
    ASSERT_TRUE(w.Open(Path("z.npy"), a.shape, true).ok());
    ASSERT_TRUE(w.Append(a.data.data(), 19).ok());
    auto s = w.Finish();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("z.npy"), std::string::npos) << s.message();
    EXPECT_FALSE(w.Append(a.data.data(), 1).ok());
  }
  {
    NpyWriter w;
    ASSERT_TRUE(w.Open(Path("t.npy"), a.shape, true).ok());
    EXPECT_FALSE(w.Append(a.data.data(), 21).ok());  // more than the shape holds
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "a file or temporary was left behind";
}

TEST_F(NpyStreamTest, PredictBlocksEqualsPredictForAnyBlockSize) {
  const std::string model = test_data::Path("models/keras/KERAS_3layer.json");
  if (test_data::Find("models/keras/KERAS_3layer.json").empty()) GTEST_SKIP() << "needs KERAS_3layer.json";
  auto g = flow::LoadConfiguredModel(model, "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  // int16 values: the view converts them exactly as ReadNpy would
  std::vector<int16_t> raw(333 * 16);
  std::mt19937 rng(11);
  for (auto& v : raw) v = static_cast<int16_t>(static_cast<int>(rng() % 41) - 20);
  NDArray whole;
  whole.shape = {333, 16};
  for (int16_t v : raw) whole.data.push_back(v);
  NdArrayView view{raw.data(), "<i2", {333, 16}};
  for (bool fm : {false, true}) {
    emu::Options opt;
    opt.float_mode = fm;
    auto ref = emu::Predict(*g, whole, opt);
    ASSERT_TRUE(ref.ok()) << ref.status().message();
    for (int64_t block : {1, 50, 333, 1000}) {
      SCOPED_TRACE(block);
      std::vector<double> got;
      int64_t next = 0, calls = 0;
      emu::BlockOptions bo;
      bo.block_rows = block;
      auto s = emu::PredictBlocks(*g, view, opt, [&](int64_t first, NDArray& y) {
        EXPECT_EQ(first, next);
        EXPECT_EQ(y.shape, (std::vector<int64_t>{std::min<int64_t>(block, 333 - first), 5}));
        next += y.rows();
        ++calls;
        got.insert(got.end(), y.data.begin(), y.data.end());
        return Status::Ok();
      }, bo);
      ASSERT_TRUE(s.ok()) << s.message();
      EXPECT_EQ(calls, (333 + block - 1) / block);
      EXPECT_TRUE(got == ref->data);
    }
  }
  // an empty input still reports the output shape once; a sink error stops the stream
  int calls = 0;
  NdArrayView empty{raw.data(), "<i2", {0, 16}};
  ASSERT_TRUE(emu::PredictBlocks(*g, empty, {}, [&](int64_t, NDArray& y) {
    EXPECT_EQ(y.shape, (std::vector<int64_t>{0, 5}));
    ++calls;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(calls, 1);
  emu::BlockOptions small;
  small.block_rows = 10;
  calls = 0;
  auto s = emu::PredictBlocks(*g, view, {}, [&](int64_t, NDArray&) {
    return ++calls == 3 ? Status::Fail("sink full") : Status::Ok();
  }, small);
  EXPECT_EQ(s.message(), "sink full");
  EXPECT_EQ(calls, 3);
  NdArrayView wrong{raw.data(), "<i2", {111, 48}};  // rows of the wrong size
  EXPECT_FALSE(emu::PredictBlocks(*g, wrong, {}, [](int64_t, NDArray&) { return Status::Ok(); }).ok());
  NdArrayView bad_dtype{raw.data(), ">i2", {333, 16}};
  EXPECT_FALSE(emu::PredictBlocks(*g, bad_dtype, {}, [](int64_t, NDArray&) { return Status::Ok(); }).ok());
}

}  // namespace
}  // namespace hlsforge
