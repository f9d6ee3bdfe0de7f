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

#include "hlsforge/util/ndarray.h"
#include "support/zip_bytes.h"

namespace hlsforge {
namespace {

namespace fs = std::filesystem;
using test_support::OneMemberZip;
using test_support::RawDeflate;

/// A version-1.0 .npy image: header dict padded to 64 bytes, then `data`.
std::string Npy(const std::string& dict, const std::string& data) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>(h.size() >> 8);
  return out + h + data;
}

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

}  // namespace
}  // namespace hlsforge
