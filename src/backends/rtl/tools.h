// Internal: running the external hardware tools (Verilator, Yosys, nextpnr,
// icepack) from the Verilog backend.
#pragma once

#include <filesystem>
#include <string>

#include "hlsforge/util/status.h"

namespace hlsforge::backends::rtl {

/// Path of `tool` on PATH, or an error naming the Debian package that
/// provides it ("... install the Debian package <pkg> (apt-get install <pkg>)").
StatusOr<std::string> FindTool(const std::string& tool, const std::string& debian_package);
/// Shell-quoted argument.
std::string Quote(const std::string& s);
/// Runs `cmd` (a shell command line) with stdout and stderr appended to
/// `log`; returns the exit status.
int RunLogged(const std::string& cmd, const std::filesystem::path& log);
/// The last `lines` lines of a text file (for error messages).
std::string Tail(const std::filesystem::path& file, int lines);
std::string ReadFile(const std::filesystem::path& file);
/// FNV-1a 64-bit hash of a string, as 16 hex digits (cache stamps).
std::string HashHex(const std::string& text);

}  // namespace hlsforge::backends::rtl
