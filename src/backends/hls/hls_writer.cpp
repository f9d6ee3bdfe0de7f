// The Vitis/Vivado HLS project writer (see include/hlsforge/backends/hls_backend.h).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <system_error>
#include <cerrno>
#include <cstring>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hlsforge/backends/hls_backend.h"
#include "trace_hooks.h"

namespace fs = std::filesystem;

namespace hlsforge::backends {
namespace {

using ir::ActivationKind;
using ir::Graph;
using ir::Layer;
using ir::LayerKind;

[[noreturn]] void Fail(const std::string& msg) { throw Error(msg); }

std::string LayerWhere(const Layer& l) {
  return fmt::format("layer '{}' ({})", l.name, ir::ToString(l.kind));
}

std::string Sanitize(const std::string& s) {
  std::string r;
  for (char c : s) r.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (r.empty() || std::isdigit(static_cast<unsigned char>(r[0]))) r = "t_" + r;
  return r;
}

bool IsXnor(const FixedType& t) { return !t.is_signed() && t.width() == 1; }
bool IsTernaryWeight(const FixedType& t) { return t.is_integer_type() && t.is_signed() && t.width() == 2; }

const FixedType& TensorType(const Graph& g, const std::string& name, const Layer& l, const char* what) {
  const auto& t = g.tensor(name);
  if (!t.type) Fail(fmt::format("{}: precision of {} tensor '{}' is not resolved", LayerWhere(l), what, name));
  return *t.type;
}

FixedType ConfigType(const Layer& l, const std::string& key) {
  auto it = l.config.precision.find(key);
  if (it == l.config.precision.end() || it->second.is_auto())
    Fail(fmt::format("{}: precision '{}' is not resolved (run infer_precision)", LayerWhere(l), key));
  return *it->second.type;
}
std::optional<FixedType> ConfigTypeOpt(const Layer& l, const std::string& key) {
  auto it = l.config.precision.find(key);
  if (it == l.config.precision.end() || it->second.is_auto()) return std::nullopt;
  return it->second.type;
}

const ir::Param& NeedParam(const Layer& l, const std::string& key) {
  const ir::Param* p = l.param(key);
  if (!p) Fail(fmt::format("{}: parameter '{}' is missing", LayerWhere(l), key));
  if (!p->type) Fail(fmt::format("{}: precision of parameter '{}' is not resolved", LayerWhere(l), key));
  return *p;
}

void CheckMul(const Layer& l, const FixedType& a, const char* an, const FixedType& b, const char* bn) {
  const int w = a.width() + b.width();
  if (w > 64)
    Fail(fmt::format("{}: the full-precision product of {} ({}) and {} ({}) is {} bits wide; "
                     "the HLS kernels and simulation headers take at most 64 (narrow '{}' or '{}')",
                     LayerWhere(l), an, a.ToString(), bn, b.ToString(), w, an, bn));
}
void CheckAdd(const Layer& l, const FixedType& a, const char* an, const FixedType& b, const char* bn) {
  fx::Format f = fx::add_format(a.format(), b.format());
  if (!fx::fits(f))
    Fail(fmt::format("{}: the full-precision sum of {} ({}) and {} ({}) is {} bits wide; at most 64 "
                     "are supported (narrow '{}' or '{}')", LayerWhere(l), an, a.ToString(), bn,
                     b.ToString(), f.w, an, bn));
}

struct WeightArray {
  std::string var;        // C name, e.g. w3
  std::string type_name;  // typedef name
  FixedType type;
  std::vector<int64_t> words;
  std::string layer;
  std::string field;
};

std::vector<int64_t> QuantizeParam(const Layer& l, const ir::Param& p, const std::string& field, bool) {
  const FixedType& t = *p.type;
  const bool xnor = IsXnor(t);  // a 1-bit unsigned param holds the XNOR bit of +1 / -1
  if (t.width() > 53)
    Fail(fmt::format("{}: parameter '{}' has precision {} wider than 53 bits, which cannot be "
                     "written exactly", LayerWhere(l), field, t.ToString()));
  std::vector<int64_t> w(p.values.size());
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = xnor ? (p.values[i] > 0 ? 1 : 0) : t.Quantize(p.values[i]);
  return w;
}

// ---------------------------------------------------------------------------
struct Gen {
  const Graph& g;
  const HlsOptions& opt;
  ir::IOType io;
  std::string top;
  std::ostringstream defines, params, body, stream_fns;
  std::vector<std::string> weight_includes;
  std::vector<WeightArray> weights;
  std::map<std::string, std::string> tensor_var;   // tensor -> C variable
  std::map<std::string, std::string> tensor_tname; // tensor -> typedef name
  std::map<std::string, int64_t> tensor_size;
  std::vector<std::string> in_vars, out_vars;
  std::set<std::string> kernels_used;
  int64_t total_params = 0;

  Gen(const Graph& gr, const HlsOptions& o) : g(gr), opt(o) {
    io = o.io_type.value_or(gr.io_type);
    top = o.project_name;
  }

  void Warn(const std::string& m) {
    if (opt.warn) opt.warn(m);
    else std::cerr << "hlsforge: warning: " << m << "\n";
  }

  void Typedef(const std::string& name, const FixedType& t, const std::string& comment) {
    defines << "typedef " << t.ToString() << " " << name << ";  // " << comment << "\n";
  }

  std::string AddWeights(const Layer& l, int idx, const std::string& prefix, const std::string& field,
                         const FixedType& t, std::vector<int64_t> words) {
    WeightArray w;
    w.var = fmt::format("{}{}", prefix, idx);
    w.type_name = fmt::format("{}{}_t", prefix == "w" ? "weight" : prefix == "b" ? "bias" : prefix == "s" ? "scale" : "threshold_" + prefix, idx);
    w.type = t;
    w.words = std::move(words);
    w.layer = l.name;
    w.field = field;
    total_params += static_cast<int64_t>(w.words.size());
    Typedef(w.type_name, t, fmt::format("layer '{}': {}", l.name, field));
    weight_includes.push_back(w.var);
    weights.push_back(std::move(w));
    return weights.back().var;
  }

  void Run() {
    HLSFORGE_RETURN_IF_ERROR_THROW(g.Validate());
    if (g.inputs.empty() || g.outputs.empty()) Fail("graph has no inputs or outputs");
    defines << "// Types of every tensor, accumulator, table and parameter.\n";
    // Inputs.
    for (size_t i = 0; i < g.inputs.size(); ++i) {
      const auto& t = g.tensor(g.inputs[i]);
      if (!t.type) Fail(fmt::format("graph input '{}': precision is not resolved", t.name));
      std::string tn = i == 0 ? "input_t" : fmt::format("input{}_t", i + 1);
      Typedef(tn, *t.type, fmt::format("model input '{}'", t.name));
      tensor_tname[t.name] = tn;
      tensor_var[t.name] = Sanitize(t.name);
      // The port name must not collide with the top function, a C++ keyword
      // or a local name of the generated testbench.
      static const std::set<std::string> reserved = {
          "x", "s", "e", "v", "w", "y", "i", "j", "line", "rows", "fin", "fout", "in_path", "out_path", "main",
          "std", "hls", "nnet", "int", "float", "double", "char", "long", "short", "unsigned", "signed", "bool",
          "void", "auto", "const", "static", "return", "if", "else", "for", "while", "do", "switch", "case",
          "default", "break", "continue", "struct", "class", "union", "enum", "template", "typename", "typedef",
          "namespace", "using", "new", "delete", "this", "true", "false", "operator", "sizeof", "inline",
          "volatile", "register", "extern", "goto", "public", "private", "protected", "virtual", "friend",
          "try", "catch", "throw", "and", "or", "not", "xor", "asm", "export", "mutable", "explicit"};
      if (tensor_var[t.name] == top || reserved.count(tensor_var[t.name])) tensor_var[t.name] += "_in";
      tensor_size[t.name] = t.size();
      in_vars.push_back(tensor_var[t.name]);
    }
    for (const auto& l : g.layers)
      if (l.kind == LayerKind::Input) TraceLayer(l);
    for (size_t i = 0; i < g.inputs.size(); ++i) Clones(g.inputs[i]);
    for (size_t li = 0; li < g.layers.size(); ++li) Layer_(static_cast<int>(li), g.layers[li]);
    for (const auto& o : g.outputs) {
      if (!tensor_var.count(o)) Fail(fmt::format("graph output '{}' is produced by no layer", o));
      out_vars.push_back(tensor_var[o]);
    }
  }

  static void HLSFORGE_RETURN_IF_ERROR_THROW(const Status& s) {
    if (!s.ok()) Fail(s.message());
  }

  // Declares the output variable of a layer; returns {in var, in type, out var, out type}.
  // io_stream: in_w / out_w are the stream word types (nnet::array, WordSize).
  struct IoNames {
    std::string in, in_t, out, out_t, in_w, out_w;
    int64_t n_in = 0, n_out = 0;
    /// Elements per kernel call: n_in, except for an element-wise layer in
    /// io_stream, whose kernel runs once per stream word (WordSize).
    int64_t n_elem = 0;
    bool per_word = false;
    std::string in2, in2_t, in2_w;  // second input (Merge)
    int64_t n_in2 = 0;
  };

  /// Elements per io_stream word of a tensor: one pixel (the channels) of an
  /// image [.., W, C], the whole vector of a 1-D tensor.
  int64_t WordSize(const std::string& tensor) const {
    const auto& t = g.tensor(tensor);
    return t.shape.size() >= 2 ? std::max<int64_t>(t.shape.back(), 1) : std::max<int64_t>(t.size(), 1);
  }
  std::string WordType(const std::string& tensor) {
    return fmt::format("nnet::array<{}, {}>", tensor_tname.at(tensor), WordSize(tensor));
  }

  /// How many times layers read tensor `t` (a Merge of x with itself reads it twice).
  int ReadCount(const std::string& t) const {
    int n = 0;
    for (const auto& l : g.layers)
      for (const auto& i : l.inputs) n += i == t;
    return n;
  }

