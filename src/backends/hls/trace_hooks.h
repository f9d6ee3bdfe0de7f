// The C-simulation trace hooks of a generated HLS project (kernels/trace.h):
// what the writer emits so that `hlsforge csim --trace` and RunCsim/
// RunCsimBatch with CsimOptions::traces record every layer's output. Every
// emitted line is compiled only with HLSFORGE_CSIM_TRACE and never in
// synthesis (__SYNTHESIS__).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hlsforge::backends::detail {

/// After layer `id` (model layer `layer`) wrote its io_parallel array `var`
/// of n elements of `type`.
std::string TraceArrayHook(const std::string& layer, int id, const std::string& type, int64_t n,
                           const std::string& var);
/// After layer `id` wrote its io_stream `var`: `words` words of `word_type`.
std::string TraceStreamHook(const std::string& layer, int id, const std::string& word_type, int64_t words,
                            const std::string& var);
/// The include of kernels/trace.h, from a file of the project's `firmware/`
/// directory (`from_firmware`, the top function) or of its root (the
/// testbench): quoted includes are found relative to the including file, which
/// is what RunCsimBatch's programs (compiled elsewhere) rely on.
std::string TraceInclude(bool from_firmware);
/// Testbench: the parameter of hlsforge_tb_run, its first and last lines,
/// and main's argument (argv[3]).
std::string TraceTbParam();
std::string TraceTbBegin();
std::string TraceTbEnd();
std::string TraceTbMainArg();
/// Manifest entry of one traced layer: {"name", "id", "shape" (per sample)}.
nlohmann::json TraceManifestEntry(const std::string& layer, int id, const std::vector<int64_t>& shape);

}  // namespace hlsforge::backends::detail
