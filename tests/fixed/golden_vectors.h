// Reader for ../shared/golden/ap_fixed/vectors.txt (format: FORMAT.md next
// to it), shared by the FixedType and the simulation-header golden tests.
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

inline std::string VectorsPath() { return test_data::Path("golden/ap_fixed/vectors.txt"); }

struct Case {
  std::string line;  // verbatim, for messages
  std::string kind;  // quant cast mul add sub toint
  int w1 = 0, i1 = 0, s1 = 0, w2 = 0, i2 = 0, s2 = 0, rw = 0, ri = 0, rs = 0;
  std::string q, o;  // vendor spelling, AP_TRN / AP_WRAP when absent
  int64_t a = 0, b = 0, r = 0;  // words (sign-/zero-extended)
  double value = 0;             // quant: input; toint: the DOUBLE field
  // Key of the type combination (what the sim-header test instantiates).
  std::string key;
};

inline int64_t Word(const std::string& hex, int w, int s) {
  return fx::wrap(static_cast<fx::i128>(std::strtoull(hex.c_str(), nullptr, 16)), w, s != 0);
}

inline fx::Quant QuantOf(const std::string& s) {
  static const char* n[] = {"AP_TRN", "AP_TRN_ZERO", "AP_RND", "AP_RND_ZERO",
                            "AP_RND_INF", "AP_RND_MIN_INF", "AP_RND_CONV"};
  for (int k = 0; k < 7; ++k) if (s == n[k]) return static_cast<fx::Quant>(k);
  std::abort();
}
inline fx::Overflow OverflowOf(const std::string& s) {
  static const char* n[] = {"AP_WRAP", "AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM"};
  for (int k = 0; k < 4; ++k) if (s == n[k]) return static_cast<fx::Overflow>(k);
  std::abort();
}

/// Reads every case; returns false (and sets *error) on an unreadable file or
/// a malformed line.
inline bool ReadVectors(std::vector<Case>* out, std::string* error) {
  std::ifstream in(VectorsPath());
  if (!in) { *error = std::string("cannot open ") + VectorsPath(); return false; }
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    std::istringstream ss(line);
    Case c;
    c.line = line;
    ss >> c.kind;
    std::string h1, h2, hr, v;
    c.q = "AP_TRN";
    c.o = "AP_WRAP";
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
