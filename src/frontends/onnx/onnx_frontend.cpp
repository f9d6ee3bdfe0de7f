// ONNX / QONNX frontend: ModelProto -> ir::Graph.
//
// Conversion runs in one pass over the nodes (ONNX guarantees topological
// order), with two kinds of tensors:
//  * constants (initializers, Constant nodes and everything computed only
//    from constants, including Shape of an activation of static shape):
//    folded here; QONNX quantizers on constants quantize the values and
//    record the exact fixed-point type;
//  * activations: every node on them becomes an ir::Layer (or an alias of
//    its input for Identity/Dropout/Squeeze/Unsqueeze).
//
// Naming: hls4ml converts the model after QONNX's clean-up, which renames
// every node "<OpType>_<k>" (per op type, in the order of a level-wise
// topological sort), every initializer input "<node>_param<k>" and the graph
// input "global_in"; Gemm becomes MatMul + Add first. Layers are named with
// these clean names (identical to the node names for an already clean
// model); the original node names, the merged nodes' names, their constants'
// names and hls4ml's "Dense_<MatMul>" are kept as aliases.
#include "hlsforge/frontends/onnx_frontend.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "onnx_const.h"
#include "onnx_conv.h"

namespace hlsforge::frontends {
namespace {

using namespace onnx_detail;

bool IsQonnxDomain(const std::string& d) {
  return d == "qonnx.custom_op.general" || d == "finn.custom_op.general" || d == "onnx.brevitas";
}
bool IsStdDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

bool IsQuantOp(const onnx::NodeProto& n) {
  return IsQonnxDomain(n.domain()) &&
         (n.op_type() == "Quant" || n.op_type() == "BipolarQuant" || n.op_type() == "Trunc");
}

/// An activation tensor during conversion.
struct Act {
  std::string ir;               ///< IR tensor carrying it (differs for aliases)
  std::vector<int64_t> shape;   ///< ONNX shape, batch dimension = 1
  int producer = -1;            ///< index into Graph::layers
  bool cl = false;              ///< shape is channels-last [1, (H,) W, C] (IR shape = shape minus batch)
};

class Converter {
 public:
  Converter(const onnx::ModelProto& model, std::string path)
      : m_(model), gp_(model.graph()), path_(std::move(path)) {
    file_ = std::filesystem::path(path_).filename().string();
  }

  // ------------------------------------------------------------ convolutional ops (issue 6)
  static constexpr const char* kChannelsLastDomain = "qonnx.custom_op.channels_last";
  bool cl_model_ = false;  ///< QONNX channels-last model: every activation shape is channels-last
  static std::vector<int64_t> ClShape(const std::vector<int64_t>& s) {
    std::vector<int64_t> r(s.begin() + (s.empty() ? 0 : 1), s.end());
    if (r.empty()) r.push_back(1);
    return r;
  }
  /// Conv, pooling, Pad, Resize/Upsample, Concat and Add/Sub/Mul/Max/Min of
  /// two activations (onnx_conv.h). Returns false for other ops.
  bool ConvOp(int i) {
    const auto& n = gp_.node(i);
    const std::string& op = n.op_type();
    const std::string where = NodeLabel(i);
    auto shape_of = [&](const Act& a, const std::vector<int64_t>& s) { return a.cl ? ClShape(s) : IrShape(s); };
    if (op == "Conv") {
      const Act in = A(i, 0);
      const Const& w = C(i, 1, "W");
      auto r = onnx_detail::ConvertConv(n, where, in.shape, in.cl, w.shape, w.v);
      const int idx = NodeLayer(i, ir::LayerKind::Conv, in, r.out_shape);
      FixSpatial(idx, r.out_shape, in.cl);
      ir::Layer& l = g_.layers[idx];
      l.conv = r.attrs;
      l.params["weight"] = MakeParam(r.weight_shape, r.weight, w.type);
      if (!pnames_[i].empty() && !pnames_[i][1].empty()) l.alias_param[pnames_[i][1]] = "weight";
      for (const auto& src : w.sources) l.alias_param[src] = "weight";
      if (HasInput(i, 2)) {
        const Const& b = C(i, 2, "B");
        if (NumElements(b.shape) != r.out_shape[in.cl ? r.out_shape.size() - 1 : 1])
          Fail(i, "bias has " + std::to_string(NumElements(b.shape)) + " values");
        l.params["bias"] = MakeParam({NumElements(b.shape)}, b.v, b.type);
        if (pnames_[i].size() > 2 && !pnames_[i][2].empty()) l.alias_param[pnames_[i][2]] = "bias";
        for (const auto& src : b.sources) l.alias_param[src] = "bias";
      }
      return true;
    }
    if (op == "MaxPool" || op == "AveragePool" || op == "GlobalMaxPool" || op == "GlobalAveragePool") {
      const Act in = A(i, 0);
      auto r = onnx_detail::ConvertPool(n, where, in.shape, in.cl);
      const int idx = NodeLayer(i, ir::LayerKind::Pooling, in, r.out_shape);
      if (!r.attrs.global) FixSpatial(idx, r.out_shape, in.cl);
      else g_.tensors[g_.layers[idx].output].shape = {r.out_shape[in.cl ? r.out_shape.size() - 1 : 1]};
      g_.layers[idx].pool = r.attrs;
      return true;
    }
    if (op == "Pad") {
      const Act in = A(i, 0);
      std::vector<double> pads;
      double value = 0;
      if (HasInput(i, 1)) pads = C(i, 1, "pads").v;
      else if (auto p = IntsAttr(i, "pads")) pads.assign(p->begin(), p->end());
      if (HasInput(i, 2)) value = C(i, 2, "constant_value").v.at(0);
      else if (FindAttr(i, "value")) value = FloatAttr(i, "value", 0.0);
      if (HasInput(i, 3)) Fail(i, "the 'axes' input is not supported");
      auto r = onnx_detail::ConvertPad(n, where, in.shape, in.cl, pads, value);
      const int idx = NodeLayer(i, r.kind, in, r.out_shape);
      FixSpatial(idx, r.out_shape, in.cl);
      g_.layers[idx].resize = r.attrs;
      return true;
    }
    if (op == "Resize" || op == "Upsample") {
      const Act in = A(i, 0);
      std::vector<double> scales, sizes;
      if (op == "Upsample") {
        if (HasInput(i, 1)) scales = C(i, 1, "scales").v;
        else if (const auto* a = FindAttr(i, "scales")) scales.assign(a->floats().begin(), a->floats().end());
      } else {
        if (HasInput(i, 2)) scales = C(i, 2, "scales").v;
        if (HasInput(i, 3)) sizes = C(i, 3, "sizes").v;
      }
      auto r = onnx_detail::ConvertResize(n, where, in.shape, in.cl, scales, sizes);
      const int idx = NodeLayer(i, ir::LayerKind::UpSampling, in, r.out_shape);
      FixSpatial(idx, r.out_shape, in.cl);
      g_.layers[idx].resize = r.attrs;
      return true;
    }
    const bool two_acts = n.input_size() == 2 && acts_.count(n.input(0)) && acts_.count(n.input(1));
    if (op == "Concat" || (two_acts && (op == "Add" || op == "Sub" || op == "Mul" || op == "Max" || op == "Min"))) {
      if (!two_acts) Fail(i, "only " + op + " of exactly two activations is supported");
      const Act a = A(i, 0), b = A(i, 1);
      if (a.cl != b.cl) Fail(i, "inputs in different layouts");
      ir::MergeAttrs m;
      std::vector<int64_t> out = a.shape;
      if (op == "Concat") {
        m.op = ir::MergeOp::Concatenate;
        const int64_t ax = IntAttr(i, "axis");
        m.axis = onnx_detail::IrAxis(ax, a.shape.size(), a.cl, where);
        if (a.shape.size() != b.shape.size()) Fail(i, "inputs of different ranks");
        const size_t oa = static_cast<size_t>(ax < 0 ? ax + static_cast<int64_t>(a.shape.size()) : ax);
        out[oa] += b.shape[oa];
      } else {
        if (a.shape != b.shape)
          Fail(i, "inputs of shapes " + ShapeStr(a.shape) + " and " + ShapeStr(b.shape) + " (broadcasting two activations is not supported)");
        m.op = op == "Add" ? ir::MergeOp::Add : op == "Sub" ? ir::MergeOp::Subtract : op == "Mul" ? ir::MergeOp::Multiply
             : op == "Max" ? ir::MergeOp::Maximum : ir::MergeOp::Minimum;
      }
      const int idx = NodeLayer(i, ir::LayerKind::Merge, a, out);
      g_.layers[idx].inputs.push_back(b.ir);
      g_.layers[idx].merge = m;
      (void)shape_of;
      return true;
    }
    return false;
  }
  /// Transposes between channels-last and channels-first at the model
  /// boundary (Keras exports: NHWC input -> Transpose -> Conv ... -> Transpose
  /// -> Flatten). The IR is channels-last everywhere, so such a Transpose
  /// moves no data: it relabels the activation's layout.
  /// IR shape [(H,) W, C] of an image output, even when (H,) W are 1.
  void FixSpatial(int idx, const std::vector<int64_t>& s, bool cl) {
    std::vector<int64_t> r = ClShape(s);
    if (!cl) std::rotate(r.begin(), r.begin() + 1, r.end());
    g_.tensors[g_.layers[idx].output].shape = r;
  }
  bool BoundaryTranspose(int i) {
    const Act& a = A(i, 0);
    auto perm = IntsAttr(i, "perm");
    const size_t r = a.shape.size();
    if (!perm || r < 3 || perm->size() != r) return false;
    std::vector<int64_t> to_cf{0, static_cast<int64_t>(r) - 1}, to_cl{0};
    for (size_t k = 1; k + 1 < r; ++k) to_cf.push_back(static_cast<int64_t>(k));
    for (size_t k = 2; k < r; ++k) to_cl.push_back(static_cast<int64_t>(k));
    to_cl.push_back(1);
    std::vector<int64_t> out(r);
    for (size_t k = 0; k < r; ++k) out[k] = a.shape[(*perm)[k]];
    const auto& n = gp_.node(i);
    if (*perm == to_cf) {
      // the input's flat data is channels-last: its IR tensor is [(H,) W, C]
      if (!a.cl) {
        auto consumers = use_count_[n.input(0)];
        if (consumers != 1) Fail(i, "channels-last to channels-first Transpose of a tensor with other consumers");
        g_.tensors[a.ir].shape = ClShape(a.shape);
      }
      acts_[n.output(0)] = Act{a.ir, out, a.producer, false};
      if (a.producer >= 0) AddNodeAliases(a.producer, i);
      return true;
    }
    if (*perm == to_cl && !a.cl) {
      acts_[n.output(0)] = Act{a.ir, out, a.producer, true};
      if (a.producer >= 0) AddNodeAliases(a.producer, i);
      return true;
    }
    return false;
  }