  // io_stream: a tensor read k > 1 times is copied into k streams by a chain
  // of k-1 clone processes; each reader takes the next copy.
  std::map<std::string, std::vector<std::string>> copies;
  void Clones(const std::string& t) {
    if (io != ir::IOType::Stream) return;
    const int k = ReadCount(t);
    if (k <= 1) return;
    if (std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end())
      Fail(fmt::format("tensor '{}' is a model output and also feeds other layers, which io_stream does not "
                       "support (use io_parallel)", t));
    const std::string w = WordType(t);
    const int64_t words = tensor_size.at(t) / WordSize(t);
    std::string src = tensor_var.at(t);
    body << fmt::format("    // tensor '{}' feeds {} layers: copies of its stream\n", t, k);
    for (int c = 1; c <= k; ++c) {
      const std::string v = fmt::format("{}_cpy{}", tensor_var.at(t), c);
      body << fmt::format("    hls::stream<{}> {}(\"{}\");\n    #pragma HLS STREAM variable={} depth={}\n", w, v, v, v,
                          std::max<int64_t>(words, 1));
      copies[t].push_back(v);
    }
    for (int c = 0; c + 1 < k; ++c) {
      std::string second = copies[t][static_cast<size_t>(c) + 1];
      if (c + 2 < k) {  // a temporary that the next clone splits again
        second = fmt::format("{}_tmp{}", tensor_var.at(t), c + 1);
        body << fmt::format("    hls::stream<{}> {}(\"{}\");\n", w, second, second);
      }
      body << fmt::format("    nnet::clone_stream<{}, {}>({}, {}, {});\n", w, words, src, copies[t][static_cast<size_t>(c)], second);
      src = second;
    }
    body << "\n";
  }
  std::map<std::string, size_t> copies_used;
  std::string InVar(const Layer& l, const std::string& t) {
    if (!tensor_var.count(t)) Fail(fmt::format("{}: input tensor '{}' is not produced before it", LayerWhere(l), t));
    auto it = copies.find(t);
    if (it == copies.end()) return tensor_var[t];
    size_t& u = copies_used[t];
    if (u >= it->second.size()) Fail(fmt::format("{}: internal error: no stream copy of '{}' left", LayerWhere(l), t));
    return it->second[u++];
  }

  IoNames Declare(int idx, const Layer& l, const std::string& out_type_name, const FixedType& out_type) {
    IoNames r;
    if (l.inputs.empty()) Fail(fmt::format("{}: no input", LayerWhere(l)));
    const std::string& in = l.inputs[0];
    r.in = InVar(l, in);
    r.in_t = tensor_tname[in];
    r.n_in = tensor_size[in];
    if (io == ir::IOType::Stream) r.in_w = WordType(in);
    if (l.inputs.size() > 1) {
      const std::string& in2 = l.inputs[1];
      r.in2 = InVar(l, in2);
      r.in2_t = tensor_tname[in2];
      r.n_in2 = tensor_size[in2];
      if (io == ir::IOType::Stream) r.in2_w = WordType(in2);
    }
    const auto& ot = g.tensor(l.output);
    r.n_out = ot.size();
    r.out = fmt::format("layer{}_out", idx);
    r.out_t = out_type_name;
    Typedef(out_type_name, out_type, fmt::format("layer '{}': result", l.name));
    tensor_var[l.output] = r.out;
    tensor_tname[l.output] = out_type_name;
    tensor_size[l.output] = r.n_out;
    if (io == ir::IOType::Stream) r.out_w = WordType(l.output);
    r.n_elem = r.n_in;
    const bool elementwise = l.kind == LayerKind::Activation || l.kind == LayerKind::ScaleShift ||
                             l.kind == LayerKind::Quantize || l.kind == LayerKind::Threshold;
    if (io == ir::IOType::Stream && elementwise && l.inputs.size() == 1 && r.n_in == r.n_out &&
        WordSize(in) == WordSize(l.output)) {
      r.per_word = true;
      r.n_elem = WordSize(in);
    }
    return r;
  }

  std::string Comment(const Layer& l) {
    std::string s = fmt::format("// layer '{}' ({}", l.name, ir::ToString(l.kind));
    if (!l.source_op.empty()) s += ", from " + l.source_op;
    if (!l.aliases.empty()) {
      s += "; source nodes:";
      for (auto& a : l.aliases) s += " " + a;
    }
    return s + ")";
  }

  bool IsOutput(const Layer& l) const {
    return std::find(g.outputs.begin(), g.outputs.end(), l.output) != g.outputs.end();
  }

  // Emits the call `call` computing io.out from io.in (and io.in2). io_stream:
  // the layer becomes a DATAFLOW process that buffers its input words in an
  // array and runs the io_parallel kernel (layers without a streaming kernel).
  void EmitCall(const Layer& l, const IoNames& n, const std::string& call) {
    if (io == ir::IOType::Parallel) {
      body << "    " << Comment(l) << "\n";
      if (!IsOutput(l)) {
        body << fmt::format("    NNET_CSIM_STATIC {} {}[{}];\n", n.out_t, n.out, n.n_out);
        body << fmt::format("    #pragma HLS ARRAY_PARTITION variable={} complete dim=0\n", n.out);
      }
      body << "    " << call << "\n\n";
      TraceLayer(l);
      Clones(l.output);
      return;
    }
    const std::string fn = n.out + "_process";
    const bool two = !n.in2.empty();
    if (n.per_word) {  // element-wise: one kernel call per stream word
      stream_fns << Comment(l) << "\n";
      stream_fns << fmt::format("static void {}(hls::stream<{}>& in_s, hls::stream<{}>& out_s) {{\n", fn, n.in_w, n.out_w);
      stream_fns << "    #pragma HLS INLINE off\n";
      stream_fns << fmt::format("    for (unsigned w = 0; w < {}; w++) {{\n        #pragma HLS PIPELINE\n", n.n_in / n.n_elem);
      stream_fns << fmt::format("        {} {}[{}];\n        #pragma HLS ARRAY_PARTITION variable={} complete dim=0\n", n.in_t, n.in, n.n_elem, n.in);
      stream_fns << fmt::format("        {} {}[{}];\n        #pragma HLS ARRAY_PARTITION variable={} complete dim=0\n", n.out_t, n.out, n.n_elem, n.out);
      stream_fns << fmt::format("        nnet::stream_to_array<{}, {}>(in_s, {});\n", n.in_w, n.n_elem, n.in);
      stream_fns << "        " << call << "\n";
      stream_fns << fmt::format("        nnet::array_to_stream<{}, {}>({}, out_s);\n    }}\n}}\n\n", n.out_w, n.n_elem, n.out);
      EmitStreamProcess(l, n, fmt::format("{}({}, {});", fn, n.in, n.out));
      return;
    }
    stream_fns << Comment(l) << "\n";
    stream_fns << fmt::format("static void {}(hls::stream<{}>& in_s, {}hls::stream<{}>& out_s) {{\n", fn, n.in_w,
                              two ? fmt::format("hls::stream<{}>& in2_s, ", n.in2_w) : "", n.out_w);
    stream_fns << "    #pragma HLS INLINE off\n";
    auto buffer = [&](const std::string& t, const std::string& v, int64_t size, const std::string& w, const std::string& s) {
      stream_fns << fmt::format("    NNET_CSIM_STATIC {} {}[{}];\n    #pragma HLS ARRAY_PARTITION variable={} complete dim=0\n", t, v, size, v);
      if (!s.empty()) stream_fns << fmt::format("    nnet::stream_to_array<{}, {}>({}, {});\n", w, size, s, v);
    };
    buffer(n.in_t, n.in, n.n_in, n.in_w, "in_s");
    if (two) buffer(n.in2_t, n.in2, n.n_in2, n.in2_w, "in2_s");
    buffer(n.out_t, n.out, n.n_out, n.out_w, "");
    stream_fns << "    " << call << "\n";
    stream_fns << fmt::format("    nnet::array_to_stream<{}, {}>({}, out_s);\n}}\n\n", n.out_w, n.n_out, n.out);
    EmitStreamProcess(l, n, fmt::format("{}({}{}, {});", fn, n.in, two ? ", " + n.in2 : "", n.out));
  }

  // io_stream: declares the output FIFO and emits `call` (a process reading
  // the input FIFOs n.in/n.in2 and writing n.out).
  void EmitStreamProcess(const Layer& l, const IoNames& n, const std::string& call) {
    body << "    " << Comment(l) << "\n";
    if (!IsOutput(l)) {
      body << fmt::format("    hls::stream<{}> {}(\"{}\");\n", n.out_w, n.out, n.out);
      body << fmt::format("    #pragma HLS STREAM variable={} depth={}\n", n.out,
                          std::max<int64_t>(n.n_out / WordSize(l.output), 1));
    }
    body << "    " << call << "\n\n";
    TraceLayer(l);
    Clones(l.output);
  }

  // C simulation only: records the layer's output (trace_hooks.h).
  void TraceLayer(const Layer& l) {
    const std::string& t = l.kind == LayerKind::Input && l.output.empty() ? g.inputs.at(0) : l.output;
    const int id = static_cast<int>(&l - g.layers.data());
    if (io == ir::IOType::Parallel)
      body << detail::TraceArrayHook(l.name, id, tensor_tname.at(t), tensor_size.at(t), tensor_var.at(t));
    else
      body << detail::TraceStreamHook(l.name, id, WordType(t), tensor_size.at(t) / WordSize(t), tensor_var.at(t));
  }

  void Layer_(int idx, const Layer& l) {
    switch (l.kind) {
      case LayerKind::Input: return;  // the graph input is the top function argument
      case LayerKind::Dense: return Dense(idx, l);
      case LayerKind::ScaleShift: return ScaleShift(idx, l);
      case LayerKind::Activation: return Activation(idx, l);
      case LayerKind::Softmax: return Softmax(idx, l);
      case LayerKind::Quantize: return Quantize(idx, l);
      case LayerKind::Threshold: return Threshold(idx, l);
      case LayerKind::Reshape:
        if (l.flatten_channels_first) return FlattenChannelsFirst(idx, l);
        return Linear(idx, l, "reshape");
      case LayerKind::Conv: return Conv(idx, l);
      case LayerKind::Pooling: return Pooling(idx, l);
      case LayerKind::ZeroPadding:
      case LayerKind::Cropping:
      case LayerKind::UpSampling: return Resize(idx, l);
      case LayerKind::Merge: return Merge(idx, l);
      default: break;
    }
    Fail(fmt::format("{}: not supported by the HLS backend", LayerWhere(l)));
  }

  std::string ResultTypeName(int idx, const Layer& l) {
    bool is_out = false;
    for (size_t i = 0; i < g.outputs.size(); ++i)
      if (g.outputs[i] == l.output) return i == 0 ? "result_t" : fmt::format("result{}_t", i + 1);
    (void)is_out;
    return fmt::format("layer{}_t", idx);
  }

