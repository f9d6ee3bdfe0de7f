// The RTL backend's internal netlist: one combinational DAG per layer module,
// built by the layer generators (dense.cpp, activation.cpp, ...), then cut
// into pipeline stages and printed as Verilog-2005 (netlist.cpp).
//
// Value model. Every node is an integer word of `w` bits read as signed
// (two's complement) or unsigned:
//  * exact nodes hold their value exactly; [lo, hi] bounds it and the width
//    is the smallest that holds the range (computed by the builders);
//  * modular nodes (exact == false) hold only the value mod 2^w: they come
//    from adder trees whose accumulator wraps (fixed_core.h WRAP), and may
//    only be read through their low w bits.
// Fixed-point formats live outside the netlist: a word of format f is a node
// whose value is the word itself; the binary point is tracked by the callers
// (a `frac` next to the node), exactly as fixed_core.h tracks it.
//
// Printed Verilog: every node is a `wire [w-1:0] nK`; operands are extended
// or truncated explicitly (no implicit sizing), so signedness rules never
// matter except in `$signed(..) * $signed(..)` and comparisons, where both
// sides are first extended to one width.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hlsforge::backends::rtl {

using i128 = __int128;

/// Saturating i128 helpers for ranges (|v| capped at 2^120: every word the
/// backend handles is at most 64 bits, so a capped bound only marks "too wide").
i128 SatAdd(i128 a, i128 b);
i128 SatSub(i128 a, i128 b);
i128 SatShl(i128 a, int k);
i128 SatMul(i128 a, i128 b);
/// floor(a / 2^k) and ceil(a / 2^k) for k >= 0.
i128 FloorShr(i128 a, int k);
i128 CeilShr(i128 a, int k);
/// Smallest width holding [lo, hi]: unsigned if lo >= 0, else two's complement.
int BitsFor(i128 lo, i128 hi);
/// Verilog literal of `v` as an n-bit two's complement pattern: n'hXX.
std::string Literal(i128 v, int n);
/// Decimal text of v (for comments).
std::string ToDec(i128 v);

enum class Op : uint8_t {
  In,     ///< bits [k, k+w) of the module input bus
  Const,  ///< lo == hi == value
  Add,    ///< a + (b << k)  or  a - (b << k) (sub); modular when !exact
  Slice,  ///< bits [k, k+w) of a's sign/zero-extended word (k < 0: zeros shifted in)
  Mux,    ///< a[0] ? b : c
  Mul,    ///< a * b, exact
  Rom,    ///< table[aux][a]
  Expr,   ///< text template aux with operands $0 = a, $1 = b, $2 = c
};

struct Node {
  Op op = Op::Const;
  bool s = false;       ///< signed reading of the word
  bool exact = true;
  bool sub = false;     ///< Add: subtract
  int w = 1;
  int k = 0;            ///< Add: shift of b; Slice: low bit; In: bit offset
  int a = -1, b = -1, c = -1;
  int aux = -1;         ///< Rom: table; Expr: template
  i128 lo = 0, hi = 0;  ///< exact range (exact nodes)
  float t = 0;          ///< arrival time estimate, ns (see Netlist::Delay*)
};

/// A constant table read by Rom nodes: a combinational ROM, printed as an
/// array of 2^addr_bits words with initial contents (zeros past `words`).
struct Table {
  std::vector<i128> words;  ///< entry -> word value (exact); at most 2^addr_bits
  int addr_bits = 1;
  int w = 1;                ///< set by AddTable: the width holding every word
  bool s = false;
  std::string comment;      ///< what the table holds (printed above it)
};

/// Nodes in fixed-size chunks: appending never moves a node (a 1 M-weight
/// layer has millions; regrowing one vector of them cost more than building
/// them), and indexing is one shift and one mask.
class NodeStore {
 public:
  static constexpr int kChunkBits = 16;
  void push_back(const Node& n) {
    if ((size_ & kMask) == 0) chunks_.push_back(std::make_unique<Node[]>(size_t{1} << kChunkBits));
    chunks_.back()[size_ & kMask] = n;
    ++size_;
  }
  const Node& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & kMask]; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t kMask = (size_t{1} << kChunkBits) - 1;
  std::vector<std::unique_ptr<Node[]>> chunks_;
  size_t size_ = 0;
};

class Netlist {
 public:
  /// Timing model (UltraScale+-class fabric, rough estimates used only to
  /// place pipeline registers): an adder of width w costs kAdd + kAddBit*w ns.
  static constexpr float kAdd = 0.55f, kAddBit = 0.012f, kLogic = 0.45f, kRomBase = 0.6f,
                         kMulDsp = 2.4f, kMulLutBit = 0.08f;

