// Constant matrix times vector in hardware: out_j = c_j + Σ_i x_i·k_ij·2^shift
// (mod 2^cap), the arithmetic of a Dense layer whose accumulator wraps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netlist.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

struct CmvmProblem {
  int64_t n_in = 0, n_out = 0;
  std::vector<int> x;     ///< [n_in] exact input nodes
  std::vector<i128> k;    ///< [n_in * n_out], k[i * n_out + j]
  std::vector<i128> c;    ///< [n_out] constants
  int shift = 0;          ///< every product is shifted left by this many bits
  int cap = 0;            ///< results needed modulo 2^cap (0: exact)
};

struct CmvmResult {
  std::vector<int> outs;  ///< [n_out] nodes: exact, or modular of width <= cap
  std::string summary;    ///< "N CSD adders (M before sharing), D DSP products"
};

/// Builds every output. Products by k = ±2^e are wires; 1-bit inputs select
/// k or 0; other products are CSD digit terms (shift-and-add) or, when
/// UseDsp says so, `*` by the constant. Digit terms of all outputs share
/// two-term subexpressions x_a·s_a·2^e_a + x_b·s_b·2^e_b found by a greedy
/// count of the most frequent pair (the outputs' adder trees then use the
/// shared sums), bounded in work so that large layers stay fast.
CmvmResult ConstMatVec(Netlist& n, const CmvmProblem& p, const Choices& c);

}  // namespace hlsforge::backends::rtl
