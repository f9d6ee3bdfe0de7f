// hlsforge synth DIR [--target xilinx|ice40] [--device up5k] [--package P] [--flatten]
//   Yosys (and for iCE40 nextpnr + icepack) on a Verilog project: prints the
//   per-layer resource table, writes DIR/synth_report.json / .txt.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "hlsforge/backends/rtl_backend.h"

namespace hlsforge::cli {

void AddSynthCommand(CLI::App& app) {
  auto a = std::make_shared<backends::SynthOptions>();
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("synth", "synthesize a Verilog project with Yosys (xilinx) or Yosys + nextpnr (ice40)");
  sub->add_option("DIR", *dir, "project directory written by hlsforge convert --backend verilog")->required();
  sub->add_option("--target", a->target, "xilinx (synth_xilinx, UltraScale+) or ice40 (synth_ice40, nextpnr, icepack)")
      ->check(CLI::IsMember({"xilinx", "ice40"}))
      ->capture_default_str();
  sub->add_option("--device", a->ice40_device, "iCE40 device for nextpnr-ice40 (up5k, hx8k, hx1k, lp1k, ...)")
      ->capture_default_str();
  sub->add_option("--package", a->ice40_package, "iCE40 package (default: the device's usual one)");
  sub->add_flag("--flatten", a->flatten, "flatten before synthesis (smaller totals, no per-layer table)");
  sub->callback([a, dir] {
    backends::SynthReport r = ValueOrThrow(backends::RunSynth(*dir, *a));
    std::printf("%s", r.table.c_str());
  });
}

}  // namespace hlsforge::cli
