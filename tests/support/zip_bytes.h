// Builds a one-member zip archive byte by byte (PKWARE APPNOTE 4.3: local
// file header, data, central directory header, end of central directory),
// so that tests can declare sizes a well-behaved writer never would (a
// member "expanding" to gigabytes).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>

namespace hlsforge::test_support {

/// Raw DEFLATE (RFC 1951, no zlib header) of `data`.
inline std::string RawDeflate(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

/// A zip holding one member `name` whose stored bytes are `payload`
/// (method 0 = stored, 8 = deflated) and whose headers declare
/// `declared_size` uncompressed bytes and checksum `crc`.
inline std::string OneMemberZip(const std::string& name, uint16_t method, const std::string& payload,
                                uint32_t declared_size, uint32_t crc) {
  auto u16 = [](std::string& s, uint32_t v) { s += static_cast<char>(v & 0xff); s += static_cast<char>(v >> 8 & 0xff); };
  auto u32 = [&](std::string& s, uint32_t v) { u16(s, v & 0xffff); u16(s, v >> 16); };
  const uint32_t comp = static_cast<uint32_t>(payload.size());
  std::string z;
  u32(z, 0x04034b50); u16(z, 20); u16(z, 0); u16(z, method); u16(z, 0); u16(z, 0x21);
  u32(z, crc); u32(z, comp); u32(z, declared_size);
  u16(z, static_cast<uint32_t>(name.size())); u16(z, 0);
  z += name;
  z += payload;
  const uint32_t cd_offset = static_cast<uint32_t>(z.size());
  std::string cd;
  u32(cd, 0x02014b50); u16(cd, 20); u16(cd, 20); u16(cd, 0); u16(cd, method); u16(cd, 0); u16(cd, 0x21);
  u32(cd, crc); u32(cd, comp); u32(cd, declared_size);
  u16(cd, static_cast<uint32_t>(name.size())); u16(cd, 0); u16(cd, 0); u16(cd, 0); u16(cd, 0);
  u32(cd, 0); u32(cd, 0);
  cd += name;
  z += cd;
  u32(z, 0x06054b50); u16(z, 0); u16(z, 0); u16(z, 1); u16(z, 1);
  u32(z, static_cast<uint32_t>(cd.size())); u32(z, cd_offset); u16(z, 0);
  return z;
}

}  // namespace hlsforge::test_support
