// The ONNX converter's shared state and the op registration table. Not part
// of the public API.
//
// Conversion runs in one pass over the nodes (ONNX guarantees topological
// order), with two kinds of tensors:
//  * constants (initializers, Constant nodes and everything computed only
//    from constants, including Shape of an activation of static shape):
//    folded by the op's `fold` handler; QONNX quantizers on constants
//    quantize the values and record the exact fixed-point type;
//  * activations: the op's `convert` handler turns the node into IR
//    layer(s), or into an alias of its input (Identity, Dropout, Squeeze,
//    Unsqueeze, boundary Transposes).
// The driver (Converter::ConvertNode) looks the op type up in the table
// (OpTable, onnx_op_table.cpp); a missing op or handler is an "unsupported
// op" error naming the node.
//
// Naming: hls4ml converts the model after QONNX's clean-up, which renames
// every node "<OpType>_<k>" (per op type, in the order of a level-wise
// topological sort), every initializer input "<node>_param<k>" and the graph
// input "global_in"; Gemm becomes MatMul + Add first. Layers are named with
// these clean names (identical to the node names for an already clean
// model); the original node names, the merged nodes' names, their constants'
// names and hls4ml's "Dense_<MatMul>" are kept as aliases.
//
// Shapes: an activation keeps its ONNX shape with batch 1 (Act::shape); its
// IR tensor has the per-sample channels-last shape (IrShape / ClShape).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/ir/graph.h"
#include "onnx_const.h"

namespace hlsforge::frontends::onnx_detail {

/// QONNX quantizer domains (qonnx.custom_op.general and its older names).
bool IsQonnxDomain(const std::string& d);
/// The default ONNX domain.
bool IsStdDomain(const std::string& d);
/// Quant, BipolarQuant or Trunc in a QONNX domain.
bool IsQuantOp(const onnx::NodeProto& n);
/// QONNX's channels-last domain (ConvertToChannelsLastAndClean).
inline constexpr const char* kChannelsLastDomain = "qonnx.custom_op.channels_last";

/// An activation tensor during conversion.
struct Act {
  std::string ir;               ///< IR tensor carrying it (differs for aliases)
  std::vector<int64_t> shape;   ///< ONNX shape, batch dimension = 1
  int producer = -1;            ///< index into Graph::layers
  bool cl = false;              ///< shape is channels-last [1, (H,) W, C] (IR shape = shape minus batch)
};

class Converter;

/// Converts node `i`, which reads at least one activation, into IR layer(s)
/// or aliases. Throws hlsforge::Error naming the node.
using ConvertFn = void (*)(Converter& cv, int i);
/// Evaluates node `i`, all of whose inputs are constants. Throws
/// hlsforge::Error naming the node.
using FoldFn = Const (*)(Converter& cv, int i);

/// The handlers of one op type; either may be null (the op is then
/// unsupported on activations, resp. in constant folding).
struct OpHandlers {
  ConvertFn convert = nullptr;
  FoldFn fold = nullptr;
};

/// The registration table: ONNX op type -> its handlers, one entry per op.
const std::map<std::string, OpHandlers>& OpTable();

class Converter {
 public:
  Converter(const onnx::ModelProto& model, std::string path);

  /// Converts the whole graph. Throws hlsforge::Error (message names the
  /// file, and the node where there is one).
  ir::Graph Run();

  // ---- nodes and errors
  const onnx::NodeProto& node(int i) const { return gp_.node(i); }
  int node_count() const { return gp_.node_size(); }
  /// `<file>: node "<name>" (<op>)` (the clean name when the node has none).
  std::string NodeLabel(int i) const;
  [[noreturn]] void Fail(int i, const std::string& msg) const;
  /// QONNX clean-up name of node i ("<OpType>_<k>").
  const std::string& CleanName(int i) const { return clean_[i]; }
  /// Clean names of node i's initializer inputs by input index ("" = none).
  const std::vector<std::string>& ParamNames(int i) const { return pnames_[i]; }
  /// Default-domain opset of the model.
  int opset() const { return opset_; }

  // ---- attributes (missing / wrong type -> error naming node and attribute)
  const onnx::AttributeProto* FindAttr(int i, const std::string& name) const;
  int64_t IntAttr(int i, const std::string& name, std::optional<int64_t> def = std::nullopt) const;
  double FloatAttr(int i, const std::string& name, double def) const;
  std::string StringAttr(int i, const std::string& name) const;
  std::optional<std::vector<int64_t>> IntsAttr(int i, const std::string& name) const;
  /// Int attribute that must be 0 or 1 (required).
  bool BoolAttr(int i, const std::string& name) const;

