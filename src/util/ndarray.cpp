// NumPy .npy / .npz reading and writing.
//
// Format (NumPy "NEP 1 — A simple file format for NumPy arrays",
// numpy/lib/format.py docs): the 6-byte magic "\x93NUMPY", one byte major and
// one byte minor version, the header length (2 bytes little-endian for
// version 1.0, 4 bytes for 2.0 and 3.0), then an ASCII (3.0: UTF-8) Python
// dict literal {'descr': <dtype>, 'fortran_order': <bool>, 'shape': <tuple>}
// padded with spaces and a final '\n' so that the data starts at a multiple of
// 64 bytes; then the raw array data.
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/npy_stream.h"
#include "hlsforge/util/zip_member.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <bit>
#include <cerrno>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace hlsforge {

int64_t NDArray::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int64_t NDArray::row_size() const {
  int64_t n = 1;
  for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

// Appended piece by piece: `(i ? ", " : "") + std::to_string(d)` makes GCC 12
// at -O2 warn falsely (-Wrestrict, a literal prepended to a temporary).
std::string ShapeToString(const std::vector<int64_t>& shape, std::string_view sep) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s.append(i ? sep : "").append(std::to_string(shape[i]));
  return s.append("]");
}

bool IsFloatDtype(const std::string& d) {
  return d == "<f4" || d == "<f8" || d == "=f4" || d == "=f8";
}

namespace {

static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

/// Element size and a converter for one supported dtype.
struct Dtype {
  char kind;   // 'f', 'i', 'u', 'b'
  int bytes;
};

/// Maps a descr string to a Dtype; false if unsupported. Byte order must be
/// little ('<'), native ('=') or irrelevant ('|', 1-byte types).
bool LookupDtype(const std::string& descr, Dtype* out) {
  if (descr.size() < 3) return false;
  char order = descr[0];
  char kind = descr[1];
  std::string size = descr.substr(2);
  int bytes = 0;
  if (size == "1") bytes = 1; else if (size == "2") bytes = 2;
  else if (size == "4") bytes = 4; else if (size == "8") bytes = 8;
  else return false;
  bool order_ok = order == '<' || order == '=' || (order == '|' && bytes == 1);
  if (!order_ok) return false;
  switch (kind) {
    case 'f': if (bytes != 4 && bytes != 8) return false; break;
    case 'i': case 'u': break;
    case 'b': if (bytes != 1) return false; break;
    default: return false;
  }
  *out = {kind, bytes};
  return true;
}

template <typename T>
void Convert(const char* src, int64_t n, double* dst) {
  for (int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, src + i * sizeof(T), sizeof(T));
    dst[i] = static_cast<double>(v);
  }
}

/// Minimal parser of the header dict literal. Accepts exactly what NumPy
/// writes (keys in any order, single or double quotes, trailing commas).
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : t_(text), name_(name) {}

  Status Parse(NpyHeader* h) {
    Skip();
    if (!Eat('{')) return Fail("header is not a dict literal");
    bool have_descr = false, have_order = false, have_shape = false;
    for (;;) {
      Skip();
      if (Eat('}')) break;
      std::string key;
      if (!String(&key)) return Fail("header: expected a quoted key");
      Skip();
      if (!Eat(':')) return Fail("header: expected ':' after '" + key + "'");
      Skip();
      if (key == "descr") {
        if (!String(&h->descr)) return Fail("header: 'descr' is not a simple dtype string (structured dtypes are not supported)");
        have_descr = true;
      } else if (key == "fortran_order") {
        if (Word("True")) h->fortran_order = true;
        else if (Word("False")) h->fortran_order = false;
        else return Fail("header: 'fortran_order' is not True or False");
        have_order = true;
      } else if (key == "shape") {
        if (!Tuple(&h->shape)) return Fail("header: 'shape' is not a tuple of non-negative integers");
        have_shape = true;
      } else {
        return Fail("header: unknown key '" + key + "'");
      }
      Skip();
      if (Eat(',')) continue;
      Skip();
      if (Eat('}')) break;
      return Fail("header: expected ',' or '}'");
    }
    if (!have_descr) return Fail("header: key 'descr' missing");
    if (!have_order) return Fail("header: key 'fortran_order' missing");
    if (!have_shape) return Fail("header: key 'shape' missing");
    return Status::Ok();
  }

 private:
  Status Fail(const std::string& msg) const { return Status::Fail(name_ + ": " + msg); }
  void Skip() { while (p_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[p_]))) ++p_; }
  bool Eat(char c) { if (p_ < t_.size() && t_[p_] == c) { ++p_; return true; } return false; }
  bool Word(std::string_view w) {
    if (t_.substr(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }
  bool String(std::string* out) {
    if (p_ >= t_.size() || (t_[p_] != '\'' && t_[p_] != '"')) return false;
    char q = t_[p_++];
    size_t end = t_.find(q, p_);
    if (end == std::string_view::npos) return false;
    *out = std::string(t_.substr(p_, end - p_));
    p_ = end + 1;
    return true;
  }
  bool Tuple(std::vector<int64_t>* shape) {
    if (!Eat('(')) return false;
    shape->clear();
    for (;;) {
      Skip();
      if (Eat(')')) return true;
      if (p_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[p_]))) return false;
      int64_t v = 0;
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) {
        if (v > (int64_t{1} << 50)) return false;  // absurd dimension
        v = v * 10 + (t_[p_++] - '0');
      }
      if (p_ < t_.size() && t_[p_] == 'L') ++p_;  // Python 2 long suffix
      shape->push_back(v);
      Skip();
      if (Eat(',')) continue;
      Skip();
      if (Eat(')')) return true;
      return false;
    }
  }

  std::string_view t_;
  const std::string& name_;
  size_t p_ = 0;
};

