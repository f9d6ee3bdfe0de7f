// Differential testing of the backends against the emulator, on random
// models (random_model.h) or any graph:
//  * HLS: every layer's output of the C simulation (RunCsimBatch with
//    CsimOptions::traces) must equal emu::Trace bit for bit;
//  * Verilog: the Verilator simulation of the model's RTL variant
//    (RtlVariant) must equal emu::Predict of that variant bit for bit, and
//    its measured latency the latency the backend reports.
// Used by the backend property tests and `hlsforge selftest`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"
#include "hlsforge/testing/random_model.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::testing {

/// Compares two layer traces (layer name -> [rows, shape...]) layer by layer,
/// in the order of g's layers: same layers, same shapes, equal values.
/// Returns "" when equal, else a description of the first difference
/// (layer, row, element, both values, and how many values of that layer
/// differ).
std::string FirstTraceDifference(const ir::Graph& g, const std::map<std::string, NDArray>& csim,
                                 const std::map<std::string, NDArray>& emu);

/// The outcome of one model.
struct CaseReport {
  uint32_t seed = 0;
  bool simulated = false;      ///< the C simulation compiled and ran
  bool agree = false;          ///< every layer equal to the emulator
  bool varying = false;        ///< every layer took its minimum of distinct values
  int layers = 0;              ///< layers compared
  std::string message;         ///< first difference / failure, empty when fine
  /// Verilog leg: why the model was not simulated (a CNN: the backend has no
  /// window layers); empty when it was. A skipped case is not a failure.
  std::string skipped;
  int latency = 0;             ///< Verilog leg: measured latency, cycles
  std::string variant;         ///< Verilog leg: the RTL knobs drawn (RtlVariant)
};

struct DifferentialOptions {
  std::string work_dir;        ///< projects and programs are written below it
  int batch = 40;              ///< models per g++ run
  /// Progress lines ("batch 1/5: 40 models, g++ 31.2 s"); may be empty.
  std::function<void(const std::string&)> log;
  double* compile_seconds = nullptr;  ///< out: total g++ time
  /// Stop after the first program with a failing model: the models of the
  /// later programs are not simulated (their reports say so).
  bool stop_at_first_failure = false;
  /// Verilog leg only: called with each written project directory before
  /// the simulation (tests use it to plant a bug and check it is caught).
  std::function<void(const std::string&)> after_write;
};

/// Writes each model as an HLS project (its io type, a namespace of its own),
/// simulates them `batch` per program (a program that does not build or run
/// is split in halves until each failing model is alone), and compares
/// every layer with the emulator. One report per model, in order. Errors:
/// a project that cannot be written, or the emulator failing (names the seed).
StatusOr<std::vector<CaseReport>> CompareWithCsim(const std::vector<RandomModel>& models,
                                                  const DifferentialOptions& opt);

/// The Verilog backend's version of model m: io_parallel, reuse factor 1 in
/// every layer (the backend builds fully parallel designs, II = 1), and per
/// layer a Multiplier style (auto / lut / dsp) and a PipelineStages count
/// (auto or 0-3) drawn from m.seed (its own generator: m itself is
/// unchanged), then the hardware plan rebuilt (lower_hardware). `knobs`
/// (optional) receives one line naming the draws. Errors: the plan pass
/// failing (names the seed).
StatusOr<ir::Graph> RtlVariant(const RandomModel& m, std::string* knobs = nullptr);

/// Writes the RTL variant of every model the Verilog backend accepts
/// (CheckRtlGraph; the others are reported as skipped with the reason),
/// simulates them `batch` per Verilator build (a build or run that fails is
/// split in halves until each failing model is alone), and compares every
/// output row with emu::Predict of the variant and the measured latency
/// with the written design's. One report per model, in order (`layers` is
/// the number of layers of the variant; only the output is compared: the
/// RTL has no per-layer trace). Errors: a project that cannot be written,
/// the emulator failing (names the seed).
StatusOr<std::vector<CaseReport>> CompareWithRtl(const std::vector<RandomModel>& models,
                                                 const DifferentialOptions& opt);

}  // namespace hlsforge::testing