  ir::Graph Run() {
    g_.name = std::filesystem::path(path_).stem().string();
    g_.source_path = path_;
    opset_ = 13;
    for (const auto& o : m_.opset_import())
      if (IsStdDomain(o.domain())) opset_ = static_cast<int>(o.version());
    ReadInitializers();
    for (const auto& nd : gp_.node()) cl_model_ |= nd.domain() == kChannelsLastDomain;
    Precompute();
    MakeInputs();
    for (int i = 0; i < gp_.node_size(); ++i) Convert(i);
    for (const auto& o : gp_.output()) {
      if (consts_.count(o.name()))
        throw Error(file_ + ": graph output '" + o.name() + "' is a constant");
      auto it = acts_.find(o.name());
      if (it == acts_.end())
        throw Error(file_ + ": graph output '" + o.name() + "' is not produced by any node");
      g_.outputs.push_back(it->second.ir);
      if (g_.outputs.size() == 1) g_.output_channels_first = IsCfImage(it->second);
    }
    if (g_.outputs.empty()) throw Error(file_ + ": graph has no outputs");
    for (ir::Layer& l : g_.layers) {  // dedupe aliases, never alias the own name
      std::vector<std::string> uniq;
      std::set<std::string> seen{l.name};
      for (auto& a : l.aliases)
        if (!a.empty() && seen.insert(a).second) uniq.push_back(a);
      l.aliases = std::move(uniq);
    }
    return std::move(g_);
  }

 private:
  // ---------------------------------------------------------------- errors
  std::string NodeLabel(int i) const {
    const auto& n = gp_.node(i);
    const std::string nm = n.name().empty() ? clean_[i] : n.name();
    return file_ + ": node \"" + nm + "\" (" + n.op_type() + ")";
  }
  [[noreturn]] void Fail(int i, const std::string& msg) const { throw Error(NodeLabel(i) + ": " + msg); }

