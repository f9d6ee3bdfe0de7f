// Reading one member of a zip archive (libzip) with the size checks done
// before any allocation: the `.npz` reader and the Keras `.keras` reader use
// it, so a member whose directory entry declares gigabytes gets a located
// error instead of an out-of-memory.
#pragma once

#include <zip.h>

#include <cstdint>
#include <string>

#include "hlsforge/util/status.h"

namespace hlsforge {

/// Largest uncompressed member read (2 GiB): no model, weights file or input
/// array this compiler handles comes near it.
inline constexpr uint64_t kMaxZipMemberBytes = uint64_t{1} << 31;
/// Largest expansion of DEFLATE (RFC 1951): a stored 258-byte match costs at
/// least 2 bits, 1032:1; a member declaring more than this times its
/// compressed size (plus a small slack for headers) cannot be genuine.
inline constexpr uint64_t kMaxDeflateRatio = 1032;

/// Reads member `index` of the open archive `z`, whose file is
/// `archive_bytes` long. `where` names the member in messages, e.g.
/// "model.keras: 'config.json'". Errors (checked before allocating): the
/// compressed size exceeds the archive, a stored member whose size differs
/// from its compressed size, a deflated member declaring more than
/// kMaxDeflateRatio times its compressed size, a compression method other
/// than store/deflate, more than kMaxZipMemberBytes; then a read error or a
/// member shorter than declared (truncated or corrupt archive).
StatusOr<std::string> ReadZipMember(zip_t* z, zip_uint64_t index, uint64_t archive_bytes, const std::string& where);

}  // namespace hlsforge
