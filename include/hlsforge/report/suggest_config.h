// Suggested result precisions from the ranges a model's layers produce on
// data (`hlsforge profile --suggest-config`, Python
// hlsforge.profiling.suggest_config): per layer the narrowest type that
// holds every value with no overflow (emu::SuggestResultType: the current
// fractional bits, modes and family kept), written into the model's
// hls4ml-layout config as LayerName: <layer>: Precision: result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hlsforge/emu/numerics.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::report {

struct TypeChange {
  std::string layer;
  std::string from, to;  ///< hls4ml config spelling ("fixed<12,4>")
};

struct ConfigSuggestion {
  std::string yaml;  ///< the config with the suggested result precisions
  /// Under the given config (the first round): what `hlsforge profile` shows.
  std::vector<emu::TensorCounts> initial_counts;
  /// Under `yaml` (the last round): every layer's counts, with no wrapped or
  /// saturated value where a suggestion applied when `converged`.
  std::vector<emu::TensorCounts> counts;
  std::vector<TypeChange> changes;  ///< per changed layer, original -> suggested
  /// Layers with a suggestion the config cannot set (a layer a pass created,
  /// a precision fixed by a quantizer): their names.
  std::vector<std::string> not_settable;
  int rounds = 0;          ///< profiles run (one per round)
  bool converged = false;  ///< the last round changed no type
};

/// Profiles `path` configured with `config` (nullopt: flow::DefaultModelConfig)
/// on `x` ([N, input shape...]) and sets each layer's suggested result type
/// in the config, then repeats with the new config until no type changes,
/// at most `max_rounds` profiles. Widening a layer that overflowed changes
/// the values after it: the layers after it (in layer order) are left to
/// the next round, so a round is needed per such layer in a chain. Errors: those of flow::LoadConfiguredModel and
/// emu::CountNumerics.
StatusOr<ConfigSuggestion> SuggestConfig(const std::string& path, const std::optional<ir::ModelConfig>& config,
                                         const flow::Options& options, const NDArray& x, int max_rounds = 16);

}  // namespace hlsforge::report
