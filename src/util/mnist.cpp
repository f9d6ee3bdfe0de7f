#include "hlsforge/util/mnist.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace hlsforge {
namespace {

/// Largest (decompressed) IDX file read: 512 MiB, ten times the 60,000-image
/// MNIST training set; a gzip stream expanding beyond it is rejected while
/// it is read, before the memory is taken.
constexpr size_t kMaxIdxBytes = size_t{512} << 20;

/// Whole (decompressed) content of a gzip or plain file.
StatusOr<std::string> ReadMaybeGzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status::Fail(path + ": cannot open: " + std::strerror(errno ? errno : ENOENT));
  std::string out;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      std::string msg = path + ": corrupt gzip data: " + gzerror(f, &code);
      gzclose(f);
      return Status::Fail(msg);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > kMaxIdxBytes) {
      gzclose(f);
      return Status::Fail(path + ": more than 512 MiB (decompressed): not an IDX file of this size limit");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  // gzread returns 0 on a truncated stream too; gzclose reports it.
  int rc = gzclose(f);
  if (rc == Z_BUF_ERROR) return Status::Fail(path + ": truncated gzip file");
  if (rc != Z_OK) return Status::Fail(path + ": error reading gzip file");
  return out;
}

uint32_t BigEndian32(const std::string& s, size_t off) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[off + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

/// Checks magic and returns the dims; data follow at 4 + 4*dims.size().
StatusOr<std::vector<uint32_t>> IdxHeader(const std::string& s, const std::string& path,
                                          uint32_t magic, int ndim) {
  size_t need = 4 + 4 * static_cast<size_t>(ndim);
  if (s.size() < 4) return Status::Fail(path + ": truncated IDX file (no magic)");
  uint32_t m = BigEndian32(s, 0);
  if (m != magic) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "bad magic 0x%08x, expected 0x%08x", m, magic);
    return Status::Fail(path + ": " + buf + (magic == 0x803 ? " (IDX ubyte images)" : " (IDX ubyte labels)"));
  }
  if (s.size() < need) return Status::Fail(path + ": truncated IDX header");
  // Counted in 128 bits: three 32-bit dimensions overflow 64.
  // The non-zero dimensions too: an empty file (0 images) of 2^32 x 2^32
  // pixels would overflow rows * cols.
  std::vector<uint32_t> dims;
  unsigned __int128 count = 1, nonzero = 1;
  for (int i = 0; i < ndim; ++i) {
    dims.push_back(BigEndian32(s, 4 + 4 * i));
    count *= dims.back();
    nonzero *= std::max<uint32_t>(dims.back(), 1);
  }
  if (count > s.size() - need || nonzero > (static_cast<unsigned __int128>(1) << 62)) {
    std::string declared;
    for (uint32_t d : dims) declared.append(declared.empty() ? "" : " x ").append(std::to_string(d));
    return Status::Fail(path + ": truncated IDX data: " + declared + " bytes declared, " +
                        std::to_string(s.size() - need) + " present");
  }
  return dims;
}

}  // namespace

StatusOr<NDArray> ReadIdxImages(const std::string& path, double scale) {
  auto s = ReadMaybeGzip(path);
  if (!s.ok()) return s.status();
  auto dims = IdxHeader(*s, path, 0x00000803, 3);
  if (!dims.ok()) return dims.status();
  NDArray a;
  int64_t n = (*dims)[0], pixels = int64_t{(*dims)[1]} * (*dims)[2];
  a.shape = {n, pixels};
  a.data.resize(static_cast<size_t>(n * pixels));
  const unsigned char* src = reinterpret_cast<const unsigned char*>(s->data()) + 16;
  for (size_t i = 0; i < a.data.size(); ++i) a.data[i] = src[i] * scale;
  return a;
}

StatusOr<std::vector<int>> ReadIdxLabels(const std::string& path) {
  auto s = ReadMaybeGzip(path);
  if (!s.ok()) return s.status();
  auto dims = IdxHeader(*s, path, 0x00000801, 1);
  if (!dims.ok()) return dims.status();
  std::vector<int> labels((*dims)[0]);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<unsigned char>((*s)[8 + i]);
  return labels;
}

std::vector<int> ArgmaxRows(const NDArray& a) {
  std::vector<int> out;
  int64_t k = a.row_size();
  if (k <= 0) return out;
  out.reserve(static_cast<size_t>(a.rows()));
  for (int64_t r = 0; r < a.rows(); ++r) {
    const double* row = a.data.data() + r * k;
    int best = 0;
    for (int64_t j = 1; j < k; ++j)
      if (row[j] > row[best]) best = static_cast<int>(j);
    out.push_back(best);
  }
  return out;
}

double Accuracy(const std::vector<int>& pred, const std::vector<int>& labels) {
  if (pred.size() != labels.size() || pred.empty()) return 0.0;
  size_t ok = 0;
  for (size_t i = 0; i < pred.size(); ++i) ok += pred[i] == labels[i];
  return static_cast<double>(ok) / static_cast<double>(pred.size());
}

}  // namespace hlsforge
