// Netlist builders: width and range inference of every node, canonical
// signed digits and adder trees. See netlist.h for the value model.
#include "netlist.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include "hlsforge/util/status.h"

namespace hlsforge::backends::rtl {

namespace {

constexpr i128 kCap = static_cast<i128>(1) << 120;

i128 Clamp(i128 v) { return v > kCap ? kCap : (v < -kCap ? -kCap : v); }

int BitLen(i128 v) {  // v >= 0: bits of v (0 for 0)
  if (v <= 0) return 0;
  const auto u = static_cast<unsigned __int128>(v);
  const uint64_t hi = static_cast<uint64_t>(u >> 64), lo = static_cast<uint64_t>(u);
  return hi != 0 ? 128 - __builtin_clzll(hi) : 64 - __builtin_clzll(lo);
}

bool Fits(i128 lo, i128 hi, int w, bool s) {
  if (w >= 126) return true;
  if (s) return lo >= -(static_cast<i128>(1) << (w - 1)) && hi <= (static_cast<i128>(1) << (w - 1)) - 1;
  return lo >= 0 && hi <= (static_cast<i128>(1) << w) - 1;
}

i128 FmtMin(int w, bool s) { return s ? -(static_cast<i128>(1) << (w - 1)) : 0; }
i128 FmtMax(int w, bool s) { return (static_cast<i128>(1) << (w - (s ? 1 : 0))) - 1; }

// Word of v wrapped to (w, s).
i128 WrapTo(i128 v, int w, bool s) {
  if (w >= 127) return v;
  const i128 m = static_cast<i128>(1) << w;
  i128 r = v & (m - 1);
  if (s && r >= m / 2) r -= m;
  return r;
}

}  // namespace

i128 SatAdd(i128 a, i128 b) { return Clamp(Clamp(a) + Clamp(b)); }
i128 SatSub(i128 a, i128 b) { return SatAdd(a, -Clamp(b)); }
i128 SatShl(i128 a, int k) {
  a = Clamp(a);
  if (a == 0 || k <= 0) return k <= 0 ? FloorShr(a, -k) : a;
  if (k >= 120) return a > 0 ? kCap : -kCap;
  const i128 lim = kCap >> k;
  if (a > lim) return kCap;
  if (a < -lim) return -kCap;
  return a * (static_cast<i128>(1) << k);
}
i128 SatMul(i128 a, i128 b) {
  a = Clamp(a);
  b = Clamp(b);
  if (a == 0 || b == 0) return 0;
  const i128 aa = a < 0 ? -a : a, bb = b < 0 ? -b : b;
  if (aa > kCap / bb) return ((a < 0) != (b < 0)) ? -kCap : kCap;
  return a * b;
}
i128 FloorShr(i128 a, int k) {
  if (k <= 0) return a;
  if (k >= 126) return a < 0 ? -1 : 0;
  return a >> k;  // arithmetic: floor
}
i128 CeilShr(i128 a, int k) { return -FloorShr(-a, k); }

int BitsFor(i128 lo, i128 hi) {
  if (lo >= 0) return std::max(1, BitLen(hi));
  return std::max(BitLen(-lo - 1), BitLen(std::max<i128>(hi, 0))) + 1;
}

std::string Literal(i128 v, int n) {
  using u128 = unsigned __int128;
  u128 u = static_cast<u128>(v);
  if (n < 128) u &= (static_cast<u128>(1) << n) - 1;
  std::string hex;
  do {
    hex.push_back("0123456789abcdef"[static_cast<int>(u & 15)]);
    u >>= 4;
  } while (u != 0);
  std::reverse(hex.begin(), hex.end());
  return std::to_string(n) + "'h" + hex;
}

std::string ToDec(i128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  using u128 = unsigned __int128;
  u128 u = neg ? static_cast<u128>(-(v + 1)) + 1 : static_cast<u128>(v);
  std::string s;
  while (u != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

std::vector<Digit> Csd(i128 v) {
  std::vector<Digit> d;
  int e = 0;
  while (v != 0) {
    if (v & 1) {
      const int digit = (v & 3) == 1 ? 1 : -1;
      d.push_back({e, digit < 0});
      v -= digit;
    }
    v >>= 1;
    ++e;
  }
  return d;
}

// ---- builders ----------------------------------------------------------

int Netlist::Push(Node n) {
  nodes_.push_back(n);
  return static_cast<int>(nodes_.size()) - 1;
}

int Netlist::In(int offset, int w, bool s) {
  Node n;
  n.op = Op::In;
  n.k = offset;
  n.w = w;
  n.s = s;
  n.lo = FmtMin(w, s);
  n.hi = FmtMax(w, s);
  return Push(n);
}

int Netlist::Const(i128 v) {
  if (std::abs(static_cast<double>(v)) >= 0x1p119) throw Error("internal: constant too wide for the netlist");
  // one node per value: nodes are immutable, and a big layer asks for the
  // same few constants millions of times
  if (auto it = consts_.find(v); it != consts_.end()) return it->second;
  Node n;
  n.op = Op::Const;
  n.lo = n.hi = v;
  n.w = BitsFor(v, v);
  n.s = v < 0;
  const int id = Push(n);
  consts_.emplace(v, id);
  return id;
}

int Netlist::Add(int a, int b, int k, bool sub, int cap) {
  const Node A = node(a), B = node(b);
  if (A.op == Op::Const && B.op == Op::Const && A.exact && B.exact) {
    const i128 bv = SatShl(B.lo, k);
    i128 v = sub ? SatSub(A.lo, bv) : SatAdd(A.lo, bv);
    if (cap > 0) v = WrapTo(v, cap, true);
    return Const(v);
  }
  Node n;
  n.op = Op::Add;
  n.a = a;
  n.b = b;
  n.k = k;
  n.sub = sub;
  bool exact = A.exact && B.exact;
  if (exact) {
    const i128 blo = SatShl(B.lo, k), bhi = SatShl(B.hi, k);
    n.lo = sub ? SatAdd(A.lo, -bhi) : SatAdd(A.lo, blo);
    n.hi = sub ? SatAdd(A.hi, -blo) : SatAdd(A.hi, bhi);
    const bool huge = n.lo <= -kCap || n.hi >= kCap;
    if (huge || (cap > 0 && BitsFor(n.lo, n.hi) > cap)) exact = false;
  }
  if (exact) {
    n.w = BitsFor(n.lo, n.hi);
    n.s = n.lo < 0;
  } else {
    if (cap <= 0) throw Error("internal: exact sum wider than 120 bits");
    n.exact = false;
    n.w = cap;
    n.s = true;
    n.lo = FmtMin(cap, true);
    n.hi = FmtMax(cap, true);
  }
  if (!A.exact && A.w < n.w) throw Error("internal: modular operand narrower than its adder");
  if (!B.exact && B.w < n.w - k) throw Error("internal: modular shifted operand narrower than its adder");
  if (k >= n.w) {  // b's bits all shift out: only a remains (low n.w bits)
    if (A.exact && Fits(A.lo, A.hi, n.w, n.s)) return a;
    return Slice(a, 0, n.w, n.s);
  }
  n.t = std::max(A.t, B.t) + kAdd + kAddBit * static_cast<float>(n.w - k);
  return Push(n);
}

int Netlist::Slice(int x, int lo, int w, bool s) {
  const Node X = node(x);
  if (!X.exact && lo + w > X.w) throw Error("internal: slice above a modular word");
  Node n;
  n.op = Op::Slice;
  n.a = x;
  n.k = lo;
  n.t = X.t;
  if (X.exact) {
    const i128 flo = lo >= 0 ? FloorShr(X.lo, lo) : SatShl(X.lo, -lo);
    const i128 fhi = lo >= 0 ? FloorShr(X.hi, lo) : SatShl(X.hi, -lo);
    if (Fits(flo, fhi, w, s) && flo > -kCap && fhi < kCap) {
      if (X.op == Op::Const) return Const(flo);
      if (lo == 0) return x;  // the value itself
      n.lo = flo;
      n.hi = fhi;
      n.w = BitsFor(flo, fhi);
      n.s = flo < 0;
      return Push(n);
    }
    if (X.op == Op::Const) return Const(WrapTo(lo >= 0 ? FloorShr(X.lo, lo) : SatShl(X.lo, -lo), w, s));
  }
  n.w = w;
  n.s = s;
  n.lo = FmtMin(w, s);
  n.hi = FmtMax(w, s);
  return Push(n);
}

int Netlist::Mux(int sel, int a1, int a0) {
  if (a1 == a0) return a1;
  if (IsConst(sel)) return ConstValue(sel) != 0 ? a1 : a0;
  const Node A = node(a1), B = node(a0), S = node(sel);
  if (!A.exact || !B.exact) throw Error("internal: mux of a modular word");
  if (A.op == Op::Const && B.op == Op::Const && A.lo == B.lo) return a1;
  Node n;
  n.op = Op::Mux;
  n.a = sel;
  n.b = a1;
  n.c = a0;
  n.lo = std::min(A.lo, B.lo);
  n.hi = std::max(A.hi, B.hi);
  n.w = BitsFor(n.lo, n.hi);
  n.s = n.lo < 0;
  n.t = std::max({A.t, B.t, S.t}) + kLogic;
  return Push(n);
}

int Netlist::Mul(int a, int b) {
  const Node A = node(a), B = node(b);
  if (!A.exact || !B.exact) throw Error("internal: product of a modular word");
  if ((A.op == Op::Const && A.lo == 0) || (B.op == Op::Const && B.lo == 0)) return Const(0);
  if (A.op == Op::Const && B.op == Op::Const) return Const(SatMul(A.lo, B.lo));
  Node n;
  n.op = Op::Mul;
  n.a = a;
  n.b = b;
  const i128 p[4] = {SatMul(A.lo, B.lo), SatMul(A.lo, B.hi), SatMul(A.hi, B.lo), SatMul(A.hi, B.hi)};
  n.lo = *std::min_element(p, p + 4);
  n.hi = *std::max_element(p, p + 4);
  if (n.lo <= -kCap || n.hi >= kCap) throw Error("internal: product wider than 120 bits");
  n.w = BitsFor(n.lo, n.hi);
  n.s = n.lo < 0;
  n.t = std::max(A.t, B.t) + kMulDsp;
  return Push(n);
}

int Netlist::MulLut(int a, int b) {
  if (IsConst(a) || IsConst(b)) return Mul(a, b);
  // partial products of the narrower operand's bits
  if (node(b).w > node(a).w) std::swap(a, b);
  const Node A = node(a), B = node(b);
  std::vector<Term> terms;
  for (int j = 0; j < B.w; ++j) {
    const std::string t = "{" + std::to_string(A.w) + "{$1[" + std::to_string(j) + "]}} & $0";
    const int pp = Expr(t, a, b, -1, A.w, A.s, std::min<i128>(A.lo, 0), std::max<i128>(A.hi, 0), kLogic);
    terms.push_back({pp, j, B.s && j == B.w - 1});
  }
  return SumTree(*this, terms, 0, 0);
}

int Netlist::AddTable(Table t) {
  i128 lo = 0, hi = 0;
  for (i128 v : t.words) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  t.w = BitsFor(lo, hi);
  t.s = lo < 0;
  tables_.push_back(std::move(t));
  return static_cast<int>(tables_.size()) - 1;
}

int Netlist::Rom(int addr, int table) {
  const Table& T = tables_[static_cast<size_t>(table)];
  const Node A = node(addr);
  if (!A.exact || A.lo < 0 || A.hi >= (static_cast<i128>(1) << T.addr_bits))
    throw Error("internal: ROM address out of the table's range");
  Node n;
  n.op = Op::Rom;
  n.a = addr;
  n.aux = table;
  i128 lo = T.words.at(static_cast<size_t>(A.lo)), hi = lo;
  for (i128 i = A.lo; i <= A.hi && i < static_cast<i128>(T.words.size()); ++i) {
    lo = std::min(lo, T.words[static_cast<size_t>(i)]);
    hi = std::max(hi, T.words[static_cast<size_t>(i)]);
  }
  if (A.hi >= static_cast<i128>(T.words.size())) {
    lo = std::min<i128>(lo, 0);
    hi = std::max<i128>(hi, 0);
  }
  if (lo == hi) return Const(lo);
  n.lo = lo;
  n.hi = hi;
  n.w = BitsFor(lo, hi);
  n.s = lo < 0;
  n.t = A.t + kRomBase + 0.25f * static_cast<float>(std::max(0, T.addr_bits - 6));
  return Push(n);
}

int Netlist::Expr(std::string tmpl, int a, int b, int c, int w, bool s, i128 lo, i128 hi, float delay) {
  Node n;
  n.op = Op::Expr;
  n.a = a;
  n.b = b;
  n.c = c;
  n.w = w;
  n.s = s;
  n.lo = lo;
  n.hi = hi;
  n.aux = static_cast<int>(tmpls_.size());
  tmpls_.push_back(std::move(tmpl));
  float t = 0;
  for (int o : {a, b, c})
    if (o >= 0) t = std::max(t, node(o).t);
  n.t = t + delay;
  return Push(n);
}

namespace {
// Signed width holding both nodes' values.
int CmpWidth(const Node& a, int bw_signed) { return std::max(a.w + (a.s ? 0 : 1), bw_signed); }
}  // namespace

int Netlist::Less(int a, int b) {
  const Node A = node(a), B = node(b);
  if (!A.exact || !B.exact) throw Error("internal: comparison of a modular word");
  if (A.hi < B.lo) return Const(1);
  if (A.lo >= B.hi) return Const(0);
  if (B.op == Op::Const) return LessConst(a, B.lo);
  if (A.op == Op::Const) return GreaterConst(b, A.lo);
  const int W = CmpWidth(A, B.w + (B.s ? 0 : 1));
  const std::string t = "$signed(" + ExtTmpl(A, "$0", W) + ") < $signed(" + ExtTmpl(B, "$1", W) + ")";
  return Expr(t, a, b, -1, 1, false, 0, 1, kAdd + kAddBit * static_cast<float>(W));
}

int Netlist::GreaterConst(int a, i128 c) {
  const Node A = node(a);
  if (!A.exact) throw Error("internal: comparison of a modular word");
  if (A.lo > c) return Const(1);
  if (A.hi <= c) return Const(0);
  return CompareConst(a, ">", c);
}

int Netlist::LessConst(int a, i128 c) {
  const Node A = node(a);
  if (!A.exact) throw Error("internal: comparison of a modular word");
  if (A.hi < c) return Const(1);
  if (A.lo >= c) return Const(0);
  // x < 0 of a signed word: its sign bit
  if (c == 0 && A.s) return Expr("$0[" + std::to_string(A.w - 1) + "]", a, -1, -1, 1, false, 0, 1, 0);
  return CompareConst(a, "<", c);
}

int Netlist::CompareConst(int a, const char* op, i128 c) {
  const Node A = node(a);
  const int W = CmpWidth(A, BitsFor(std::min<i128>(c, -1), std::max<i128>(c, 0)));
  const std::string t = "$signed(" + ExtTmpl(A, "$0", W) + ") " + op + " $signed(" + Literal(c, W) + ")";
  return Expr(t, a, -1, -1, 1, false, 0, 1, kAdd + kAddBit * static_cast<float>(W));
}

int Netlist::EqualConst(int a, i128 c) {
  const Node A = node(a);
  if (!A.exact) throw Error("internal: comparison of a modular word");
  if (c < A.lo || c > A.hi) return Const(0);
  if (A.lo == A.hi) return Const(1);
  return Expr("$0 == " + Literal(c, A.w), a, -1, -1, 1, false, 0, 1, kLogic);
}

std::string Netlist::ExtTmpl(const Node& x, const std::string& name, int n) {
  if (n == x.w) return name;
  if (n < x.w) return n == 1 ? name + "[0]" : name + "[" + std::to_string(n - 1) + ":0]";
  const int e = n - x.w;
  const std::string sign = x.s ? name + "[" + std::to_string(x.w - 1) + "]" : std::string("1'b0");
  return "{{" + std::to_string(e) + "{" + sign + "}}, " + name + "}";
}

std::string Netlist::BitsTmpl(const Node& x, const std::string& name, int lo, int n) {
  if (lo < 0) {
    const int z = std::min(-lo, n);
    const std::string zeros = std::to_string(z) + "'b0";
    if (z == n) return zeros;
    return "{" + BitsTmpl(x, name, 0, n - z) + ", " + zeros + "}";
  }
  const std::string sign = x.s ? name + "[" + std::to_string(x.w - 1) + "]" : std::string("1'b0");
  if (lo >= x.w) return n == 1 ? sign : "{" + std::to_string(n) + "{" + sign + "}}";
  const int r1 = std::min(lo + n, x.w);
  std::string real;
  if (lo == 0 && r1 == x.w) real = name;
  else if (r1 - lo == 1) real = name + "[" + std::to_string(lo) + "]";
  else real = name + "[" + std::to_string(r1 - 1) + ":" + std::to_string(lo) + "]";
  const int e = n - (r1 - lo);
  if (e == 0) return real;
  return "{" + (e == 1 ? sign : "{" + std::to_string(e) + "{" + sign + "}}") + ", " + real + "}";
}

// ---- adder trees --------------------------------------------------------

int SumTree(Netlist& n, std::vector<Term> terms, i128 c, int cap) {
  struct Item {
    float t;
    int shift, w, id;
    bool neg;
    bool operator>(const Item& o) const {
      if (t != o.t) return t > o.t;
      if (shift != o.shift) return shift > o.shift;
      return w > o.w;
    }
  };
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q;
  for (const Term& tm : terms) {
    if (cap > 0 && tm.shift >= cap) continue;
    if (n.IsConst(tm.node)) {
      const i128 v = SatShl(n.ConstValue(tm.node), tm.shift);
      c = tm.neg ? SatSub(c, v) : SatAdd(c, v);
      continue;
    }
    const Node& x = n.node(tm.node);
    q.push({x.t, tm.shift, x.w, tm.node, tm.neg});
  }
  if (cap > 0) c = WrapTo(c, cap, true);
  if (q.empty()) return n.Const(c);
  while (q.size() > 1) {
    Item x = q.top();
    q.pop();
    Item y = q.top();
    q.pop();
    if (y.shift < x.shift) std::swap(x, y);
    const int k = y.shift - x.shift;
    const int sub_cap = cap > 0 ? cap - x.shift : 0;
    const bool sub = x.neg != y.neg;
    const int id = n.Add(x.id, y.id, k, sub, sub_cap);
    const Node& r = n.node(id);
    q.push({r.t, x.shift, r.w, id, x.neg});
  }
  const Item r = q.top();
  if (c == 0 && !r.neg && r.shift == 0) return r.id;
  const int cn = n.Const(c);
  return n.Add(cn, r.id, r.shift, r.neg, cap);
}

}  // namespace hlsforge::backends::rtl
