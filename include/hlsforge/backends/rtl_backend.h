// The Verilog backend: synthesizable Verilog-2005 (accepted by Yosys 0.23
// and Verilator 5.006), bit-exact with the emulator, plus its Verilator
// simulation and its Yosys / nextpnr synthesis.
//
// Project layout (DIR):
//   rtl/<project>.v              top module, named after the project
//   rtl/<project>_<layer>.v      one module per layer
//   hlsforge_rtl.json            latency (cycles), II, ports, per-layer stages
//   hlsforge_config.yml, README.md
// Top module ports (all synchronous to clk's rising edge):
//   clk, rst (synchronous, active high; clears the valid pipeline only),
//   in_valid, <input tensor> [N*W-1:0], out_valid, <output tensor> [M*V-1:0].
// A tensor of N elements of a W-bit type is packed element i at bits
// [i*W, (i+1)*W) (element 0 in the LSBs), each element the raw word of its
// fixed-point type (two's complement when signed). Initiation interval 1: a
// new input every cycle; the output of the input presented with in_valid at
// cycle c appears with out_valid at cycle c + latency.
// Pipeline: each layer has PipelineStages register ranks (config key; the
// default comes from a timing estimate for the clock period, ranks spaced
// across layer boundaries: a layer's outputs may leave unregistered),
// latency = sum over layers.
// The graph must have every precision resolved (config applied and the
// default pass pipeline run).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::backends {

struct RtlOptions {
  std::string project_name = "myproject";  ///< top module name (a Verilog identifier)
  /// Target clock period in ns for the automatic number of pipeline stages
  /// of a layer: ceil(estimated combinational delay / period). The estimate
  /// is a coarse UltraScale+-class model (adders ~0.55 ns + 12 ps/bit,
  /// logic levels 0.45 ns, ROM reads 0.6 ns + 0.25 ns per address bit
  /// above 6, DSP multiplies 2.4 ns), not a timing analysis.
  double clock_period_ns = 5.0;
  bool force = false;         ///< replace a non-empty DIR
  std::string config_yaml;    ///< config used, copied into the project
  /// Prefix of every module but the top (default: project_name + "_"), so
  /// that several projects can be simulated together.
  std::string module_prefix;
  std::function<void(const std::string&)> warn;  ///< default: stderr
};

/// Per-layer facts of a written design (also in hlsforge_rtl.json).
struct RtlLayerInfo {
  std::string layer, module, kind, summary;
  int stages = 0;
  double delay_ns = 0;        ///< estimated combinational delay of the layer
  int64_t adders = 0, adder_bits = 0, multipliers = 0, rom_reads = 0;
  /// From the layer's hardware plan (layers with products): the product
  /// kind (ir::ToString(ProductKind)), weight words and the zero words among
  /// them that cost no hardware; empty / 0 otherwise.
  std::string product;
  int64_t weights = 0, zero_weights = 0;
};

struct RtlDesign {
  std::string top;
  int latency = 0;            ///< cycles from in_valid to out_valid
  int in_elems = 0, in_width = 0, out_elems = 0, out_width = 0;
  std::string in_port, out_port;
  std::string in_type, out_type;  ///< vendor spelling of the element types
  std::vector<RtlLayerInfo> layers;
  std::vector<std::string> files;  ///< Verilog files, relative to DIR (top last)
};

/// Checks that every layer can be generated (supported kind, reuse factor
/// 1, resolved precisions, the generators' own limits) without writing
/// anything (the layers' netlists are built and dropped). Errors name the
/// layer:
/// convolutional and other window layers give "... not supported by the
/// verilog backend"; a reuse factor above 1 names the layer and the value.
Status CheckRtlGraph(const ir::Graph& g);

/// Writes the project atomically (a temporary sibling directory renamed at
/// the end). Errors: DIR non-empty without force, DIR not writable, any
/// CheckRtlGraph error.
StatusOr<RtlDesign> WriteRtlProject(const ir::Graph& g, const RtlOptions& opt, const std::string& out_dir);

/// Reads DIR/hlsforge_rtl.json back. Errors name the file and the field.
StatusOr<RtlDesign> ReadRtlDesign(const std::string& dir);

// ---- Verilator simulation (verilator.cpp) ----------------------------------

struct RtlSimOptions {
  bool force_rebuild = false;
  std::string opt_level = "-O1";         ///< g++ level for the Verilated model
  double* build_seconds = nullptr;       ///< out: time spent building (0 if cached)
  double* run_seconds = nullptr;         ///< out: time spent simulating
  std::function<void(const std::string&)> progress;  ///< build messages; default none
};

struct RtlSimResult {
  NDArray output;       ///< [rows, output elements], exact values of the output type
  int latency = 0;      ///< measured cycles from in_valid to out_valid
};

/// Builds (once; cached in DIR/obj_dir, rebuilt when a Verilog file or the
/// harness changes) a Verilator model of the project and streams the rows
/// of `input` through it at II = 1 (inputs assigned to the input type as
/// the emulator does: float32, then the vendor's ap_fixed(double)).
/// Errors: verilator or a C++ compiler missing (names the Debian package),
/// a build failure (the log's tail), a latency that differs between rows or
/// from hlsforge_rtl.json.
StatusOr<RtlSimResult> RunRtlSim(const std::string& dir, const NDArray& input, const RtlSimOptions& opt = {});

/// Several projects in ONE Verilator build (a wrapper instantiates every
/// top; modules must have distinct prefixes): `inputs[k]` feeds `dirs[k]`.
/// The model is built in `work_dir`.
StatusOr<std::vector<RtlSimResult>> RunRtlSimBatch(const std::vector<std::string>& dirs,
                                                   const std::vector<NDArray>& inputs, const std::string& work_dir,
                                                   const RtlSimOptions& opt = {});

/// `verilator --lint-only -Wall` over the project's files; returns the
/// warnings text (empty when clean).
StatusOr<std::string> LintRtl(const std::string& dir);

// ---- synthesis (synth.cpp) ---------------------------------------------------

struct SynthOptions {
  std::string target = "xilinx";   ///< "xilinx" (Yosys synth_xilinx, UltraScale+) or "ice40"
  std::string ice40_device = "up5k";  ///< nextpnr-ice40 device: lp1k, hx1k, hx8k, up5k, ...
  std::string ice40_package;          ///< default: the device's usual package
  bool flatten = false;            ///< flatten before synthesis (no per-layer table)
  std::function<void(const std::string&)> progress;  ///< one line per step; default stderr
};

struct SynthReport {
  std::string target;
  std::map<std::string, int64_t> totals;   ///< LUT, FF, DSP, CARRY, BRAM (xilinx) / LC, RAM, DSP (ice40)
  /// per layer module: cell class -> count
  std::vector<std::pair<std::string, std::map<std::string, int64_t>>> per_module;
  double fmax_mhz = 0;                     ///< ice40: nextpnr's maximum frequency
  std::string bitstream;                   ///< ice40: path of the .bin
  double seconds = 0;
  std::string table;                       ///< the readable per-layer table
};

/// Runs the synthesis flow in DIR/synth_<target>/ (logs kept there) and
/// writes DIR/synth_report.json and DIR/synth_report.txt. iCE40 designs are
/// wrapped in a shift-register shell (serial in / serial out), because the
/// packed ports exceed the package's pins. Errors: tools missing (names the
/// Debian package: yosys, nextpnr-ice40, fpga-icestorm), a design too large
/// for the device (nextpnr's message), a tool failure (the log's path).
StatusOr<SynthReport> RunSynth(const std::string& dir, const SynthOptions& opt);

}  // namespace hlsforge::backends
