// hlsforge rtlsim DIR -i X.npy [-o Y.npy] [--rebuild] [-O LEVEL]
//   Verilator simulation of a Verilog project at II = 1: writes the outputs
//   (as hlsforge predict: [N, outputs] float64) and the measured latency.
// Also the Verilog branch of `hlsforge convert --backend verilog`.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/ir/config.h"

namespace hlsforge::cli {

void ConvertToVerilog(const ir::Graph& g, const VerilogConvertArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  backends::RtlOptions opt;
  opt.project_name = a.project;
  opt.clock_period_ns = a.clock_ns;
  opt.force = a.force;
  if (!a.config_path.empty()) {
    std::ifstream f(a.config_path);
    std::stringstream ss;
    ss << f.rdbuf();
    opt.config_yaml = ss.str();
  } else {
    opt.config_yaml = "# default configuration (no -c given)\n" + ir::DefaultConfig().yaml_text;
  }
  backends::RtlDesign d = ValueOrThrow(backends::WriteRtlProject(g, opt, a.out_dir));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("wrote Verilog project %s (top %s: %d layer modules, latency %d cycles, II 1) in %.2f s\n",
              a.out_dir.c_str(), d.top.c_str(), static_cast<int>(d.layers.size()), d.latency, secs);
}

namespace {

struct RtlsimArgs {
  std::string dir, input, output, opt_level = "-O1";
  bool rebuild = false;
};

void RunRtlsimCmd(const RtlsimArgs& a) {
  NDArray x = ValueOrThrow(ReadNpy(a.input));
  if (x.shape.size() == 1) x.shape = {1, x.shape[0]};
  if (x.shape.size() > 2) x.shape = {x.shape[0], x.row_size()};
  backends::RtlSimOptions opt;
  opt.opt_level = a.opt_level;
  opt.force_rebuild = a.rebuild;
  double build_s = 0, run_s = 0;
  opt.build_seconds = &build_s;
  opt.run_seconds = &run_s;
  opt.progress = [](const std::string& m) { std::fprintf(stderr, "rtlsim: %s\n", m.c_str()); };
  backends::RtlSimResult r = ValueOrThrow(backends::RunRtlSim(a.dir, x, opt));
  const std::string out = a.output.empty() ? (std::filesystem::path(a.dir) / "rtlsim_results.npy").string() : a.output;
  ThrowIfError(WriteNpy(out, r.output, false));
  std::printf("rtlsim: %lld rows x %lld outputs at II 1 -> %s; latency %d cycles (as hlsforge_rtl.json); "
              "build %.1f s%s, simulation %.2f s\n",
              static_cast<long long>(r.output.rows()), static_cast<long long>(r.output.row_size()), out.c_str(),
              r.latency, build_s, build_s == 0 ? " (cached)" : "", run_s);
}

}  // namespace

void AddRtlsimCommand(CLI::App& app) {
  auto a = std::make_shared<RtlsimArgs>();
  CLI::App* sub = app.add_subcommand("rtlsim", "simulate a Verilog project with Verilator (II = 1, bit-exact)");
  sub->add_option("DIR", a->dir, "project directory written by hlsforge convert --backend verilog")->required();
  sub->add_option("-i,--input", a->input, "input .npy [N, inputs] (float32/float64)")->required();
  sub->add_option("-o,--output", a->output, "output .npy (default: DIR/rtlsim_results.npy)");
  sub->add_option("-O,--opt", a->opt_level, "g++ optimization of the Verilated model")
      ->check(CLI::IsMember({"-O0", "-O1", "-O2"}))
      ->capture_default_str();
  sub->add_flag("--rebuild", a->rebuild, "rebuild the Verilator model even if up to date");
  sub->callback([a] { RunRtlsimCmd(*a); });
}

}  // namespace hlsforge::cli
