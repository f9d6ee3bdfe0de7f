// The Vitis HLS / Vivado HLS backend: writes a synthesizable HLS C++ project
// (hls4ml's project layout) and runs its C simulation with g++ and hlsforge's
// own ap_fixed/hls_stream simulation headers.
//
// Project layout (DIR):
//   firmware/<name>.cpp, <name>.h      top function
//       io_parallel: void <name>(input_t in[N], result_t out[M])
//       io_stream:   void <name>(hls::stream<input_t>& in, hls::stream<result_t>& out)
//   firmware/defines.h                  every type (typedefs)
//   firmware/parameters.h               per-layer config structs
//   firmware/weights/*.h, *.txt         weights (header initializers; .txt for
//                                       loading at simulation time)
//   firmware/nnet_utils/                hlsforge's kernel library (namespace nnet)
//   sim_include/                        simulation headers, used only by g++
//   <name>_test.cpp                     testbench: tb_data/tb_input_features.dat
//                                       -> tb_data/csim_results.log; run without
//                                       arguments it also compares them with
//                                       tb_data/tb_output_predictions.dat (exit
//                                       status 0 only when all match exactly)
//   tb_data/                            inputs and the emulator's outputs for them
//   build_prj.tcl                       Vitis HLS (vitis_hls -f, vitis-run --mode
//                                       hls --tcl) / Vivado HLS (vivado_hls -f);
//                                       options "csim=1 synth=1 cosim=0 export=0
//                                       reset=0 vsynth=0" (hls4ml's)
//   hlsforge_config.yml, README.md, hlsforge_project.json (manifest for csim)
// The graph must have every precision resolved (config applied and the
// default pass pipeline run). The writer implements each layer's hardware
// plan (Layer::plan, set by the lower_hardware pass; computed with
// passes::PlanLayer for a layer without one or with one made for another io
// type) and decides none of it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::backends {

struct HlsOptions {
  std::string backend = "vitis";                 ///< "vitis" or "vivado"
  std::string part = "xcvu13p-flga2577-2-e";
  double clock_period_ns = 5.0;
  std::string project_name = "myproject";       ///< top function name (a C identifier)
  std::optional<ir::IOType> io_type;             ///< overrides Graph::io_type
  bool force = false;                            ///< replace a non-empty DIR
  std::string config_yaml;                       ///< config used, copied into the project
  /// Parameters (weights+biases+...) above which the C simulation loads the
  /// weights from .txt files instead of compiling the initializers.
  /// (g++ spends ~1 ms of CPU per initialized ap_fixed element at -O1; the
  /// files keep large models' compiles short and their memory bounded.)
  int64_t weights_txt_threshold = 2000;
  /// When set, every generated declaration (types, configs, weights, top
  /// function, testbench function) is placed in this C++ namespace, so that
  /// several projects can be compiled into one C-simulation program
  /// (RunCsimBatch). For testing; synthesis expects an empty namespace.
  std::string cpp_namespace;
  /// Receives the plan's warnings (LayerPlan::warnings: a snapped reuse
  /// factor, a coarse softmax table), once per warning; default prints to
  /// stderr.
  std::function<void(const std::string&)> warn;
  /// The testbench data written to tb_data/: these inputs ([rows, input
  /// features], per sample channels-last and flattened like the IR, the
  /// graph's inputs concatenated), or, when empty, `tb_samples` deterministic
  /// samples spread over each input type's range (clipped to [-8, 8], values
  /// exact in float32, which the testbench reads). The emulator's outputs for
  /// them are written as the expected results, so the project's own C
  /// simulation (`build_prj.tcl`, or the testbench run without arguments)
  /// checks itself: it returns 0 only when every output matches exactly.
  /// The default set is capped at kTbValueBudget input + output values (at
  /// least one sample: a 512x512 image model gets one, an MLP all 8);
  /// tb_samples = 0 writes no tb_data (callers that only need the firmware
  /// files, e.g. parameter checks).
  std::optional<NDArray> tb_input;
  int tb_samples = 8;
  static constexpr int64_t kTbValueBudget = 1'000'000;
};

/// Checks that every layer can be generated (supported kind, resolved types,
/// full-precision products within 64 bits, table sizes) without writing
/// anything. Errors name the layer and the field.
Status CheckHlsGraph(const ir::Graph& g);

/// Writes the project into `out_dir` atomically (a temporary sibling
/// directory renamed at the end). Errors: DIR non-empty without force,
/// DIR not creatable/writable (names the path and the OS reason), any
/// CheckHlsGraph error. Passes the layers' plan warnings to HlsOptions::warn
/// (e.g. a reuse factor snapped to the nearest valid value, listing the
/// valid ones).
Status WriteHlsProject(const ir::Graph& g, const HlsOptions& opt, const std::string& out_dir);

struct CsimOptions {
  std::string cxx = "g++";
  std::string opt_level = "-O1";
  bool force_rebuild = false;    ///< recompile even if the binary is up to date
  std::optional<bool> weights_from_txt;  ///< default: the project's manifest decides
  double* compile_seconds = nullptr;     ///< out: time spent compiling (0 if cached)
  /// Out, when set: every layer's output in C simulation (the program is
  /// compiled with HLSFORGE_CSIM_TRACE, see kernels/trace.h). RunCsim
  /// stores one map, RunCsimBatch one per project, in order; each map has
  /// the names and shapes of emu::Trace: layer name -> [rows, layer output
  /// shape...] (the Input layer: the input as assigned to its type), values
  /// exact.
  std::vector<std::map<std::string, NDArray>>* traces = nullptr;
};

/// Compiles the project's C simulation (if needed) to DIR/build/csim.
Status CompileCsim(const std::string& project_dir, const CsimOptions& opt = {});

/// Runs the C simulation on `input` ([rows, input features...], float32
/// semantics as hls4ml's testbench reads floats): writes
/// build/csim_input.dat (the project's tb_data inputs and expected outputs
/// stay untouched), runs the testbench on it, reads
/// tb_data/csim_results.log. Returns [rows, output size] (outputs of several
/// output tensors concatenated per row), values exact.
StatusOr<NDArray> RunCsim(const std::string& project_dir, const NDArray& input,
                          const CsimOptions& opt = {});

/// C simulation of several projects in ONE g++ run (one translation unit
/// including every project's top function and testbench; header parsing and
/// the kernel library are paid once). Every project must have been written
/// with a distinct HlsOptions::cpp_namespace and a distinct project_name.
/// `inputs[k]` feeds `project_dirs[k]` (as RunCsim). The program is built in
/// `work_dir`. Weights come from the .txt files if any project's manifest asks
/// for it (or opt.weights_from_txt). Returns one [rows, outputs] array per
/// project. Errors: as RunCsim; a project without a namespace or a repeated
/// namespace (names the project directory).
StatusOr<std::vector<NDArray>> RunCsimBatch(const std::vector<std::string>& project_dirs,
                                            const std::vector<NDArray>& inputs,
                                            const std::string& work_dir, const CsimOptions& opt = {});

/// hls4ml's valid reuse factors: decided by the lower_hardware pass
/// (passes/pass.h); visible here for the writer's users.
using passes::ClosestReuseFactor;
using passes::ValidDenseReuseFactors;

}  // namespace hlsforge::backends
