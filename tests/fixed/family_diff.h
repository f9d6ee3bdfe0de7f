// Shared by family_diff_test.cpp (FixedType) and
// family_diff_sim_headers_test.cpp (ap_fixed.h vs ac_fixed.h): the predicted
// differences between the AP and AC families, written from
// ../shared/golden/ac_fixed/FORMAT.md ("Differences from ap_fixed") with
// plain arithmetic (not with the core's family branches), a tally of
// predictions against observations, and the grid of formats and values.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hlsforge/fixed/fixed_core.h"

namespace hlsforge::familydiff {

using fx::Format;

inline double MinValue(Format f) { return f.s ? -std::ldexp(1.0, f.i - 1) : 0.0; }

/// Double -> signed W (a multiple of 32) under SAT_ZERO: a value below min
/// that AP rounds to min (ap_word) gives 0 in AC.
inline bool QuantDiffers(Format f, double v, int64_t ap_word) {
  return f.s && f.w % 32 == 0 && f.o == fx::Overflow::SAT_ZERO && v < MinValue(f) &&
         ap_word == fx::min_word(f.w, true);
}

/// Fixed -> integer: a negative non-integer (AP truncates, AC floors).
inline bool ToIntDiffers(Format f, int64_t word) {
  const int fr = fx::frac(f);
  if (!f.s || word >= 0 || fr <= 0) return false;
  return fr >= 64 || (static_cast<uint64_t>(word) & ((uint64_t{1} << fr) - 1)) != 0;
}

/// SAT_SYM source holding its min word -> SAT_SYM target (W > 1) with the
/// same integer bits and no fewer fraction bits: AC keeps min.
inline bool CastDiffers(Format src, Format dst, int64_t word) {
  return src.o == fx::Overflow::SAT_SYM && dst.o == fx::Overflow::SAT_SYM && src.s && dst.s && dst.w > 1 &&
         dst.i == src.i && fx::frac(src) <= fx::frac(dst) && word == fx::min_word(src.w, true);
}

/// Predictions against observations, per kind of operation.
struct Tally {
  std::map<std::string, int> compared, differ;
  std::vector<std::string> wrong;
  int wrong_count = 0;
  void Add(const std::string& kind, bool predicted, bool differs, const std::string& what) {
    ++compared[kind];
    if (differs) ++differ[kind];
    if (predicted != differs && ++wrong_count <= 20)
      wrong.push_back(kind + ": " + what + (differs ? " differs (not predicted)" : " agrees (difference predicted)"));
  }
  std::string Summary() const {
    std::string s;
    for (const auto& [kind, n] : compared) {
      auto it = differ.find(kind);
      s += kind + "=" + std::to_string(n) + " (differ " + std::to_string(it == differ.end() ? 0 : it->second) + ") ";
    }
    return s + "wrong predictions=" + std::to_string(wrong_count);
  }
  std::string Report() const {
    std::string s = std::to_string(wrong_count) + " wrong predictions, first:\n";
    for (const std::string& w : wrong) s += "  " + w + "\n";
    return s;
  }
};

/// Widths around the 32-bit limb boundaries and the extremes; I below 0,
/// inside and above W; both signednesses (modes TRN / WRAP).
inline std::vector<Format> GridFormats() {
  std::vector<Format> r;
  for (int w : {1, 2, 5, 8, 16, 31, 32, 33, 48, 63, 64})
    for (int i : {-3, 0, 1, w / 2, w, w + 3})
      for (bool s : {false, true}) {
        bool dup = false;
        for (const Format& f : r) dup |= f.w == w && f.i == i && f.s == s;
        if (!dup) r.push_back(Format{w, i, s});
      }
  return r;
}

/// Edge values of f (ties, quarter LSBs around min, max, -max, 0) and random
/// values over twice its range.
inline std::vector<double> GridValues(Format f, std::mt19937_64& rng) {
  const double lsb = std::ldexp(1.0, f.i - f.w);
  const double mn = MinValue(f), mx = fx::to_double(fx::max_word(f.w, f.s), f);
  std::vector<double> v = {0.0, -1.0, 1.0, -2.5, 2.5, -mx, -mx - lsb / 2, mn + lsb / 2};
  for (double k : {0.25, 0.5, 0.75, 1.0, 1.5, 2.5}) {
    v.push_back(k * lsb);
    v.push_back(-k * lsb);
    v.push_back(mn - k * lsb);
    v.push_back(mx + k * lsb);
  }
  v.push_back(mn);
  v.push_back(mx);
  std::uniform_real_distribution<double> d(2 * (mn < 0 ? mn : -mx), 2 * mx);
  for (int k = 0; k < 6; ++k) v.push_back(d(rng));
  return v;
}

/// Words of f: min, max, 0, +-1, min + 1 and random ones (at least 5).
inline std::vector<int64_t> GridWords(Format f, std::mt19937_64& rng) {
  std::vector<int64_t> w = {fx::min_word(f.w, f.s), fx::max_word(f.w, f.s), 0, fx::wrap(1, f.w, f.s),
                            fx::wrap(-1, f.w, f.s), fx::min_word(f.w, f.s) + 1};
  for (int k = 0; k < 3; ++k) w.push_back(fx::wrap(static_cast<fx::i128>(rng()), f.w, f.s));
  return w;
}

/// Formats a value of f is cast from: narrower / wider at the same I, one
/// integer bit less / more, the other signedness.
inline std::vector<Format> Neighbours(Format f) {
  std::vector<Format> r = {Format{f.w, f.i, f.s}, Format{f.w, f.i - 1, f.s}, Format{f.w, f.i + 1, f.s},
                           Format{f.w, f.i, !f.s}};
  if (f.w > 2) r.push_back(Format{f.w - 2, f.i, f.s});
  if (f.w <= 62) r.push_back(Format{f.w + 2, f.i, f.s});
  return r;
}

}  // namespace hlsforge::familydiff
