// Numerical profile of a configured model on data: per tensor, how many
// values the bit-exact emulator's result cast wrapped, saturated or rounded
// to zero, and the range of the values before that cast.
//
// What is counted, per element of a layer's output tensor (and of the graph
// input, whose cast is the assignment of the float32 input value to the
// input type, as hls4ml's testbench reads floats):
//   v = the value the layer computes before the assignment to its result
//       type (the accumulator of a Dense/Conv, the ReLU's input, the table
//       entry of a sigmoid, ...), obtained by evaluating the layer with its
//       result type replaced by a wide signed type (TRN, SAT, up to 62 bits,
//       as many fraction bits as the layer's types can produce, at most 40);
//   r = v rounded to the result type's LSB by its quantization mode;
//   wrapped:         r outside the result type's range, overflow mode WRAP;
//   saturated:       r outside the range, mode SAT / SAT_ZERO / SAT_SYM (for
//                    SAT_SYM, the most negative word counts: it becomes -max);
//   rounded_to_zero: v != 0, r == 0 and r inside the range.
// Overflows inside a layer (an accumulator that wraps, a table index) are
// not counted: only the result cast. The counts are exact when the wide
// evaluation holds v exactly; every element is checked: assigning v to the
// result type must give the emulator's own output word, else the tensor is
// marked exact = false (its counts are then lower bounds). Layers whose
// result is a code rather than a number (XNOR-encoded bipolar outputs,
// Threshold) are reported with exact = false and no counts.
// The normal predict path is not touched: this evaluates a second, wide copy
// of each layer's kernel next to emu::Trace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::emu {

struct TensorCounts {
  std::string layer;   ///< layer name (the Input layer for the graph input)
  std::string tensor;  ///< output tensor name
  std::string type;    ///< result type (vendor spelling, FixedType::ToString)
  FixedType result;    ///< the result type itself
  int64_t values = 0;  ///< elements counted (rows x tensor size)
  int64_t wrapped = 0, saturated = 0, rounded_to_zero = 0;
  /// Range of v (the values before the cast) over the data; +inf/-inf when
  /// nothing was counted.
  double min = 0, max = 0;
  bool exact = true;   ///< see the header comment
  /// Distribution of log2 |v| over the counted values: bin k holds the
  /// values with floor(log2 |v| * kLog2BinsPerOctave) == k + kLog2MinBin
  /// (clamped into the first / last bin); `zeros` counts v == 0. Empty when
  /// nothing was counted.
  std::vector<int64_t> log2_hist;
  int64_t zeros = 0;
};

constexpr int kLog2BinsPerOctave = 4;
constexpr int kLog2MinBin = -64 * kLog2BinsPerOctave;  ///< 2^-64
constexpr int kLog2Bins = 128 * kLog2BinsPerOctave;    ///< up to 2^64

/// The narrowest type that holds every counted value of `c` with no
/// overflow (no wrapped or saturated value) after rounding to the current
/// result type's LSB: the result type's fractional bits F, quantization and
/// overflow modes, signedness and family are kept (a signed type when an
/// unsigned one saw negative values); only the width W (hence the integer
/// bits W - F) changes, at least 1. For SAT_SYM the most negative word does
/// not count as in range. nullopt when nothing was counted (no values, or
/// a code rather than a number) or when the data needs more than 64 bits.
std::optional<FixedType> SuggestResultType(const TensorCounts& c);

/// Counts over `input` ([N, input shape...], as emu::Predict takes it), one
/// entry per layer in layer order. Rows are processed in blocks of 4096, so
/// memory stays bounded. Errors: as emu::Trace.
StatusOr<std::vector<TensorCounts>> CountNumerics(const ir::Graph& g, const NDArray& input);

/// A fixed-width text table of the counts (`hlsforge profile`): per tensor
/// layer, type, values, wrapped, saturated, rounded to zero (counts and % of
/// values), min and max before the cast; "n/a" counts for a tensor that is
/// not counted, a trailing "~" on an inexact one; then the totals.
std::string FormatNumerics(const std::vector<TensorCounts>& counts);

}  // namespace hlsforge::emu
