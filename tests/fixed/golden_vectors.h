// Reader for ../shared/golden/ap_fixed/vectors.txt and
// ../shared/golden/ac_fixed/vectors.txt (format: FORMAT.md next to each),
// shared by the FixedType, simulation-header and family-difference tests.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hlsforge/fixed/fixed_core.h"
#include "test_data.h"

namespace hlsforge::golden {

inline std::string VectorsPath(fx::Family family) {
  return test_data::Path(family == fx::Family::AC ? "golden/ac_fixed/vectors.txt" : "golden/ap_fixed/vectors.txt");
}
/// Lines of each file (FORMAT.md): a changed file must be noticed.
inline size_t ExpectedCount(fx::Family family) { return family == fx::Family::AC ? 56000 : 53720; }

struct Case {
  fx::Family family = fx::Family::AP;
  std::string line;  // verbatim, for messages
  std::string kind;  // quant cast mul add sub toint
  int w1 = 0, i1 = 0, s1 = 0, w2 = 0, i2 = 0, s2 = 0, rw = 0, ri = 0, rs = 0;
  std::string q, o;  // vendor spelling (AP_... / AC_...), TRN / WRAP when absent
  int64_t a = 0, b = 0, r = 0;  // words (sign-/zero-extended)
  double value = 0;             // quant: input; toint: the DOUBLE field
  // Key of the type combination (what the sim-header test instantiates).
  std::string key;
};

inline int64_t Word(const std::string& hex, int w, int s) {
  return fx::wrap(static_cast<fx::i128>(std::strtoull(hex.c_str(), nullptr, 16)), w, s != 0);
}

// Modes by name (AP_ or AC_ prefix; the enum orders of the two vendors differ).
inline fx::Quant QuantOf(const std::string& s) {
  static const char* n[] = {"TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_INF", "RND_MIN_INF", "RND_CONV", "RND_CONV_ODD"};
  for (int k = 0; k < 8; ++k) if (s.substr(3) == n[k]) return static_cast<fx::Quant>(k);
  std::abort();
}
inline fx::Overflow OverflowOf(const std::string& s) {
  static const char* n[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};
  for (int k = 0; k < 4; ++k) if (s.substr(3) == n[k]) return static_cast<fx::Overflow>(k);
  std::abort();
}

/// Reads every case of one family's file; returns false (and sets *error) on
/// an unreadable file or a malformed line.
inline bool ReadVectors(fx::Family family, std::vector<Case>* out, std::string* error) {
  const std::string path = VectorsPath(family);
  std::ifstream in(path);
  if (!in) { *error = "cannot open " + path; return false; }
  const std::string prefix = family == fx::Family::AC ? "AC_" : "AP_";
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    std::istringstream ss(line);
    Case c;
    c.family = family;
    c.line = line;
    ss >> c.kind;
    std::string h1, h2, hr, v;
    c.q = prefix + "TRN";
    c.o = prefix + "WRAP";
    std::ostringstream key;
    if (c.kind == "quant") {
      ss >> c.w2 >> c.i2 >> c.s2 >> c.q >> c.o >> v >> hr;
      c.value = std::strtod(v.c_str(), nullptr);
      c.r = Word(hr, c.w2, c.s2);
      key << c.w2 << ' ' << c.i2 << ' ' << c.s2 << ' ' << c.q << ' ' << c.o;
    } else if (c.kind == "cast") {
      ss >> c.w1 >> c.i1 >> c.s1 >> h1 >> c.w2 >> c.i2 >> c.s2 >> c.q >> c.o >> hr;
      c.a = Word(h1, c.w1, c.s1);
      c.r = Word(hr, c.w2, c.s2);
      key << c.w1 << ' ' << c.i1 << ' ' << c.s1 << ' ' << c.w2 << ' ' << c.i2 << ' ' << c.s2 << ' '
          << c.q << ' ' << c.o;
    } else if (c.kind == "mul" || c.kind == "add" || c.kind == "sub") {
      ss >> c.w1 >> c.i1 >> c.s1 >> h1 >> c.w2 >> c.i2 >> c.s2 >> h2 >> c.rw >> c.ri >> c.rs >> hr;
      c.a = Word(h1, c.w1, c.s1);
      c.b = Word(h2, c.w2, c.s2);
      c.r = Word(hr, c.rw, c.rs);
      key << c.kind << ' ' << c.w1 << ' ' << c.i1 << ' ' << c.s1 << ' ' << c.w2 << ' ' << c.i2 << ' '
          << c.s2;
    } else if (c.kind == "toint") {
      ss >> c.w1 >> c.i1 >> c.s1 >> h1 >> c.w2 >> c.s2 >> hr >> v;
      c.a = Word(h1, c.w1, c.s1);
      c.r = Word(hr, c.w2, c.s2);
      c.value = std::strtod(v.c_str(), nullptr);
      key << c.w1 << ' ' << c.i1 << ' ' << c.s1 << ' ' << c.w2 << ' ' << c.s2;
    } else {
      *error = "line " + std::to_string(lineno) + ": unknown kind: " + line;
      return false;
    }
    if (ss.fail()) { *error = "line " + std::to_string(lineno) + ": malformed: " + line; return false; }
    c.key = key.str();
    out->push_back(std::move(c));
  }
  return true;
}

}  // namespace hlsforge::golden
