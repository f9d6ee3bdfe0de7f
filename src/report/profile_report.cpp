// hlsforge profile --report (include/hlsforge/report/profile_report.h).
#include "hlsforge/report/profile_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "hlsforge/util/atomic_dir.h"
#include "svg_boxplot.h"

namespace hlsforge::report {
namespace {

std::optional<std::pair<double, double>> Band(const FixedType& t) {
  const double top = std::max(std::fabs(t.min_value()), std::fabs(t.max_value()));
  const double lsb = std::log2(t.step());
  return std::make_pair(lsb, top > 0 ? std::log2(top) : lsb);
}

std::vector<BoxRow> WeightRows(const ir::Graph& g) {
  std::vector<BoxRow> rows;
  for (const ir::Layer& l : g.layers)
    for (const auto& [key, p] : l.params) {
      std::vector<double> v;
      for (double x : p.values)
        if (x != 0 && std::isfinite(x)) v.push_back(std::log2(std::fabs(x)));
      std::sort(v.begin(), v.end());
      BoxRow r = BoxFromSorted(l.name + "/" + key, v);
      if (p.type) r.band = Band(*p.type);
      rows.push_back(std::move(r));
    }
  return rows;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.flush();
  if (!f) throw Error(path.string() + ": write failed");
}

std::string Page(const std::vector<emu::TensorCounts>& counts, const std::vector<TypeChange>& changes,
                 const std::string& data_name, bool with_weights) {
  std::map<std::string, std::string> suggested;
  for (const TypeChange& c : changes) suggested[c.layer] = c.to;
  auto pct = [](int64_t k, int64_t n) { return n ? 100.0 * static_cast<double>(k) / static_cast<double>(n) : 0.0; };
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>hlsforge numerical profile</title>\n"
                  "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                  "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}td:first-child,td:nth-child(2)"
                  "{text-align:left}.bad{background:#fdd}</style></head><body>\n";
  h += fmt::format("<h1>Numerical profile on {}</h1>\n", XmlEscape(data_name));
  h += "<p>Per layer, the values the bit-exact emulator's cast to the result type wrapped, saturated or rounded "
       "to zero, and the range of the values before the cast.";
  if (!changes.empty()) h += " Suggested: the narrowest result type with no overflow on this data (same LSB).";
  h += "</p>\n<table><tr><th>layer</th><th>type</th><th>values</th><th>wrapped</th><th>saturated</th>"
       "<th>rounded to 0</th><th>min</th><th>max</th>";
  if (!changes.empty()) h += "<th>suggested</th>";
  h += "</tr>\n";
  for (const emu::TensorCounts& c : counts) {
    const bool counted = c.values > 0;
    auto cell = [&](int64_t k) {
      return counted ? fmt::format("{} ({:.2f}%)", k, pct(k, c.values)) : std::string("n/a");
    };
    h += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                     c.wrapped + c.saturated > 0 ? " class=\"bad\"" : "", XmlEscape(c.layer), XmlEscape(c.type),
                     c.values, cell(c.wrapped), cell(c.saturated), cell(c.rounded_to_zero),
                     counted ? fmt::format("{:.6g}", c.min) : "", counted ? fmt::format("{:.6g}", c.max) : "");
    if (!changes.empty()) {
      auto s = suggested.find(c.layer);
      h += "<td>" + (s == suggested.end() ? std::string() : XmlEscape(s->second)) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n<h2>Layer results before the cast</h2>\n<img src=\"activations.svg\" alt=\"activations\">\n";
  if (with_weights) h += "<h2>Weights and biases</h2>\n<img src=\"weights.svg\" alt=\"weights\">\n";
  h += "<p>Boxes: quartiles of log2 |value| (zeros left out), whiskers: smallest and largest; band: the range "
       "the precision represents, from its LSB to its largest magnitude.</p>\n</body></html>\n";
  return h;
}

std::vector<BoxRow> ActivationRows(const std::vector<emu::TensorCounts>& counts) {
  std::vector<BoxRow> rows;
  const double w = 1.0 / emu::kLog2BinsPerOctave;
  for (const emu::TensorCounts& c : counts) {
    BoxRow r;
    r.label = c.layer;
    if (c.values > 0) r.band = Band(c.result);
    int64_t n = 0;
    for (int64_t k : c.log2_hist) n += k;
    if (n > 0) {
      auto edge = [&](size_t bin) { return (static_cast<double>(bin) + emu::kLog2MinBin) * w; };
      size_t first = 0, last = c.log2_hist.size() - 1;
      while (c.log2_hist[first] == 0) ++first;
      while (c.log2_hist[last] == 0) --last;
      auto q = [&](double p) {
        const double target = p * static_cast<double>(n);
        int64_t cum = 0;
        for (size_t b = 0; b < c.log2_hist.size(); ++b) {
          cum += c.log2_hist[b];
          if (static_cast<double>(cum) >= target && c.log2_hist[b] > 0) return edge(b) + w / 2;
        }
        return edge(last) + w / 2;
      };
      r.empty = false;
      r.lo = edge(first);
      r.q1 = q(0.25);
      r.median = q(0.5);
      r.q3 = q(0.75);
      r.hi = edge(last) + w;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace

Status WriteProfileReport(const std::string& dir, const ir::Graph& g, const std::vector<emu::TensorCounts>& counts,
                          const std::vector<TypeChange>& changes, const std::string& data_name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool previous = fs::exists(fs::path(dir) / "index.html", ec);
  const std::vector<BoxRow> weights = WeightRows(g);
  return WriteDirAtomically(dir, previous, [&](const fs::path& tmp) {
    WriteFile(tmp / "activations.svg",
              SvgBoxPlot("Layer results before the cast", "log2 |value|   (band: range of the result type)",
                         ActivationRows(counts)));
    if (!weights.empty())
      WriteFile(tmp / "weights.svg",
                SvgBoxPlot("Weights and biases", "log2 |value|   (band: range of the precision)", weights));
    WriteFile(tmp / "index.html", Page(counts, changes, data_name, !weights.empty()));
  });
}

}  // namespace hlsforge::report
