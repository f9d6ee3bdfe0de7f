// The non-finite input warning from counts gathered block by block (a
// streamed input); WarnNonFinite (commands.h) is this over a whole array.
#pragma once

#include <cstdint>
#include <string>

namespace hlsforge::cli {

/// Prints WarnNonFinite's message for `nan` NaN, `pos` +Inf and `neg` -Inf
/// values of the input `path` (nothing when all are 0); returns the total.
int64_t WarnNonFiniteCounts(int64_t nan, int64_t pos, int64_t neg, const std::string& path);

}  // namespace hlsforge::cli
