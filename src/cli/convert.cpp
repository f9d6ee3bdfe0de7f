// hlsforge convert MODEL [-c CFG] -o DIR [--backend vitis|vivado|catapult|verilog] [--part P]
//   [--clock-period NS] [--project-name NAME] [--io-type io_parallel|io_stream]
//   [--passes a,b,c] [--force] [--csim] [-i X.npy]
// Writes a Vitis/Vivado HLS project (see include/hlsforge/backends/hls_backend.h),
// or a Catapult HLS one (docs/CATAPULT.md: the model's types become ac_fixed,
// Model: {Family: ac}, before any pass runs);
// with --csim also compiles and runs its C simulation on X.npy and checks it
// bit for bit against the emulator.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/ir/config.h"

namespace hlsforge::cli {
namespace {

struct ConvertArgs {
  ModelArgs model;
  PipelineArgs pipeline;
  std::string out_dir, backend = "vitis", part = "xcvu13p-flga2577-2-e", project = "myproject";
  std::string input;
  double clock = 5.0;
  bool force = false, csim = false;
};

void RunConvert(const ConvertArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  // The io type override is set on the graph before lower_hardware plans it.
  // The Catapult backend implies the AC type family for the whole model.
  PipelineArgs pipeline = a.pipeline;
  if (a.backend == "catapult") pipeline.family = Family::AC;
  ir::Graph g = ValueOrThrow(PrepareModel(a.model, pipeline, true));
  if (a.backend == "verilog") {
    if (a.csim) throw Error("--csim applies to the HLS backends; simulate Verilog with hlsforge rtlsim");
    return ConvertToVerilog(g, {a.out_dir, a.project, a.model.config, a.clock, a.force});
  }
  backends::HlsOptions opt;
  opt.backend = a.backend;
  opt.part = a.part;
  opt.clock_period_ns = a.clock;
  opt.project_name = a.project;
  opt.force = a.force;
  if (!a.model.config.empty()) {
    std::ifstream f(a.model.config);
    std::stringstream ss;
    ss << f.rdbuf();
    opt.config_yaml = ss.str();
  } else {
    opt.config_yaml = "# default configuration (no -c given)\n" + ir::DefaultConfig().yaml_text;
  }
  // The testbench data: the given inputs, else the writer's deterministic ones.
  if (!a.input.empty()) opt.tb_input = ValueOrThrow(ReadInput(g, a.input));
  ThrowIfError(backends::WriteHlsProject(g, opt, a.out_dir));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("wrote HLS project %s (%s, %s) in %.2f s\n", a.out_dir.c_str(), a.backend.c_str(),
              g.io_type == ir::IOType::Stream ? "io_stream" : "io_parallel", secs);
  if (!a.csim) return;
  if (a.input.empty()) throw Error("--csim needs an input: -i X.npy");
  const NDArray& x = *opt.tb_input;
  backends::CsimOptions co;
  double compile_s = 0;
  co.compile_seconds = &compile_s;
  NDArray y = ValueOrThrow(backends::RunCsim(a.out_dir, x, co));
  const std::string out = (std::filesystem::path(a.out_dir) / "tb_data" / "csim_results.npy").string();
  ThrowIfError(WriteNpy(out, y, false));
  NDArray e = ValueOrThrow(emu::Predict(g, x));
  int64_t diff = 0;
  for (size_t i = 0; i < y.data.size() && i < e.data.size(); ++i) diff += y.data[i] != e.data[i];
  std::printf("csim: %lld rows (compile %.1f s) -> %s; %s\n", static_cast<long long>(y.rows()), compile_s,
              out.c_str(), diff == 0 && y.size() == e.size() ? "bit-exact with the emulator"
                                                              : "MISMATCH with the emulator");
  if (diff != 0 || y.size() != e.size())
    throw Error("C simulation differs from the emulator in " + std::to_string(diff) + " values");
}

}  // namespace

void AddConvertCommand(CLI::App& app) {
  auto a = std::make_shared<ConvertArgs>();
  CLI::App* sub = app.add_subcommand("convert", "write a Vitis/Vivado or Catapult HLS project (firmware, testbench, build script)");
  AddModelOptions(*sub, a->model);
  sub->add_option("-o,--output", a->out_dir, "project directory (written atomically)")->required();
  sub->add_option("--backend", a->backend, "vitis, vivado, catapult (HLS C++) or verilog (RTL)")->check(CLI::IsMember({"vitis", "vivado", "catapult", "verilog"}))->capture_default_str();
  sub->add_option("--part", a->part, "FPGA part")->capture_default_str();
  sub->add_option("--clock-period", a->clock, "clock period in ns")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--project-name", a->project, "top function / project name")->capture_default_str();
  AddPipelineOptions(*sub, a->pipeline, true);
  sub->add_flag("--force", a->force, "replace a non-empty output directory");
  sub->add_flag("--csim", a->csim, "also compile and run the C simulation on -i and compare with the emulator");
  sub->add_option("-i,--input", a->input, "input .npy: the testbench data (tb_data/) and the --csim input");
  sub->callback([a] { RunConvert(*a); });
}

}  // namespace hlsforge::cli