  struct DenseCore { std::string weights, biases; int reuse_factor = 1; int64_t multipliers = 0; };

  // The Dense product of n_in inputs (type `data`) by weights `w` ([n_in, n_out]
  // row-major, its precision) plus the layer's bias: emits the weight/bias
  // arrays and the config struct `struct_name` (nnet::dense_config). Used by
  // Dense (per sample) and Conv (per output pixel).
  DenseCore EmitDenseCore(int idx, const Layer& l, const FixedType& data, const ir::Param& w, int n_in, int n_out,
                          const std::string& struct_name) {
    const FixedType accum = ConfigType(l, "accum");
    const FixedType wt = *w.type;
    const bool wx = IsXnor(wt), dx = IsXnor(data);
    std::string product = "mult";
    if (wx && dx) product = "both_binary";
    else if (wx) product = "weight_binary";
    else if (dx) product = "data_binary";
    else if (IsTernaryWeight(wt)) product = "weight_ternary";
    if (product == "mult") CheckMul(l, data, "input", wt, "weight");
    if (product == "weight_binary" && data.width() + 1 > 64) Fail(fmt::format("{}: input precision too wide", LayerWhere(l)));
    CheckAdd(l, accum, "accum", accum, "accum");
    // Bias.
    FixedType bt = accum;
    std::vector<int64_t> bw(n_out, 0);
    if (const ir::Param* b = l.param("bias")) {
      if (!b->type) Fail(fmt::format("{}: precision of parameter 'bias' is not resolved", LayerWhere(l)));
      if (static_cast<int>(b->size()) != n_out) Fail(fmt::format("{}: parameter 'bias' has {} values, expected {}", LayerWhere(l), b->size(), n_out));
      bt = *b->type;
      bw = QuantizeParam(l, *b, "bias", false);
    } else {
      bt = FixedType::Int(1, false);
    }
    std::vector<int64_t> ww = QuantizeParam(l, w, "weight", wx);
    // Reuse factor.
    int rf = std::max(1, l.config.reuse_factor);
    auto valid = ValidDenseReuseFactors(n_in, n_out);
    if (std::find(valid.begin(), valid.end(), rf) == valid.end()) {
      int snapped = ClosestReuseFactor(valid, rf);
      std::string list;
      for (size_t i = 0; i < valid.size(); ++i) list += (i ? ", " : "") + std::to_string(valid[i]);
      Warn(fmt::format("layer '{}': reuse factor {} is not valid for a {}x{} {}; using {} "
                       "(valid: {})", l.name, rf, n_in, n_out, l.kind == LayerKind::Conv ? "per-pixel product" : "Dense",
                       snapped, list));
      rf = snapped;
    }
    const bool resource = l.config.strategy == ir::Strategy::Resource;
    int64_t zeros = 0;
    const bool zero_free = product == "mult" || product == "data_binary" || product == "weight_ternary";
    if (zero_free) for (auto v : ww) zeros += v == 0;
    if (resource) {  // transpose to [n_out][n_in]
      std::vector<int64_t> t(ww.size());
      for (int i = 0; i < n_in; ++i)
        for (int j = 0; j < n_out; ++j) t[static_cast<size_t>(j) * n_in + i] = ww[static_cast<size_t>(i) * n_out + j];
      ww.swap(t);
    }
    std::string accum_name = fmt::format("layer{}_accum_t", idx);
    Typedef(accum_name, accum, fmt::format("layer '{}': accum", l.name));
    DenseCore r;
    r.weights = AddWeights(l, idx, "w", resource ? "weight (transposed [n_out][n_in])" : "weight", wt, std::move(ww));
    r.biases = AddWeights(l, idx, "b", "bias", bt, std::move(bw));
    r.reuse_factor = rf;
    const int64_t n_w = static_cast<int64_t>(n_in) * n_out;
    r.multipliers = (n_w + rf - 1) / rf - zeros / rf;
    params << fmt::format("struct {} : nnet::dense_config {{\n", struct_name);
    params << fmt::format("    static const unsigned n_in = {};\n    static const unsigned n_out = {};\n", n_in, n_out);
    params << fmt::format("    static const unsigned io_type = nnet::{};\n", io == ir::IOType::Stream ? "io_stream" : "io_parallel");
    params << fmt::format("    static const unsigned strategy = nnet::{};\n", resource ? "resource" : "latency");
    params << fmt::format("    static const unsigned reuse_factor = {};\n", rf);
    params << fmt::format("    static const unsigned n_zeros = {};\n    static const unsigned n_nonzeros = {};\n", zeros, n_w - zeros);
    params << "    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;\n";
    params << fmt::format("    static const bool xnor_popcount = {};\n", product == "both_binary" ? "true" : "false");
    params << fmt::format("    typedef {} accum_t;\n    typedef weight{}_t weight_t;\n    typedef bias{}_t bias_t;\n", accum_name, idx, idx);
    params << fmt::format("    template <class x_T, class y_T> using product = nnet::product::{}<x_T, y_T>;\n}};\n\n", product);
    return r;
  }

