// hlsforge csim DIR [-i X.npy] [-o Y.npy] [--trace TDIR] [--rebuild] [-O LEVEL]
// Compiles a generated HLS project with g++ and hlsforge's simulation headers,
// runs its testbench and writes the outputs (.npy, exact values); with
// --trace, also every layer's output as TDIR/<layer>.npy, with the names,
// shapes ([rows, layer output shape...], channels-last) and values of
// `hlsforge predict --trace`.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "commands.h"
#include "hlsforge/backends/hls_backend.h"

namespace hlsforge::cli {
namespace {

struct CsimArgs {
  std::string dir, input, output, trace_dir, opt_level = "-O1";
  bool rebuild = false;
};

// Rows of tb_data/tb_input_features.dat (one sample per line).
NDArray ReadDat(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw Error(path + ": cannot read (pass -i X.npy)");
  NDArray a;
  std::string line;
  int64_t rows = 0, cols = -1;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    std::istringstream ss(line);
    double v;
    int64_t n = 0;
    while (ss >> v) { a.data.push_back(v); ++n; }
    if (cols >= 0 && n != cols) throw Error(path + ": line " + std::to_string(rows + 1) + " has " + std::to_string(n) + " values, expected " + std::to_string(cols));
    cols = n;
    ++rows;
  }
  a.shape = {rows, std::max<int64_t>(cols, 0)};
  return a;
}

void RunCsimCmd(const CsimArgs& a) {
  NDArray x;
  if (!a.input.empty()) {
    x = ValueOrThrow(ReadNpy(a.input));
    WarnNonFinite(x, a.input);
  } else {
    x = ReadDat((std::filesystem::path(a.dir) / "tb_data" / "tb_input_features.dat").string());
  }
  backends::CsimOptions co;
  co.opt_level = a.opt_level;
  co.force_rebuild = a.rebuild;
  double compile_s = 0;
  co.compile_seconds = &compile_s;
  std::vector<std::map<std::string, NDArray>> traces;
  if (!a.trace_dir.empty()) co.traces = &traces;
  NDArray y = ValueOrThrow(backends::RunCsim(a.dir, x, co));
  if (!a.trace_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.trace_dir, ec);
    if (ec) throw Error(a.trace_dir + ": cannot create directory: " + ec.message());
    for (const auto& [layer, arr] : traces.at(0))
      ThrowIfError(WriteNpy((std::filesystem::path(a.trace_dir) / (TraceFileName(layer) + ".npy")).string(), arr, false));
  }
  const std::string out = a.output.empty() ? (std::filesystem::path(a.dir) / "tb_data" / "csim_results.npy").string() : a.output;
  ThrowIfError(WriteNpy(out, y, false));
  std::printf("csim: %lld rows x %lld outputs (compile %.1f s) -> %s\n", static_cast<long long>(y.rows()),
              static_cast<long long>(y.row_size()), compile_s, out.c_str());
  if (!a.trace_dir.empty()) std::printf("csim: %zu layer outputs -> %s/<layer>.npy\n", traces.at(0).size(), a.trace_dir.c_str());
  const int64_t show = std::min<int64_t>(y.rows(), 5);
  for (int64_t r = 0; r < show; ++r) {
    for (int64_t c = 0; c < y.row_size(); ++c) std::printf("%s%.10g", c ? " " : "", y.data[static_cast<size_t>(r * y.row_size() + c)]);
    std::printf("\n");
  }
  if (y.rows() > show) std::printf("... (%lld more rows)\n", static_cast<long long>(y.rows() - show));
}

}  // namespace

void AddCsimCommand(CLI::App& app) {
  auto a = std::make_shared<CsimArgs>();
  CLI::App* sub = app.add_subcommand("csim", "compile and run the C simulation of a generated HLS project");
  sub->add_option("DIR", a->dir, "project directory written by hlsforge convert")->required();
  sub->add_option("-i,--input", a->input, "input .npy (default: the project's tb_data/tb_input_features.dat)");
  sub->add_option("-o,--output", a->output, "output .npy (default: DIR/tb_data/csim_results.npy)");
  sub->add_option("-O,--opt", a->opt_level, "g++ optimization flag")->check(CLI::IsMember({"-O0", "-O1", "-O2"}))->capture_default_str();
  sub->add_option("--trace", a->trace_dir, "also write every layer's output to TDIR/<layer>.npy (as predict --trace)");
  sub->add_flag("--rebuild", a->rebuild, "recompile even if up to date");
  sub->callback([a] { RunCsimCmd(*a); });
}

}  // namespace hlsforge::cli
