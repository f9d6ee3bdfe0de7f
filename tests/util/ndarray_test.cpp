// .npy / .npz reader and writer: round trips, real NumPy files, error paths.
#include "hlsforge/util/ndarray.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "test_data.h"

namespace hlsforge {
namespace {

namespace fs = std::filesystem;
const std::string kGolden = hlsforge::test_data::Root() + "/golden/hls4ml/three_layer_keras/";

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hlsforge_npy_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
    return Path(name);
  }
  fs::path dir_;
};

/// A version-1.0 .npy image with the given header dict and data bytes.
std::string NpyBytes(const std::string& dict, const std::string& data, int major = 1) {
  std::string h = dict;
  size_t pre = major == 1 ? 10 : 12;
  while ((pre + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  uint32_t n = static_cast<uint32_t>(h.size());
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  return out + h + data;
}

template <typename T>
std::string Raw(std::initializer_list<T> v) {
  std::string s(v.size() * sizeof(T), '\0');
  size_t i = 0;
  for (T x : v) std::memcpy(&s[sizeof(T) * i++], &x, sizeof(T));
  return s;
}

TEST_F(NpyTest, RoundTripFloat64IsExact) {
  NDArray a{{2, 3}, {1.5, -2.25, 1e-300, 3.0, 0.0, 123456789.125}};
  ASSERT_TRUE(WriteNpy(Path("a.npy"), a, /*as_float32=*/false).ok());
  auto b = ReadNpy(Path("a.npy"));
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->shape, a.shape);
  EXPECT_EQ(b->data, a.data);
  EXPECT_EQ(b->rows(), 2);
  EXPECT_EQ(b->row_size(), 3);
}

TEST_F(NpyTest, RoundTripFloat32RoundsToFloat) {
  NDArray a{{4}, {0.1, 2.0, -3.5, 1.0 / 3}};
  ASSERT_TRUE(WriteNpy(Path("f.npy"), a).ok());
  auto h = ReadNpyHeader(Path("f.npy"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->descr, "<f4");
  EXPECT_EQ(h->shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(h->data_offset % 64, 0u);
  auto b = ReadNpy(Path("f.npy"));
  ASSERT_TRUE(b.ok());
  for (size_t i = 0; i < a.data.size(); ++i) EXPECT_EQ(b->data[i], static_cast<double>(static_cast<float>(a.data[i])));
}

TEST_F(NpyTest, ScalarAndEmptyShapes) {
  NDArray scalar{{}, {7.0}};
  ASSERT_TRUE(WriteNpy(Path("s.npy"), scalar).ok());
  auto s = ReadNpy(Path("s.npy"));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->data, std::vector<double>{7.0});
  NDArray empty{{0, 5}, {}};
  ASSERT_TRUE(WriteNpy(Path("e.npy"), empty).ok());
  auto e = ReadNpy(Path("e.npy"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->shape, (std::vector<int64_t>{0, 5}));
}

TEST_F(NpyTest, WriteIsAtomicAndLeavesNoTemporary) {
  NDArray a{{1}, {1.0}};
  ASSERT_TRUE(WriteNpy(Path("x.npy"), a).ok());
  ASSERT_TRUE(WriteNpy(Path("x.npy"), NDArray{{2}, {2.0, 3.0}}).ok());
  int files = 0;
  for (auto& e : fs::directory_iterator(dir_)) files += (void(e), 1);
  EXPECT_EQ(files, 1);
  EXPECT_EQ(ReadNpy(Path("x.npy"))->data, (std::vector<double>{2.0, 3.0}));
}

TEST_F(NpyTest, WriteIntoMissingDirectoryFails) {
  Status st = WriteNpy(Path("no/such/dir/x.npy"), NDArray{{1}, {1.0}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("x.npy"), std::string::npos);
}

TEST_F(NpyTest, WriteRejectsInconsistentArray) {
  Status st = WriteNpy(Path("bad.npy"), NDArray{{2, 2}, {1.0}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("[2, 2]"), std::string::npos);
}

TEST_F(NpyTest, ReadsEveryIntegerDtype) {
  struct Case { std::string descr, data; std::vector<double> want; };
  std::vector<Case> cases = {
      {"|u1", Raw<uint8_t>({0, 255}), {0, 255}},
      {"|i1", Raw<int8_t>({-128, 127}), {-128, 127}},
      {"<i2", Raw<int16_t>({-300, 300}), {-300, 300}},
      {"<u2", Raw<uint16_t>({65535, 1}), {65535, 1}},
      {"<i4", Raw<int32_t>({-70000, 5}), {-70000, 5}},
      {"<u4", Raw<uint32_t>({4000000000u, 0}), {4000000000.0, 0}},
      {"<i8", Raw<int64_t>({-(int64_t{1} << 40), 9}), {-1099511627776.0, 9}},
      {"<u8", Raw<uint64_t>({uint64_t{1} << 63, 2}), {9223372036854775808.0, 2}},
      {"|b1", Raw<uint8_t>({1, 0}), {1, 0}},
      {"<f8", Raw<double>({0.5, -1e10}), {0.5, -1e10}},
  };
  for (const Case& c : cases) {
    std::string p = Write("t.npy", NpyBytes("{'descr': '" + c.descr + "', 'fortran_order': False, 'shape': (2,), }", c.data));
    auto a = ReadNpy(p);
    ASSERT_TRUE(a.ok()) << c.descr << ": " << a.status().message();
    EXPECT_EQ(a->data, c.want) << c.descr;
  }
}

TEST_F(NpyTest, AcceptsVersion2AndDoubleQuotesAndKeyOrder) {
  std::string p = Write("v2.npy", NpyBytes("{\"shape\": (1, 2), \"fortran_order\": False, \"descr\": \"<f8\"}",
                                           Raw<double>({1.0, 2.0}), 2));
  auto a = ReadNpy(p);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(a->data, (std::vector<double>{1.0, 2.0}));
}

TEST_F(NpyTest, ReadsNumpyWrittenFile) {
  auto a = ReadNpy(kGolden + "input_normal.npy");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->shape, (std::vector<int64_t>{1000, 16}));
  // First value of the file (numpy: 0.12573022 as float32).
  EXPECT_EQ(a->data[0], static_cast<double>(0.12573022f));
}

// ---- error paths: each message names the file and the field ----

void ExpectError(const StatusOr<NDArray>& r, const std::string& file, const std::string& field) {
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(file), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status().message();
}

TEST_F(NpyTest, MissingFile) { ExpectError(ReadNpy(Path("missing.npy")), "missing.npy", "cannot open"); }

TEST_F(NpyTest, BadMagic) {
  ExpectError(ReadNpy(Write("garbage.npy", "PK\x03\x04 this is not npy")), "garbage.npy", "bad magic");
  ExpectError(ReadNpy(Write("empty.npy", "")), "empty.npy", "bad magic");
}

TEST_F(NpyTest, TruncatedHeader) {
  std::string full = NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", Raw<double>({1, 2}));
  ExpectError(ReadNpy(Write("th.npy", full.substr(0, 30))), "th.npy", "truncated header");
  ExpectError(ReadNpy(Write("tv.npy", full.substr(0, 7))), "tv.npy", "truncated header");
}

TEST_F(NpyTest, TruncatedData) {
  std::string full = NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", Raw<double>({1, 2, 3}));
  ExpectError(ReadNpy(Write("td.npy", full)), "td.npy", "truncated data");
}

TEST_F(NpyTest, UnsupportedDtype) {
  ExpectError(ReadNpy(Write("be.npy", NpyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }",
                                               Raw<double>({1})))),
              "be.npy", "unsupported dtype '>f8'");
  ExpectError(ReadNpy(Write("c.npy", NpyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
                                              std::string(16, '\0')))),
              "c.npy", "unsupported dtype '<c16'");
  ExpectError(ReadNpy(Write("s.npy", NpyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                                              std::string(4, '\0')))),
              "s.npy", "descr");
}

