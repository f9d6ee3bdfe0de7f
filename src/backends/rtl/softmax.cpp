// Softmax in hardware, with the emulator's tables and arithmetic
// (src/emu/softmax.cpp documents each implementation; tables.h holds the
// resolved formats and tables, so the ROMs are the emulator's words):
//  stable: d_i = (inp_norm_t)(max - x_i), max - x_i from all pairwise
//          differences (DistancesFromMax; a max tree above 16 elements); e_i = exp ROM[top bits of
//          d_i]; sum = the same reduction tree as hls4ml's reduce (left part
//          = largest power of two below n, each addition assigned to
//          accum_t); inv = inverse ROM[top bits of (inv_inp_t) sum];
//          res_i = (res_t)(e_i * inv)   (one multiplier per element).
//  latency: as stable, the exp ROM addressed by the top bits of x_i itself.
//  legacy: exp ROM over trunc0((x_j - x_i) * N / 16) + N/2 for every pair,
//          accumulated in table_t in j order, then the inverse ROM.
//  argmax: one-hot of the first maximum.
#include <functional>

#include "../../emu/tables.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

namespace {

using fx::Format;

int64_t PowFloor2(int64_t x) {
  int64_t p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

// hls4ml's reduce: op(reduce(left), reduce(right)), each sum assigned to t.
int ReduceAdd(Netlist& n, const std::vector<int>& x, size_t from, size_t count, Format t) {
  if (count == 1) return x[from];
  const size_t left = count == 2 ? 1 : static_cast<size_t>(PowFloor2(static_cast<int64_t>(count) - 1));
  const int a = ReduceAdd(n, x, from, left, t);
  const int b = ReduceAdd(n, x, from + left, count - left, t);
  return Cast(n, n.Add(a, b, 0, false, 0), fx::frac(t), t);
}

// Top n bits of a word of format f (its bit pattern), as an n-bit address.
int TopBits(Netlist& n, int word, Format f, int bits) { return n.Slice(word, f.w - bits, bits, false); }

int AddressedTable(Netlist& n, const std::vector<int64_t>& words, int bits, const std::string& what) {
  Table t;
  t.addr_bits = bits;
  for (int64_t v : words) t.words.push_back(v);
  t.comment = what;
  return n.AddTable(std::move(t));
}

// Maximum and the index of its first occurrence over x[from, from+count):
// a tree whose left halves hold the smaller indices (ties keep the left).
std::pair<int, int> MaxTree(Netlist& n, const std::vector<int>& x, size_t from, size_t count) {
  if (count == 1) return {x[from], n.Const(static_cast<i128>(from))};
  const size_t left = count / 2;
  const auto [a, ia] = MaxTree(n, x, from, left);
  const auto [b, ib] = MaxTree(n, x, from + left, count - left);
  const int right_wins = n.Greater(b, a);
  return {n.Mux(right_wins, b, a), n.Mux(right_wins, ib, ia)};
}

// One Expr per up to three operands, in a balanced tree: `op` joins the
// operand texts; `term` (an operand's name -> its text) applies to the
// leaves only (the first level; a leaf left alone gets an Expr of its own).
int GateTree(Netlist& n, std::vector<int> v, const std::function<std::string(const Node&, const std::string&)>& term,
             const char* op, int w, i128 lo, i128 hi) {
  bool leaves = true;
  while (v.size() > 1 || leaves) {
    std::vector<int> next;
    for (size_t k = 0; k < v.size(); k += 3) {
      const size_t c = std::min<size_t>(3, v.size() - k);
      if (c == 1 && !leaves) {
        next.push_back(v[k]);
        continue;
      }
      std::string t;
      for (size_t j = 0; j < c; ++j) {
        const std::string name = "$" + std::to_string(j);
        t += (j ? std::string(" ") + op + " " : "") + (leaves ? term(n.node(v[k + j]), name) : name);
      }
      next.push_back(n.Expr("(" + t + ")", v[k], c >= 2 ? v[k + 1] : -1, c == 3 ? v[k + 2] : -1, w, false, lo, hi,
                            Netlist::kLogic));
    }
    v = std::move(next);
    leaves = false;
  }
  return v[0];
}

// max_k(x_k) - x_i for every i, without a max tree: every difference
// D[k][i] = x_k - x_i side by side (one subtractor's delay); x_k is a
// maximum iff none of D[k][.] is negative (an AND of sign bits); d_i is the
// OR over the maxima k of D[k][i] (tied maxima have equal D[k][i], so no
// priority is needed). Logic depth: a subtraction and three to five gate
// levels for up to 10 elements, instead of log2(m) compare-and-select
// levels followed by the subtraction. Values are exact and >= 0.
// Slices up to this length use DistancesFromMax (m * (m - 1) subtractors:
// 20 for the jet tagger's 5 classes, 90 for 10); longer ones a max tree
// (m - 1 comparators, log2(m) levels deeper).
constexpr size_t kPairwiseMax = 16;

std::vector<int> DistancesFromMax(Netlist& n, const std::vector<int>& x) {
  const size_t m = x.size();
  if (m == 1) return {n.Const(0)};
  std::vector<std::vector<int>> D(m, std::vector<int>(m, -1));
  i128 d_hi = 0;
  for (size_t k = 0; k < m; ++k)
    for (size_t i = 0; i < m; ++i)
      if (k != i) {
        D[k][i] = n.Add(x[k], x[i], 0, true, 0);
        d_hi = std::max(d_hi, n.node(D[k][i]).hi);
      }
  auto nonneg = [](const Node& d, const std::string& name) -> std::string {
    if (d.lo >= 0) return "1'b1";
    if (d.hi < 0) return "1'b0";
    return "~" + Netlist::BitsTmpl(d, name, d.w - 1, 1);  // a signed word: its sign bit
  };
  auto same = [](const Node&, const std::string& name) { return name; };
  const int W = BitsFor(0, d_hi);
  std::vector<int> is_max(m);
  for (size_t k = 0; k < m; ++k) {
    std::vector<int> row;
    for (size_t j = 0; j < m; ++j)
      if (j != k) row.push_back(D[k][j]);
    is_max[k] = GateTree(n, row, nonneg, "&", 1, 0, 1);
  }
  std::vector<int> d(m);
  for (size_t i = 0; i < m; ++i) {
    std::vector<int> masked;  // D[i][i] = 0 adds nothing to the OR
    for (size_t k = 0; k < m; ++k)
      if (k != i) {
        const Node& Dk = n.node(D[k][i]);
        masked.push_back(n.Expr("$0 ? " + Netlist::ExtTmpl(Dk, "$1", W) + " : " + Literal(0, W), is_max[k], D[k][i],
                                -1, W, false, 0, d_hi, Netlist::kLogic));
      }
    d[i] = masked.size() == 1 ? masked[0] : GateTree(n, masked, same, "|", W, 0, d_hi);
  }
  return d;
}

}  // namespace

StatusOr<LayerRtl> BuildSoftmax(const LayerIO& io, const Choices& c) {
  if (io.layer->plan && io.layer->plan->skip) {
    // `Skip: true` (LayerPlan::skip): no softmax in the firmware, the input
    // passed through in the output type (the emulator's SkippedSoftmaxKernel)
    LayerRtl r;
    const Format in_f = emu::detail::Fmt(io.in_type), res_f = emu::detail::Fmt(io.out_type);
    for (int64_t i = 0; i < io.n_in; ++i) r.outs.push_back(Cast(r.net, InputWord(r.net, io, i), fx::frac(in_f), res_f));
    r.summary = "skipped softmax (Skip: true): the input passed through";
    return r;
  }
  auto sp = emu::detail::ResolveSoftmax(io);
  if (!sp.ok()) return sp.status();
  const emu::detail::SoftmaxSpec& s = *sp;
  LayerRtl r;
  Netlist& n = r.net;
  const int64_t N = s.table_size;
  // ROM sizes and address widths: the plan's tables (the emulator's words)
  int exp_t = -1, inv_t = -1, exp_bits = 1, inv_bits = 1;
  switch (s.impl) {
    case ir::SoftmaxImpl::Stable:
    case ir::SoftmaxImpl::Latency: {
      const Format exp_index = s.impl == ir::SoftmaxImpl::Stable ? s.norm_f : s.in_f;
      auto et = PlannedTable(io, c, ir::Slot::ExpTable, N, exp_index);
      if (!et.ok()) return et.status();
      auto it = PlannedTable(io, c, ir::Slot::InvTable, N, s.inv_inp_f);
      if (!it.ok()) return it.status();
      exp_bits = et->index_bits;
      inv_bits = it->index_bits;
      if (exp_bits != s.exp_bits || inv_bits != s.inv_bits)
        return Status::Fail("internal: " + io.where() + ": softmax table address widths differ from the plan's");
      exp_t = AddressedTable(n, s.exp_acc, exp_bits, "exp table (accumulator words)");
      inv_t = AddressedTable(n, s.inv_table, inv_bits, "inverse table (inv_table_t words)");
      break;
    }
    case ir::SoftmaxImpl::Legacy: {
      auto tt = PlannedTable(io, c, ir::Slot::Table, N, std::nullopt);
      if (!tt.ok()) return tt.status();
      exp_bits = inv_bits = std::max(1, tt->index_bits);
      exp_t = AddressedTable(n, s.exp_legacy, exp_bits, "exp table over [-8, 8) (table_t words)");
      inv_t = AddressedTable(n, s.inv_legacy_res, inv_bits, "inverse table over [0, 64) (result words)");
      break;
    }
    case ir::SoftmaxImpl::Argmax:
      break;
  }
  const Format df = fx::sub_format(s.in_f, s.in_f);
  for (int64_t off = 0; off < s.n; off += s.slice) {
    std::vector<int> x;
    for (int64_t i = 0; i < s.slice; ++i) x.push_back(InputWord(n, io, off + i));
    const size_t m = x.size();
    switch (s.impl) {
      case ir::SoftmaxImpl::Argmax: {
        const int idx = MaxTree(n, x, 0, m).second;
        const i128 one = fx::from_double(1.0, s.res_f);
        for (size_t i = 0; i < m; ++i) r.outs.push_back(n.Mux(n.EqualConst(idx, static_cast<i128>(i)), n.Const(one),
                                                              n.Const(0)));
        break;
      }
      case ir::SoftmaxImpl::Stable:
      case ir::SoftmaxImpl::Latency: {
        std::vector<int> e;
        std::vector<int> dist;  // max - x_i (stable)
        if (s.impl == ir::SoftmaxImpl::Stable && m <= kPairwiseMax) {
          dist = DistancesFromMax(n, x);
        } else if (s.impl == ir::SoftmaxImpl::Stable) {  // m^2 subtractors would be too many: a max tree
          const int mx = MaxTree(n, x, 0, m).first;
          for (size_t i = 0; i < m; ++i) dist.push_back(n.Add(mx, x[i], 0, true, 0));
        }
        for (size_t i = 0; i < m; ++i) {
          int addr;
          if (s.impl == ir::SoftmaxImpl::Stable) {
            const int d = Cast(n, dist[i], fx::frac(df), s.norm_f);
            addr = TopBits(n, d, s.norm_f, exp_bits);
          } else {
            addr = TopBits(n, x[i], s.in_f, exp_bits);
          }
          e.push_back(n.Rom(addr, exp_t));
        }
        const int sum = Cast(n, ReduceAdd(n, e, 0, m, s.acc_f), fx::frac(s.acc_f), s.inv_inp_f);
        const int inv = n.Rom(TopBits(n, sum, s.inv_inp_f, inv_bits), inv_t);
        for (size_t i = 0; i < m; ++i)
          r.outs.push_back(Cast(n, VarProduct(n, e[i], inv, c), fx::frac(s.acc_f) + fx::frac(s.inv_f), s.res_f));
        break;
      }
      case ir::SoftmaxImpl::Legacy: {
        const int tfr = fx::frac(s.table_f);
        for (size_t i = 0; i < m; ++i) {
          int acc = n.Const(0);
          for (size_t j = 0; j < m; ++j) {
            int v;
            if (i == j) {
              v = n.Const(s.one_table);
            } else {
              const int d = n.Add(x[j], x[i], 0, true, 0);  // exact: the sub format holds it
              v = n.Rom(ScaledAddress(n, d, df, N, exp_bits, 4, 8 * N / 16, c), exp_t);  // x * N / 16
            }
            acc = Cast(n, n.Add(acc, v, 0, false, 0), tfr, s.table_f);
          }
          r.outs.push_back(n.Rom(ScaledAddress(n, acc, s.table_f, N, inv_bits, 6, 0, c), inv_t));  // x * N / 64
        }
        break;
      }
    }
  }
  static const char* kNames[] = {"stable", "latency", "legacy", "argmax"};
  r.summary = std::string(kNames[static_cast<int>(s.impl)]) + " softmax over slices of " + std::to_string(s.slice);
  return r;
}

}  // namespace hlsforge::backends::rtl
