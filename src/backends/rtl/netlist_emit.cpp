// Printing a layer netlist as a Verilog-2005 module, with pipeline
// registers placed by arrival time (netlist.h Netlist::Emit).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "netlist.h"

namespace hlsforge::backends::rtl {

namespace {
std::string Name(int id) { return "n" + std::to_string(id); }
}  // namespace

// ---- printing ------------------------------------------------------------

float Netlist::CriticalPath(const std::vector<int>& outs) const {
  float t = 0;
  for (int o : outs) t = std::max(t, node(o).t);
  return t;
}

Netlist::Stats Netlist::Count(const std::vector<int>& outs) const {
  std::vector<char> live(nodes_.size(), 0);
  for (int o : outs) live[static_cast<size_t>(o)] = 1;
  Stats s;
  for (int i = size() - 1; i >= 0; --i) {
    if (!live[static_cast<size_t>(i)]) continue;
    const Node& x = nodes_[static_cast<size_t>(i)];
    for (int o : {x.a, x.b, x.c})
      if (o >= 0) live[static_cast<size_t>(o)] = 1;
    if (x.op == Op::Add) {
      ++s.adders;
      s.adder_bits += x.w - x.k;
    } else if (x.op == Op::Mul) {
      ++s.muls;
    } else if (x.op == Op::Rom) {
      ++s.rom_reads;
    }
  }
  return s;
}

std::string Netlist::Emit(const std::string& name, const std::string& comment, int in_bits,
                          const std::vector<int>& outs, int out_w, int stages, float t_in) const {
  std::string text;
  Emit([&](std::string_view s) { text.append(s); }, name, comment, in_bits, outs, out_w, stages, t_in);
  return text;
}

void Netlist::Emit(const std::function<void(std::string_view)>& sink, const std::string& name,
                   const std::string& comment, int in_bits, const std::vector<int>& outs, int out_w, int stages,
                   float t_in, float period) const {
  const size_t N = nodes_.size();
  std::vector<char> live(N, 0);
  for (int o : outs) live[static_cast<size_t>(o)] = 1;
  for (size_t ii = N; ii-- > 0;) {
    if (!live[ii]) continue;
    const Node& x = nodes_[ii];
    for (int o : {x.a, x.b, x.c})
      if (o >= 0) live[static_cast<size_t>(o)] = 1;
  }
  // stage of every node: arrival time cut in `stages` equal intervals (the
  // last rank at the output), or at multiples of `period` (a node after the
  // last rank stays in stage `stages`: unregistered output)
  const float T = CriticalPath(outs) + t_in;
  const float P = period > 0 ? period : (stages > 0 && T > 0 ? T / static_cast<float>(stages) : 1.0f);
  const int last = period > 0 ? stages : stages - 1;
  std::vector<int> stage(N, 0), need(N, -1);
  for (size_t i = 0; i < N; ++i) {
    // inputs arrive at stage 0 whatever the carried-in delay: every path
    // from in_data to out_data crosses all `stages` ranks
    if (!live[i] || stages == 0 || nodes_[i].op == Op::In) continue;
    const int st = static_cast<int>(std::ceil((nodes_[i].t + t_in) / P - 1e-4f)) - 1;
    stage[i] = std::clamp(st, 0, last);
  }
  for (size_t i = 0; i < N; ++i) {
    if (!live[i]) continue;
    const Node& x = nodes_[i];
    for (int o : {x.a, x.b, x.c})
      if (o >= 0) need[static_cast<size_t>(o)] = std::max(need[static_cast<size_t>(o)], stage[i]);
  }
  for (int o : outs) need[static_cast<size_t>(o)] = std::max(need[static_cast<size_t>(o)], stages);
  auto at = [&](int id, int st) -> std::string {
    const Node& x = nodes_[static_cast<size_t>(id)];
    const int d = st - stage[static_cast<size_t>(id)];
    if (x.op == Op::Const || d <= 0) return Name(id);
    return Name(id) + "_p" + std::to_string(d);
  };
  auto subst = [&](const std::string& t, const Node& x, int st) {
    std::string r;
    r.reserve(t.size() + 16);
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '$' && i + 1 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '2') {
        const int o = t[i + 1] == '0' ? x.a : (t[i + 1] == '1' ? x.b : x.c);
        r += at(o, st);
        ++i;
      } else {
        r += t[i];
      }
    }
    return r;
  };

  fmt::memory_buffer out;
  constexpr size_t kChunk = size_t{1} << 20;
  auto flush = [&] {
    sink(std::string_view(out.data(), out.size()));
    out.clear();
  };
  auto put = [&](std::string_view s) {
    out.append(s.data(), s.data() + s.size());
    if (out.size() >= kChunk) flush();
  };
  int out_bits = static_cast<int>(outs.size()) * out_w;
  put(comment);
  put("// Unused-bit waiver: fixed-point truncation and wrapping keep only some bits of\n"
      "// intermediate words on purpose, and a layer may not read every input bit.\n"
      "/* verilator lint_off UNUSEDSIGNAL */\n");
  put(fmt::format("module {} (\n  input wire clk,\n  input wire rst,\n  input wire in_valid,\n"
                  "  input wire [{}:0] in_data,\n  output wire out_valid,\n  output wire [{}:0] out_data\n);\n",
                  name, std::max(in_bits, 1) - 1, std::max(out_bits, 1) - 1));
  // ROM functions used by live nodes
  std::vector<char> used_table(tables_.size(), 0);
  for (size_t i = 0; i < N; ++i)
    if (live[i] && nodes_[i].op == Op::Rom) used_table[static_cast<size_t>(nodes_[i].aux)] = 1;
  for (size_t ti = 0; ti < tables_.size(); ++ti) {
    if (!used_table[ti]) continue;
    // a ROM: an array with initial contents, read asynchronously (Yosys maps
    // it to logic; Verilator to a C++ array read)
    const Table& T = tables_[ti];
    const size_t entries = size_t{1} << T.addr_bits;
    if (!T.comment.empty()) put("  // " + T.comment + "\n");
    put(fmt::format("  reg [{}:0] rom{} [0:{}];\n  initial begin\n", T.w - 1, ti, entries - 1));
    for (size_t e = 0; e < entries; ++e)
      put(fmt::format("    rom{}[{}] = {};\n", ti, e, Literal(e < T.words.size() ? T.words[e] : 0, T.w)));
    put("  end\n");
  }
  // combinational nodes
  for (size_t i = 0; i < N; ++i) {
    if (!live[i]) continue;
    const Node& x = nodes_[i];
    const int st = stage[i];
    std::string e;
    switch (x.op) {
      case Op::In:
        e = x.w == 1 ? fmt::format("in_data[{}]", x.k) : fmt::format("in_data[{}:{}]", x.k + x.w - 1, x.k);
        break;
      case Op::Const:
        e = Literal(x.lo, x.w);
        break;
      case Op::Add: {
        const Node& A = nodes_[static_cast<size_t>(x.a)];
        const Node& B = nodes_[static_cast<size_t>(x.b)];
        const std::string an = at(x.a, st), bn = at(x.b, st);
        const char* op = x.sub ? " - " : " + ";
        if (x.k == 0) {
          e = ExtTmpl(A, an, x.w) + op + ExtTmpl(B, bn, x.w);
        } else {
          e = "{" + BitsTmpl(A, an, x.k, x.w - x.k) + op + ExtTmpl(B, bn, x.w - x.k) + ", " +
              BitsTmpl(A, an, 0, x.k) + "}";
        }
        break;
      }
      case Op::Slice:
        e = BitsTmpl(nodes_[static_cast<size_t>(x.a)], at(x.a, st), x.k, x.w);
        break;
      case Op::Mux:
        e = at(x.a, st) + " ? " + ExtTmpl(nodes_[static_cast<size_t>(x.b)], at(x.b, st), x.w) + " : " +
            ExtTmpl(nodes_[static_cast<size_t>(x.c)], at(x.c, st), x.w);
        break;
      case Op::Mul:
        e = "$signed(" + ExtTmpl(nodes_[static_cast<size_t>(x.a)], at(x.a, st), x.w) + ") * $signed(" +
            ExtTmpl(nodes_[static_cast<size_t>(x.b)], at(x.b, st), x.w) + ")";
        break;
      case Op::Rom: {
        const Table& T = tables_[static_cast<size_t>(x.aux)];
        const std::string a = ExtTmpl(nodes_[static_cast<size_t>(x.a)], at(x.a, st), T.addr_bits);
        // the node's range is a subset of the table's: its width is at most the table's
        Node tn;
        tn.w = T.w;
        tn.s = T.s;
        const std::string word = Name(static_cast<int>(i)) + "_rom";
        put(fmt::format("  wire [{}:0] {} = rom{}[{}];\n", T.w - 1, word, x.aux, a));
        e = ExtTmpl(tn, word, x.w);
        break;
      }
      case Op::Expr:
        e = subst(tmpls_[static_cast<size_t>(x.aux)], x, st);
        break;
    }
    put(fmt::format("  wire [{}:0] {} = {};\n", x.w - 1, Name(static_cast<int>(i)), e));
  }
  // pipeline registers: declarations, then one always block (two passes
  // over the nodes instead of buffering either part)
  auto for_each_reg = [&](auto&& f) {
    for (size_t i = 0; i < N; ++i) {
      if (!live[i] || nodes_[i].op == Op::Const) continue;
      const int d = need[i] - stage[i];
      for (int r = 1; r <= d; ++r) f(i, r);
    }
  };
  bool any_reg = false;
  for_each_reg([&](size_t i, int r) {
    any_reg = true;
    fmt::format_to(std::back_inserter(out), "  reg [{}:0] n{}_p{};\n", nodes_[i].w - 1, i, r);
    if (out.size() >= kChunk) flush();
  });
  if (any_reg) {
    put("  always @(posedge clk) begin\n");
    for_each_reg([&](size_t i, int r) {
      if (r == 1) fmt::format_to(std::back_inserter(out), "    n{}_p1 <= n{};\n", i, i);
      else fmt::format_to(std::back_inserter(out), "    n{}_p{} <= n{}_p{};\n", i, r, i, r - 1);
      if (out.size() >= kChunk) flush();
    });
    put("  end\n");
  }
  // valid
  if (stages == 0) {
    put("  assign out_valid = in_valid;\n");
  } else {
    put(fmt::format("  reg [{}:0] valid_q;\n  always @(posedge clk) begin\n    if (rst) valid_q <= {}'b0;\n", stages - 1,
                    stages));
    if (stages == 1) put("    else valid_q <= in_valid;\n  end\n");
    else put(fmt::format("    else valid_q <= {{valid_q[{}:0], in_valid}};\n  end\n", stages - 2));
    put(fmt::format("  assign out_valid = valid_q[{}];\n", stages - 1));
  }
  for (size_t j = 0; j < outs.size(); ++j) {
    const int id = outs[j];
    const Node& x = nodes_[static_cast<size_t>(id)];
    const int lo = static_cast<int>(j) * out_w;
    const std::string dst =
        out_w == 1 ? fmt::format("out_data[{}]", lo) : fmt::format("out_data[{}:{}]", lo + out_w - 1, lo);
    put("  assign " + dst + " = " + ExtTmpl(x, at(id, stages), out_w) + ";\n");
  }
  if (outs.empty()) put("  assign out_data = 1'b0;\n");
  put("endmodule\n/* verilator lint_on UNUSEDSIGNAL */\n");
  flush();
}

}  // namespace hlsforge::backends::rtl