  int In(int offset, int w, bool s);
  int Const(i128 v);
  /// a ± (b << k), k >= 0. cap > 0: only the low `cap` bits are needed (the
  /// node is modular when its range does not fit cap bits); cap == 0: exact.
  int Add(int a, int b, int k, bool sub, int cap = 0);
  /// floor(x / 2^lo) wrapped to a w-bit word of signedness s (lo < 0: x·2^-lo).
  /// Exact value when the floor's range fits (w, s). A modular x may only be
  /// sliced below its width.
  int Slice(int x, int lo, int w, bool s);
  /// sel (a 1-bit node) ? a1 : a0, both exact.
  int Mux(int sel, int a1, int a0);
  /// Exact product of two exact nodes (printed as `*`: a DSP for synthesis).
  int Mul(int a, int b);
  /// Product of two exact nodes as shift-and-add of partial products
  /// (no `*`: never a DSP).
  int MulLut(int a, int b);
  int AddTable(Table t);
  int Rom(int addr, int table);
  /// 1-bit comparisons of exact nodes (signed-correct).
  int Less(int a, int b);                 ///< a < b
  int Greater(int a, int b) { return Less(b, a); }
  int GreaterConst(int a, i128 c);        ///< a > c
  int LessConst(int a, i128 c);           ///< a < c
  int EqualConst(int a, i128 c);          ///< a == c
  /// Generic 1-to-3-operand expression; `tmpl` uses $0 $1 $2 for the operand
  /// names and must produce exactly w bits. Range [lo, hi] of the result.
  int Expr(std::string tmpl, int a, int b, int c, int w, bool s, i128 lo, i128 hi, float delay);
  /// The low n bits of node x's value, extended from its (w, s): for use
  /// inside Expr templates, operand written as `$i`.
  static std::string ExtTmpl(const Node& x, const std::string& name, int n);
  /// Bits [lo, lo+n) of node x's extended value (lo may be negative).
  static std::string BitsTmpl(const Node& x, const std::string& name, int lo, int n);

  const Node& node(int id) const { return nodes_[static_cast<size_t>(id)]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  bool IsConst(int id) const { return node(id).op == Op::Const; }
  i128 ConstValue(int id) const { return node(id).lo; }

  /// Prints one module:
  ///   module NAME(input clk, input rst, input in_valid, input [in_bits-1:0] in_data,
  ///               output out_valid, output [sum out widths-1:0] out_data);
  /// out_data element i = word of node outs[i] extended to out_w bits, at
  /// bits [i*out_w, (i+1)*out_w). `stages` register ranks (the last one at
  /// the output; earlier ones cut the DAG at equal arrival-time intervals);
  /// 0 = combinational. The valid bit travels through the same ranks.
  /// t_in: arrival time of the inputs (ns; a previous layer without output
  /// registers), added to every node's time when cutting.
  /// period > 0 instead: rank r (1..stages) at arrival time r * period
  /// (t_in included), so the ranks continue the previous layers' spacing;
  /// outputs arriving after the last rank leave unregistered (their delay
  /// carries into the next layer), earlier ones are registered up to it.
  /// The text goes to `sink` in pieces of about 1 MB (a 1 M-weight layer
  /// prints hundreds of MB: it is never held whole in memory).
  void Emit(const std::function<void(std::string_view)>& sink, const std::string& name,
            const std::string& comment, int in_bits, const std::vector<int>& outs, int out_w, int stages,
            float t_in = 0, float period = 0) const;
  /// Emit into one string (small modules, tests).
  std::string Emit(const std::string& name, const std::string& comment, int in_bits,
                   const std::vector<int>& outs, int out_w, int stages, float t_in = 0) const;
  /// Critical arrival time (ns) over the given output nodes.
  float CriticalPath(const std::vector<int>& outs) const;
  /// Counters of the live DAG below `outs`: adders, multipliers, ROM reads.
  struct Stats {
    int64_t adders = 0, adder_bits = 0, muls = 0, rom_reads = 0;
  };
  Stats Count(const std::vector<int>& outs) const;

 private:
  int Push(Node n);
  /// `a op c` (op "<" or ">") of an exact node, both sides extended to one width.
  int CompareConst(int a, const char* op, i128 c);
  struct I128Hash {
    size_t operator()(i128 v) const {
      const auto u = static_cast<unsigned __int128>(v);
      return std::hash<uint64_t>()(static_cast<uint64_t>(u) ^ (static_cast<uint64_t>(u >> 64) * 0x9E3779B97F4A7C15ull));
    }
  };
  NodeStore nodes_;
  std::unordered_map<i128, int, I128Hash> consts_;  ///< value -> its one Const node
  std::vector<Table> tables_;
  std::vector<std::string> tmpls_;
};

/// An addend of an adder tree: ±(node << shift).
struct Term {
  int node = -1;
  int shift = 0;
  bool neg = false;
};

/// Σ terms + c as one node. cap > 0: modulo 2^cap (terms with shift >= cap
/// vanish; the result is modular unless its range fits); cap == 0: exact.
/// The tree pairs the two earliest-arriving terms first (minimum depth).
int SumTree(Netlist& n, std::vector<Term> terms, i128 c, int cap);

/// Canonical signed digits of v (non-adjacent form): v = Σ sign·2^exp, the
/// fewest nonzero digits. Returned lowest exponent first.
struct Digit {
  int exp;
  bool neg;
};
std::vector<Digit> Csd(i128 v);

}  // namespace hlsforge::backends::rtl
