// The HLS writer's emitter context (emitter.h): declarations, calls, io_stream
// processes and stream copies, shared by every kernel family.
#include "emitter.h"
#include "trace_hooks.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <set>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

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

const FixedType& TensorType(const Graph& g, const std::string& name, const Layer& l, const char* what) {
  const auto& t = g.tensor(name);
  if (!t.type) Fail(fmt::format("{}: precision of {} tensor '{}' is not resolved", LayerWhere(l), what, name));
  return *t.type;
}

/// ir::ResolvedType(l, s), failing (naming the layer and slot) when unresolved.
FixedType NeedType(const Layer& l, ir::Slot s) {
  std::optional<FixedType> t = ir::ResolvedType(l, s);
  if (!t) Fail(fmt::format("{}: precision '{}' is not resolved (run infer_precision)", LayerWhere(l), ir::SlotKey(s)));
  return *t;
}

const ir::Param& NeedParam(const Layer& l, ir::Slot s) {
  const ir::Param* p = l.param(s);
  if (!p) Fail(fmt::format("{}: parameter '{}' is missing", LayerWhere(l), ir::SlotKey(s)));
  if (!p->type) Fail(fmt::format("{}: precision of parameter '{}' is not resolved", LayerWhere(l), ir::SlotKey(s)));
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

std::vector<int64_t> QuantizeParam(const Layer& l, const ir::Param& p, const std::string& field) {
  const FixedType& t = *p.type;
  if (t.width() > 53)
    Fail(fmt::format("{}: parameter '{}' has precision {} wider than 53 bits, which cannot be "
                     "written exactly", LayerWhere(l), field, t.ToString()));
  std::vector<int64_t> w(p.values.size());
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = ir::ParamWord(p.values[i], t);
  return w;
}

Emitter::Emitter(const Graph& gr, const HlsOptions& o) : g(gr), opt(o), dialect(Dialect::Of(o.backend)) {
  io = o.io_type.value_or(gr.io_type);
  top = o.project_name;
  for (const Layer& l : g.layers)
    plans.push_back(l.plan && l.plan->io_type == io ? *l.plan : passes::PlanLayer(g, l, io));
  top_plan = gr.top_plan && io == gr.io_type ? *gr.top_plan : passes::PlanTop(g, io);
}

void Emitter::Warn(const std::string& m) {
  if (opt.warn) opt.warn(m);
  else std::cerr << "hlsforge: warning: " << m << "\n";
}

void Emitter::Typedef(const std::string& name, const FixedType& t, const std::string& comment) {
  if (t.family() != dialect.family)
    Fail(fmt::format("{} ({}): {} is not a type of the {} backend, whose types are {} (the model's type family "
                     "is chosen by the config key Model: {{Family: {}}})", name, comment, t.ToString(), opt.backend,
                     dialect.family == Family::AC ? "ac_fixed / ac_int" : "ap_fixed / ap_int",
                     dialect.family == Family::AC ? "ac" : "ap"));
  defines << "typedef " << t.ToString() << " " << name << ";  // " << comment << "\n";
}

std::string Emitter::AddWeights(const Layer& l, int idx, const std::string& prefix, const std::string& field,
                                const FixedType& t, std::vector<int64_t> words) {
  WeightArray w;
  w.var = fmt::format("{}{}", prefix, idx);
  w.type_name = fmt::format("{}{}_t", prefix == "w" ? "weight" : prefix == "b" ? "bias" : prefix == "s" ? "scale" : prefix == "a" ? "param" : "threshold_" + prefix, idx);
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

void Emitter::Run() {
  if (Status st = g.Validate(); !st.ok()) Fail(st.message());
  if (g.inputs.empty() || g.outputs.empty()) Fail("graph has no inputs or outputs");
  defines << "// Types of every tensor, accumulator, table and parameter.\n";
  for (const std::string& w : top_plan.warnings) Warn(w);
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

int64_t Emitter::WordSize(const std::string& tensor) const { return ir::StreamWordElements(g.tensor(tensor).shape); }

std::string Emitter::WordType(const std::string& tensor) {
  return fmt::format("nnet::array<{}, {}>", tensor_tname.at(tensor), WordSize(tensor));
}

/// How many times layers read tensor `t` (a Merge of x with itself reads it twice).
int Emitter::ReadCount(const std::string& t) const {
  int n = 0;
  for (const auto& l : g.layers)
    for (const auto& i : l.inputs) n += i == t;
  return n;
}

void Emitter::Clones(const std::string& t) {
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
    body << "    " << dialect.FifoVar(w, v) << "\n" << dialect.StreamDepth("    ", v, std::max<int64_t>(words, 1));
    fifo_depths.emplace_back(v, std::max<int64_t>(words, 1));
    copies[t].push_back(v);
  }
  for (int c = 0; c + 1 < k; ++c) {
    std::string second = copies[t][static_cast<size_t>(c) + 1];
    if (c + 2 < k) {  // a temporary that the next clone splits again
      second = fmt::format("{}_tmp{}", tensor_var.at(t), c + 1);
      body << "    " << dialect.FifoVar(w, second) << "\n";
    }
    body << fmt::format("    nnet::clone_stream<{}, {}>({}, {}, {});\n", w, words, src, copies[t][static_cast<size_t>(c)], second);
    src = second;
  }
  body << "\n";
}

std::string Emitter::InVar(const Layer& l, const std::string& t) {
  if (!tensor_var.count(t)) Fail(fmt::format("{}: input tensor '{}' is not produced before it", LayerWhere(l), t));
  auto it = copies.find(t);
  if (it == copies.end()) return tensor_var[t];
  size_t& u = copies_used[t];
  if (u >= it->second.size()) Fail(fmt::format("{}: internal error: no stream copy of '{}' left", LayerWhere(l), t));
  return it->second[u++];
}

IoNames Emitter::Declare(int idx, const Layer& l, const std::string& out_type_name, const FixedType& out_type) {
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
  if (plan->per_stream_word) {
    r.per_word = true;
    r.n_elem = plan->elements_per_call;
  }
  return r;
}

std::string Emitter::Comment(const Layer& l) {
  std::string s = fmt::format("// layer '{}' ({}", l.name, ir::ToString(l.kind));
  if (!l.source_op.empty()) s += ", from " + l.source_op;
  if (!l.aliases.empty()) {
    s += "; source nodes:";
    for (auto& a : l.aliases) s += " " + a;
  }
  return s + ")";
}

bool Emitter::IsOutput(const Layer& l) const {
  return std::find(g.outputs.begin(), g.outputs.end(), l.output) != g.outputs.end();
}

// Emits the call `call` computing io.out from io.in (and io.in2). io_stream:
// the layer becomes a DATAFLOW process that buffers its input words in an
// array and runs the io_parallel kernel (layers without a streaming kernel).
void Emitter::EmitCall(const Layer& l, const IoNames& n, const std::string& call) {
  if (io == ir::IOType::Parallel) {
    body << "    " << Comment(l) << "\n";
    if (!IsOutput(l)) {
      body << fmt::format("    NNET_CSIM_STATIC {} {}[{}];\n", n.out_t, n.out, n.n_out);
      body << dialect.Partition("    ", n.out);
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
    stream_fns << dialect.ProcessDecl();
    stream_fns << fmt::format("static void {}({}& in_s, {}& out_s) {{\n", fn, dialect.Fifo(n.in_w), dialect.Fifo(n.out_w));
    stream_fns << dialect.ProcessBody("    ") << dialect.LoopPipelineBefore("    ");
    stream_fns << fmt::format("    for (unsigned w = 0; w < {}; w++) {{\n", n.n_in / n.n_elem) << dialect.LoopPipelineInside("        ");
    stream_fns << fmt::format("        {} {}[{}];\n", n.in_t, n.in, n.n_elem) << dialect.Partition("        ", n.in);
    stream_fns << fmt::format("        {} {}[{}];\n", n.out_t, n.out, n.n_elem) << dialect.Partition("        ", n.out);
    stream_fns << fmt::format("        nnet::stream_to_array<{}, {}>(in_s, {});\n", n.in_w, n.n_elem, n.in);
    stream_fns << "        " << call << "\n";
    stream_fns << fmt::format("        nnet::array_to_stream<{}, {}>({}, out_s);\n    }}\n}}\n\n", n.out_w, n.n_elem, n.out);
    EmitStreamProcess(l, n, fmt::format("{}({}, {});", fn, n.in, n.out));
    return;
  }
  stream_fns << Comment(l) << "\n";
  stream_fns << dialect.ProcessDecl();
  stream_fns << fmt::format("static void {}({}& in_s, {}{}& out_s) {{\n", fn, dialect.Fifo(n.in_w),
                            two ? fmt::format("{}& in2_s, ", dialect.Fifo(n.in2_w)) : "", dialect.Fifo(n.out_w));
  stream_fns << dialect.ProcessBody("    ");
  auto buffer = [&](const std::string& t, const std::string& v, int64_t size, const std::string& w, const std::string& s) {
    stream_fns << fmt::format("    NNET_CSIM_STATIC {} {}[{}];\n", t, v, size) << dialect.Partition("    ", v);
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
void Emitter::EmitStreamProcess(const Layer& l, const IoNames& n, const std::string& call) {
  body << "    " << Comment(l) << "\n";
  if (!IsOutput(l)) {
    const int64_t depth = std::max<int64_t>(n.n_out / WordSize(l.output), 1);
    body << "    " << dialect.FifoVar(n.out_w, n.out) << "\n" << dialect.StreamDepth("    ", n.out, depth);
    fifo_depths.emplace_back(n.out, depth);
  }
  body << "    " << call << "\n\n";
  TraceLayer(l);
  Clones(l.output);
}

// C simulation only: records the layer's output (trace_hooks.h) before its
// stream copies (if any) are taken.
void Emitter::TraceLayer(const Layer& l) {
  const std::string& t = TracedTensor(g, l);
  const int id = static_cast<int>(&l - g.layers.data());
  if (io == ir::IOType::Parallel)
    body << TraceArrayHook(l.name, id, tensor_tname.at(t), tensor_size.at(t), tensor_var.at(t));
  else
    body << TraceStreamHook(l.name, id, WordType(t), tensor_size.at(t) / WordSize(t), tensor_var.at(t));
}

void Emitter::Layer_(int idx, const Layer& l) {
  plan = &plans[static_cast<size_t>(idx)];
  for (const std::string& w : plan->warnings) Warn(w);
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

std::string Emitter::ResultTypeName(int idx, const Layer& l) {
  for (size_t i = 0; i < g.outputs.size(); ++i)
    if (g.outputs[i] == l.output) return i == 0 ? "result_t" : fmt::format("result{}_t", i + 1);
  return fmt::format("layer{}_t", idx);
}

}  // namespace hlsforge::backends::detail
