// The ONNX converter's shared machinery: attributes, tensors, QONNX clean-up
// names, graph inputs, layers and their aliases (see onnx_converter.h).
#include "onnx_converter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

namespace hlsforge::frontends::onnx_detail {

bool IsQonnxDomain(const std::string& d) {
  return d == "qonnx.custom_op.general" || d == "finn.custom_op.general" || d == "onnx.brevitas";
}
bool IsStdDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

bool IsQuantOp(const onnx::NodeProto& n) {
  return IsQonnxDomain(n.domain()) &&
         (n.op_type() == "Quant" || n.op_type() == "BipolarQuant" || n.op_type() == "Trunc");
}

Converter::Converter(const onnx::ModelProto& model, std::string path)
    : m_(model), gp_(model.graph()), path_(std::move(path)) {
  file_ = std::filesystem::path(path_).filename().string();
}

// ---------------------------------------------------------------- errors

std::string Converter::NodeLabel(int i) const {
  const auto& n = gp_.node(i);
  const std::string nm = n.name().empty() ? clean_[i] : n.name();
  return file_ + ": node \"" + nm + "\" (" + n.op_type() + ")";
}

void Converter::Fail(int i, const std::string& msg) const { throw Error(NodeLabel(i) + ": " + msg); }

// ---------------------------------------------------------------- attributes

const onnx::AttributeProto* Converter::FindAttr(int i, const std::string& name) const {
  for (const auto& a : gp_.node(i).attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t Converter::IntAttr(int i, const std::string& name, std::optional<int64_t> def) const {
  const auto* a = FindAttr(i, name);
  if (!a) {
    if (def) return *def;
    Fail(i, "attribute '" + name + "' missing");
  }
  if (a->type() != onnx::AttributeProto::INT) Fail(i, "attribute '" + name + "' must be an int");
  return a->i();
}

double Converter::FloatAttr(int i, const std::string& name, double def) const {
  const auto* a = FindAttr(i, name);
  if (!a) return def;
  if (a->type() != onnx::AttributeProto::FLOAT) Fail(i, "attribute '" + name + "' must be a float");
  if (!std::isfinite(a->f())) Fail(i, "attribute '" + name + "' is not finite");
  return a->f();
}

std::string Converter::StringAttr(int i, const std::string& name) const {
  const auto* a = FindAttr(i, name);
  if (!a) Fail(i, "attribute '" + name + "' missing");
  if (a->type() != onnx::AttributeProto::STRING) Fail(i, "attribute '" + name + "' must be a string");
  return a->s();
}

std::optional<std::vector<int64_t>> Converter::IntsAttr(int i, const std::string& name) const {
  const auto* a = FindAttr(i, name);
  if (!a) return std::nullopt;
  if (a->type() != onnx::AttributeProto::INTS) Fail(i, "attribute '" + name + "' must be a list of ints");
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

bool Converter::BoolAttr(int i, const std::string& name) const {
  const int64_t v = IntAttr(i, name);
  if (v != 0 && v != 1) Fail(i, "attribute '" + name + "' must be 0 or 1, got " + std::to_string(v));
  return v == 1;
}

// ---------------------------------------------------------------- tensors

const Const& Converter::C(int i, int k, const std::string& what) const {
  const auto& n = gp_.node(i);
  if (k >= n.input_size() || n.input(k).empty()) Fail(i, "input " + std::to_string(k) + " (" + what + ") missing");
  auto it = consts_.find(n.input(k));
  if (it == consts_.end()) Fail(i, "input " + std::to_string(k) + " (" + what + ") must be a constant");
  return it->second;
}

const Act& Converter::A(int i, int k) const {
  const auto& n = gp_.node(i);
  if (k >= n.input_size() || n.input(k).empty()) Fail(i, "input " + std::to_string(k) + " missing");
  auto it = acts_.find(n.input(k));
  if (it == acts_.end()) Fail(i, "input '" + n.input(k) + "' is not defined before the node");
  return it->second;
}

bool Converter::HasInput(int i, int k) const {
  const auto& n = gp_.node(i);
  return k < n.input_size() && !n.input(k).empty();
}

int Converter::UseCount(const std::string& t) const {
  auto it = use_count_.find(t);
  return it == use_count_.end() ? 0 : it->second;
}

std::vector<int64_t> Converter::IrShape(const std::vector<int64_t>& s) {
  std::vector<int64_t> r(s.begin() + (s.empty() ? 0 : 1), s.end());
  if (r.size() >= 2) {
    int64_t spatial = 1;
    for (size_t k = 1; k < r.size(); ++k) spatial *= r[k];
    // [C,1,..] is a plain vector (erase, not resize(1): GCC 12 -Warray-bounds false positive)
    if (spatial == 1) r.erase(r.begin() + 1, r.end());
    else std::rotate(r.begin(), r.begin() + 1, r.end());
  }
  if (r.empty()) r.push_back(1);
  return r;
}

std::vector<int64_t> Converter::ClShape(const std::vector<int64_t>& s) {
  std::vector<int64_t> r(s.begin() + (s.empty() ? 0 : 1), s.end());
  if (r.empty()) r.push_back(1);
  return r;
}

int64_t Converter::Channels(const Act& a) {
  if (a.cl && a.shape.size() >= 3) return a.shape.back();  // channels-last activation
  return a.shape.size() >= 2 ? a.shape[1] : 1;
}

bool Converter::IsCfImage(const Act& a) {
  if (a.shape.size() < 3 || a.cl || a.shape[1] <= 1) return false;
  int64_t spatial = 1;
  for (size_t k = 2; k < a.shape.size(); ++k) spatial *= a.shape[k];
  return spatial > 1;
}

std::vector<double> Converter::Expand(const std::vector<double>& v, int64_t ch) {
  if (static_cast<int64_t>(v.size()) == ch) return v;
  return std::vector<double>(static_cast<size_t>(ch), v.at(0));
}

ir::Param Converter::MakeParam(std::vector<int64_t> shape, std::vector<double> v, const std::optional<FixedType>& t) {
  ir::Param p;
  p.shape = std::move(shape);
  p.values = std::move(v);
  if (t) {
    p.type = *t;
    p.type_from_quantizer = true;
  }
  return p;
}

std::vector<int64_t> Converter::AxesOf(int i, int input_idx, const std::string& attr) const {
  if (auto a = IntsAttr(i, attr)) return *a;
  if (HasInput(i, input_idx)) {
    const Const& c = C(i, input_idx, "axes");
    std::vector<int64_t> r;
    for (double v : c.v) {
      if (!IsIntegerUpTo(v, 0x1p31)) Fail(i, "axes value " + std::to_string(v) + " is not an axis");
      r.push_back(static_cast<int64_t>(v));
    }
    return r;
  }
  return {};
}

std::vector<int64_t> Converter::ReshapeTarget(int i, const std::vector<int64_t>& in, const Const& s) const {
  std::vector<int64_t> out;
  int infer = -1;
  const bool allowzero = FindAttr(i, "allowzero") && IntAttr(i, "allowzero") == 1;
  int64_t known = 1;
  for (size_t k = 0; k < s.v.size(); ++k) {
    const double v = s.v[k];
    // an entry is an integer >= -1 whose product with the others stays an
    // element count (checked before it is converted or multiplied)
    if (!IsIntegerUpTo(v, 0x1p62) || v < -1) {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", v);
      Fail(i, std::string("invalid shape entry ") + text + " at axis " + std::to_string(k));
    }
    int64_t d = static_cast<int64_t>(v);
    if (d == 0 && !allowzero) {
      if (k >= in.size()) Fail(i, "shape entry 0 at axis " + std::to_string(k) + " has no input dimension");
      d = in[k];
    }
    if (d == -1) {
      if (infer >= 0) Fail(i, "shape has more than one -1");
      infer = static_cast<int>(k);
      out.push_back(-1);
      continue;
    }
    if (d < 0) Fail(i, "invalid shape entry " + std::to_string(d));
    if (d > 0 && known > (int64_t{1} << 62) / d)
      Fail(i, "shape entries multiply to more than 2^62 elements (cannot reshape " + ShapeStr(in) + ")");
    known *= d;
    out.push_back(d);
  }
  const int64_t total = NumElements(in);
  if (infer >= 0) {
    if (known == 0 || total % known) Fail(i, "cannot reshape " + ShapeStr(in) + " to " + ShapeStr(out));
    out[infer] = total / known;
  }
  if (NumElements(out) != total) Fail(i, "shape mismatch: cannot reshape " + ShapeStr(in) + " to " + ShapeStr(out));
  return out;
}

std::vector<double> Converter::PerChannel(int i, const Const& c, const Act& a, const std::string& what) const {
  const std::string where = NodeLabel(i) + ": " + what;
  if (BroadcastShape(c.shape, a.shape, where) != a.shape)
    Fail(i, what + " of shape " + ShapeStr(c.shape) + " does not broadcast to the input shape " + ShapeStr(a.shape));
  // Checked on the constant itself, never expanded to the activation's shape
  // (a 512x512x16 image would need 4M values per constant): c's shape
  // right-aligned to a's rank; an axis where c has extent 1 is broadcast.
  const size_t r = a.shape.size();
  if (c.v.size() != static_cast<size_t>(NumElements(c.shape))) Fail(i, what + ": malformed constant");
  std::vector<int64_t> cs(r, 1);
  for (size_t k = 0; k < c.shape.size(); ++k) cs[r - c.shape.size() + k] = c.shape[k];
  const int64_t ch = Channels(a);
  const size_t axis = a.cl && r >= 3 ? r - 1 : 1;
  const int64_t cch = r >= 2 ? cs[axis] : 1;  // 1 or ch
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < r; ++k) {
    if (r >= 2 && k < axis) outer *= cs[k];
    if (r < 2 || k > axis) inner *= cs[k];
  }
  std::vector<double> per(static_cast<size_t>(cch));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < cch; ++k)
      for (int64_t s = 0; s < inner; ++s) {
        const double v = c.v[static_cast<size_t>((o * cch + k) * inner + s)];
        if (o == 0 && s == 0) per[static_cast<size_t>(k)] = v;
        else if (v != per[static_cast<size_t>(k)])
          Fail(i, what + " varies within a channel (only per-channel constants are supported)");
      }
  if (cch == ch) return per;
  return std::vector<double>(static_cast<size_t>(ch), per.empty() ? 0.0 : per[0]);
}

void Converter::CheckNotChannelsFirstImage(int i, const Act& a) const {
  if (a.shape.size() >= 3 && !a.cl) {
    int64_t spatial = 1;
    for (size_t k = 2; k < a.shape.size(); ++k) spatial *= a.shape[k];
    if (a.shape[1] > 1 && spatial > 1)
      Fail(i, "reshaping a channels-first image tensor " + ShapeStr(a.shape) +
                  " is not supported (channels-last conversion)");
  }
}

// ---------------------------------------------------------------- layers

int Converter::AddLayer(int i, ir::LayerKind kind, const Act& in, const std::vector<int64_t>& out_shape,
                        const std::string& name, const std::string& out_name) {
  const auto& n = gp_.node(i);
  if (g_.tensors.count(out_name)) Fail(i, "tensor '" + out_name + "' defined twice");
  ir::Layer l;
  l.name = name;
  l.kind = kind;
  l.inputs = {in.ir};
  l.output = out_name;
  l.source_op = n.op_type();
  g_.tensors[out_name] = ir::Tensor{out_name, in.cl ? ClShape(out_shape) : IrShape(out_shape), std::nullopt};
  const int idx = static_cast<int>(g_.layers.size());
  acts_[out_name] = Act{out_name, out_shape, idx, in.cl};
  g_.layers.push_back(std::move(l));
  return idx;
}

int Converter::NodeLayer(int i, ir::LayerKind kind, const Act& in, const std::vector<int64_t>& out_shape) {
  const int idx = AddLayer(i, kind, in, out_shape, clean_[i], gp_.node(i).output(0));
  AddNodeAliases(idx, i);
  return idx;
}

/// Dense weight / bias, else "" (folded into other params, no precision of
/// its own: BatchNormalization, Mul/Add constants).
std::string Converter::ParamKeyOf(ir::LayerKind kind, int i, int j) const {
  const std::string& op = gp_.node(i).op_type();
  if (kind == ir::LayerKind::Activation && op == "PRelu") return j == 1 ? "param" : "";
  if (kind != ir::LayerKind::Dense) return "";
  if (op == "MatMul" || op == "Gemm") return j == 1 ? "weight" : (j == 2 && op == "Gemm" ? "bias" : "");
  if (op == "Add") return "bias";
  return "";
}

void Converter::AddNodeAliases(int layer, int i) {
  const auto& n = gp_.node(i);
  ir::Layer& L = g_.layers[layer];
  auto& al = L.aliases;
  al.push_back(clean_[i]);
  if (!n.name().empty()) al.push_back(n.name());
  if (!bias_clean_[i].empty()) al.push_back(bias_clean_[i]);
  for (int j = 0; j < n.input_size(); ++j) {
    const std::string key = ParamKeyOf(L.kind, i, j);
    if (j < static_cast<int>(pnames_[i].size()) && !pnames_[i][j].empty()) {
      al.push_back(pnames_[i][j]);
      L.alias_param.emplace(pnames_[i][j], key);
    }
    auto it = consts_.find(n.input(j));
    if (it != consts_.end()) {
      al.insert(al.end(), it->second.sources.begin(), it->second.sources.end());
      // Names of the nodes the constant was folded from (e.g. its QONNX Quant
      // "Quant_6") name the param; their own inputs ("Quant_6_param1", the
      // scale) have no precision of their own.
      for (const std::string& src : it->second.sources) {
        if (src.empty()) continue;
        const size_t p = src.rfind("_param");
        const bool other_param = p != std::string::npos && p + 6 < src.size() &&
                                 src.find_first_not_of("0123456789", p + 6) == std::string::npos;
        L.alias_param.emplace(src, other_param ? std::string() : key);
      }
    }
  }
}

void Converter::AliasTo(int i, const Act& in, const std::vector<int64_t>& shape) {
  acts_[gp_.node(i).output(0)] = Act{in.ir, shape, in.producer, in.cl};
  if (in.producer >= 0) AddNodeAliases(in.producer, i);
}

void Converter::FixSpatial(int idx, const std::vector<int64_t>& s, bool cl) {
  std::vector<int64_t> r = ClShape(s);
  if (!cl) std::rotate(r.begin(), r.begin() + 1, r.end());
  g_.tensors[g_.layers[idx].output].shape = r;
}

// ---------------------------------------------------------------- model setup

void Converter::ReadInitializers() {
  for (const auto& t : gp_.initializer()) {
    if (t.name().empty()) throw Error(file_ + ": initializer without a name");
    Const c = DecodeTensor(t, file_ + ": initializer '" + t.name() + "'");
    c.sources = {t.name()};
    consts_[t.name()] = std::move(c);
  }
}

// Constness, clean-up names and parameter names (see the file comment of
// onnx_converter.h).
void Converter::Precompute() {
  const int nn = gp_.node_size();
  std::set<std::string> cst;
  for (const auto& [k, v] : consts_) cst.insert(k);
  std::set<std::string> defined = cst;
  for (const auto& in : gp_.input()) defined.insert(in.name());
  std::map<std::string, int> producer;
  is_const_node_.assign(nn, false);
  std::vector<int> level(nn, 0);
  clean_.assign(nn, "");
  for (int i = 0; i < nn; ++i) {
    const auto& n = gp_.node(i);
    bool all_const = true;
    int lvl = 0;
    for (const auto& in : n.input()) {
      if (in.empty()) continue;
      if (!defined.count(in))
        throw Error(file_ + ": node \"" + (n.name().empty() ? n.op_type() : n.name()) + "\" (" + n.op_type() +
                    "): input '" + in + "' is not defined before the node");
      if (!cst.count(in)) all_const = false;
      auto p = producer.find(in);
      if (p != producer.end()) lvl = std::max(lvl, level[p->second] + 1);
    }
    level[i] = lvl;
    const bool c = n.op_type() == "Constant" || n.op_type() == "Shape" || (n.input_size() > 0 && all_const);
    is_const_node_[i] = c && (IsStdDomain(n.domain()) || IsQuantOp(n));
    for (const auto& o : n.output()) {
      if (o.empty()) continue;
      if (!defined.insert(o).second)
        throw Error(file_ + ": node \"" + n.name() + "\" (" + n.op_type() + "): tensor '" + o + "' is written twice");
      producer[o] = i;
      if (is_const_node_[i]) cst.insert(o);
    }
    for (const auto& in : n.input()) ++use_count_[in];
  }
  for (const auto& o : gp_.output()) ++use_count_[o.name()];
  // Level-wise topological order, ties by node index (QONNX SortGraph).
  std::vector<int> order(nn);
  for (int i = 0; i < nn; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return level[a] < level[b]; });
  std::map<std::string, int> counter;
  counted_.assign(nn, false);
  bias_clean_.assign(nn, "");
  pnames_.assign(nn, {});
  for (int i : order) {
    const auto& n = gp_.node(i);
    if (is_const_node_[i] && !IsQuantOp(n)) continue;  // folded away by the clean-up
    counted_[i] = true;
    if (n.op_type() == "Gemm") {
      clean_[i] = "MatMul_" + std::to_string(counter["MatMul"]++);
      if (n.input_size() > 2 && !n.input(2).empty()) bias_clean_[i] = "Add_" + std::to_string(counter["Add"]++);
    } else {
      clean_[i] = n.op_type() + "_" + std::to_string(counter[n.op_type()]++);
    }
  }
  // parameter names: initializer inputs of counted nodes, in input order
  for (int i = 0; i < nn; ++i) {
    if (!counted_[i]) {
      if (clean_[i].empty()) clean_[i] = gp_.node(i).name().empty() ? gp_.node(i).op_type() : gp_.node(i).name();
      continue;
    }
    const auto& n = gp_.node(i);
    pnames_[i].assign(n.input_size(), "");
    int k = 0;
    for (int j = 0; j < n.input_size(); ++j) {
      const std::string& in = n.input(j);
      if (in.empty() || !cst.count(in)) continue;
      auto p = producer.find(in);
      if (p != producer.end() && counted_[p->second]) continue;  // a surviving quantizer's output
      if (n.op_type() == "Gemm" && j == 2)
        pnames_[i][j] = bias_clean_[i] + "_param0";
      else if (n.op_type() == "Gemm" && j == 1)
        pnames_[i][j] = clean_[i] + "_param0";
      else
        pnames_[i][j] = clean_[i] + "_param" + std::to_string(k++);
    }
  }
}

void Converter::MakeInputs() {
  for (const auto& in : gp_.input()) {
    if (consts_.count(in.name())) continue;  // old exporters list initializers as inputs
    const std::string where = file_ + ": graph input '" + in.name() + "'";
    if (!in.type().has_tensor_type()) throw Error(where + ": not a tensor");
    const auto& tt = in.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::FLOAT && tt.elem_type() != onnx::TensorProto::DOUBLE)
      throw Error(where + ": element type " + std::to_string(tt.elem_type()) + " is not float");
    if (!tt.has_shape() || tt.shape().dim_size() < 2) throw Error(where + ": needs a shape [batch, ...] of rank >= 2");
    std::vector<int64_t> shape{1};
    for (int k = 1; k < tt.shape().dim_size(); ++k) {
      const auto& d = tt.shape().dim(k);
      if (!d.has_dim_value() || d.dim_value() <= 0) throw Error(where + ": dimension " + std::to_string(k) + " is unknown");
      if (d.dim_value() > (int64_t{1} << 24)) throw Error(where + ": dimension " + std::to_string(k) + " too large");
      shape.push_back(d.dim_value());
    }
    ir::Layer l;
    l.name = in.name();
    l.kind = ir::LayerKind::Input;
    l.output = in.name();
    l.source_op = "Input";
    g_.inputs.push_back(in.name());
    g_.tensors[in.name()] = ir::Tensor{in.name(), cl_model_ ? ClShape(shape) : IrShape(shape), std::nullopt};
    acts_[in.name()] = Act{in.name(), shape, static_cast<int>(g_.layers.size()), cl_model_};
    if (g_.inputs.size() == 1) g_.input_channels_first = IsCfImage(acts_[in.name()]);
    g_.layers.push_back(std::move(l));
  }
  if (g_.inputs.empty()) throw Error(file_ + ": graph has no (non-constant) input");
  if (g_.inputs.size() == 1 && g_.inputs[0] != "global_in") g_.layers[0].aliases.push_back("global_in");
}

}  // namespace hlsforge::frontends::onnx_detail