/// Parses magic, version and header dict from the first bytes of a file.
StatusOr<NpyHeader> ParseHeader(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kMagicLen || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0)
    return Status::Fail(name + ": bad magic: not a NumPy .npy file");
  if (bytes.size() < kMagicLen + 2) return Status::Fail(name + ": truncated header (version)");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t len_bytes = 0;
  if (major == 1) len_bytes = 2;
  else if (major == 2 || major == 3) len_bytes = 4;
  else return Status::Fail(name + ": unsupported .npy format version " + std::to_string(major) + "." +
                           std::to_string(static_cast<unsigned char>(bytes[7])));
  size_t pre = kMagicLen + 2 + len_bytes;
  if (bytes.size() < pre) return Status::Fail(name + ": truncated header (length)");
  size_t header_len = 0;
  for (size_t i = 0; i < len_bytes; ++i)
    header_len |= static_cast<size_t>(static_cast<unsigned char>(bytes[kMagicLen + 2 + i])) << (8 * i);
  if (bytes.size() < pre + header_len)
    return Status::Fail(name + ": truncated header (" + std::to_string(header_len) + " bytes declared, " +
                        std::to_string(bytes.size() - pre) + " present)");
  NpyHeader h;
  HLSFORGE_RETURN_IF_ERROR(HeaderParser(bytes.substr(pre, header_len), name).Parse(&h));
  h.data_offset = pre + header_len;
  return h;
}

/// Converts n elements of dtype `dt` at `src` to doubles.
void ConvertElements(const Dtype& dt, const char* src, int64_t n, double* dst) {
  switch (dt.kind) {
    case 'f': dt.bytes == 4 ? Convert<float>(src, n, dst) : Convert<double>(src, n, dst); break;
    case 'b': for (int64_t i = 0; i < n; ++i) dst[i] = src[i] ? 1.0 : 0.0; break;
    case 'i':
      switch (dt.bytes) {
        case 1: Convert<int8_t>(src, n, dst); break;
        case 2: Convert<int16_t>(src, n, dst); break;
        case 4: Convert<int32_t>(src, n, dst); break;
        default: Convert<int64_t>(src, n, dst); break;
      }
      break;
    default:
      switch (dt.bytes) {
        case 1: Convert<uint8_t>(src, n, dst); break;
        case 2: Convert<uint16_t>(src, n, dst); break;
        case 4: Convert<uint32_t>(src, n, dst); break;
        default: Convert<uint64_t>(src, n, dst); break;
      }
  }
}

Status UnsupportedDtype(const std::string& descr, const std::string& name) {
  return Status::Fail(name + ": unsupported dtype '" + descr +
                      "' (supported: <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1)");
}

