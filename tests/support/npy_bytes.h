// A version-1.0 .npy image built by hand (NumPy format spec: magic, version,
// 2-byte little-endian header length, the dict padded with spaces and '\n'
// to a multiple of 64 bytes, then the data), so that tests can write
// headers NumPy never would (wrong dtypes, shapes larger than the data).
#pragma once

#include <string>

namespace hlsforge::test_support {

inline std::string NpyImage(const std::string& dict, const std::string& data) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>(h.size() >> 8);
  return out + h + data;
}

}  // namespace hlsforge::test_support
