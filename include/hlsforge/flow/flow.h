// The compile flow: model file -> configured, pass-run ir::Graph, the one
// entry point the command line (and any other driver) calls before the
// emulator, the reports and the backends.
//
//   LoadModel            file -> ir::Graph, dispatching on the extension:
//                          .onnx                -> frontends::LoadOnnx (ONNX / QONNX)
//                          .json                -> frontends::LoadKeras (architecture JSON +
//                                                  HDF5 weights, default <stem>_weights.h5)
//                          .h5 / .hdf5 / .keras -> frontends::LoadKeras (full Keras 2 / 3 model)
//   LoadConfiguredModel  LoadModel, then the config (ir::ApplyConfig; hls4ml's
//                        YAML layout), then Options::io_type and
//                        Options::family, then the pass pipeline
//                        (passes::DefaultPipeline() or Options::passes); every
//                        type of the result is in the model's family.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hlsforge/ir/config.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::flow {

/// How LoadConfiguredModel prepares the graph beyond the model and config.
struct Options {
  /// HDF5 weights of a Keras architecture JSON; empty: "<stem>_weights.h5"
  /// next to the JSON. Rejected for a .onnx model (it holds its weights).
  std::string weights_path;
  /// Overrides the config's IOType (io_parallel / io_stream) before the
  /// passes run, so every pass and backend sees the io_type finally applied.
  std::optional<ir::IOType> io_type;
  /// The type family the backend needs (Catapult: ac), applied with the
  /// config (ir::SetFamily) before the passes; an error when the config's
  /// Model: Family names the other one (names the config file).
  std::optional<Family> family;
  /// Pass names to run in order (passes::Registry()); nullopt: the default
  /// pipeline passes::DefaultPipeline(); an empty list runs no pass.
  std::optional<std::vector<std::string>> passes;
};

/// Reads a model file into an ir::Graph (precisions unset except where a
/// quantizer fixes them). Errors (Status): file missing, a directory or
/// unreadable (names the file), weights file missing (names it), weights
/// given for an ONNX model, unknown extension, any error of the frontend.
StatusOr<ir::Graph> LoadModel(const std::string& path, const std::string& weights_path = "");

/// hls4ml's config_from_*_model(granularity='name') for `g`: Model default
/// fixed<16,6>, every layer's precisions `auto` (inferred; a QONNX / QKeras
/// quantizer's type wins), ReuseFactor 1, Latency -- what `hlsforge config
/// --granularity name` writes. Used when no config file is given.
StatusOr<ir::ModelConfig> DefaultModelConfig(const ir::Graph& g);

/// LoadModel(path, options.weights_path), then `config` applied with
/// ir::ApplyConfig, then options.io_type, then the pass pipeline: the graph
/// is ready for the emulator, the reports and the backends. Errors: any of
/// those stages' (a config key naming no layer names the config file and
/// key; an unknown pass name names the pass; pass errors are prefixed with
/// the model path).
StatusOr<ir::Graph> LoadConfiguredModel(const std::string& path, const ir::ModelConfig& config,
                                        const Options& options = {});

/// As above with the config read from `config_path` (ir::LoadConfig; errors
/// name the config file and key); an empty `config_path` uses
/// DefaultModelConfig of the loaded model.
StatusOr<ir::Graph> LoadConfiguredModel(const std::string& path, const std::string& config_path,
                                        const Options& options = {});

}  // namespace hlsforge::flow