  void Dense(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
    const auto& w = NeedParam(l, "weight");
    if (w.shape.size() != 2) Fail(fmt::format("{}: parameter 'weight' must be 2-D [n_in, n_out]", LayerWhere(l)));
    const int n_in = static_cast<int>(w.shape[0]), n_out = static_cast<int>(w.shape[1]);
    const std::string rt = ResultTypeName(idx, l);
    params << Comment(l) << "\n";
    DenseCore core = EmitDenseCore(idx, l, data, w, n_in, n_out, fmt::format("config{}", idx));
    IoNames n = Declare(idx, l, rt, res);
    if (n.n_in != n_in || n.n_out != n_out)
      Fail(fmt::format("{}: weight shape [{}, {}] does not match input size {} / output size {}", LayerWhere(l), n_in, n_out, n.n_in, n.n_out));
    EmitCall(l, n, fmt::format("nnet::dense<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, core.weights, core.biases));
  }

  // Spatial geometry of a window layer: input [h, w, c] (rank 1: h = 1).
  struct Geo { int64_t h = 1, w = 1, c = 1, oh = 1, ow = 1, oc = 1; };
  Geo Geometry(const Layer& l, int rank) {
    const auto& is = g.tensor(l.inputs.at(0)).shape;
    const auto& os = g.tensor(l.output).shape;
    Geo r;
    const size_t need = rank == 2 ? 3 : 2;
    if (is.size() != need || (os.size() != need && !(l.kind == LayerKind::Pooling && l.pool && l.pool->global)))
      Fail(fmt::format("{}: expects {}-D channels-last tensors, got input rank {} and output rank {}", LayerWhere(l),
                       rank, is.size(), os.size()));
    r.c = is.back();
    r.w = is[is.size() - 2];
    r.h = rank == 2 ? is[0] : 1;
    r.oc = os.back();
    if (os.size() == need) {
      r.ow = os[os.size() - 2];
      r.oh = rank == 2 ? os[0] : 1;
    }
    return r;
  }

  std::string GeoFields(const Geo& q, int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh, int64_t sw) {
    return fmt::format("    static const unsigned in_height = {}, in_width = {}, n_chan = {};\n"
                       "    static const unsigned out_height = {}, out_width = {};\n"
                       "    static const unsigned stride_height = {}, stride_width = {};\n"
                       "    static const unsigned pad_top = {}, pad_bottom = {}, pad_left = {}, pad_right = {};\n",
                       q.h, q.w, q.c, q.oh, q.ow, sh, sw, pt, pb, pl, pr);
  }

  void Conv(int idx, const Layer& l) {
    if (!l.conv) Fail(fmt::format("{}: no conv attributes", LayerWhere(l)));
    const ir::ConvAttrs& a = *l.conv;
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
    const auto& w = NeedParam(l, "weight");
    const Geo q = Geometry(l, a.rank);
    const int64_t kh = a.rank == 2 ? a.kernel_h : 1, kw = a.kernel_w;
    const int64_t K = kh * kw * q.c;
    const int64_t per_out = a.depthwise ? a.depth_multiplier : q.oc;
    if (static_cast<int64_t>(w.size()) != K * per_out)
      Fail(fmt::format("{}: parameter 'weight' has {} values, expected {}", LayerWhere(l), w.size(), K * per_out));
    ir::Param dense_w = w;  // [K, n_filt]; depthwise expanded with zero weights
    if (a.depthwise) {
      if (IsXnor(*w.type))
        Fail(fmt::format("{}: a depthwise convolution with binary (XNOR) weights is not supported by the HLS backend "
                         "(a zero weight cannot be encoded)", LayerWhere(l)));
      dense_w.values.assign(static_cast<size_t>(K * q.oc), 0.0);
      const int64_t dm = a.depth_multiplier;
      for (int64_t k = 0; k < kh * kw; ++k)
        for (int64_t ch = 0; ch < q.c; ++ch)
          for (int64_t m = 0; m < dm; ++m)
            dense_w.values[static_cast<size_t>((k * q.c + ch) * q.oc + ch * dm + m)] =
                w.values[static_cast<size_t>((k * q.c + ch) * dm + m)];
    }
    dense_w.shape = {K, q.oc};
    const std::string rt = ResultTypeName(idx, l);
    params << Comment(l) << "\n";
    DenseCore core = EmitDenseCore(idx, l, data, dense_w, static_cast<int>(K), static_cast<int>(q.oc),
                                   fmt::format("config{}_mult", idx));
    // ParallelizationFactor: output pixels per pipeline iteration; must divide them.
    const int64_t npix = q.oh * q.ow;
    int64_t pf = std::max(1, l.config.parallelization_factor);
    if (npix % pf != 0) {
      int64_t snapped = 1;
      for (int64_t d = 1; d <= npix; ++d)
        if (npix % d == 0 && std::abs(d - pf) < std::abs(snapped - pf)) snapped = d;
      Warn(fmt::format("layer '{}': ParallelizationFactor {} does not divide the {} output pixels; using {}", l.name,
                       pf, npix, snapped));
      pf = snapped;
    }
    if (io == ir::IOType::Stream && pf != 1)
      Warn(fmt::format("layer '{}': ParallelizationFactor applies to io_parallel only; io_stream computes one pixel "
                       "per window step", l.name));
    params << fmt::format("struct config{} : nnet::conv_config {{\n", idx);
    params << GeoFields(q, a.rank == 2 ? a.pad_top : 0, a.rank == 2 ? a.pad_bottom : 0, a.pad_left, a.pad_right,
                        a.rank == 2 ? a.stride_h : 1, a.stride_w);
    params << fmt::format("    static const unsigned filt_height = {}, filt_width = {}, n_filt = {};\n", kh, kw, q.oc);
    params << fmt::format("    static const unsigned reuse_factor = {};\n    static const unsigned parallelization_factor = {};\n",
                          core.reuse_factor, io == ir::IOType::Stream ? 1 : pf);
    params << fmt::format("    typedef config{}_mult mult_config;\n}};\n\n", idx);
    IoNames n = Declare(idx, l, rt, res);
    if (n.n_in != q.h * q.w * q.c || n.n_out != npix * q.oc)
      Fail(fmt::format("{}: tensor sizes {} / {} do not match the conv geometry", LayerWhere(l), n.n_in, n.n_out));
    const char* fn = a.rank == 2 ? "conv_2d" : "conv_1d";
    if (io == ir::IOType::Stream)
      EmitStreamProcess(l, n, fmt::format("nnet::{}_stream<{}, {}, config{}>({}, {}, {}, {});", fn, n.in_w, n.out_w, idx,
                                          n.in, n.out, core.weights, core.biases));
    else
      EmitCall(l, n, fmt::format("nnet::{}<{}, {}, config{}>({}, {}, {}, {});", fn, n.in_t, n.out_t, idx, n.in, n.out,
                                 core.weights, core.biases));
  }

  void Pooling(int idx, const Layer& l) {
    if (!l.pool) Fail(fmt::format("{}: no pooling attributes", LayerWhere(l)));
    const ir::PoolAttrs& a = *l.pool;
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
    const FixedType accum = ConfigTypeOpt(l, "accum").value_or(data);
    Geo q = Geometry(l, a.rank);
    int64_t ph, pw, sh, sw, pt = 0, pb = 0, pl = 0, pr = 0;
    if (a.global) {
      ph = sh = q.h;
      pw = sw = q.w;
      q.oh = q.ow = 1;
    } else {
      ph = a.rank == 2 ? a.pool_h : 1;
      pw = a.pool_w;
      sh = a.rank == 2 ? a.stride_h : 1;
      sw = a.stride_w;
      pt = a.rank == 2 ? a.pad_top : 0;
      pb = a.rank == 2 ? a.pad_bottom : 0;
      pl = a.pad_left;
      pr = a.pad_right;
    }
    const bool avg = a.op == ir::PoolOp::Average;
    if (avg) CheckAdd(l, accum, "accum", data, "input");
    const std::string rt = ResultTypeName(idx, l);
    std::string accum_name = fmt::format("layer{}_accum_t", idx);
    Typedef(accum_name, accum, fmt::format("layer '{}': accum", l.name));
    params << Comment(l) << "\n";
    params << fmt::format("struct config{} : nnet::pooling_config {{\n", idx);
    params << GeoFields(q, pt, pb, pl, pr, sh, sw);
    params << fmt::format("    static const unsigned pool_height = {}, pool_width = {};\n", ph, pw);
    params << fmt::format("    static const unsigned pool_op = nnet::{};\n    static const bool count_pad = {};\n",
                          avg ? "average_pool" : "max_pool", a.count_pad ? "true" : "false");
    params << fmt::format("    static const unsigned reuse_factor = {};\n    typedef {} accum_t;\n}};\n\n",
                          std::max(1, l.config.reuse_factor), accum_name);
    IoNames n = Declare(idx, l, rt, res);
    if (n.n_out != q.oh * q.ow * q.c)
      Fail(fmt::format("{}: output size {} does not match the pooling geometry", LayerWhere(l), n.n_out));
    const char* fn = a.rank == 2 ? "pooling_2d" : "pooling_1d";
    if (io == ir::IOType::Stream)
      EmitStreamProcess(l, n, fmt::format("nnet::{}<{}, {}, config{}>({}, {});", a.global ? "global_pooling_stream" : std::string(fn) + "_stream",
                                          n.in_w, n.out_w, idx, n.in, n.out));
    else
      EmitCall(l, n, fmt::format("nnet::{}<{}, {}, config{}>({}, {});", fn, n.in_t, n.out_t, idx, n.in, n.out));
  }

  void Resize(int idx, const Layer& l) {
    if (!l.resize) Fail(fmt::format("{}: no resize attributes", LayerWhere(l)));
    const ir::ResizeAttrs& a = *l.resize;
    const FixedType res = TensorType(g, l.output, l, "output");
    const Geo q = Geometry(l, a.rank);
    const char* op = l.kind == LayerKind::ZeroPadding ? "zero_padding" : l.kind == LayerKind::Cropping ? "cropping" : "upsampling";
    params << Comment(l) << "\n";
    params << fmt::format("struct config{} : nnet::resize_config {{\n", idx);
    params << fmt::format("    static const unsigned in_height = {}, in_width = {}, n_chan = {};\n"
                          "    static const unsigned out_height = {}, out_width = {};\n", q.h, q.w, q.c, q.oh, q.ow);
    params << fmt::format("    static const unsigned pad_top = {}, pad_left = {};\n", a.rank == 2 ? a.pad_top : 0, a.pad_left);
    params << fmt::format("    static const unsigned scale_height = {}, scale_width = {};\n", a.rank == 2 ? a.scale_h : 1, a.scale_w);
    params << fmt::format("    static const unsigned op = nnet::{};\n}};\n\n", op);
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    if (n.n_out != q.oh * q.ow * q.c || q.oc != q.c)
      Fail(fmt::format("{}: output size {} does not match the geometry", LayerWhere(l), n.n_out));
    if (io == ir::IOType::Stream)
      EmitStreamProcess(l, n, fmt::format("nnet::resize_2d_stream<{}, {}, config{}>({}, {});", n.in_w, n.out_w, idx, n.in, n.out));
    else
      EmitCall(l, n, fmt::format("nnet::resize_2d<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
  }

  void Merge(int idx, const Layer& l) {
    if (!l.merge) Fail(fmt::format("{}: no merge attributes", LayerWhere(l)));
    if (l.inputs.size() != 2) Fail(fmt::format("{}: a merge needs exactly two inputs, has {}", LayerWhere(l), l.inputs.size()));
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType ta = TensorType(g, l.inputs[0], l, "first input");
    const FixedType tb = TensorType(g, l.inputs[1], l, "second input");
    const ir::MergeOp op = l.merge->op;
    params << Comment(l) << "\n";
    if (op == ir::MergeOp::Concatenate) {
      const auto& sa = g.tensor(l.inputs[0]).shape;
      const auto& sb = g.tensor(l.inputs[1]).shape;
      const int r = static_cast<int>(sa.size());
      const int ax = l.merge->axis < 0 ? l.merge->axis + r : l.merge->axis;
      if (ax < 0 || ax >= r || sb.size() != sa.size())
        Fail(fmt::format("{}: concatenate axis {} is invalid for inputs of rank {} and {}", LayerWhere(l), l.merge->axis, sa.size(), sb.size()));
      int64_t outer = 1, ai = 1, bi = 1;
      for (int i = 0; i < ax; ++i) outer *= sa[static_cast<size_t>(i)];
      for (int i = ax; i < r; ++i) {
        ai *= sa[static_cast<size_t>(i)];
        bi *= sb[static_cast<size_t>(i)];
      }
      params << fmt::format("struct config{} : nnet::concat_config {{\n    static const unsigned outer = {};\n"
                            "    static const unsigned a_inner = {};\n    static const unsigned b_inner = {};\n}};\n\n",
                            idx, outer, ai, bi);
      IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
      if (io == ir::IOType::Stream)
        EmitStreamProcess(l, n, fmt::format("nnet::concatenate_stream<{}, {}, {}, config{}>({}, {}, {});", n.in_w, n.in2_w, n.out_w,
                                            idx, n.in, n.in2, n.out));
      else
        EmitCall(l, n, fmt::format("nnet::concatenate<{}, {}, {}, config{}>({}, {}, {});", n.in_t, n.in2_t, n.out_t, idx,
                                   n.in, n.in2, n.out));
      return;
    }
    const char* name = "merge_add";
    switch (op) {
      case ir::MergeOp::Add: name = "merge_add"; CheckAdd(l, ta, "first input", tb, "second input"); break;
      case ir::MergeOp::Subtract: name = "merge_subtract"; CheckAdd(l, ta, "first input", tb, "second input"); break;
      case ir::MergeOp::Multiply: name = "merge_multiply"; CheckMul(l, ta, "first input", tb, "second input"); break;
      case ir::MergeOp::Average: {
        name = "merge_average";
        CheckAdd(l, ta, "first input", tb, "second input");
        const fx::Format sf = fx::add_format(ta.format(), tb.format());
        const int f2 = std::max(0, res.width() - res.integer());
        if (sf.w + f2 + (res.is_signed() ? 1 : 0) > 64)
          Fail(fmt::format("{}: the average's division (a + b) / (result)2 needs {} bits; at most 64 are supported",
                           LayerWhere(l), sf.w + f2 + 1));
        break;
      }
      case ir::MergeOp::Maximum: name = "merge_maximum"; break;
      case ir::MergeOp::Minimum: name = "merge_minimum"; break;
      default: break;
    }
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    if (n.n_in != n.n_out || n.n_in2 != n.n_out)
      Fail(fmt::format("{}: inputs have {} and {} elements, output {}", LayerWhere(l), n.n_in, n.n_in2, n.n_out));
    params << fmt::format("struct config{} : nnet::merge_config {{\n    static const unsigned n_elem = {};\n"
                          "    static const unsigned op = nnet::{};\n    static const unsigned reuse_factor = {};\n}};\n\n",
                          idx, n.n_out, name, std::max(1, l.config.reuse_factor));
    if (io == ir::IOType::Stream) {
      if (WordSize(l.inputs[0]) != WordSize(l.output) || WordSize(l.inputs[1]) != WordSize(l.output))
        Fail(fmt::format("{}: inputs of different shapes cannot be merged element-wise", LayerWhere(l)));
      EmitStreamProcess(l, n, fmt::format("nnet::merge_stream<{}, {}, {}, config{}>({}, {}, {});", n.in_w, n.in2_w, n.out_w,
                                          idx, n.in, n.in2, n.out));
    } else {
      EmitCall(l, n, fmt::format("nnet::merge<{}, {}, {}, config{}>({}, {}, {});", n.in_t, n.in2_t, n.out_t, idx, n.in,
                                 n.in2, n.out));
    }
  }

  void ScaleShift(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
    const auto& s = NeedParam(l, "scale");
    const auto& b = NeedParam(l, "bias");
    if (s.size() != b.size() || s.size() == 0) Fail(fmt::format("{}: 'scale' and 'bias' must have the same nonzero size", LayerWhere(l)));
    CheckMul(l, data, "input", *s.type, "scale");
    CheckAdd(l, FixedType::MulType(data, *s.type), "input*scale", *b.type, "bias");
    const std::string rt = ResultTypeName(idx, l);
    std::string sv = AddWeights(l, idx, "s", "scale", *s.type, QuantizeParam(l, s, "scale", false));
    std::string bv = AddWeights(l, idx, "b", "bias", *b.type, QuantizeParam(l, b, "bias", false));
    IoNames n = Declare(idx, l, rt, res);
    if (n.n_elem % static_cast<int64_t>(s.size()) != 0) Fail(fmt::format("{}: input size {} is not a multiple of the {} channels", LayerWhere(l), n.n_elem, s.size()));
    params << Comment(l) << "\n";
    params << fmt::format("struct config{} : nnet::batchnorm_config {{\n    static const unsigned n_in = {};\n    static const unsigned n_scale_bias = {};\n", idx, n.n_elem, s.size());
    params << fmt::format("    static const unsigned reuse_factor = {};\n    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in, reuse_factor);\n", std::max(1, l.config.reuse_factor));
    params << fmt::format("    typedef scale{}_t scale_t;\n    typedef bias{}_t bias_t;\n}};\n\n", idx, idx);
    EmitCall(l, n, fmt::format("nnet::normalize<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, sv, bv));
  }

  void ActivConfig(int idx, const Layer& l, int64_t n_in, const std::string& extra) {
    params << Comment(l) << "\n";
    params << fmt::format("struct config{} : nnet::activ_config {{\n    static const unsigned n_in = {};\n", idx, n_in);
    params << fmt::format("    static const unsigned table_size = {};\n", std::max(1, l.config.table_size));
    params << fmt::format("    static const unsigned reuse_factor = {};\n", std::max(1, l.config.reuse_factor));
    params << extra << "};\n\n";
  }

  void Linear(int idx, const Layer& l, const char*) {
    const FixedType res = TensorType(g, l.output, l, "output");
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    ActivConfig(idx, l, n.n_elem, "");
    EmitCall(l, n, fmt::format("nnet::linear<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
  }

  void FlattenChannelsFirst(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    const auto& is = g.tensor(l.inputs.at(0)).shape;
    if (is.size() < 2 || is.back() <= 0) Fail(fmt::format("{}: a channels-first flatten needs an image input", LayerWhere(l)));
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    const int64_t c = is.back();
    params << Comment(l) << "\n";
    params << fmt::format("struct config{} : nnet::flatten_config {{\n    static const unsigned n_pixels = {}, n_chan = {};\n}};\n\n",
                          idx, n.n_in / c, c);
    EmitCall(l, n, fmt::format("nnet::flatten_channels_first<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
  }

  void Quantize(int idx, const Layer& l) {
    if (l.quant) {
      const auto& q = *l.quant;
      if (q.bipolar) return Sign(idx, l);
      for (double z : q.zero_point)
        if (z != 0) Fail(fmt::format("{}: a nonzero zero_point is not supported by the HLS backend", LayerWhere(l)));
      for (double s : q.scale) {
        int e;
        if (!(s > 0) || std::frexp(s, &e) != 0.5)
          Fail(fmt::format("{}: quantizer scale {} is not a power of two; fold it into the next layer "
                           "(the HLS backend implements a Quantize layer as a cast)", LayerWhere(l), s));
      }
    }
    Linear(idx, l, "quantize");
  }

  void Sign(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    ActivConfig(idx, l, n.n_elem, fmt::format("    static const bool xnor_output = {};\n", IsXnor(res) ? "true" : "false"));
    EmitCall(l, n, fmt::format("nnet::binary_tanh<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
  }

  void Activation(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
    switch (l.activation) {
      case ActivationKind::Linear: return Linear(idx, l, "linear");
      case ActivationKind::BinaryTanh: return Sign(idx, l);
      default: break;
    }
    std::string extra, call;
    IoNames n;
    auto declare = [&] { n = Declare(idx, l, ResultTypeName(idx, l), res); };
    switch (l.activation) {
      case ActivationKind::ReLU:
        declare();
        call = fmt::format("nnet::relu<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out);
        break;
      case ActivationKind::LeakyReLU:
        declare();
        if (auto pt = ConfigTypeOpt(l, "param")) {
          CheckMul(l, data, "input", *pt, "param");
          std::string tn = fmt::format("layer{}_param_t", idx);
          Typedef(tn, *pt, fmt::format("layer '{}': param (alpha)", l.name));
          extra = fmt::format("    typedef {} param_t;\n", tn);
        } else {
          extra = "    typedef double param_t;\n";
        }
        call = fmt::format("nnet::leaky_relu<{}, {}, config{}>({}, {:.17g}, {});", n.in_t, n.out_t, idx, n.in, l.alpha, n.out);
        break;
      case ActivationKind::ThresholdedReLU:
        declare();
        call = fmt::format("nnet::thresholded_relu<{}, {}, config{}>({}, {:.17g}, {});", n.in_t, n.out_t, idx, n.in, l.alpha, n.out);
        break;
      case ActivationKind::ReLU6OrMax: {
        declare();
        extra = fmt::format("    static constexpr double max_value = {:.17g};\n", l.alpha);
        call = fmt::format("nnet::relu_max<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out);
        break;
      }
      case ActivationKind::Sigmoid:
      case ActivationKind::Tanh: {
        FixedType table = ConfigTypeOpt(l, "table").value_or(FixedType(18, 8));
        int bits = 1;
        while ((1u << bits) < static_cast<unsigned>(std::max(1, l.config.table_size)) + 1u) ++bits;
        if (data.width() + bits + 1 > 64)
          Fail(fmt::format("{}: input precision {} is too wide for the table index computation "
                           "(input width + {} bits must fit 64)", LayerWhere(l), data.ToString(), bits + 1));
        declare();
        std::string tn = fmt::format("layer{}_table_t", idx);
        Typedef(tn, table, fmt::format("layer '{}': table", l.name));
        extra = fmt::format("    typedef {} table_t;\n", tn);
        call = fmt::format("nnet::{}<{}, {}, config{}>({}, {});", l.activation == ActivationKind::Sigmoid ? "sigmoid" : "tanh", n.in_t, n.out_t, idx, n.in, n.out);
        break;
      }
      case ActivationKind::TernaryTanh:
        declare();
        call = fmt::format("nnet::ternary_tanh<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out);
        break;
      default:
        Fail(fmt::format("{}: activation {} is not supported by the HLS backend", LayerWhere(l), ir::ToString(l.activation)));
    }
    ActivConfig(idx, l, n.n_elem, extra);
    EmitCall(l, n, call);
  }

  // Tables indexed by the top `nbits` bits of a type T: entry k covers the
  // interval [k, k+1) * 2^(I - nbits). Warns (the design stays bit-exact with
  // the reference, which behaves the same) when
  //  - the exp table's index type cannot hold the range of its input (the
  //    stable softmax's max - x spans the whole input range), or
  //  - an exp table bin is wider than 1 (exp(-v) falls by e within it: the
  //    inputs near the maximum all read entry 0 and the output tends to the
  //    constant 1/N; hls4ml's default 'auto' inp_norm_t does this), or
  //  - the 1/sum table's index type cannot hold sums up to n_in or its bins
  //    are wider than 1.
  void CheckSoftmaxTables(const Layer& l, const std::string& impl, const FixedType& data, const FixedType& idx_t,
                          const FixedType& inv_inp, int nbits) {
    auto bin = [&](const FixedType& t) { return std::ldexp(1.0, t.integer() - nbits); };
    const int64_t n = g.tensor(l.output).size();
    const char* idx_name = impl == "stable" ? "inp_norm_t" : "the input type";
    if (impl == "stable") {
      const double span = data.max_value() - data.min_value();
      if (span > idx_t.max_value())
        Warn(fmt::format("layer '{}': softmax exp table index inp_norm_t {} does not cover its input's range: "
                         "max - x spans [0, {:g}] for input {} but inp_norm_t stops at {:g} (larger differences {})",
                         l.name, idx_t.ToString(), span, data.ToString(), idx_t.max_value(),
                         idx_t.overflow() == Overflow::WRAP ? "wrap around" : "saturate"));
    }
    if (bin(idx_t) > 1.0)
      Warn(fmt::format("layer '{}': softmax exp table ({} entries indexed by the top {} bits of {} {}) has bins {:g} wide: "
                       "inputs within {:g} of the maximum all read entry 0, so the output tends to the constant 1/{} "
                       "(narrow the integer part of {} or enlarge table_size)", l.name, 1 << nbits, nbits,
                       idx_name, idx_t.ToString(), bin(idx_t), bin(idx_t), n, idx_name));
    if (inv_inp.max_value() < static_cast<double>(n))
      Warn(fmt::format("layer '{}': softmax 1/sum table index inv_inp_t {} does not cover its input's range: "
                       "the sum of {} exponentials reaches {} but inv_inp_t stops at {:g}", l.name, inv_inp.ToString(),
                       n, n, inv_inp.max_value()));
    else if (bin(inv_inp) > 1.0)
      Warn(fmt::format("layer '{}': softmax 1/sum table ({} entries indexed by inv_inp_t {}) has bins {:g} wide; "
                       "sums in [1, {}] barely resolve", l.name, 1 << nbits, inv_inp.ToString(), bin(inv_inp), n));
  }

  void Softmax(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
    const int ts = std::max(1, l.config.table_size);
    int nbits = 0;
    while ((1 << nbits) < ts) ++nbits;
    const auto impl = l.config.softmax_impl;
    const auto& in_shape = g.tensor(l.inputs.at(0)).shape;
    if (in_shape.size() > 1) {
      int64_t outer = 1;
      for (size_t i = 0; i + 1 < in_shape.size(); ++i) outer *= in_shape[i];
      if (outer != 1) Fail(fmt::format("{}: softmax over a multi-dimensional tensor is not supported by the HLS backend yet", LayerWhere(l)));
    }
    std::string extra;
    auto tdef = [&](const std::string& key, const FixedType& t) {
      std::string tn = fmt::format("layer{}_{}_t", idx, key);
      Typedef(tn, t, fmt::format("layer '{}': {}", l.name, key));
      extra += fmt::format("    typedef {} {}_t;\n", tn, key);
      return t;
    };
    const std::string impl_name = impl == ir::SoftmaxImpl::Stable ? "stable" : impl == ir::SoftmaxImpl::Latency ? "latency" : impl == ir::SoftmaxImpl::Legacy ? "legacy" : "argmax";
    if (impl == ir::SoftmaxImpl::Stable || impl == ir::SoftmaxImpl::Latency) {
      FixedType exp_t = tdef("exp_table", ConfigTypeOpt(l, "exp_table").value_or(FixedType(18, 8, true, Quant::RND, Overflow::SAT)));
      FixedType inv_t = tdef("inv_table", ConfigTypeOpt(l, "inv_table").value_or(FixedType(18, 8, true, Quant::RND, Overflow::SAT)));
      FixedType acc_t = tdef("accum", ConfigTypeOpt(l, "accum").value_or(FixedType(18, 8, true, Quant::RND, Overflow::SAT)));
      FixedType inv_inp = tdef("inv_inp", ConfigTypeOpt(l, "inv_inp").value_or(FixedType(18, 8, true, Quant::RND, Overflow::SAT)));
      FixedType norm = data.is_signed() ? FixedType(std::max(1, data.width() - 1), data.integer() - 1, false)
                                        : FixedType(data.width(), data.integer(), false);
      if (auto t = ConfigTypeOpt(l, "inp_norm")) norm = *t;
      FixedType idx_t = impl == ir::SoftmaxImpl::Stable ? tdef("inp_norm", norm) : data;
      if (impl == ir::SoftmaxImpl::Latency) tdef("inp_norm", norm);
      if (idx_t.width() < nbits) Fail(fmt::format("{}: table_size {} needs {} index bits but the {} type {} has only {}", LayerWhere(l), ts, nbits, impl == ir::SoftmaxImpl::Stable ? "inp_norm" : "input", idx_t.ToString(), idx_t.width()));
      if (inv_inp.width() < nbits) Fail(fmt::format("{}: table_size {} needs {} index bits but inv_inp {} has only {}", LayerWhere(l), ts, nbits, inv_inp.ToString(), inv_inp.width()));
      CheckMul(l, acc_t, "accum", inv_t, "inv_table");
      CheckAdd(l, acc_t, "accum", acc_t, "accum");
      (void)exp_t;
      if (impl == ir::SoftmaxImpl::Stable) {
        fx::Format sf = fx::sub_format(data.format(), data.format());
        if (!fx::fits(sf)) Fail(fmt::format("{}: input precision {} too wide for the max subtraction", LayerWhere(l), data.ToString()));
      }
      if ((1 << nbits) != ts) Fail(fmt::format("{}: table_size {} must be a power of two for the {} softmax", LayerWhere(l), ts, impl_name));
      CheckSoftmaxTables(l, impl_name, data, idx_t, inv_inp, nbits);
    } else if (impl == ir::SoftmaxImpl::Legacy) {
      FixedType table = tdef("table", ConfigTypeOpt(l, "table").value_or(FixedType(18, 8)));
      fx::Format sf = fx::sub_format(data.format(), data.format());
      if (sf.w + nbits + 2 > 64) Fail(fmt::format("{}: input precision {} too wide for the legacy softmax index", LayerWhere(l), data.ToString()));
      if (table.width() + 2 * nbits + 8 > 64 + nbits) {}  // index math below fits for tables <= 56 bits
    }
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    params << Comment(l) << "\n";
    params << fmt::format("struct config{} : nnet::softmax_config {{\n    static const unsigned n_in = {};\n", idx, n.n_in);
    params << fmt::format("    static const unsigned exp_table_size = {};\n    static const unsigned inv_table_size = {};\n", ts, ts);
    params << fmt::format("    static const unsigned reuse_factor = {};\n", std::max(1, l.config.reuse_factor));
    params << fmt::format("    static const nnet::softmax_implementation implementation = nnet::softmax_implementation::{};\n", impl_name);
    params << "    static constexpr float exp_scale = 1.0f;\n";
    params << extra << "};\n\n";
    EmitCall(l, n, fmt::format("nnet::softmax<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
  }

  void Threshold(int idx, const Layer& l) {
    const FixedType res = TensorType(g, l.output, l, "output");
    const bool binary = l.param("threshold") != nullptr;
    std::string call;
    IoNames n;
    if (binary) {
      ir::Param t = *l.param("threshold");
      if (!t.type) t.type = ConfigTypeOpt(l, "threshold").value_or(TensorType(g, l.inputs.at(0), l, "input"));
      std::string tv = AddWeights(l, idx, "t", "threshold", *t.type, QuantizeParam(l, t, "threshold", false));
      n = Declare(idx, l, ResultTypeName(idx, l), res);
      params << Comment(l) << "\n" << fmt::format("struct config{} : nnet::threshold_config {{\n    static const unsigned n_in = {};\n    static const unsigned n_scale_bias = {};\n    static const bool xnor_output = {};\n    typedef threshold_t{}_t threshold_t;\n}};\n\n", idx, n.n_elem, t.size(), IsXnor(res) ? "true" : "false", idx);
      call = fmt::format("nnet::normalize_binary_tanh<{}, {}, config{}>({}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, tv);
    } else {
      if (!l.param("threshold_lo") || !l.param("threshold_hi")) Fail(fmt::format("{}: parameters 'threshold' or 'threshold_lo'/'threshold_hi' are missing", LayerWhere(l)));
      ir::Param lo = *l.param("threshold_lo"), hi = *l.param("threshold_hi");
      const FixedType dflt = ConfigTypeOpt(l, "threshold").value_or(TensorType(g, l.inputs.at(0), l, "input"));
      if (!lo.type) lo.type = dflt;
      if (!hi.type) hi.type = dflt;
      if (!(*lo.type == *hi.type)) Fail(fmt::format("{}: 'threshold_lo' and 'threshold_hi' must have the same precision", LayerWhere(l)));
      std::string hv = AddWeights(l, idx, "th", "threshold_hi", *hi.type, QuantizeParam(l, hi, "threshold_hi", false));
      std::string lv = AddWeights(l, idx, "tl", "threshold_lo", *lo.type, QuantizeParam(l, lo, "threshold_lo", false));
      n = Declare(idx, l, ResultTypeName(idx, l), res);
      params << Comment(l) << "\n" << fmt::format("struct config{} : nnet::threshold_config {{\n    static const unsigned n_in = {};\n    static const unsigned n_scale_bias = {};\n    typedef threshold_th{}_t threshold_t;\n}};\n\n", idx, n.n_elem, hi.size(), idx);
      call = fmt::format("nnet::normalize_ternary_tanh<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, hv, lv);
    }
    EmitCall(l, n, call);
  }
};

// ---------------------------------------------------------------------------
void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  if (!f) Fail(fmt::format("cannot write '{}': {}", p.string(), std::strerror(errno)));
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f) Fail(fmt::format("cannot write '{}': {}", p.string(), std::strerror(errno)));
}

fs::path HlsSourceDir() {
  if (const char* e = std::getenv("HLSFORGE_HLS_DIR")) return e;
  return fs::path(HLSFORGE_SOURCE_DIR) / "src" / "backends" / "hls";
}

void CopyDir(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (!fs::is_directory(from)) Fail(fmt::format("HLS library directory '{}' not found (set HLSFORGE_HLS_DIR)", from.string()));
  for (const auto& e : fs::directory_iterator(from)) {
    if (!e.is_regular_file()) continue;
    fs::copy_file(e.path(), to / e.path().filename(), fs::copy_options::overwrite_existing, ec);
    if (ec) Fail(fmt::format("cannot copy '{}' to '{}': {}", e.path().string(), to.string(), ec.message()));
  }
}

// Exact decimals of the weights: std::to_chars' shortest representation
// round-trips to the same double, which holds the fixed-point value exactly
// (W <= 53). Much faster than printf("%.17g") for million-weight layers.
std::string WeightText(const WeightArray& w, bool header) {
  std::string s;
  s.reserve(w.words.size() * 12);
  char buf[40];
  const fx::Format f = w.type.format();
  for (size_t i = 0; i < w.words.size(); ++i) {
    auto r = std::to_chars(buf, buf + sizeof buf, fx::to_double(w.words[i], f));
    if (i) s += header ? (i % 16 == 0 ? ",\n    " : ", ") : ",";
    s.append(buf, static_cast<size_t>(r.ptr - buf));
  }
  return s;
}

std::string Json(const nlohmann::json& j) { return j.dump(1) + "\n"; }

void WriteProjectFiles(Gen& gen, const HlsOptions& opt, const fs::path& dir) {
  const std::string& top = gen.top;
  const bool stream = gen.io == ir::IOType::Stream;
  fs::create_directories(dir / "firmware" / "weights");
  fs::create_directories(dir / "tb_data");
  CopyDir(HlsSourceDir() / "kernels", dir / "firmware" / "nnet_utils");
  CopyDir(HlsSourceDir() / "sim_headers", dir / "sim_include");
  // The one definition of fixed-point semantics, copied under its project name
  // (the in-tree sim_headers/hlsforge_fixed_core.h only forwards to it).
  {
    const char* e = std::getenv("HLSFORGE_FIXED_CORE");
    const fs::path core = e ? fs::path(e) : fs::path(HLSFORGE_SOURCE_DIR) / "include/hlsforge/fixed/fixed_core.h";
    std::error_code ec;
    fs::copy_file(core, dir / "sim_include/hlsforge_fixed_core.h", fs::copy_options::overwrite_existing, ec);
    if (ec) Fail(fmt::format("cannot copy '{}': {}", core.string(), ec.message()));
  }
  const std::string src = gen.g.source_path.empty() ? gen.g.name : gen.g.source_path;
  // Include guards carry the project name, and with HlsOptions::cpp_namespace
  // every generated declaration sits in that namespace: several projects can
  // then share one C-simulation translation unit (RunCsimBatch).
  std::string guard = Sanitize(top);
  for (auto& ch : guard) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const std::string& ns = opt.cpp_namespace;
  const std::string ns_open = ns.empty() ? "" : "namespace " + ns + " {\n\n";
  const std::string ns_close = ns.empty() ? "" : "\n}  // namespace " + ns + "\n";

  // defines.h
  std::ostringstream d;
  d << "// Generated by hlsforge from " << src << ". Types of the design.\n";
  d << fmt::format("#ifndef {0}_DEFINES_H_\n#define {0}_DEFINES_H_\n\n#include \"ap_fixed.h\"\n#include \"ap_int.h\"\n#include \"hls_stream.h\"\n#include \"nnet_utils/nnet_common.h\"\n\n", guard);
  for (size_t i = 0; i < gen.g.inputs.size(); ++i) d << fmt::format("#define N_INPUT_{} {}\n", i + 1, gen.tensor_size[gen.g.inputs[i]]);
  for (size_t i = 0; i < gen.g.outputs.size(); ++i) d << fmt::format("#define N_OUTPUT_{} {}\n", i + 1, gen.tensor_size[gen.g.outputs[i]]);
  d << "\n" << ns_open << gen.defines.str() << ns_close << "\n#endif\n";
  WriteFile(dir / "firmware" / "defines.h", d.str());

  // weights
  for (const auto& w : gen.weights) {
    std::ostringstream h;
    h << fmt::format("// {}: {} of layer '{}' ({} values, {})\n", w.var, w.field, w.layer, w.words.size(), w.type.ToString());
    h << fmt::format("#ifndef {0}_{1}_H_\n#define {0}_{1}_H_\n\n#ifdef HLSFORGE_WEIGHTS_FROM_TXT\n", guard, w.var);
    h << fmt::format("static {} {}[{}];  // loaded from weights/{}.txt by the C simulation\n#else\n", w.type_name, w.var, w.words.size(), w.var);
    h << fmt::format("static const {} {}[{}] = {{\n    {}}};\n#endif\n\n#endif\n", w.type_name, w.var, w.words.size(), WeightText(w, true));
    WriteFile(dir / "firmware" / "weights" / (w.var + ".h"), h.str());
    WriteFile(dir / "firmware" / "weights" / (w.var + ".txt"), WeightText(w, false) + "\n");
  }

  // parameters.h
  std::ostringstream p;
  p << "// Generated by hlsforge from " << src << ". Per-layer configuration.\n";
  p << fmt::format("#ifndef {0}_PARAMETERS_H_\n#define {0}_PARAMETERS_H_\n\n#include \"defines.h\"\n#include \"nnet_utils/nnet_all.h\"\n\n", guard);
  p << ns_open;
  for (const auto& w : gen.weight_includes) p << "#include \"weights/" << w << ".h\"\n";
  p << "\n" << gen.params.str() << ns_close << "#endif\n";
  WriteFile(dir / "firmware" / "parameters.h", p.str());

  // top header + source
  std::string sig;
  std::vector<std::string> args;
  for (size_t i = 0; i < gen.g.inputs.size(); ++i) {
    const auto& t = gen.g.inputs[i];
    args.push_back(stream ? fmt::format("hls::stream<{}>& {}", gen.WordType(t), gen.in_vars[i])
                          : fmt::format("{} {}[{}]", gen.tensor_tname[t], gen.in_vars[i], gen.tensor_size[t]));
  }
  for (size_t i = 0; i < gen.g.outputs.size(); ++i) {
    const auto& t = gen.g.outputs[i];
    args.push_back(stream ? fmt::format("hls::stream<{}>& {}", gen.WordType(t), gen.out_vars[i])
                          : fmt::format("{} {}[{}]", gen.tensor_tname[t], gen.out_vars[i], gen.tensor_size[t]));
  }
  for (size_t i = 0; i < args.size(); ++i) sig += (i ? ",\n    " : "\n    ") + args[i];
  std::ostringstream h;
  h << "// Generated by hlsforge from " << src << ". Top function.\n";
  h << fmt::format("#ifndef {0}_H_\n#define {0}_H_\n\n#include \"defines.h\"\n\n{3}void {1}({2}\n);\n{4}\n#endif\n", guard, top, sig, ns_open, ns_close);
  WriteFile(dir / "firmware" / (top + ".h"), h.str());

  std::ostringstream c;
  c << "// Generated by hlsforge from " << src << ".\n";
  c << fmt::format("// io_type {}, {} layers; every block names the model layer it implements.\n", stream ? "io_stream" : "io_parallel", gen.g.layers.size());
  c << fmt::format("#include \"{}.h\"\n#include \"parameters.h\"\n", top) << detail::TraceInclude(true) << "\n";
  c << "#if defined(HLSFORGE_WEIGHTS_FROM_TXT) && !defined(__SYNTHESIS__)\n";
  c << fmt::format("#ifndef HLSFORGE_PROJECT_DIR_{0}\n#define HLSFORGE_PROJECT_DIR_{0} \"\"  // weights are read from <this>firmware/weights/\n#endif\n#endif\n\n", top);
  c << ns_open;
  c << gen.stream_fns.str();
  c << fmt::format("void {}({}\n) {{\n", top, sig);
  std::string ports;
  for (auto& v : gen.in_vars) ports += (ports.empty() ? "" : ",") + v;
  for (auto& v : gen.out_vars) ports += "," + v;
  if (stream) {
    for (auto& v : gen.in_vars) c << fmt::format("    #pragma HLS INTERFACE axis port={}\n", v);
    for (auto& v : gen.out_vars) c << fmt::format("    #pragma HLS INTERFACE axis port={}\n", v);
    c << "    #pragma HLS DATAFLOW\n\n";
  } else {
    for (auto& v : gen.in_vars) c << fmt::format("    #pragma HLS ARRAY_RESHAPE variable={} complete dim=0\n", v);
    for (auto& v : gen.out_vars) c << fmt::format("    #pragma HLS ARRAY_PARTITION variable={} complete dim=0\n", v);
    c << fmt::format("    #pragma HLS INTERFACE ap_vld port={}\n    #pragma HLS PIPELINE\n\n", ports);
  }
  c << "#if defined(HLSFORGE_WEIGHTS_FROM_TXT) && !defined(__SYNTHESIS__)\n    static bool loaded_weights = false;\n    if (!loaded_weights) {\n";
  for (const auto& w : gen.weights)
    c << fmt::format("        nnet::load_weights_from_txt<{}, {}>({}, HLSFORGE_PROJECT_DIR_{} \"firmware/weights/{}.txt\");\n", w.type_name, w.words.size(), w.var, top, w.var);
  c << "        loaded_weights = true;\n    }\n#endif\n\n";
  c << gen.body.str() << "}\n" << ns_close;
  WriteFile(dir / "firmware" / (top + ".cpp"), c.str());

  // testbench
  std::ostringstream tb;
  tb << "// Generated by hlsforge: C-simulation testbench of " << top << ".\n";
  tb << "// Reads tb_data/tb_input_features.dat (one sample per line, values separated by spaces),\n";
  tb << "// writes tb_data/csim_results.log (one line of outputs per sample, exact decimal values).\n";
  tb << "#include <cstdio>\n#include <cstdlib>\n#include <fstream>\n#include <sstream>\n#include <string>\n#include <vector>\n\n";
  tb << fmt::format("#include \"firmware/{}.h\"\n", top) << detail::TraceInclude(false) << "\n";
  // The testbench body is a function so that several testbenches can share
  // one program (HLSFORGE_TB_NO_MAIN, see RunCsimBatch).
  tb << ns_open;
  tb << "int hlsforge_tb_run(const char* in_path, const char* out_path" << detail::TraceTbParam() << ") {\n";
  tb << detail::TraceTbBegin();
  tb << "    std::ifstream fin(in_path);\n    if (!fin) { std::fprintf(stderr, \"cannot open %s\\n\", in_path); return 1; }\n";
  tb << "    FILE* fout = std::fopen(out_path, \"w\");\n    if (!fout) { std::fprintf(stderr, \"cannot write %s\\n\", out_path); return 1; }\n";
  int64_t n_in_total = 0;
  for (auto& t : gen.g.inputs) n_in_total += gen.tensor_size[t];
  tb << fmt::format("    std::string line;\n    long rows = 0;\n    while (std::getline(fin, line)) {{\n        if (line.empty()) continue;\n        std::vector<float> x;\n        {{ const char* s = line.c_str(); char* e; for (;;) {{ float v = std::strtof(s, &e); if (e == s) break; x.push_back(v); s = e; }} }}\n");
  tb << fmt::format("        if ((long)x.size() != {0}) {{ std::fprintf(stderr, \"line %ld: %zu values, expected {0}\\n\", rows + 1, x.size()); return 1; }}\n", n_in_total);
  int64_t off = 0;
  for (size_t i = 0; i < gen.g.inputs.size(); ++i) {
    const auto& t = gen.g.inputs[i];
    const auto& tn = gen.tensor_tname[t];
    int64_t n = gen.tensor_size[t];
    if (stream) {
      const int64_t ws = gen.WordSize(t);
      tb << fmt::format("        hls::stream<{0}> {1}(\"{1}\");\n        for (int i = 0; i < {2}; i += {3}) {{ {0} w; for (int j = 0; j < {3}; j++) w[j] = {4}(x[{5} + i + j]); {1}.write(w); }}\n",
                        gen.WordType(t), gen.in_vars[i], n, ws, tn, off);
    } else {
      tb << fmt::format("        static {} {}[{}];\n        for (int i = 0; i < {}; i++) {}[i] = x[{} + i];\n", tn, gen.in_vars[i], n, n, gen.in_vars[i], off);
    }
    off += n;
  }
  for (size_t i = 0; i < gen.g.outputs.size(); ++i) {
    const auto& t = gen.g.outputs[i];
    if (stream) tb << fmt::format("        hls::stream<{}> {}(\"{}\");\n", gen.WordType(t), gen.out_vars[i], gen.out_vars[i]);
    else tb << fmt::format("        static {} {}[{}];\n", gen.tensor_tname[t], gen.out_vars[i], gen.tensor_size[t]);
  }
  std::string call_args;
  for (auto& v : gen.in_vars) call_args += (call_args.empty() ? "" : ", ") + v;
  for (auto& v : gen.out_vars) call_args += ", " + v;
  tb << fmt::format("        {}({});\n", top, call_args);
  for (size_t i = 0; i < gen.g.outputs.size(); ++i) {
    const auto& t = gen.g.outputs[i];
    const auto& v = gen.out_vars[i];
    if (stream) {
      tb << fmt::format("        for (int i = 0; i < {0}; i += {1}) {{ {2} w = {3}.read(); for (int j = 0; j < {1}; j++) {{ double y = w[j].to_double(); std::fprintf(fout, \"%s%.17g\", ({4} > 0 || i + j > 0) ? \" \" : \"\", y); }} }}\n",
                        gen.tensor_size[t], gen.WordSize(t), gen.WordType(t), v, i);
    } else {
      tb << fmt::format("        for (int i = 0; i < {}; i++) {{ double y = {}[i].to_double(); std::fprintf(fout, \"%s%.17g\", ({} > 0 || i > 0) ? \" \" : \"\", y); }}\n",
                        gen.tensor_size[t], v, i);
    }
  }
  tb << "        std::fprintf(fout, \"\\n\");\n        rows++;\n    }\n" << detail::TraceTbEnd() << "    std::fclose(fout);\n    std::printf(\"hlsforge csim: %ld samples\\n\", rows);\n    return 0;\n}\n";
  tb << ns_close;
  tb << "\n#ifndef HLSFORGE_TB_NO_MAIN\nint main(int argc, char** argv) {\n";
  tb << "    const char* in_path = argc > 1 ? argv[1] : \"tb_data/tb_input_features.dat\";\n";
  tb << "    const char* out_path = argc > 2 ? argv[2] : \"tb_data/csim_results.log\";\n";
  tb << fmt::format("    return {}hlsforge_tb_run(in_path, out_path, {});\n}}\n#endif\n", ns.empty() ? "" : ns + "::",
                    detail::TraceTbMainArg());
  WriteFile(dir / (top + "_test.cpp"), tb.str());

  // build_prj.tcl
  std::ostringstream tcl;
  tcl << "# Generated by hlsforge. Vitis HLS:  vitis-run --mode hls --tcl build_prj.tcl\n";
  tcl << "#                      Vivado HLS:  vivado_hls -f build_prj.tcl\n";
  tcl << "# Runs C simulation (csim), synthesis (csynth) and optionally co-simulation / export.\n";
  tcl << "array set opt {csim 1 synth 1 cosim 0 export 0}\n";
  tcl << "foreach arg $::argv { foreach o [array names opt] { if {[regexp \"^$o=(.*)\" $arg -> v]} { set opt($o) $v } } }\n";
  tcl << fmt::format("open_project -reset {}_prj\nset_top {}\n", top, top);
  tcl << fmt::format("add_files firmware/{}.cpp -cflags \"-std=c++14\"\n", top);
  tcl << fmt::format("add_files -tb {}_test.cpp -cflags \"-std=c++14 -DHLSFORGE_WEIGHTS_FROM_TXT\"\nadd_files -tb firmware/weights\nadd_files -tb tb_data\n", top);
  tcl << "open_solution -reset \"solution1\"";
  tcl << (opt.backend == "vitis" ? " -flow_target vivado\n" : "\n");
  tcl << fmt::format("set_part {{{}}}\ncreate_clock -period {} -name default\n", opt.part, opt.clock_period_ns);
  tcl << "if {$opt(csim)} { csim_design }\nif {$opt(synth)} { csynth_design }\n";
  tcl << "if {$opt(cosim)} { cosim_design }\nif {$opt(export)} { export_design -format ip_catalog }\nexit\n";
  WriteFile(dir / "build_prj.tcl", tcl.str());

  // config + README + manifest
  WriteFile(dir / "hlsforge_config.yml", opt.config_yaml.empty() ? std::string("# default configuration (no config file given)\n") : opt.config_yaml);
  std::ostringstream r;
  r << "# " << top << " — HLS project generated by hlsforge\n\n";
  r << "Model: `" << src << "`, backend " << opt.backend << ", part " << opt.part << ", clock " << opt.clock_period_ns << " ns, "
    << (stream ? "io_stream" : "io_parallel") << ".\n\n";
  r << "| path | content |\n|---|---|\n";
  r << "| `firmware/" << top << ".cpp` | top function (one block per model layer, named in a comment) |\n";
  r << "| `firmware/defines.h` | every type |\n| `firmware/parameters.h` | per-layer configuration structs |\n";
  r << "| `firmware/weights/` | weights as headers and as `.txt` (loaded by the C simulation when `HLSFORGE_WEIGHTS_FROM_TXT` is defined) |\n";
  r << "| `firmware/nnet_utils/` | hlsforge's HLS kernel library (namespace `nnet`) |\n";
  r << "| `" << top << "_test.cpp` | testbench: `tb_data/tb_input_features.dat` -> `tb_data/csim_results.log` |\n";
  r << "| `sim_include/` | hlsforge's simulation headers (`ap_fixed.h`, ...) for g++ only; the vendor tools use their own |\n";
  r << "| `build_prj.tcl` | `vitis-run --mode hls --tcl build_prj.tcl` (Vitis HLS) or `vivado_hls -f build_prj.tcl` |\n";
  r << "| `hlsforge_config.yml` | the configuration used |\n\n";
  r << "C simulation with g++: `hlsforge csim . -i inputs.npy`.\n";
  WriteFile(dir / "README.md", r.str());

  nlohmann::json m;
  m["top"] = top;
  m["io_type"] = stream ? "io_stream" : "io_parallel";
  m["model"] = src;
  m["total_params"] = gen.total_params;
  m["weights_from_txt"] = gen.total_params > opt.weights_txt_threshold;
  m["namespace"] = opt.cpp_namespace;
  nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
  for (auto& t : gen.g.inputs) ins.push_back({{"name", t}, {"size", gen.tensor_size[t]}, {"type", gen.g.tensor(t).type->ToString()}});
  for (auto& t : gen.g.outputs) outs.push_back({{"name", t}, {"size", gen.tensor_size[t]}, {"type", gen.g.tensor(t).type->ToString()}});
  m["inputs"] = ins;
  m["outputs"] = outs;
  nlohmann::json trace = nlohmann::json::array();  // layers recorded by a traced C simulation
  for (size_t li = 0; li < gen.g.layers.size(); ++li) {
    const Layer& l = gen.g.layers[li];
    const std::string& t = l.kind == LayerKind::Input && l.output.empty() ? gen.g.inputs.at(0) : l.output;
    trace.push_back(detail::TraceManifestEntry(l.name, static_cast<int>(li), gen.g.tensor(t).shape));
  }
  m["trace"] = trace;
  WriteFile(dir / "hlsforge_project.json", Json(m));
}

}  // namespace

std::vector<int> ValidDenseReuseFactors(int n_in, int n_out) {
  std::vector<int> v;
  const int64_t n = static_cast<int64_t>(n_in) * n_out;
  for (int64_t rf = 1; rf <= n; ++rf) {
    if (n % rf != 0) continue;
    const int64_t mult = std::min<int64_t>(n_in, rf);
    const int64_t limit = (n + mult - 1) / mult;
    bool ok = (limit % n_out == 0) || rf >= n_in;
    ok = ok && ((rf % n_in == 0) || rf < n_in);
    if (ok) v.push_back(static_cast<int>(rf));
  }
  return v;
}

int ClosestReuseFactor(const std::vector<int>& valid, int chosen) {
  if (valid.empty()) return chosen;
  auto it = std::lower_bound(valid.begin(), valid.end(), chosen);
  if (it == valid.begin()) return valid.front();
  if (it == valid.end()) return valid.back();
  const int after = *it, before = *(it - 1);
  return (after - chosen < chosen - before) ? after : before;
}

Status CheckHlsGraph(const ir::Graph& g) {
  return CatchStatus([&] {
    HlsOptions o;
    o.warn = [](const std::string&) {};
    Gen gen(g, o);
    gen.Run();
  });
}

Status WriteHlsProject(const ir::Graph& g, const HlsOptions& opt, const std::string& out_dir) {
  return CatchStatus([&] {
    if (opt.backend != "vitis" && opt.backend != "vivado")
      Fail(fmt::format("unknown backend '{}' (expected vitis or vivado)", opt.backend));
    if (opt.project_name.empty() || !(std::isalpha(static_cast<unsigned char>(opt.project_name[0])) || opt.project_name[0] == '_') ||
        Sanitize(opt.project_name) != opt.project_name)
      Fail(fmt::format("project name '{}' is not a C identifier", opt.project_name));
    if (!opt.cpp_namespace.empty() && (std::isdigit(static_cast<unsigned char>(opt.cpp_namespace[0])) || Sanitize(opt.cpp_namespace) != opt.cpp_namespace))
      Fail(fmt::format("namespace '{}' is not a C identifier", opt.cpp_namespace));
    Gen gen(g, opt);
    gen.Run();
    fs::path dir = fs::absolute(fs::path(out_dir)).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    std::error_code ec;
    const bool exists = fs::exists(dir, ec);
    if (exists && !fs::is_directory(dir)) Fail(fmt::format("output '{}' exists and is not a directory", dir.string()));
    if (exists && !fs::is_empty(dir, ec) && !opt.force)
      Fail(fmt::format("output directory '{}' is not empty (use --force to replace it)", dir.string()));
    fs::path parent = dir.parent_path();
    fs::create_directories(parent, ec);
    if (ec) Fail(fmt::format("cannot create directory '{}': {}", parent.string(), ec.message()));
    std::random_device rd;
    fs::path tmp = parent / fmt::format(".{}.tmp-{:08x}", dir.filename().string(), rd());
    fs::create_directory(tmp, ec);
    if (ec) Fail(fmt::format("cannot create directory in '{}': {}", parent.string(), ec.message()));
    try {
      WriteProjectFiles(gen, opt, tmp);
    } catch (...) {
      fs::remove_all(tmp, ec);
      throw;
    }
    fs::path old;
    if (exists) {
      old = parent / fmt::format(".{}.old-{:08x}", dir.filename().string(), rd());
      fs::rename(dir, old, ec);
      if (ec) { std::error_code e2; fs::remove_all(tmp, e2); Fail(fmt::format("cannot replace '{}': {}", dir.string(), ec.message())); }
    }
    fs::rename(tmp, dir, ec);
    if (ec) {
      std::error_code e2;
      if (!old.empty()) fs::rename(old, dir, e2);
      fs::remove_all(tmp, e2);
      Fail(fmt::format("cannot create '{}': {}", dir.string(), ec.message()));
    }
    if (!old.empty()) fs::remove_all(old, ec);
  });
}

}  // namespace hlsforge::backends
