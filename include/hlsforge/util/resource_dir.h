// Where hlsforge finds the files it copies into every generated HLS project:
// the HLS kernel library (`kernels/`, copied as `firmware/nnet_utils/`), the
// g++ simulation headers (`sim_headers/`, copied as `sim_include/`) and the
// fixed-point core (`fixed_core.h`, copied as `sim_include/hlsforge_fixed_core.h`).
//
// Lookup order (the first that applies wins):
//  1. Environment overrides: HLSFORGE_HLS_DIR (a directory holding `kernels/`
//     and `sim_headers/`) and HLSFORGE_FIXED_CORE (the fixed_core.h file);
//     HLSFORGE_DATA_DIR names an installed data directory (`<prefix>/share/hlsforge`),
//     for programs that link the library but do not live in `<prefix>/bin`.
//  2. An installed binary: `<directory of /proc/self/exe>/../share/hlsforge`,
//     laid out by `cmake --install` as
//       share/hlsforge/hls/kernels/*.h
//       share/hlsforge/hls/sim_headers/*.h   (hlsforge_fixed_core.h = fixed_core.h)
//     so an installed tree can be moved to another prefix and still works.
//  3. A binary of an uninstalled build tree: the build directory holds
//     `hlsforge_source_dir.txt` (written by CMake, never installed) naming the
//     source tree; its `src/backends/hls/` and `include/hlsforge/fixed/fixed_core.h`
//     are used. No source path is compiled into any object.
// Otherwise the functions fail with a message naming the places searched.
#pragma once

#include <filesystem>

#include "hlsforge/util/status.h"

namespace hlsforge {

/// Directory holding `kernels/` (HLS kernel library) and `sim_headers/`
/// (ap_fixed.h, ap_int.h, hls_stream.h, hls_math.h for g++ C simulation).
StatusOr<std::filesystem::path> HlsLibraryDir();

/// The fixed-point core header (the one definition of fixed-point semantics),
/// which generated projects include as `hlsforge_fixed_core.h`.
StatusOr<std::filesystem::path> FixedCoreHeader();

}  // namespace hlsforge