/// Checks a parsed header against the `have` data bytes that follow it:
/// dtype, order, and that the shape's elements are all present (the data
/// present bounds what may be allocated or read). Sets the dtype and the
/// element count.
Status CheckData(const NpyHeader& h, size_t have, const std::string& name, Dtype* dt, int64_t* count) {
  if (!LookupDtype(h.descr, dt)) return UnsupportedDtype(h.descr, name);
  if (h.fortran_order)
    return Status::Fail(name + ": fortran_order is True; only C-order arrays are supported "
                        "(save with np.ascontiguousarray)");
  // The product of the non-zero dimensions must stay below 2^62 even when a
  // zero dimension makes the array empty (NDArray::size()/row_size() and
  // every consumer multiply them).
  uint64_t n_u = 1;
  bool too_big = false, empty = false;
  for (int64_t d : h.shape) {
    if (d == 0) empty = true;
    else if (too_big || n_u > (uint64_t{1} << 62) / static_cast<uint64_t>(d)) too_big = true;
    else n_u *= static_cast<uint64_t>(d);
  }
  if (empty && !too_big) n_u = 0;
  if (too_big || n_u > have / static_cast<uint64_t>(dt->bytes))
    return Status::Fail(name + ": truncated data: shape " + ShapeToString(h.shape) + " of " + h.descr +
                        " needs " + (too_big ? std::string("more than 2^62") : std::to_string(n_u * dt->bytes)) +
                        " bytes, file has " + std::to_string(have));
  *count = static_cast<int64_t>(n_u);
  return Status::Ok();
}

/// Converts the data after a parsed header into doubles.
StatusOr<NDArray> DecodeData(const NpyHeader& h, std::string_view bytes, const std::string& name) {
  Dtype dt;
  int64_t n = 0;
  HLSFORGE_RETURN_IF_ERROR(CheckData(h, bytes.size() - h.data_offset, name, &dt, &n));
  NDArray a;
  a.shape = h.shape;
  a.data.resize(n);
  ConvertElements(dt, bytes.data() + h.data_offset, n, a.data.data());
  return a;
}

/// The header bytes (magic, version, length, padded dict) WriteNpy writes
/// for an array of `shape`: the data starts at a multiple of 64 bytes.
std::string NpyHeaderBytes(const std::vector<int64_t>& shape, bool as_float32) {
  std::string dict = std::string("{'descr': '") + (as_float32 ? "<f4" : "<f8") +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) dict += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dict += ",";  // Python's 1-tuple
  dict += "), }";
  // Pad with spaces + '\n' so the data starts at a multiple of 64 bytes.
  size_t pre = kMagicLen + 2 + 2;
  size_t total = pre + dict.size() + 1;
  bool v2 = false;
  size_t padded = (total + 63) / 64 * 64;
  if (padded - pre > 65535) {
    v2 = true;
    pre += 2;
    total = pre + dict.size() + 1;
    padded = (total + 63) / 64 * 64;
  }
  dict.append(padded - total, ' ');
  dict += '\n';
  std::string out(kMagic, kMagicLen);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  uint32_t hl = static_cast<uint32_t>(dict.size());
  for (int i = 0; i < (v2 ? 4 : 2); ++i) out += static_cast<char>((hl >> (8 * i)) & 0xff);
  out += dict;
  return out;
}

/// write(2) of all `n` bytes (retrying short writes and EINTR).
bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes = SIZE_MAX) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Fail(path + ": cannot open: " + std::strerror(errno));
  std::string s;
  if (max_bytes == SIZE_MAX) {
    std::ostringstream ss;
    ss << f.rdbuf();
    s = ss.str();
  } else {
    s.resize(max_bytes);
    f.read(s.data(), static_cast<std::streamsize>(max_bytes));
    s.resize(static_cast<size_t>(f.gcount()));
  }
  if (f.bad()) return Status::Fail(path + ": read error");
  return s;
}

/// Opens an archive read-only; the caller closes it.
StatusOr<zip_t*> OpenZip(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string msg = path + ": cannot open as .npz (zip): " + zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return Status::Fail(msg);
  }
  return z;
}

}  // namespace

StatusOr<NDArray> ParseNpy(const std::string& bytes, const std::string& name) {
  auto h = ParseHeader(bytes, name);
  if (!h.ok()) return h.status();
  return DecodeData(*h, bytes, name);
}

