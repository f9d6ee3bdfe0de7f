// Streaming access to .npy files: a borrowed array view, a read-only memory
// map of a .npy file and an incremental writer, for arrays larger than
// memory (format: see ndarray.h / ndarray.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge {

/// A borrowed, read-only, C-order (row-major) array of one of the .npy
/// dtypes: `shape` [N, per-sample dims...], `descr` the NumPy dtype string
/// ("<f4", "<f8", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8",
/// "|b1"; "=" for "<" accepted), `data` the first element (no alignment
/// required). The memory belongs to the caller (a NumPy array, a MappedNpy)
/// and must outlive every use of the view.
struct NdArrayView {
  const void* data = nullptr;
  std::string descr;
  std::vector<int64_t> shape;
  int64_t rows() const { return shape.empty() ? 1 : shape[0]; }
  /// Elements per row (product of shape[1:]).
  int64_t row_size() const;
};

/// Converts the elements [first, first + n) of `v` (counted in row-major
/// order) to double into dst[0, n), exactly as ReadNpy converts them.
/// Errors: unsupported dtype (names `name` and the dtype), range outside
/// the view.
Status ConvertToDouble(const NdArrayView& v, int64_t first, int64_t n, double* dst, const std::string& name);

/// A .npy file memory-mapped read-only. Open validates, before anything is
/// read through the map, the magic/header (ReadNpyHeader's errors), the
/// dtype, fortran_order and that the file holds all the data the header's
/// shape declares (ReadNpy's "truncated data" error, word for word): a
/// truncated or lying file is rejected without touching pages past its end.
/// Resident memory: pages are mapped on first touch; Release() returns the
/// pages of rows already consumed, so a sequential pass over an input larger
/// than RAM keeps a bounded resident set.
class MappedNpy {
 public:
  static StatusOr<MappedNpy> Open(const std::string& path);
  MappedNpy(MappedNpy&& o) noexcept;
  MappedNpy& operator=(MappedNpy&& o) noexcept;
  MappedNpy(const MappedNpy&) = delete;
  MappedNpy& operator=(const MappedNpy&) = delete;
  ~MappedNpy();

  const NpyHeader& header() const { return header_; }
  /// The data as a view (shape and descr of the header).
  NdArrayView view() const;
  /// Drops the resident pages holding only rows [0, end_row) (advice; the
  /// data stays readable and is paged in again if touched).
  void Release(int64_t end_row);

 private:
  MappedNpy() = default;
  void Reset();
  std::string path_;
  NpyHeader header_;
  char* base_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;   ///< bytes from base_ already advised away
  int64_t row_bytes_ = 0;
};

/// Writes a .npy of a shape known in advance incrementally: Open writes the
/// header (the bytes WriteNpy writes for that shape) to a temporary file next
/// to `path`; Append adds values in row-major order (converted to float32
/// when `as_float32`); Finish checks that exactly product(shape) values came
/// and renames the temporary over `path`. Until Finish succeeds `path` is
/// untouched; a writer destroyed unfinished removes its temporary, so a
/// failure never leaves a complete-looking file. Errors name `path`.
class NpyWriter {
 public:
  NpyWriter() = default;
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;
  ~NpyWriter();
  Status Open(const std::string& path, const std::vector<int64_t>& shape, bool as_float32);
  Status Append(const double* values, int64_t n);
  Status Finish();
  bool is_open() const { return fd_ >= 0; }

 private:
  void Abort();
  std::string path_, tmp_;
  int fd_ = -1;
  bool as_float32_ = true;
  int64_t expected_ = 0, written_ = 0;
  std::vector<char> buf_;
};

}  // namespace hlsforge
