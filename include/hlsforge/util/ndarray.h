// A dense row-major array of doubles with a shape: the currency of the CLI,
// the emulator's batch interface and the .npy reader/writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hlsforge/util/status.h"

namespace hlsforge {

struct NDArray {
  std::vector<int64_t> shape;
  std::vector<double> data;   ///< row-major, size == product(shape)
  int64_t size() const;
  int64_t rows() const { return shape.empty() ? 1 : shape[0]; }
  /// Elements per row (product of shape[1:]).
  int64_t row_size() const;
};

/// Reads a NumPy .npy file (format version 1.0/2.0/3.0; dtypes <f4, <f8,
/// |u1, |i1, <i2, <i4, <i8, <u2, <u4, <u8, |b1; C order only).
/// Errors name the file and the field (magic, header, dtype, fortran_order,
/// truncated data).
StatusOr<NDArray> ReadNpy(const std::string& path);
/// Writes float32 (`as_float32`) or float64 .npy, atomically (temp file + rename).
Status WriteNpy(const std::string& path, const NDArray& a, bool as_float32 = true);
/// Reads one array from an uncompressed or deflated .npz (via libzip).
StatusOr<NDArray> ReadNpz(const std::string& path, const std::string& key);
/// Names of the arrays in an .npz (without ".npy").
StatusOr<std::vector<std::string>> ListNpz(const std::string& path);

/// The header of a .npy file: what ReadNpy checks before reading data.
struct NpyHeader {
  std::string descr;            ///< NumPy dtype string as written, e.g. "<f4", "|u1"
  bool fortran_order = false;
  std::vector<int64_t> shape;   ///< () for a 0-d array
  size_t data_offset = 0;       ///< bytes from the start of the file to the data
};
/// Reads only the header of a .npy file (same errors as ReadNpy for
/// magic/header; the dtype is reported, not checked).
StatusOr<NpyHeader> ReadNpyHeader(const std::string& path);
/// Parses a complete .npy image held in memory; `name` is used in messages
/// (ReadNpy/ReadNpz are this over a file or an archive member).
StatusOr<NDArray> ParseNpy(const std::string& bytes, const std::string& name);
/// True for the floating dtypes "<f4", "<f8" (and "=f4", "=f8").
bool IsFloatDtype(const std::string& descr);
/// "[2, 3]" — a shape for messages; `sep` between the dimensions.
std::string ShapeToString(const std::vector<int64_t>& shape, std::string_view sep = ", ");

}  // namespace hlsforge
