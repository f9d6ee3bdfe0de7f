// Declared sizes are checked before anything is allocated: an .npy header
// claiming more data than the file holds, a shape whose element count
// overflows, an archive member whose directory entry declares gigabytes.
// Each gets an error naming the file (and member), never an allocation of
// the declared size.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "hlsforge/util/mnist.h"
#include "hlsforge/util/ndarray.h"
#include "support/npy_bytes.h"
#include "support/zip_bytes.h"

namespace hlsforge {
namespace {

namespace fs = std::filesystem;
using test_support::OneMemberZip;
using test_support::RawDeflate;

std::string Npy(const std::string& dict, const std::string& data) { return test_support::NpyImage(dict, data); }

class ResourceLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hlsforge_limits_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  fs::path dir_;
};

TEST_F(ResourceLimits, NpyHeaderClaimingMoreDataThanTheFileHolds) {
  // 10^12 float64 values declared, 16 bytes present.
  const std::string p = Write("huge.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }",
                                               std::string(16, '\0')));
  auto a = ReadNpy(p);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("huge.npy"), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("truncated data"), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("8000000000000 bytes"), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("file has 16"), std::string::npos) << a.status().message();
}

TEST_F(ResourceLimits, NpyShapeWhoseElementCountOverflows) {
  // Each dimension passes the parser's bound; their product overflows int64.
  for (const char* shape : {"(1125899906842624, 1125899906842624)", "(1125899906842624, 16384, 0)"}) {
    SCOPED_TRACE(shape);
    const std::string p =
        Write("overflow.npy", Npy(std::string("{'descr': '|u1', 'fortran_order': False, 'shape': ") + shape + ", }",
                                  std::string(8, '\0')));
    auto a = ReadNpy(p);
    ASSERT_FALSE(a.ok());  // even an empty array: consumers multiply the dimensions
    EXPECT_NE(a.status().message().find("more than 2^62"), std::string::npos) << a.status().message();
  }
  // An empty array whose other dimensions are sensible reads.
  const std::string p = Write("empty.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1000000), }", ""));
  auto e = ReadNpy(p);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->shape, (std::vector<int64_t>{0, 1000000}));
  EXPECT_TRUE(e->data.empty());
}

TEST_F(ResourceLimits, NpzMemberExpandingToGigabytes) {
  const std::string real = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", std::string(8, '\0'));
  const uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(real.data()), static_cast<uInt>(real.size()));
  // Deflated member declaring 3 GiB: more than 1032 times its compressed size.
  const std::string bomb = Write("bomb.npz", OneMemberZip("x.npy", 8, RawDeflate(real), 3u << 30, crc));
  auto a = ReadNpz(bomb, "x");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("bomb.npz[x]"), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("declares 3221225472 bytes"), std::string::npos) << a.status().message();
  // Stored member whose declared size differs from its compressed size.
  const std::string liar = Write("liar.npz", OneMemberZip("x.npy", 0, real, 1u << 30, crc));
  auto b = ReadNpz(liar, "x");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("liar.npz[x]: stored member declares 1073741824"), std::string::npos)
      << b.status().message();
  // The same member with honest sizes reads.
  const std::string good = Write("good.npz", OneMemberZip("x.npy", 0, real, static_cast<uint32_t>(real.size()), crc));
  auto c = ReadNpz(good, "x");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->shape, (std::vector<int64_t>{2}));
  // Declared shorter than the data: the member is longer than it says.
  const std::string deflated = RawDeflate(real);
  const std::string shorter = Write("short.npz", OneMemberZip("x.npy", 8, deflated, 10, crc));
  EXPECT_FALSE(ReadNpz(shorter, "x").ok());
}

TEST_F(ResourceLimits, IdxDimensionsWhoseProductOverflows) {
  // 2^24 images of 2^30 x 2^22 pixels: the product wraps to 2^12 in 64 bits.
  const std::string idx = std::string("\x00\x00\x08\x03\x01\x00\x00\x00\x40\x00\x00\x00\x00\x40\x00\x00", 16) +
                          std::string(4096, '\0');
  auto a = ReadIdxImages(Write("images-idx3-ubyte", idx));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("images-idx3-ubyte: truncated IDX data: 16777216 x 1073741824 x 4194304 bytes declared, 4096 present"),
            std::string::npos)
      << a.status().message();
  // No images, but 2^32-1 x 2^32-1 pixels each: rows * cols overflows int64.
  const std::string empty = std::string("\x00\x00\x08\x03\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff", 16);
  auto e = ReadIdxImages(Write("empty-idx3-ubyte", empty));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("0 x 4294967295 x 4294967295 bytes declared"), std::string::npos)
      << e.status().message();
  // The same header with a sensible size reads.
  const std::string ok = std::string("\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x04\x00\x00\x00\x04", 16) +
                         std::string(32, '\x40');
  auto b = ReadIdxImages(Write("ok-idx3-ubyte", ok), 1.0);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->shape, (std::vector<int64_t>{2, 16}));
}

}  // namespace
}  // namespace hlsforge
