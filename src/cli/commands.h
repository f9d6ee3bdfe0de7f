// The hlsforge command line: one function per subcommand, each in its own
// src/cli/<name>.cpp, registering itself on the top-level CLI11 app.
// A subcommand's callback throws hlsforge::Error on failure; main() prints
// "hlsforge: <message>" and exits with status 2.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::cli {

void AddPredictCommand(CLI::App& app);   // predict.cpp
void AddInspectCommand(CLI::App& app);   // inspect.cpp
void AddConfigCommand(CLI::App& app);    // config_cmd.cpp
void AddEvalCommand(CLI::App& app);      // eval.cpp
void AddConvertCommand(CLI::App& app);   // convert.cpp (HLS backend engineer)
void AddCsimCommand(CLI::App& app);      // csim.cpp (HLS backend engineer)
void AddRtlsimCommand(CLI::App& app);    // rtlsim.cpp (Verilog backend)
void AddSynthCommand(CLI::App& app);     // synth.cpp (Verilog backend)
void AddSelftestCommand(CLI::App& app);  // selftest.cpp
void AddProfileCommand(CLI::App& app);   // profile.cpp

/// `hlsforge convert --backend verilog` (rtlsim.cpp): writes the Verilog
/// project of a prepared graph.
struct VerilogConvertArgs {
  std::string out_dir, project, config_path;
  double clock_ns = 5.0;
  bool force = false;
};
void ConvertToVerilog(const ir::Graph& g, const VerilogConvertArgs& a);

/// Thrown by a subcommand that ran but must end with a nonzero exit status
/// other than 2 (selftest: 1 when a case disagrees); main() returns it.
struct ExitWith {
  int status;
};

// ---- helpers shared by the subcommands (common.cpp) ----

/// Where a model comes from and how it is configured.
struct ModelArgs {
  std::string model;     ///< .onnx / .json / .h5 / .keras
  std::string weights;   ///< HDF5 weights of a Keras JSON (optional)
  std::string config;    ///< hls4ml-layout YAML (optional: default config)
};
/// Adds MODEL, --weights and -c/--config to a subcommand.
void AddModelOptions(CLI::App& sub, ModelArgs& args, bool with_config = true);

/// Loads, configures (config file or the default config) and runs the
/// default pass pipeline: the graph is ready for the emulator and reports.
StatusOr<ir::Graph> PrepareModel(const ModelArgs& args);

/// --passes / --io-type (pipeline.cpp).
struct PipelineArgs {
  std::string passes;   ///< comma-separated pass names; empty: passes::DefaultPipeline()
  std::string io_type;  ///< "io_parallel" / "io_stream" override; empty: the config's
  /// The type family the backend needs (convert --backend catapult: ac);
  /// nullopt: the config's Model: Family (default ap).
  std::optional<Family> family;
};
/// Adds --passes (and, with `with_io_type`, --io-type) to a subcommand.
void AddPipelineOptions(CLI::App& sub, PipelineArgs& args, bool with_io_type);
/// Loads and configures the model as PrepareModel(model), sets the io type
/// override on the graph (Graph::io_type) and runs the pipeline: --passes
/// instead of the default one, with lower_hardware appended when
/// `lower_hardware_last` and the list does not end with it, so that the
/// hardware plan is made for the io type actually used. Errors: an empty or
/// unknown pass name (lists the known ones), any stage's error.
StatusOr<ir::Graph> PrepareModel(const ModelArgs& model, const PipelineArgs& pipeline, bool lower_hardware_last);
/// The flow options PrepareModel(model, pipeline, lower_hardware_last) uses
/// (weights, io type override, family, pass list). Throws Error as it.
flow::Options FlowOptions(const ModelArgs& model, const PipelineArgs& pipeline, bool lower_hardware_last);

/// Writes `text` to `path` atomically (a temporary file renamed); throws
/// Error naming the path and the OS reason.
void WriteTextFile(const std::string& path, const std::string& text);

/// Throws hlsforge::Error with the status message if `st` failed.
void ThrowIfError(const Status& st);
template <typename T>
T ValueOrThrow(StatusOr<T> v) {
  ThrowIfError(v.status());
  return std::move(v).value();
}

/// Per-sample shape of the graph's (single) input.
std::vector<int64_t> InputShape(const ir::Graph& g);

/// Reshapes `a` ([N, ...]) to [N, input shape...] of `g`. Accepted: the exact
/// per-sample shape, the same shape up to dimensions of size 1, or flat rows
/// of the right size. Error names `what`, the expected and the given shape.
Status FitInput(const ir::Graph& g, NDArray& a, const std::string& what);
/// Predictions [rows, (H,) W, C] of a model whose source output is a
/// channels-first image (Graph::output_channels_first) -> [rows, C, (H,) W].
void ToSourceLayout(const ir::Graph& g, NDArray& y);

/// Reads an input .npy (float32/float64 only) and fits it to the model input.
/// Warns (WarnNonFinite) about NaN and infinite values.
StatusOr<NDArray> ReadInput(const ir::Graph& g, const std::string& path);
/// Prints "hlsforge: warning: <path>: ..." on stderr with the counts of NaN,
/// +Inf and -Inf values of `x`, if any, and how they are read (the emulator
/// and the C simulation convert them as the vendor ap_fixed(double)
/// constructor does: NaN -> 0; +-Inf -> the input type's max/min under
/// SAT/SAT_SYM, 0 under WRAP and SAT_ZERO; docs/ERRORS.md). Returns the count.
int64_t WarnNonFinite(const NDArray& x, const std::string& path);

/// A layer name made safe as a file name (the `--trace DIR` files of predict
/// and csim: DIR/<name>.npy).
std::string TraceFileName(const std::string& layer);

/// Runs the emulator over `x` in chunks, showing progress on stderr.
StatusOr<NDArray> PredictWithProgress(const ir::Graph& g, const NDArray& x, bool float_mode,
                                      int threads, const std::string& label);

}  // namespace hlsforge::cli
