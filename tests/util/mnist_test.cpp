// MNIST IDX reader on the shared test set, and its error paths.
#include "hlsforge/util/mnist.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_data.h"

namespace hlsforge {
namespace {

namespace fs = std::filesystem;
const std::string kImages = test_data::Path("data/mnist/t10k-images-idx3-ubyte.gz");
const std::string kLabels = test_data::Path("data/mnist/t10k-labels-idx1-ubyte.gz");

TEST(Mnist, ReadsTestSet) {
  auto x = ReadIdxImages(kImages);
  ASSERT_TRUE(x.ok()) << x.status().message();
  EXPECT_EQ(x->shape, (std::vector<int64_t>{10000, 784}));
  double lo = 1, hi = 0;
  for (double v : x->data) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 1.0);
  auto y = ReadIdxLabels(kLabels);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->size(), 10000u);
  // The first test digits of the standard distribution: 7 2 1 0 4.
  EXPECT_EQ(std::vector<int>(y->begin(), y->begin() + 5), (std::vector<int>{7, 2, 1, 0, 4}));
}

TEST(Mnist, RawPixelsWithScaleOne) {
  auto x = ReadIdxImages(kImages, 1.0);
  ASSERT_TRUE(x.ok());
  for (double v : x->data) ASSERT_TRUE(v == static_cast<int>(v) && v >= 0 && v <= 255);
}

TEST(Mnist, Errors) {
  auto swapped = ReadIdxLabels(kImages);
  ASSERT_FALSE(swapped.ok());
  EXPECT_NE(swapped.status().message().find("bad magic"), std::string::npos) << swapped.status().message();
  EXPECT_NE(swapped.status().message().find("t10k-images"), std::string::npos);
  auto missing = ReadIdxImages("/nonexistent/images.gz");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/images.gz"), std::string::npos);

  // A truncated gzip file and a truncated (plain) IDX file.
  fs::path dir = fs::temp_directory_path() / ("hlsforge_mnist_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::stringstream ss;
  ss << std::ifstream(kImages, std::ios::binary).rdbuf();
  std::string gz = ss.str();
  std::ofstream((dir / "cut.gz").string(), std::ios::binary) << gz.substr(0, gz.size() / 2);
  auto cut = ReadIdxImages((dir / "cut.gz").string());
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("cut.gz"), std::string::npos) << cut.status().message();
  EXPECT_NE(cut.status().message().find("truncated"), std::string::npos) << cut.status().message();
  std::ofstream((dir / "short.idx").string(), std::ios::binary)
      << std::string("\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x1c\x00\x00\x00\x1c", 16) << "abc";
  auto shrt = ReadIdxImages((dir / "short.idx").string());
  ASSERT_FALSE(shrt.ok());
  EXPECT_NE(shrt.status().message().find("truncated IDX data"), std::string::npos) << shrt.status().message();
  fs::remove_all(dir);
}

TEST(Mnist, ArgmaxAndAccuracy) {
  NDArray a{{3, 3}, {0, 1, 0, 5, 5, 1, -1, -2, -0.5}};
  EXPECT_EQ(ArgmaxRows(a), (std::vector<int>{1, 0, 2}));
  EXPECT_DOUBLE_EQ(Accuracy({1, 0, 2}, {1, 1, 2}), 2.0 / 3);
  EXPECT_EQ(Accuracy({}, {}), 0.0);
}

}  // namespace
}  // namespace hlsforge
