// Random models for differential testing (emulator vs generated code).
//
// GenerateRandomModel draws a small network directly in the IR — an MLP
// (Dense layers with fixed, binary or ternary weights, activations, tables,
// thresholds, BatchNormalization, softmax) or a CNN (Conv/depthwise/pointwise,
// pooling, padding/cropping/upsampling, merges with fan-out, flatten + Dense)
// — together with its input rows, and gives every precision a type scaled to
// the values that reach it, so that the arithmetic rules are exercised:
//
//  * inputs and parameters lie on a grid one bit finer than their type, so
//    about half of them are exact ties of the type's quantization mode;
//  * every result type has fewer fractional bits than the exact values that
//    reach it (usually 1-2 fewer: a large share of ties), and accumulators
//    often drop product bits too;
//  * integer bits come from a quantile of the values' magnitudes, so some
//    values exceed the range (saturate, wrap or go to zero by the overflow
//    mode); accumulators are sometimes one bit short;
//  * thresholds (binary/ternary Threshold, ThresholdedReLU) are values the
//    data actually takes, so the comparisons meet ties;
//  * quantization and overflow modes are drawn uniformly among all seven and
//    four; about 1 slot in 5 is left `auto` (infer_precision's hls4ml rules).
//
// Types are chosen layer by layer from the emulator's own values on the rows
// (each layer's output is measured with an exact wide type first), and the
// model is redrawn until every layer's output takes at least
// RandomModel::min_distinct values over the rows, so that a comparison of two
// implementations always compares varying data.
//
// Every draw depends only on the seed (std::mt19937): a seed always gives the
// same model. Used by the property tests (tests/backends, tests/testing) and
// `hlsforge selftest`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::testing {

enum class ModelFamily { Mlp, Cnn };

struct RandomModelOptions {
  ModelFamily family = ModelFamily::Mlp;
  /// Input rows; 0 = 64 for an MLP, 32 for a CNN.
  int rows = 0;
  /// Forces the io type (otherwise drawn: io_parallel or io_stream).
  std::optional<ir::IOType> io;
  /// Distinct values every non-binary layer output must take over the rows
  /// (capped by what its type can hold); binary outputs need 2, ternary 3.
  int min_distinct = 8;
};

struct RandomModel {
  uint32_t seed = 0;
  ModelFamily family = ModelFamily::Mlp;
  ir::Graph graph;        ///< every precision resolved (infer_precision has run)
  ir::IOType io = ir::IOType::Parallel;
  NDArray input;          ///< [rows, input shape...], float32-exact values
  /// One line per layer: kind, attributes, shapes and every resolved type.
  std::string summary;
  std::set<std::string> features;  ///< coverage tags ("conv", "merge_add", "ties", ...)
  /// Distinct values each layer's output takes on `input` (emulator), by
  /// layer name, and the minimum the generator guaranteed for it.
  std::map<std::string, int64_t> distinct, min_distinct;
  int draws = 0;          ///< structures drawn (1 + redraws)
};

/// Draws the model of `seed`. Errors: none expected; a Status names the seed
/// and the step (pipeline, emulator) if the generator produced an invalid
/// graph (a generator bug).
StatusOr<RandomModel> GenerateRandomModel(uint32_t seed, const RandomModelOptions& opt = {});

/// Number of distinct values in `a` (exact comparison of the doubles).
int64_t CountDistinct(const NDArray& a);

/// The distinct values a layer's output is required to take over a batch:
/// 2 for a binary output (a 1-bit type, a sign activation, a binary
/// threshold), 3 for a ternary one (ternary tanh or threshold), else
/// min(min_distinct, the number of values its result type holds: 2^W, one
/// less for a signed SAT_SYM type).
int64_t RequiredDistinct(const ir::Graph& g, const ir::Layer& l, int64_t min_distinct);

/// Fails (message names `what`, the count and the threshold) when `a` takes
/// fewer than `min_distinct` distinct values.
Status CheckVarying(const NDArray& a, int64_t min_distinct, const std::string& what);

/// One line per layer of g (kind, attributes, shapes, resolved types,
/// strategy, reuse and parallelization factors) after a line with the io type
/// and the input.
std::string DescribeGraph(const ir::Graph& g, ir::IOType io);
std::string DescribeLayer(const ir::Graph& g, const ir::Layer& l);

/// The graph restricted to the ancestors of layer `layer_index` (whose output
/// becomes the only graph output). Used to narrow a mismatch to one layer.
ir::Graph AncestorGraph(const ir::Graph& g, size_t layer_index);

/// Why a resolved graph cannot be generated exactly (a full-precision product
/// wider than 64 bits, an output wider than 53 bits); empty when fine.
std::string TooWide(const ir::Graph& g);

}  // namespace hlsforge::testing
