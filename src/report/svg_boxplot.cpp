// SVG box plots (src/report/svg_boxplot.h): plain SVG 1.1 text, no library.
#include "svg_boxplot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace hlsforge::report {

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

BoxRow BoxFromSorted(std::string label, const std::vector<double>& v) {
  BoxRow r;
  r.label = std::move(label);
  if (v.empty()) return r;
  auto q = [&](double p) {
    const double pos = p * static_cast<double>(v.size() - 1);
    const size_t i = static_cast<size_t>(pos);
    const double frac = pos - static_cast<double>(i);
    return i + 1 < v.size() ? v[i] + frac * (v[i + 1] - v[i]) : v[i];
  };
  r.empty = false;
  r.lo = v.front();
  r.q1 = q(0.25);
  r.median = q(0.5);
  r.q3 = q(0.75);
  r.hi = v.back();
  return r;
}

std::string SvgBoxPlot(const std::string& title, const std::string& x_label, const std::vector<BoxRow>& rows) {
  double xmin = INFINITY, xmax = -INFINITY;
  size_t label_chars = 4;
  for (const BoxRow& r : rows) {
    label_chars = std::max(label_chars, r.label.size());
    if (!r.empty) xmin = std::min(xmin, r.lo), xmax = std::max(xmax, r.hi);
    if (r.band) xmin = std::min(xmin, r.band->first), xmax = std::max(xmax, r.band->second);
  }
  if (!std::isfinite(xmin)) xmin = -1, xmax = 1;
  xmin = std::floor(xmin) - 1;
  xmax = std::ceil(xmax) + 1;
  const double left = 12 + 7.0 * static_cast<double>(std::min<size_t>(label_chars, 40)), right = 20, top = 40,
               row_h = 24, plot_w = 640;
  const double height = top + row_h * static_cast<double>(std::max<size_t>(rows.size(), 1)) + 50;
  const double width = left + plot_w + right;
  auto X = [&](double v) { return left + (v - xmin) / (xmax - xmin) * plot_w; };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{:.1f}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
      width, height, width, height, left + plot_w / 2, XmlEscape(title));
  const double bottom = top + row_h * static_cast<double>(std::max<size_t>(rows.size(), 1));
  const int step = std::max(1, static_cast<int>(std::ceil((xmax - xmin) / 20)));
  for (int t = static_cast<int>(xmin); t <= static_cast<int>(xmax); t += step) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                     X(t), top, bottom, bottom + 16, t);
  }
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + plot_w / 2,
                   bottom + 38, XmlEscape(x_label));
  for (size_t i = 0; i < rows.size(); ++i) {
    const BoxRow& r = rows[i];
    const double y = top + row_h * static_cast<double>(i), cy = y + row_h / 2;
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, cy + 4,
                     XmlEscape(r.label));
    if (r.band)
      s += fmt::format("<rect class=\"band\" x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.1f}\" "
                       "fill=\"orange\" fill-opacity=\"0.3\"><title>{} .. {}</title></rect>\n",
                       X(r.band->first), y + 2, X(r.band->second) - X(r.band->first), row_h - 4, r.band->first,
                       r.band->second);
    if (r.empty) continue;
    s += fmt::format("<line x1=\"{:.2f}\" y1=\"{:.1f}\" x2=\"{:.2f}\" y2=\"{:.1f}\" stroke=\"black\"/>\n", X(r.lo), cy,
                     X(r.hi), cy);
    s += fmt::format("<rect class=\"box\" x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.1f}\" "
                     "fill=\"steelblue\" fill-opacity=\"0.6\" stroke=\"black\"/>\n",
                     X(r.q1), y + 6, std::max(1.0, X(r.q3) - X(r.q1)), row_h - 12);
    s += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.1f}\" x2=\"{0:.2f}\" y2=\"{2:.1f}\" stroke=\"black\" "
                     "stroke-width=\"2\"/>\n",
                     X(r.median), y + 5, y + row_h - 5);
  }
  s += "</svg>\n";
  return s;
}

}  // namespace hlsforge::report