  // ------------------------------------------------------------ attributes
  const onnx::AttributeProto* FindAttr(int i, const std::string& name) const {
    for (const auto& a : gp_.node(i).attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  int64_t IntAttr(int i, const std::string& name, std::optional<int64_t> def = std::nullopt) const {
    const auto* a = FindAttr(i, name);
    if (!a) {
      if (def) return *def;
      Fail(i, "attribute '" + name + "' missing");
    }
    if (a->type() != onnx::AttributeProto::INT) Fail(i, "attribute '" + name + "' must be an int");
    return a->i();
  }
  double FloatAttr(int i, const std::string& name, double def) const {
    const auto* a = FindAttr(i, name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto::FLOAT) Fail(i, "attribute '" + name + "' must be a float");
    if (!std::isfinite(a->f())) Fail(i, "attribute '" + name + "' is not finite");
    return a->f();
  }
  std::string StringAttr(int i, const std::string& name) const {
    const auto* a = FindAttr(i, name);
    if (!a) Fail(i, "attribute '" + name + "' missing");
    if (a->type() != onnx::AttributeProto::STRING) Fail(i, "attribute '" + name + "' must be a string");
    return a->s();
  }
  std::optional<std::vector<int64_t>> IntsAttr(int i, const std::string& name) const {
    const auto* a = FindAttr(i, name);
    if (!a) return std::nullopt;
    if (a->type() != onnx::AttributeProto::INTS) Fail(i, "attribute '" + name + "' must be a list of ints");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }
  bool BoolAttr(int i, const std::string& name) const {
    const int64_t v = IntAttr(i, name);
    if (v != 0 && v != 1) Fail(i, "attribute '" + name + "' must be 0 or 1, got " + std::to_string(v));
    return v == 1;
  }

  // ------------------------------------------------------------ tensors
  bool IsConst(const std::string& t) const { return consts_.count(t) > 0; }
  const Const& C(int i, int k, const std::string& what) const {
    const auto& n = gp_.node(i);
    if (k >= n.input_size() || n.input(k).empty()) Fail(i, "input " + std::to_string(k) + " (" + what + ") missing");
    auto it = consts_.find(n.input(k));
    if (it == consts_.end()) Fail(i, "input " + std::to_string(k) + " (" + what + ") must be a constant");
    return it->second;
  }
  const Act& A(int i, int k) const {
    const auto& n = gp_.node(i);
    if (k >= n.input_size() || n.input(k).empty()) Fail(i, "input " + std::to_string(k) + " missing");
    auto it = acts_.find(n.input(k));
    if (it == acts_.end()) Fail(i, "input '" + n.input(k) + "' is not defined before the node");
    return it->second;
  }
  bool HasInput(int i, int k) const {
    const auto& n = gp_.node(i);
    return k < n.input_size() && !n.input(k).empty();
  }
  /// Per-sample IR shape: batch dropped, channels moved last for rank >= 3.
  static std::vector<int64_t> IrShape(const std::vector<int64_t>& s) {
    std::vector<int64_t> r(s.begin() + (s.empty() ? 0 : 1), s.end());
    if (r.size() >= 2) {
      int64_t spatial = 1;
      for (size_t k = 1; k < r.size(); ++k) spatial *= r[k];
      if (spatial == 1) r.resize(1);  // [C,1,..] is a plain vector
      else std::rotate(r.begin(), r.begin() + 1, r.end());
    }
    if (r.empty()) r.push_back(1);
    return r;
  }

  void ReadInitializers() {
    for (const auto& t : gp_.initializer()) {
      if (t.name().empty()) throw Error(file_ + ": initializer without a name");
      Const c = DecodeTensor(t, file_ + ": initializer '" + t.name() + "'");
      c.sources = {t.name()};
      consts_[t.name()] = std::move(c);
    }
  }

  // Constness, clean-up names and parameter names (see file comment).
  void Precompute() {
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
          throw Error(file_ + ": node \"" + (n.name().empty() ? n.op_type() : n.name()) + "\" (" +
                      n.op_type() + "): input '" + in + "' is not defined before the node");
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
          throw Error(file_ + ": node \"" + n.name() + "\" (" + n.op_type() + "): tensor '" + o +
                      "' is written twice");
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
        if (n.input_size() > 2 && !n.input(2).empty())
          bias_clean_[i] = "Add_" + std::to_string(counter["Add"]++);
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

  void MakeInputs() {
    for (const auto& in : gp_.input()) {
      if (consts_.count(in.name())) continue;  // old exporters list initializers as inputs
      const std::string where = file_ + ": graph input '" + in.name() + "'";
      if (!in.type().has_tensor_type()) throw Error(where + ": not a tensor");
      const auto& tt = in.type().tensor_type();
      if (tt.elem_type() != onnx::TensorProto::FLOAT && tt.elem_type() != onnx::TensorProto::DOUBLE)
        throw Error(where + ": element type " + std::to_string(tt.elem_type()) + " is not float");
      if (!tt.has_shape() || tt.shape().dim_size() < 2)
        throw Error(where + ": needs a shape [batch, ...] of rank >= 2");
      std::vector<int64_t> shape{1};
      for (int k = 1; k < tt.shape().dim_size(); ++k) {
        const auto& d = tt.shape().dim(k);
        if (!d.has_dim_value() || d.dim_value() <= 0)
          throw Error(where + ": dimension " + std::to_string(k) + " is unknown");
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

  // ------------------------------------------------------------ layers
  int AddLayer(int i, ir::LayerKind kind, const Act& in, const std::vector<int64_t>& out_shape,
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
  /// The standard layer of node i: clean name, original name and constant
  /// input names as aliases.
  int NodeLayer(int i, ir::LayerKind kind, const Act& in, const std::vector<int64_t>& out_shape) {
    const auto& n = gp_.node(i);
    const int idx = AddLayer(i, kind, in, out_shape, clean_[i], n.output(0));
    AddNodeAliases(idx, i);
    return idx;
  }
  /// Param key a constant input j of node i becomes in a layer of `kind`
  /// (ir::Layer::alias_param): Dense weight / bias, else "" (folded into other
  /// params, no precision of its own: BatchNormalization, Mul/Add constants).
  std::string ParamKeyOf(ir::LayerKind kind, int i, int j) const {
    if (kind != ir::LayerKind::Dense) return "";
    const std::string& op = gp_.node(i).op_type();
    if (op == "MatMul" || op == "Gemm") return j == 1 ? "weight" : (j == 2 && op == "Gemm" ? "bias" : "");
    if (op == "Add") return "bias";
    return "";
  }
  void AddNodeAliases(int layer, int i) {
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

  ir::Param MakeParam(std::vector<int64_t> shape, std::vector<double> v, const std::optional<FixedType>& t = {}) {
    ir::Param p;
    p.shape = std::move(shape);
    p.values = std::move(v);
    if (t) {
      p.type = *t;
      p.type_from_quantizer = true;
    }
    return p;
  }

  /// Channel count of an activation (ONNX axis 1; the last axis in IR layout).
  static int64_t Channels(const Act& a) {
    if (a.cl && a.shape.size() >= 3) return a.shape.back();  // channels-last activation (issue 6)
    return a.shape.size() >= 2 ? a.shape[1] : 1;
  }

  /// Values of constant `c`, broadcast against activation `a`, one per
  /// channel. Errors when `c` would enlarge the activation or varies along a
  /// non-channel axis.
  std::vector<double> PerChannel(int i, const Const& c, const Act& a, const std::string& what) {
    const std::string where = NodeLabel(i) + ": " + what;
    if (BroadcastShape(c.shape, a.shape, where) != a.shape)
      Fail(i, what + " of shape " + ShapeStr(c.shape) + " does not broadcast to the input shape " +
                  ShapeStr(a.shape));
    const std::vector<double> full = BroadcastTo(c, a.shape, where);
    const int64_t ch = Channels(a);
    if (a.cl && a.shape.size() >= 3) {  // channels-last: channel = innermost axis
      std::vector<double> out(full.begin(), full.begin() + ch);
      for (size_t q = 0; q < full.size(); ++q)
        if (full[q] != out[q % ch]) Fail(i, what + " varies within a channel (only per-channel constants are supported)");
      return out;
    }
    int64_t inner = 1;
    for (size_t k = 2; k < a.shape.size(); ++k) inner *= a.shape[k];
    std::vector<double> out(static_cast<size_t>(ch));
    for (int64_t k = 0; k < ch; ++k) {
      out[k] = full[static_cast<size_t>(k * inner)];
      for (int64_t s = 1; s < inner; ++s)
        if (full[static_cast<size_t>(k * inner + s)] != out[k])
          Fail(i, what + " varies within a channel (only per-channel constants are supported)");
    }
    return out;
  }

  void AliasTo(int i, const Act& in, const std::vector<int64_t>& shape) {
    const auto& n = gp_.node(i);
    acts_[n.output(0)] = Act{in.ir, shape, in.producer, in.cl};
    if (in.producer >= 0) AddNodeAliases(in.producer, i);
  }

  /// A channels-first image activation [1, C, (H,) W] with C > 1 and more than one pixel.
  static bool IsCfImage(const Act& a) {
    if (a.shape.size() < 3 || a.cl || a.shape[1] <= 1) return false;
    int64_t spatial = 1;
    for (size_t k = 2; k < a.shape.size(); ++k) spatial *= a.shape[k];
    return spatial > 1;
  }

  void CheckNotChannelsFirstImage(int i, const Act& a) {
    if (a.shape.size() >= 3 && !a.cl) {
      int64_t spatial = 1;
      for (size_t k = 2; k < a.shape.size(); ++k) spatial *= a.shape[k];
      if (a.shape[1] > 1 && spatial > 1)
        Fail(i, "reshaping a channels-first image tensor " + ShapeStr(a.shape) +
                    " is not supported (channels-last conversion, issue 6)");
    }
  }

  // ------------------------------------------------------------ dispatch
  void Convert(int i) {
    const auto& n = gp_.node(i);
    const std::string& op = n.op_type();
    if (!IsStdDomain(n.domain()) && !IsQonnxDomain(n.domain()) && n.domain() != kChannelsLastDomain)
      Fail(i, "unsupported op (domain '" + n.domain() + "')");
    if (IsQonnxDomain(n.domain()) && !IsQuantOp(n)) Fail(i, "unsupported op");
    if (n.output_size() < 1 || n.output(0).empty()) Fail(i, "node has no output");
    if (is_const_node_[i]) {
      Const c = Fold(i);
      c.sources.insert(c.sources.begin(), n.name());
      if (counted_[i]) {
        c.sources.push_back(clean_[i]);
        for (const auto& p : pnames_[i])
          if (!p.empty()) c.sources.push_back(p);
      }
      consts_[n.output(0)] = std::move(c);
      return;
    }
    if (ConvOp(i)) return;  // Conv, pooling, Pad, Resize, Concat, merges of two activations (issue 6)
    if (op == "Gemm") return Gemm(i);
    if (op == "MatMul") return MatMul(i);
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return Elementwise(i);
    if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "LeakyRelu") return Activation(i);
    if (op == "Softmax") return Softmax(i);
    if (op == "BatchNormalization") return BatchNorm(i);
    if (op == "Flatten" || op == "Reshape") return Reshape(i);
    if (op == "Identity" || op == "Dropout") return Identity(i);
    if (op == "Squeeze" || op == "Unsqueeze") return SqueezeAct(i);
    if (op == "Transpose") {
      if (BoundaryTranspose(i)) return;
      const Act& a = A(i, 0);
      auto perm = IntsAttr(i, "perm");
      bool identity = perm.has_value();
      if (perm)
        for (size_t k = 0; k < perm->size(); ++k) identity &= (*perm)[k] == static_cast<int64_t>(k);
      if (!identity) Fail(i, "unsupported op: Transpose of an activation");
      return AliasTo(i, a, a.shape);
    }
    if (op == "Quant") return QuantAct(i);
    if (op == "BipolarQuant") return BipolarAct(i);
    if (op == "Trunc") return TruncAct(i);
    Fail(i, "unsupported op");
  }

  // ------------------------------------------------------------ constant folding
  std::vector<int64_t> AxesOf(int i, int input_idx, const std::string& attr) {
    if (auto a = IntsAttr(i, attr)) return *a;
    if (HasInput(i, input_idx)) {
      const Const& c = C(i, input_idx, "axes");
      std::vector<int64_t> r;
      for (double v : c.v) r.push_back(static_cast<int64_t>(v));
      return r;
    }
    return {};
  }

  std::vector<int64_t> ReshapeTarget(int i, const std::vector<int64_t>& in, const Const& s) {
    std::vector<int64_t> out;
    int infer = -1;
    const bool allowzero = FindAttr(i, "allowzero") && IntAttr(i, "allowzero") == 1;
    int64_t known = 1;
    for (size_t k = 0; k < s.v.size(); ++k) {
      int64_t d = static_cast<int64_t>(s.v[k]);
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

  Const Fold(int i) {
    const auto& n = gp_.node(i);
    const std::string& op = n.op_type();
    const std::string where = NodeLabel(i);
    auto in = [&](int k) -> const Const& { return C(i, k, "input"); };
    auto unary = [&](auto fn) {
      Const c = in(0);
      for (double& x : c.v) x = fn(x);
      RoundToElementType(c);
      return c;
    };
    if (op == "Constant") {
      Const c;
      if (const auto* a = FindAttr(i, "value")) {
        c = DecodeTensor(a->t(), where + ": attribute 'value'");
      } else if (const auto* a = FindAttr(i, "value_float")) {
        c.v = {a->f()};
      } else if (const auto* a = FindAttr(i, "value_floats")) {
        c.v.assign(a->floats().begin(), a->floats().end());
        c.shape = {static_cast<int64_t>(c.v.size())};
      } else if (const auto* a = FindAttr(i, "value_int")) {
        c.v = {static_cast<double>(a->i())};
        c.is_int = true;
      } else if (const auto* a = FindAttr(i, "value_ints")) {
        for (auto x : a->ints()) c.v.push_back(static_cast<double>(x));
        c.shape = {static_cast<int64_t>(c.v.size())};
        c.is_int = true;
      } else {
        Fail(i, "attribute 'value' missing");
      }
      return c;
    }
    if (op == "Shape") {
      std::vector<int64_t> s;
      if (IsConst(n.input(0))) s = consts_.at(n.input(0)).shape;
      else s = A(i, 0).shape;
      int64_t r = static_cast<int64_t>(s.size());
      int64_t start = FindAttr(i, "start") ? IntAttr(i, "start") : 0;
      int64_t end = FindAttr(i, "end") ? IntAttr(i, "end") : r;
      if (start < 0) start += r;
      if (end < 0) end += r;
      start = std::clamp<int64_t>(start, 0, r);
      end = std::clamp<int64_t>(end, 0, r);
      Const c;
      c.is_int = true;
      for (int64_t k = start; k < end; ++k) c.v.push_back(static_cast<double>(s[k]));
      c.shape = {static_cast<int64_t>(c.v.size())};
      return c;
    }
    if (op == "Identity" || op == "Dropout") return in(0);
    if (op == "Cast") {
      Const c = in(0);
      const int64_t to = IntAttr(i, "to");
      const bool to_int = to != onnx::TensorProto::FLOAT && to != onnx::TensorProto::DOUBLE &&
                          to != onnx::TensorProto::FLOAT16;
      if (to_int)
        for (double& x : c.v) x = std::trunc(x);
      c.is_int = to_int;
      c.type.reset();
      RoundToElementType(c);
      return c;
    }
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow") {
      const Const& a = in(0);
      const Const& b = in(1);
      const bool ints = a.is_int && b.is_int;
      Const c = Binary(a, b, [&](double x, double y) -> double {
        if (op == "Add") return x + y;
        if (op == "Sub") return x - y;
        if (op == "Mul") return x * y;
        if (op == "Pow") return std::pow(x, y);
        if (y == 0) throw Error(where + ": division by zero in constant folding");
        return ints ? std::trunc(x / y) : x / y;
      }, where);
      RoundToElementType(c);
      return c;
    }
    if (op == "Sqrt") return unary([](double x) { return std::sqrt(x); });
    if (op == "Neg") return unary([](double x) { return -x; });
    if (op == "Abs") return unary([](double x) { return std::fabs(x); });
    if (op == "Reciprocal") return unary([](double x) { return 1.0 / x; });
    if (op == "Relu") return unary([](double x) { return x > 0 ? x : 0.0; });
    if (op == "Unsqueeze" || op == "Squeeze") {
      Const c = in(0);
      std::vector<int64_t> axes = AxesOf(i, 1, "axes");
      if (op == "Unsqueeze") {
        const int64_t r = static_cast<int64_t>(c.shape.size() + axes.size());
        for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
        std::sort(axes.begin(), axes.end());
        for (int64_t ax : axes) {
          if (ax < 0 || ax > static_cast<int64_t>(c.shape.size())) Fail(i, "axis out of range");
          c.shape.insert(c.shape.begin() + ax, 1);
        }
      } else {
        const int64_t r = static_cast<int64_t>(c.shape.size());
        std::vector<int64_t> s;
        for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
        for (int64_t k = 0; k < r; ++k) {
          const bool sq = axes.empty() ? c.shape[k] == 1
                                       : std::find(axes.begin(), axes.end(), k) != axes.end();
          if (sq && c.shape[k] != 1) Fail(i, "cannot squeeze axis " + std::to_string(k) + " of size " + std::to_string(c.shape[k]));
          if (!sq) s.push_back(c.shape[k]);
        }
        c.shape = s;
      }
      return c;
    }
    if (op == "Reshape") {
      Const c = in(0);
      c.shape = ReshapeTarget(i, c.shape, in(1));
      return c;
    }
    if (op == "Flatten") {
      Const c = in(0);
      int64_t ax = IntAttr(i, "axis", 1);
      const int64_t r = static_cast<int64_t>(c.shape.size());
      if (ax < 0) ax += r;
      if (ax < 0 || ax > r) Fail(i, "attribute 'axis' out of range");
      int64_t a = 1, b = 1;
      for (int64_t k = 0; k < r; ++k) (k < ax ? a : b) *= c.shape[k];
      c.shape = {a, b};
      return c;
    }
    if (op == "Transpose") {
      Const c = in(0);
      const size_t r = c.shape.size();
      std::vector<int64_t> perm(r);
      if (auto p = IntsAttr(i, "perm")) perm = *p;
      else
        for (size_t k = 0; k < r; ++k) perm[k] = static_cast<int64_t>(r - 1 - k);
      if (perm.size() != r) Fail(i, "attribute 'perm' has wrong length");
      std::vector<int64_t> ns(r), stride(r, 1);
      for (size_t k = r; k-- > 1;) stride[k - 1] = stride[k] * c.shape[k];
      for (size_t k = 0; k < r; ++k) {
        if (perm[k] < 0 || perm[k] >= static_cast<int64_t>(r)) Fail(i, "attribute 'perm' out of range");
        ns[k] = c.shape[perm[k]];
      }
      std::vector<double> out(c.v.size());
      std::vector<int64_t> idx(r, 0);
      for (size_t o = 0; o < out.size(); ++o) {
        int64_t off = 0;
        for (size_t k = 0; k < r; ++k) off += idx[k] * stride[perm[k]];
        out[o] = c.v[static_cast<size_t>(off)];
        for (size_t k = r; k-- > 0;) {
          if (++idx[k] < ns[k]) break;
          idx[k] = 0;
        }
      }
      c.v = std::move(out);
      c.shape = ns;
      return c;  // pure data movement: a quantizer's type stays valid
    }
    if (op == "Gather") {
      const Const& d = in(0);
      const Const& ix = in(1);
      const int64_t r = static_cast<int64_t>(d.shape.size());
      int64_t ax = IntAttr(i, "axis", 0);
      if (ax < 0) ax += r;
      if (ax < 0 || ax >= r) Fail(i, "attribute 'axis' out of range");
      int64_t outer = 1, inner = 1;
      for (int64_t k = 0; k < ax; ++k) outer *= d.shape[k];
      for (int64_t k = ax + 1; k < r; ++k) inner *= d.shape[k];
      const int64_t dim = d.shape[ax];
      Const c;
      c.is_int = d.is_int;
      c.sources = d.sources;
      for (int64_t k = 0; k < ax; ++k) c.shape.push_back(d.shape[k]);
      for (int64_t s : ix.shape) c.shape.push_back(s);
      for (int64_t k = ax + 1; k < r; ++k) c.shape.push_back(d.shape[k]);
      for (int64_t o = 0; o < outer; ++o)
        for (double iv : ix.v) {
          int64_t j = static_cast<int64_t>(iv);
          if (j < 0) j += dim;
          if (j < 0 || j >= dim) Fail(i, "index " + std::to_string(j) + " out of range");
          for (int64_t s = 0; s < inner; ++s) c.v.push_back(d.v[static_cast<size_t>((o * dim + j) * inner + s)]);
        }
      return c;
    }
    if (op == "Concat") {
      Const first = in(0);
      const int64_t r = static_cast<int64_t>(first.shape.size());
      int64_t ax = IntAttr(i, "axis");
      if (ax < 0) ax += r;
      if (ax < 0 || ax >= r) Fail(i, "attribute 'axis' out of range");
      std::vector<const Const*> parts;
      for (int k = 0; k < n.input_size(); ++k) parts.push_back(&C(i, k, "input"));
      int64_t outer = 1;
      for (int64_t k = 0; k < ax; ++k) outer *= first.shape[k];
      Const c;
      c.is_int = true;
      c.shape = first.shape;
      c.shape[ax] = 0;
      for (const Const* p : parts) {
        if (static_cast<int64_t>(p->shape.size()) != r) Fail(i, "inputs have different ranks");
        c.shape[ax] += p->shape[ax];
        c.is_int &= p->is_int;
        c.sources.insert(c.sources.end(), p->sources.begin(), p->sources.end());
      }
      for (int64_t o = 0; o < outer; ++o)
        for (const Const* p : parts) {
          const int64_t chunk = NumElements(p->shape) / std::max<int64_t>(outer, 1);
          for (int64_t s = 0; s < chunk; ++s) c.v.push_back(p->v[static_cast<size_t>(o * chunk + s)]);
        }
      return c;
    }
    if (op == "MatMul") {
      const Const& a = in(0);
      const Const& b = in(1);
      if (a.shape.size() != 2 || b.shape.size() != 2 || a.shape[1] != b.shape[0])
        Fail(i, "constant MatMul shapes " + ShapeStr(a.shape) + " x " + ShapeStr(b.shape) + " unsupported");
      Const c;
      c.shape = {a.shape[0], b.shape[1]};
      c.v.assign(static_cast<size_t>(a.shape[0] * b.shape[1]), 0.0);
      for (int64_t r = 0; r < a.shape[0]; ++r)
        for (int64_t k = 0; k < a.shape[1]; ++k)
          for (int64_t s = 0; s < b.shape[1]; ++s)
            c.v[r * b.shape[1] + s] += a.v[r * a.shape[1] + k] * b.v[k * b.shape[1] + s];
      c.sources = a.sources;
      c.sources.insert(c.sources.end(), b.sources.begin(), b.sources.end());
      RoundToElementType(c);
      return c;
    }
    if (op == "Quant") return FoldQuant(i);
    if (op == "BipolarQuant") {
      const Const& x = in(0);
      const Const& s = C(i, 1, "scale");
      Const c = Binary(x, s, [](double v, double sc) { return (v >= 0 ? 1.0 : -1.0) * sc; }, where);
      c.sources = x.sources;
      c.sources.insert(c.sources.end(), s.sources.begin(), s.sources.end());
      if (s.v.size() == 1) {
        if (auto e = PowerOfTwoExponent(s.v[0])) c.type = FixedType(2, *e + 2, true);
      }
      RoundToElementType(c);
      return c;
    }
    if (op == "Trunc") {
      QuantInputs q = ReadQuantInputs(i, /*trunc=*/true);
      const Const& x = in(0);
      Const c = x;
      c.type.reset();
      const std::vector<double> sc = BroadcastTo(q.scale_c, x.shape, where);
      const std::vector<double> zp = BroadcastTo(q.zp_c, x.shape, where);
      for (size_t k = 0; k < c.v.size(); ++k) {
        double y = std::nearbyint(c.v[k] / sc[k] + zp[k]);
        y = QonnxRound(y / std::ldexp(1.0, static_cast<int>(q.in_bits - q.bits)), q.mode);
        c.v[k] = (y - zp[k]) * sc[k];
      }
      RoundToElementType(c);
      return c;
    }
    Fail(i, "unsupported op in constant folding");
  }

  // ------------------------------------------------------------ QONNX quantizers
  struct QuantInputs {
    Const scale_c, zp_c;
    double bits = 0, in_bits = 0;
    bool is_signed = true, narrow = false;
    std::string mode;
  };
  QuantInputs ReadQuantInputs(int i, bool trunc) {
    QuantInputs q;
    q.scale_c = C(i, 1, "scale");
    q.zp_c = C(i, 2, "zero_point");
    const Const& bw = C(i, 3, trunc ? "in_bit_width" : "bit_width");
    for (double s : q.scale_c.v)
      if (!(s > 0) || !std::isfinite(s)) Fail(i, "input 'scale' must be positive, got " + std::to_string(s));
    auto one_int = [&](const Const& c, const std::string& what) {
      if (c.v.size() != 1) Fail(i, "input '" + what + "' must be a scalar, has shape " + ShapeStr(c.shape));
      const double b = c.v[0];
      if (b < 1 || b > 64 || b != std::floor(b))
        Fail(i, "input '" + what + "' must be an integer in 1..64, got " + std::to_string(b));
      return b;
    };
    if (trunc) {
      q.in_bits = one_int(bw, "in_bit_width");
      q.bits = one_int(C(i, 4, "out_bit_width"), "out_bit_width");
      if (q.bits > q.in_bits) Fail(i, "out_bit_width exceeds in_bit_width");
    } else {
      q.bits = one_int(bw, "bit_width");
      q.is_signed = BoolAttr(i, "signed");
      q.narrow = BoolAttr(i, "narrow");
    }
    q.mode = StringAttr(i, "rounding_mode");
    std::transform(q.mode.begin(), q.mode.end(), q.mode.begin(), [](unsigned char ch) { return std::toupper(ch); });
    const bool known = trunc ? (q.mode == "ROUND" || q.mode == "CEIL" || q.mode == "FLOOR") : IsKnownRoundingMode(q.mode);
    if (!known) Fail(i, "attribute 'rounding_mode' has unknown value '" + q.mode + "'");
    return q;
  }

  Const FoldQuant(int i) {
    const std::string where = NodeLabel(i);
    QuantInputs q = ReadQuantInputs(i, false);
    const Const& x = C(i, 0, "input");
    Const c = x;
    const std::vector<double> sc = BroadcastTo(q.scale_c, x.shape, where + ": input 'scale'");
    const std::vector<double> zp = BroadcastTo(q.zp_c, x.shape, where + ": input 'zero_point'");
    for (size_t k = 0; k < c.v.size(); ++k)
      c.v[k] = QuantValue(c.v[k], sc[k], zp[k], q.bits, q.is_signed, q.narrow, q.mode);
    RoundToElementType(c);
    c.type = QuantExactType(q.scale_c.v, q.zp_c.v, q.bits, q.is_signed, q.narrow, q.mode, false);
    c.sources.insert(c.sources.end(), q.scale_c.sources.begin(), q.scale_c.sources.end());
    c.sources.insert(c.sources.end(), q.zp_c.sources.begin(), q.zp_c.sources.end());
    c.sources.insert(c.sources.end(), C(i, 3, "bit_width").sources.begin(), C(i, 3, "bit_width").sources.end());
    return c;
  }

  std::vector<double> Expand(const std::vector<double>& v, int64_t ch) {
    if (static_cast<int64_t>(v.size()) == ch) return v;
    return std::vector<double>(static_cast<size_t>(ch), v.at(0));
  }

  void QuantAct(int i) {
    const Act in = A(i, 0);
    QuantInputs q = ReadQuantInputs(i, false);
    const int64_t ch = Channels(in);
    std::vector<double> scale = PerChannel(i, q.scale_c, in, "input 'scale'");
    std::vector<double> zp = PerChannel(i, q.zp_c, in, "input 'zero_point'");
    auto uniform = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
    };
    if (uniform(scale)) scale.resize(1);
    if (uniform(zp)) zp.resize(1);
    ir::QuantParams qp;
    qp.scale = scale;
    qp.zero_point = zp;
    qp.bit_width = q.bits;
    qp.is_signed = q.is_signed;
    qp.narrow = q.narrow;
    qp.rounding_mode = q.mode;
    auto t = QuantExactType(scale, zp, q.bits, q.is_signed, q.narrow, q.mode, true);
    if (t) {
      const int idx = NodeLayer(i, ir::LayerKind::Quantize, in, in.shape);
      ir::Layer& l = g_.layers[idx];
      l.quant = qp;
      l.config.precision["result"].type = *t;
      g_.tensors[l.output].type = *t;
      return;
    }
    // Scale not a power of two (or zero point != 0): quantize on the integer
    // grid between two explicit ScaleShifts: x*(1/s) + z -> Quant(scale 1,
    // zero point 0) -> q*s - z*s.
    const std::string nm = clean_[i];
    const int pre = AddLayer(i, ir::LayerKind::ScaleShift, in, in.shape, nm + "_prescale", nm + "_prescaled");
    {
      ir::Layer& l = g_.layers[pre];
      std::vector<double> s = Expand(scale, ch), z = Expand(zp, ch), inv(s.size());
      for (size_t k = 0; k < s.size(); ++k) inv[k] = 1.0 / s[k];
      l.params["scale"] = MakeParam({ch}, inv);
      l.params["bias"] = MakeParam({ch}, z);
    }
    const Act pre_act = acts_.at(nm + "_prescaled");
    const int qi = AddLayer(i, ir::LayerKind::Quantize, pre_act, in.shape, nm, nm + "_int");
    AddNodeAliases(qi, i);
    {
      ir::Layer& l = g_.layers[qi];
      ir::QuantParams g = qp;
      g.scale = {1.0};
      g.zero_point = {0.0};
      l.quant = g;
      if (auto ti = QuantExactType({1.0}, {0.0}, q.bits, q.is_signed, q.narrow, q.mode, true)) {
        l.config.precision["result"].type = *ti;
        g_.tensors[l.output].type = *ti;
      }
    }
    const Act q_act = acts_.at(nm + "_int");
    const int post = AddLayer(i, ir::LayerKind::ScaleShift, q_act, in.shape, nm + "_postscale", gp_.node(i).output(0));
    ir::Layer& l = g_.layers[post];
    std::vector<double> s = Expand(scale, ch), z = Expand(zp, ch), b(s.size());
    for (size_t k = 0; k < s.size(); ++k) b[k] = -z[k] * s[k];
    l.params["scale"] = MakeParam({ch}, s);
    l.params["bias"] = MakeParam({ch}, b);
  }

  void BipolarAct(int i) {
    const Act in = A(i, 0);
    const Const& sc = C(i, 1, "scale");
    for (double s : sc.v)
      if (!(s > 0) || !std::isfinite(s)) Fail(i, "input 'scale' must be positive");
    std::vector<double> scale = PerChannel(i, sc, in, "input 'scale'");
    if (std::all_of(scale.begin(), scale.end(), [&](double x) { return x == scale.front(); })) scale.resize(1);
    const int idx = NodeLayer(i, ir::LayerKind::Activation, in, in.shape);
    ir::Layer& l = g_.layers[idx];
    l.activation = ir::ActivationKind::BinaryTanh;
    ir::QuantParams qp;
    qp.scale = scale;
    qp.bit_width = 1;
    qp.bipolar = true;
    l.quant = qp;
    if (scale.size() == 1)
      if (auto e = PowerOfTwoExponent(scale[0])) {
        const FixedType t(2, *e + 2, true);  // holds exactly {-2^e, +2^e}
        l.config.precision["result"].type = t;
        g_.tensors[l.output].type = t;
      }
  }

  void TruncAct(int i) {
    const Act in = A(i, 0);
    QuantInputs q = ReadQuantInputs(i, true);
    std::vector<double> scale = PerChannel(i, q.scale_c, in, "input 'scale'");
    std::vector<double> zp = PerChannel(i, q.zp_c, in, "input 'zero_point'");
    const int idx = NodeLayer(i, ir::LayerKind::Quantize, in, in.shape);
    ir::Layer& l = g_.layers[idx];
    ir::QuantParams qp;
    qp.scale = scale;
    qp.zero_point = zp;
    qp.bit_width = q.bits;
    qp.rounding_mode = q.mode;
    qp.trunc = true;
    l.quant = qp;
    l.params["in_bit_width"] = MakeParam({1}, {q.in_bits});
  }

  // ------------------------------------------------------------ float ops
  void MakeDense(int i, const Act& in, const Const& w, std::vector<double> weight, int64_t n_in, int64_t n_out,
                 std::optional<FixedType> wtype, const Const* bias, double beta) {
    if (in.shape.size() != 2)
      Fail(i, "input of shape " + ShapeStr(in.shape) + " is not a vector (Dense needs [batch, n])");
    if (in.shape[1] != n_in)
      Fail(i, "shape mismatch: input has " + std::to_string(in.shape[1]) + " features, weight expects " +
                  std::to_string(n_in));
    const int idx = NodeLayer(i, ir::LayerKind::Dense, in, {1, n_out});
    ir::Layer& l = g_.layers[idx];
    l.aliases.push_back("Dense_" + clean_[i]);
    l.params["weight"] = MakeParam({n_in, n_out}, std::move(weight), wtype);
    if (bias) {
      Const b1 = *bias;
      std::vector<double> bv = BroadcastTo(b1, {1, n_out}, NodeLabel(i) + ": bias");
      const bool keep_type = beta == 1.0;
      if (beta != 1.0)
        for (double& x : bv) x = static_cast<double>(static_cast<float>(beta * x));
      l.params["bias"] = MakeParam({n_out}, bv, keep_type ? bias->type : std::nullopt);
    }
    (void)w;
  }

  void Gemm(int i) {
    const Act in = A(i, 0);
    if (IntAttr(i, "transA", 0) != 0) Fail(i, "attribute 'transA'=1 on an activation is not supported");
    const bool tb = IntAttr(i, "transB", 0) != 0;
    const double alpha = FloatAttr(i, "alpha", 1.0), beta = FloatAttr(i, "beta", 1.0);
    const Const& b = C(i, 1, "B");
    if (b.shape.size() != 2) Fail(i, "input B must be 2-D, has shape " + ShapeStr(b.shape));
    const int64_t n_in = tb ? b.shape[1] : b.shape[0], n_out = tb ? b.shape[0] : b.shape[1];
    std::vector<double> w(static_cast<size_t>(n_in * n_out));
    for (int64_t r = 0; r < n_in; ++r)
      for (int64_t c = 0; c < n_out; ++c) {
        const double v = tb ? b.v[c * n_in + r] : b.v[r * n_out + c];
        w[r * n_out + c] = alpha == 1.0 ? v : static_cast<double>(static_cast<float>(alpha * v));
      }
    const Const* bias = HasInput(i, 2) ? &C(i, 2, "C") : nullptr;
    MakeDense(i, in, b, std::move(w), n_in, n_out, alpha == 1.0 ? b.type : std::nullopt, bias, beta);
  }

  void MatMul(int i) {
    const auto& n = gp_.node(i);
    if (IsConst(n.input(0))) Fail(i, "unsupported op: MatMul of a constant by an activation");
    const Act in = A(i, 0);
    if (!IsConst(n.input(1))) Fail(i, "unsupported op: MatMul of two activations");
    const Const& b = C(i, 1, "weight");
    if (b.shape.size() != 2) Fail(i, "weight must be 2-D, has shape " + ShapeStr(b.shape));
    MakeDense(i, in, b, b.v, b.shape[0], b.shape[1], b.type, nullptr, 1.0);
  }

  void Elementwise(int i) {
    const auto& n = gp_.node(i);
    const std::string& op = n.op_type();
    if (n.input_size() != 2) Fail(i, "expects 2 inputs");
    const bool c0 = IsConst(n.input(0)), c1 = IsConst(n.input(1));
    if (!c0 && !c1) Fail(i, "unsupported op: element-wise " + op + " of two activations");
    const int ai = c0 ? 1 : 0, ci = c0 ? 0 : 1;
    const Act in = A(i, ai);
    const Const& c = C(i, ci, "constant");
    // MatMul + Add(constant) -> bias of the Dense layer
    if (op == "Add" && in.producer >= 0) {
      ir::Layer& d = g_.layers[in.producer];
      const bool merge = d.kind == ir::LayerKind::Dense && !d.param("bias") && d.output == in.ir &&
                         use_count_[n.input(ai)] == 1 && in.shape.size() == 2;
      if (merge) {
        const int64_t n_out = in.shape[1];
        if (BroadcastShape(c.shape, {1, n_out}, NodeLabel(i)) == std::vector<int64_t>{1, n_out}) {
          d.params["bias"] = MakeParam({n_out}, BroadcastTo(c, {1, n_out}, NodeLabel(i)), c.type);
          d.source_op += "+Add";
          const std::string out = n.output(0);
          if (g_.tensors.count(out)) Fail(i, "tensor '" + out + "' defined twice");
          ir::Tensor t = g_.tensors.at(d.output);
          g_.tensors.erase(d.output);
          t.name = out;
          g_.tensors[out] = t;
          d.output = out;
          acts_[out] = Act{out, in.shape, in.producer};
          AddNodeAliases(in.producer, i);
          return;
        }
      }
    }
    const int64_t ch = Channels(in);
    std::vector<double> v = Expand(PerChannel(i, c, in, "constant input"), ch);
    std::vector<double> scale(static_cast<size_t>(ch), 1.0), bias(static_cast<size_t>(ch), 0.0);
    if (op == "Mul") {
      scale = v;
    } else if (op == "Add") {
      bias = v;
    } else if (op == "Sub") {
      if (c0) {
        std::fill(scale.begin(), scale.end(), -1.0);
        bias = v;
      } else {
        for (size_t k = 0; k < v.size(); ++k) bias[k] = -v[k];
      }
    } else {  // Div
      if (c0) Fail(i, "unsupported op: division of a constant by an activation");
      for (size_t k = 0; k < v.size(); ++k) {
        if (v[k] == 0) Fail(i, "division by zero");
        scale[k] = 1.0 / v[k];
      }
    }
    const int idx = NodeLayer(i, ir::LayerKind::ScaleShift, in, in.shape);
    ir::Layer& l = g_.layers[idx];
    l.params["scale"] = MakeParam({ch}, scale);
    l.params["bias"] = MakeParam({ch}, bias);
  }

  void Activation(int i) {
    const auto& op = gp_.node(i).op_type();
    const Act in = A(i, 0);
    const int idx = NodeLayer(i, ir::LayerKind::Activation, in, in.shape);
    ir::Layer& l = g_.layers[idx];
    if (op == "Relu") l.activation = ir::ActivationKind::ReLU;
    else if (op == "Sigmoid") l.activation = ir::ActivationKind::Sigmoid;
    else if (op == "Tanh") l.activation = ir::ActivationKind::Tanh;
    else {
      l.activation = ir::ActivationKind::LeakyReLU;
      l.alpha = FloatAttr(i, "alpha", 0.01);
    }
  }

  void Softmax(int i) {
    const Act in = A(i, 0);
    const int64_t r = static_cast<int64_t>(in.shape.size());
    int64_t ax = IntAttr(i, "axis", opset_ < 13 ? 1 : -1);
    if (ax < 0) ax += r;
    if (ax < 0 || ax >= r) Fail(i, "attribute 'axis' out of range for rank " + std::to_string(r));
    bool last = ax == r - 1;
    if (!last && opset_ < 13) {  // old Softmax: flattened from `axis` on
      last = true;
      for (int64_t k = ax + 1; k < r; ++k) last &= in.shape[k] == 1;
    }
    if (!last || ax == 0) Fail(i, "attribute 'axis'=" + std::to_string(ax) + " is not the last axis (only supported softmax axis)");
    const int idx = NodeLayer(i, ir::LayerKind::Softmax, in, in.shape);
    g_.layers[idx].axis = -1;
  }

  void BatchNorm(int i) {
    const auto& n = gp_.node(i);
    if (n.output_size() > 1)
      for (int k = 1; k < n.output_size(); ++k)
        if (!n.output(k).empty()) Fail(i, "training-mode outputs are not supported");
    if (FindAttr(i, "training_mode") && IntAttr(i, "training_mode") != 0)
      Fail(i, "attribute 'training_mode'=1 is not supported");
    const Act in = A(i, 0);
    const int64_t ch = Channels(in);
    const double eps = FloatAttr(i, "epsilon", 1e-5);
    const char* names[4] = {"scale", "B", "mean", "var"};
    std::vector<const Const*> p;
    for (int k = 0; k < 4; ++k) {
      const Const& c = C(i, k + 1, names[k]);
      if (NumElements(c.shape) != ch)
        Fail(i, std::string("input '") + names[k] + "' has " + std::to_string(NumElements(c.shape)) +
                    " values, input has " + std::to_string(ch) + " channels");
      p.push_back(&c);
    }
    // scale = gamma / sqrt(var + eps), bias = beta - mean * scale, evaluated
    // in float32 as numpy does on the model's float32 arrays.
    std::vector<double> scale(ch), bias(ch);
    for (int64_t k = 0; k < ch; ++k) {
      const float g = static_cast<float>(p[0]->v[k]), b = static_cast<float>(p[1]->v[k]);
      const float m = static_cast<float>(p[2]->v[k]), v = static_cast<float>(p[3]->v[k]);
      const float s = g / std::sqrt(v + static_cast<float>(eps));
      scale[k] = s;
      bias[k] = static_cast<float>(b - m * s);
    }
    const int idx = NodeLayer(i, ir::LayerKind::ScaleShift, in, in.shape);
    ir::Layer& l = g_.layers[idx];
    l.params["scale"] = MakeParam({ch}, scale);
    l.params["bias"] = MakeParam({ch}, bias);
  }

  void Reshape(int i) {
    const auto& op = gp_.node(i).op_type();
    const Act in = A(i, 0);
    std::vector<int64_t> out;
    if (op == "Flatten") {
      int64_t ax = IntAttr(i, "axis", 1);
      const int64_t r = static_cast<int64_t>(in.shape.size());
      if (ax < 0) ax += r;
      // axis 0 on a batch-1 tensor gives the same [1, N] (Keras exports; hls4ml reads it as Flatten)
      if (ax != 1 && ax != 0)
        Fail(i, "attribute 'axis'=" + std::to_string(ax) + " unsupported (must keep the batch axis)");
      out = {1, NumElements(in.shape)};
    } else {
      out = ReshapeTarget(i, in.shape, C(i, 1, "shape"));
      if (out.empty() || out[0] != 1) Fail(i, "reshape to " + ShapeStr(out) + " changes the batch dimension");
    }
    if (out.size() < 2) Fail(i, "reshape to " + ShapeStr(out) + " drops the batch dimension");
    // A flatten ([1, N]) of a channels-first image keeps the channels-first
    // element order: the IR data is channels-last, so the Reshape permutes.
    const bool cf_image = IsCfImage(in);
    if (cf_image && out.size() == 2) {
      const int idx = NodeLayer(i, ir::LayerKind::Reshape, in, out);
      g_.layers[idx].flatten_channels_first = true;
      return;
    }
    CheckNotChannelsFirstImage(i, in);
    NodeLayer(i, ir::LayerKind::Reshape, in, out);
  }

  void Identity(int i) {
    const auto& n = gp_.node(i);
    const Act in = A(i, 0);
    if (n.op_type() == "Dropout") {
      if (n.output_size() > 1 && !n.output(1).empty() && use_count_[n.output(1)] > 0)
        Fail(i, "the dropout mask output is used; only inference Dropout is supported");
      if (HasInput(i, 2)) {
        const Const& t = C(i, 2, "training_mode");
        if (!t.v.empty() && t.v[0] != 0) Fail(i, "training_mode=1 is not supported");
      }
    }
    AliasTo(i, in, in.shape);
  }

  void SqueezeAct(int i) {
    const auto& op = gp_.node(i).op_type();
    const Act in = A(i, 0);
    std::vector<int64_t> axes = AxesOf(i, 1, "axes");
    std::vector<int64_t> s = in.shape;
    if (op == "Unsqueeze") {
      const int64_t r = static_cast<int64_t>(s.size() + axes.size());
      for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
      std::sort(axes.begin(), axes.end());
      for (int64_t ax : axes) {
        if (ax <= 0 || ax > static_cast<int64_t>(s.size())) Fail(i, "axis " + std::to_string(ax) + " unsupported");
        s.insert(s.begin() + ax, 1);
      }
    } else {
      const int64_t r = static_cast<int64_t>(s.size());
      std::vector<int64_t> ns{s[0]};
      for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
      for (int64_t k = 1; k < r; ++k) {
        const bool sq = axes.empty() ? s[k] == 1 : std::find(axes.begin(), axes.end(), k) != axes.end();
        if (sq && s[k] != 1) Fail(i, "cannot squeeze axis " + std::to_string(k) + " of size " + std::to_string(s[k]));
        if (!sq) ns.push_back(s[k]);
      }
      if (std::find(axes.begin(), axes.end(), 0) != axes.end()) Fail(i, "cannot squeeze the batch axis");
      s = ns;
    }
    // Only 1-sized axes move: the data layout is unchanged, except when a
    // channel axis of size > 1 would change place.
    if (IrShape(s) != IrShape(in.shape)) {
      const int64_t a = NumElements(in.shape);
      bool same_vector = Channels(in) == a || NumElements(s) == a;
      if (!same_vector) Fail(i, "unsupported op: layout change " + ShapeStr(in.shape) + " -> " + ShapeStr(s));
    }
    AliasTo(i, in, s);
  }

  const onnx::ModelProto& m_;
  const onnx::GraphProto& gp_;
  std::string path_, file_;
  int opset_ = 13;
  ir::Graph g_;
  std::map<std::string, Const> consts_;
  std::map<std::string, Act> acts_;
  std::map<std::string, int> use_count_;
  std::vector<bool> is_const_node_, counted_;
  std::vector<std::string> clean_, bias_clean_;
  std::vector<std::vector<std::string>> pnames_;
};

}  // namespace

StatusOr<ir::Graph> LoadOnnx(const std::string& path) {
  const std::string file = std::filesystem::path(path).filename().string();
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Fail(path + ": cannot open file");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string bytes = ss.str();
  if (bytes.empty()) return Status::Fail(path + ": empty file");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    return Status::Fail(path + ": not a valid ONNX model (protobuf parse failed: truncated or corrupt file)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    return Status::Fail(path + ": not a valid ONNX model (no graph or no nodes)");
  try {
    Converter conv(model, path);
    ir::Graph g = conv.Run();
    HLSFORGE_RETURN_IF_ERROR(g.Validate());
    return g;
  } catch (const std::exception& e) {
    return Status::Fail(e.what());
  }
}

}  // namespace hlsforge::frontends