  // ---- tensors
  bool IsConst(const std::string& t) const { return consts_.count(t) > 0; }
  bool IsAct(const std::string& t) const { return acts_.count(t) > 0; }
  bool HasInput(int i, int k) const;
  /// Constant input k of node i (`what` names it in errors).
  const Const& C(int i, int k, const std::string& what) const;
  /// Activation input k of node i.
  const Act& A(int i, int k) const;
  /// Number of nodes (and graph outputs) reading tensor `t`.
  int UseCount(const std::string& t) const;
  /// Records the activation written to tensor `name`.
  void SetAct(const std::string& name, Act a) { acts_[name] = std::move(a); }
  ir::Graph& graph() { return g_; }

  /// Per-sample IR shape: batch dropped, channels moved last for rank >= 3.
  static std::vector<int64_t> IrShape(const std::vector<int64_t>& s);
  /// Per-sample IR shape of a channels-last ONNX shape: batch dropped.
  static std::vector<int64_t> ClShape(const std::vector<int64_t>& s);
  /// Channel count of an activation (ONNX axis 1; the last axis in IR layout).
  static int64_t Channels(const Act& a);
  /// A channels-first image activation [1, C, (H,) W] with C > 1 and more than one pixel.
  static bool IsCfImage(const Act& a);
  /// `v` when it has `ch` entries, else `ch` copies of v[0].
  static std::vector<double> Expand(const std::vector<double>& v, int64_t ch);
  static ir::Param MakeParam(std::vector<int64_t> shape, std::vector<double> v,
                             const std::optional<FixedType>& t = {});

  /// Axes from attribute `attr` or (opset >= 13) constant input `input_idx`.
  std::vector<int64_t> AxesOf(int i, int input_idx, const std::string& attr) const;
  /// Target of a Reshape of `in` by shape constant `s` (0 copies, one -1 inferred).
  std::vector<int64_t> ReshapeTarget(int i, const std::vector<int64_t>& in, const Const& s) const;
  /// Values of constant `c`, broadcast against activation `a`, one per
  /// channel. Errors when `c` would enlarge the activation or varies along a
  /// non-channel axis.
  std::vector<double> PerChannel(int i, const Const& c, const Act& a, const std::string& what) const;
  /// Errors when `a` is a channels-first image (a reshape would reorder it).
  void CheckNotChannelsFirstImage(int i, const Act& a) const;

  // ---- layers
  /// Adds a layer reading `in`, writing tensor `out_name` of ONNX shape
  /// `out_shape` (same layout as `in`); returns its index.
  int AddLayer(int i, ir::LayerKind kind, const Act& in, const std::vector<int64_t>& out_shape,
               const std::string& name, const std::string& out_name);
  /// The standard layer of node i: clean name, output 0, node aliases.
  int NodeLayer(int i, ir::LayerKind kind, const Act& in, const std::vector<int64_t>& out_shape);
  /// Adds node i's names (clean, original, merged bias, constant inputs and
  /// the nodes they were folded from) to layer `layer`'s aliases/alias_param.
  void AddNodeAliases(int layer, int i);
  /// Node i's output 0 is `in` under another shape (no layer).
  void AliasTo(int i, const Act& in, const std::vector<int64_t>& shape);
  /// Sets the IR shape [(H,) W, C] of an image layer's output, even when (H,) W are 1.
  void FixSpatial(int idx, const std::vector<int64_t>& s, bool cl);

 private:
  void ReadInitializers();
  void Precompute();
  /// Every node's input and output counts against the ONNX operator schema
  /// of the model's opset (libonnx's OpSchemaRegistry; ops without a schema,
  /// e.g. QONNX's, need at least one output). Runs before any handler reads
  /// a node, so that handlers may index inputs the schema guarantees.
  void CheckArity() const;
  void MakeInputs();
  /// The driver: node i -> its table entry's fold or convert handler.
  void ConvertNode(int i);
  /// Param key a constant input j of node i becomes in a layer of `kind`.
  std::string ParamKeyOf(ir::LayerKind kind, int i, int j) const;

  const onnx::ModelProto& m_;
  const onnx::GraphProto& gp_;
  std::string path_, file_;
  int opset_ = 13;
  bool cl_model_ = false;  ///< QONNX channels-last model: every activation shape is channels-last
  ir::Graph g_;
  std::map<std::string, Const> consts_;
  std::map<std::string, Act> acts_;
  std::map<std::string, int> use_count_;
  std::vector<bool> is_const_node_, counted_;
  std::vector<std::string> clean_, bias_clean_;
  std::vector<std::vector<std::string>> pnames_;
};

}  // namespace hlsforge::frontends::onnx_detail