StatusOr<NpyHeader> ReadNpyHeader(const std::string& path) {
  // Headers are small; 64 KiB + prefix covers every version-1.0 header and
  // nearly every 2.0 one; a longer header falls back to the whole file.
  auto head = ReadFile(path, 65536 + 16);
  if (!head.ok()) return head.status();
  auto h = ParseHeader(*head, path);
  if (h.ok() || head->size() < 65536 + 16) return h;
  auto all = ReadFile(path);
  if (!all.ok()) return all.status();
  return ParseHeader(*all, path);
}

StatusOr<NDArray> ReadNpy(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  return ParseNpy(*bytes, path);
}

Status WriteNpy(const std::string& path, const NDArray& a, bool as_float32) {
  if (static_cast<int64_t>(a.data.size()) != a.size())
    return Status::Fail(path + ": array of shape " + ShapeToString(a.shape) + " holds " +
                        std::to_string(a.data.size()) + " values");
  NpyWriter w;
  HLSFORGE_RETURN_IF_ERROR(w.Open(path, a.shape, as_float32));
  HLSFORGE_RETURN_IF_ERROR(w.Append(a.data.data(), static_cast<int64_t>(a.data.size())));
  return w.Finish();
}

StatusOr<std::vector<std::string>> ListNpz(const std::string& path) {
  auto z = OpenZip(path);
  if (!z.ok()) return z.status();
  std::vector<std::string> names;
  zip_int64_t n = zip_get_num_entries(*z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* nm = zip_get_name(*z, static_cast<zip_uint64_t>(i), 0);
    if (!nm) continue;
    std::string s = nm;
    if (s.size() > 4 && s.compare(s.size() - 4, 4, ".npy") == 0) s.resize(s.size() - 4);
    names.push_back(s);
  }
  zip_close(*z);
  return names;
}

StatusOr<NDArray> ReadNpz(const std::string& path, const std::string& key) {
  auto zo = OpenZip(path);
  if (!zo.ok()) return zo.status();
  zip_t* z = *zo;
  std::string member = key + ".npy";
  zip_int64_t idx = zip_name_locate(z, member.c_str(), 0);
  if (idx < 0) idx = zip_name_locate(z, key.c_str(), 0);
  if (idx < 0) {
    zip_close(z);
    return Status::Fail(path + ": no array '" + key + "' in archive");
  }
  std::string name = path + "[" + key + "]";
  std::error_code ec;
  const uint64_t archive_bytes = std::filesystem::file_size(path, ec);
  auto bytes = ReadZipMember(z, static_cast<zip_uint64_t>(idx), ec ? 0 : archive_bytes, name);
  zip_close(z);
  if (!bytes.ok()) return bytes.status();
  return ParseNpy(*bytes, name);
}