TEST_F(NpyTest, FortranOrderRejected) {
  ExpectError(ReadNpy(Write("f.npy", NpyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }",
                                              Raw<double>({1, 2})))),
              "f.npy", "fortran_order");
}

TEST_F(NpyTest, MalformedHeader) {
  ExpectError(ReadNpy(Write("m1.npy", NpyBytes("{'descr': '<f8', 'shape': (2,), }", Raw<double>({1, 2})))),
              "m1.npy", "'fortran_order' missing");
  ExpectError(ReadNpy(Write("m2.npy", NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", ""))),
              "m2.npy", "shape");
  ExpectError(ReadNpy(Write("m3.npy", NpyBytes("not a dict", ""))), "m3.npy", "header");
  ExpectError(ReadNpy(Write("m4.npy", std::string("\x93NUMPY\x07\x00", 8))), "m4.npy", "version 7");
}

// ---- .npz ----

TEST_F(NpyTest, ReadsNumpyWrittenNpz) {
  auto names = ListNpz(kGolden + "trace_normal_first100.npz");
  ASSERT_TRUE(names.ok()) << names.status().message();
  ASSERT_FALSE(names->empty());
  EXPECT_EQ((*names)[0], "Dense_MatMul_0");
  auto a = ReadNpz(kGolden + "trace_normal_first100.npz", "Dense_MatMul_0");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->shape, (std::vector<int64_t>{100, 64}));
  EXPECT_EQ(a->data[0], static_cast<double>(2.4684992f));
}

TEST_F(NpyTest, ReadsDeflatedNpz) {
  // np.savez_compressed layout: each array a deflated member "<key>.npy".
  std::string npy = NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", Raw<double>({1, 2, 3}));
  int err = 0;
  zip_t* z = zip_open(Path("c.npz").c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  zip_source_t* src = zip_source_buffer(z, npy.data(), npy.size(), 0);
  zip_int64_t idx = zip_file_add(z, "arr_0.npy", src, ZIP_FL_OVERWRITE);
  ASSERT_GE(idx, 0);
  zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9);
  ASSERT_EQ(zip_close(z), 0);
  auto a = ReadNpz(Path("c.npz"), "arr_0");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->data, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(*ListNpz(Path("c.npz")), std::vector<std::string>{"arr_0"});
}

TEST_F(NpyTest, NpzErrors) {
  ExpectError(ReadNpz(kGolden + "trace_normal_first100.npz", "no_such_layer"), "trace_normal_first100.npz",
              "no array 'no_such_layer'");
  ExpectError(ReadNpz(Write("bad.npz", "not a zip"), "x"), "bad.npz", "cannot open as .npz");
  auto l = ListNpz(Path("missing.npz"));
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("missing.npz"), std::string::npos);
}

TEST(ShapeToString, Formats) {
  EXPECT_EQ(ShapeToString({}), "[]");
  EXPECT_EQ(ShapeToString({3, 4}), "[3, 4]");
  EXPECT_EQ(ShapeToString({1, 28, 28}, ","), "[1,28,28]");
}

}  // namespace
}  // namespace hlsforge
