// A small SVG writer for horizontal box plots on a log2 axis (the numerical
// profile of `hlsforge profile --report`, after arXiv:2103.05579 Fig. 3):
// one row per tensor, a box from the first to the third quartile with the
// median, whiskers to the smallest and largest value, and behind it the band
// a precision represents (log2 of its LSB to log2 of its largest magnitude).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hlsforge::report {

struct BoxRow {
  std::string label;
  bool empty = true;  ///< no nonzero value: only the band is drawn
  double lo = 0, q1 = 0, median = 0, q3 = 0, hi = 0;  ///< log2 |value|
  std::optional<std::pair<double, double>> band;     ///< log2 (LSB, largest magnitude)
};

/// The five numbers of a row from sorted log2 |values| (linear quantiles).
BoxRow BoxFromSorted(std::string label, const std::vector<double>& sorted_log2);

/// A complete SVG document (UTF-8 text): title, one row per entry top to
/// bottom, x axis in log2 |value| with integer ticks.
std::string SvgBoxPlot(const std::string& title, const std::string& x_label, const std::vector<BoxRow>& rows);

/// `text` with &, <, >, " escaped for XML / HTML.
std::string XmlEscape(const std::string& text);

}  // namespace hlsforge::report