int64_t NdArrayView::row_size() const {
  int64_t n = 1;
  for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

Status ConvertToDouble(const NdArrayView& v, int64_t first, int64_t n, double* dst, const std::string& name) {
  Dtype dt;
  if (!LookupDtype(v.descr, &dt)) return UnsupportedDtype(v.descr, name);
  int64_t total = 1;
  for (int64_t d : v.shape) total *= d;
  if (first < 0 || n < 0 || first > total || n > total - first)
    return Status::Fail(name + ": elements [" + std::to_string(first) + ", " + std::to_string(first + n) +
                        ") outside an array of shape " + ShapeToString(v.shape));
  ConvertElements(dt, static_cast<const char*>(v.data) + first * dt.bytes, n, dst);
  return Status::Ok();
}

// ---- MappedNpy -------------------------------------------------------------

StatusOr<MappedNpy> MappedNpy::Open(const std::string& path) {
  MappedNpy m;
  m.path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Fail(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    ::close(fd);
    return Status::Fail(path + ": cannot open: " + why);
  }
  m.size_ = static_cast<size_t>(st.st_size);
  if (m.size_ > 0) {
    void* p = ::mmap(nullptr, m.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Fail(path + ": cannot memory-map: " + err);
    }
    m.base_ = static_cast<char*>(p);
    ::madvise(m.base_, m.size_, MADV_SEQUENTIAL);
  }
  ::close(fd);  // the mapping keeps the file
  const std::string_view bytes(m.base_ ? m.base_ : "", m.size_);
  auto h = ParseHeader(bytes, path);
  if (!h.ok()) return h.status();
  m.header_ = *h;
  Dtype dt;
  int64_t n = 0;
  HLSFORGE_RETURN_IF_ERROR(CheckData(m.header_, m.size_ - m.header_.data_offset, path, &dt, &n));
  int64_t row = 1;
  for (size_t i = 1; i < m.header_.shape.size(); ++i) row *= m.header_.shape[i];
  m.row_bytes_ = row * dt.bytes;
  return m;
}

MappedNpy::MappedNpy(MappedNpy&& o) noexcept { *this = std::move(o); }

MappedNpy& MappedNpy::operator=(MappedNpy&& o) noexcept {
  if (this != &o) {
    Reset();
    path_ = std::move(o.path_);
    header_ = std::move(o.header_);
    base_ = std::exchange(o.base_, nullptr);
    size_ = std::exchange(o.size_, 0);
    released_ = o.released_;
    row_bytes_ = o.row_bytes_;
  }
  return *this;
}

MappedNpy::~MappedNpy() { Reset(); }

void MappedNpy::Reset() {
  if (base_) ::munmap(base_, size_);
  base_ = nullptr;
  size_ = 0;
}

NdArrayView MappedNpy::view() const {
  NdArrayView v;
  v.data = base_ ? base_ + header_.data_offset : nullptr;
  v.descr = header_.descr;
  v.shape = header_.shape;
  return v;
}

void MappedNpy::Release(int64_t end_row) {
  if (!base_ || end_row <= 0) return;
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t end = std::min(size_, header_.data_offset + static_cast<size_t>(end_row * row_bytes_));
  const size_t upto = end / page * page;  // whole pages only: the next row may share the last one
  if (upto <= released_) return;
  ::madvise(base_ + released_, upto - released_, MADV_DONTNEED);
  released_ = upto;
}

// ---- NpyWriter -------------------------------------------------------------

NpyWriter::~NpyWriter() { Abort(); }

void NpyWriter::Abort() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
}

Status NpyWriter::Open(const std::string& path, const std::vector<int64_t>& shape, bool as_float32) {
  Abort();
  path_ = path;
  tmp_ = path + ".tmp." + std::to_string(::getpid());
  as_float32_ = as_float32;
  expected_ = 1;
  for (int64_t d : shape) expected_ *= d;
  written_ = 0;
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return Status::Fail(path + ": cannot write: " + std::strerror(errno));
  const std::string head = NpyHeaderBytes(shape, as_float32);
  if (!WriteAll(fd_, head.data(), head.size())) {
    const std::string err = std::strerror(errno);
    Abort();
    return Status::Fail(path + ": write failed: " + err);
  }
  return Status::Ok();
}

Status NpyWriter::Append(const double* values, int64_t n) {
  if (fd_ < 0) return Status::Fail(path_ + ": write failed: the file is not open");
  if (n < 0 || n > expected_ - written_) {
    Abort();
    return Status::Fail(path_ + ": write failed: more values than the declared shape holds (" +
                        std::to_string(expected_) + ")");
  }
  bool ok = true;
  if (as_float32_) {
    buf_.resize(static_cast<size_t>(n) * 4);
    for (int64_t i = 0; i < n; ++i) {
      const float f = static_cast<float>(values[i]);
      std::memcpy(&buf_[static_cast<size_t>(i) * 4], &f, 4);
    }
    ok = WriteAll(fd_, buf_.data(), buf_.size());
  } else {
    ok = WriteAll(fd_, reinterpret_cast<const char*>(values), static_cast<size_t>(n) * 8);
  }
  if (!ok) {
    const std::string err = std::strerror(errno);
    Abort();
    return Status::Fail(path_ + ": write failed: " + err);
  }
  written_ += n;
  return Status::Ok();
}

Status NpyWriter::Finish() {
  if (fd_ < 0) return Status::Fail(path_ + ": write failed: the file is not open");
  if (written_ != expected_) {
    Abort();
    return Status::Fail(path_ + ": write failed: " + std::to_string(written_) + " values written, the shape holds " +
                        std::to_string(expected_));
  }
  if (::close(fd_) != 0) {
    const std::string err = std::strerror(errno);
    fd_ = -1;
    ::unlink(tmp_.c_str());
    return Status::Fail(path_ + ": write failed: " + err);
  }
  fd_ = -1;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp_.c_str());
    return Status::Fail(path_ + ": cannot rename temporary file into place: " + err);
  }
  return Status::Ok();
}

}  // namespace hlsforge
