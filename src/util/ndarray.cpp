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
#include "hlsforge/util/zip_member.h"

#include <unistd.h>
#include <zip.h>

#include <bit>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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

/// Converts the data after a parsed header into doubles.
StatusOr<NDArray> DecodeData(const NpyHeader& h, std::string_view bytes, const std::string& name) {
  Dtype dt;
  if (!LookupDtype(h.descr, &dt))
    return Status::Fail(name + ": unsupported dtype '" + h.descr +
                        "' (supported: <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1)");
  if (h.fortran_order)
    return Status::Fail(name + ": fortran_order is True; only C-order arrays are supported "
                        "(save with np.ascontiguousarray)");
  // Count elements with overflow checks before trusting the header: the
  // data present bounds what may be allocated.
  const size_t have = bytes.size() - h.data_offset;
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
  if (too_big || n_u > have / static_cast<uint64_t>(dt.bytes))
    return Status::Fail(name + ": truncated data: shape " + ShapeToString(h.shape) + " of " + h.descr +
                        " needs " + (too_big ? std::string("more than 2^62") : std::to_string(n_u * dt.bytes)) +
                        " bytes, file has " + std::to_string(have));
  NDArray a;
  a.shape = h.shape;
  const int64_t n = static_cast<int64_t>(n_u);
  const size_t need = static_cast<size_t>(n) * dt.bytes;
  if (have < need)
    return Status::Fail(name + ": truncated data: shape " + ShapeToString(h.shape) + " of " + h.descr +
                        " needs " + std::to_string(need) + " bytes, file has " + std::to_string(have));
  a.data.resize(n);
  const char* src = bytes.data() + h.data_offset;
  double* dst = a.data.data();
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
  return a;
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
  std::string dict = std::string("{'descr': '") + (as_float32 ? "<f4" : "<f8") +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < a.shape.size(); ++i) dict += (i ? ", " : "") + std::to_string(a.shape[i]);
  if (a.shape.size() == 1) dict += ",";  // Python's 1-tuple
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
  size_t off = out.size();
  if (as_float32) {
    out.resize(off + a.data.size() * 4);
    for (size_t i = 0; i < a.data.size(); ++i) {
      float f = static_cast<float>(a.data[i]);
      std::memcpy(&out[off + 4 * i], &f, 4);
    }
  } else {
    out.resize(off + a.data.size() * 8);
    std::memcpy(&out[off], a.data.data(), a.data.size() * 8);
  }
  // Atomic: write a temporary next to the target, then rename over it.
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::Fail(path + ": cannot write: " + std::strerror(errno));
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return Status::Fail(path + ": write failed: " + std::strerror(errno));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::Fail(path + ": cannot rename temporary file into place: " + err);
  }
  return Status::Ok();
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

}  // namespace hlsforge
