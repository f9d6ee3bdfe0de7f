// The numerical profile as files (`hlsforge profile --report DIR`):
//   DIR/index.html       the counters table (emu::FormatNumerics's columns,
//                        plus the suggested result type when given) and the
//                        two plots;
//   DIR/activations.svg  per layer, the distribution of log2 |v| of the
//                        values before the result cast (TensorCounts
//                        histograms: quartiles to within one 1/4-octave
//                        bin, whiskers at the outer edges of the first and
//                        last nonempty bins), over the band of the
//                        result type (log2 LSB .. log2 largest magnitude);
//   DIR/weights.svg      per layer param (weight, bias, scale, ...), the
//                        distribution of log2 |value| of the trained values
//                        (zeros left out) over the band of its precision.
// After arXiv:2103.05579, Fig. 3. The SVGs are written by src/report's own
// writer (no plotting library).
#pragma once

#include <string>
#include <vector>

#include "hlsforge/emu/numerics.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/report/suggest_config.h"
#include "hlsforge/util/status.h"

namespace hlsforge::report {

/// Writes the report into `dir` atomically (a temporary sibling renamed;
/// an existing report, i.e. a directory holding index.html, is replaced).
/// `counts` from emu::CountNumerics(g, X); `changes` may be empty;
/// `data_name` (the input file) goes into the page title. Errors: the
/// directory cannot be written (names it), `dir` exists and is not a report.
Status WriteProfileReport(const std::string& dir, const ir::Graph& g, const std::vector<emu::TensorCounts>& counts,
                          const std::vector<TypeChange>& changes, const std::string& data_name);

}  // namespace hlsforge::report
