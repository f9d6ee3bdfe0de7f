// hls4ml-layout YAML configuration: parsing, application to a graph, and
// generation of an editable config. Semantics follow hls4ml's HLSConfig
// (hls4ml/model/graph.py, HLSConfig.get_precision / get_layer_config):
//  * precision of a variable `v` of layer L (v in result, accum, weight, bias,
//    scale, ...): LayerName[L][v] > LayerName[L][default] > LayerType[class][v]
//    > LayerType[class][default] > Model[v] > Model[default];
//  * a plain string Precision ("fixed<16,6>") is the `default` of its level;
//  * table-like types (table, exp_table, inv_table, inv_inp and the softmax
//    accum) have per-class attribute defaults and are taken only from
//    LayerName / LayerType, never from Model (hls4ml TypeAttribute defaults);
//  * "auto" leaves the slot to the infer_precision pass.
//  * Model: Family (ap | ac, default ap): the vendor type family of every
//    precision (ir/family.h); the config's fixed<...> spellings name types of
//    that family (RND_CONV_ODD only with ac).
//  * ParallelizationFactor (Model, LayerType, LayerName; a positive integer,
//    same precedence as ReuseFactor) -> LayerConfig::parallelization_factor:
//    output pixels of a Conv/Pooling layer computed at once in io_parallel.
//    hls4ml requires it to divide out_h*out_w; that is checked (snapped) by
//    the lower_hardware pass, not here. GenerateConfig writes it for Conv/Pooling
//    layers (and in Model when the graph has such layers).
#include "hlsforge/ir/config.h"
#include "hlsforge/ir/family.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

namespace hlsforge::ir {

namespace {

/// One parsed precision map: key -> type (nullopt = auto).
using PrecMap = std::map<std::string, std::optional<FixedType>>;

struct Entry {
  std::string key;  // LayerName / LayerType key
  PrecMap precision;
  std::optional<int> reuse_factor;
  std::optional<int> parallelization_factor;
  std::optional<Strategy> strategy;
  std::optional<int> table_size;
  std::optional<SoftmaxImpl> impl;
  std::optional<bool> trace;
  std::optional<bool> skip;
  std::optional<int> pipeline_stages;          // Verilog backend
  std::optional<MultiplierStyle> multiplier;   // Verilog backend
};

/// Slots whose default is a per-class attribute default (hls4ml TypeAttribute).
bool IsTableSlot(Slot s) {
  return s == Slot::Table || s == Slot::ExpTable || s == Slot::InvTable || s == Slot::InvInp;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Edit distance of the lower-cased strings: insertions, deletions,
/// substitutions and transpositions of adjacent characters ("Modle" ->
/// "Model" is 1), the optimal-string-alignment variant of Damerau-Levenshtein.
size_t EditDistance(const std::string& a_in, const std::string& b_in) {
  const std::string a = Lower(a_in), b = Lower(b_in);
  // three rows of the (|a|+1) x (|b|+1) table (the transposition reads two back)
  std::vector<size_t> r2(b.size() + 1), r1(b.size() + 1), r0(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) r1[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    r0[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      r0[j] = std::min({r1[j] + 1, r0[j - 1] + 1, r1[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) r0[j] = std::min(r0[j], r2[j - 2] + 1);
    }
    std::swap(r2, r1);
    std::swap(r1, r0);
  }
  return r1[b.size()];
}

/// The candidate nearest to `key` when it is close enough to be a typo of it
/// (distance <= 2, and <= a third of the key's length; ties: first), else "".
/// Candidates whose length differs from the key's by more than the bound are
/// skipped unread (the length difference is a lower bound of the distance),
/// so a long or hostile key costs no table at all.
std::string Closest(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::min<size_t>(2, std::max<size_t>(1, key.size() / 3)) + 1;
  for (const std::string& c : candidates) {
    const size_t gap = key.size() > c.size() ? key.size() - c.size() : c.size() - key.size();
    if (gap >= best_d) continue;
    const size_t d = EditDistance(key, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

/// " (did you mean 'X'?)" when a candidate is close to `key`, else "".
std::string DidYouMean(const std::string& key, const std::vector<std::string>& candidates) {
  const std::string c = Closest(key, candidates);
  return c.empty() ? "" : " (did you mean '" + c + "'?)";
}

}  // namespace

struct ModelConfig::Impl {
  PrecMap model_precision;  // includes "default"
  int reuse_factor = 1;
  int parallelization_factor = 1;
  Strategy strategy = Strategy::Latency;
  int64_t bram_factor = 1000000000;
  bool trace_output = false;
  int pipeline_stages = -1;
  MultiplierStyle multiplier = MultiplierStyle::Auto;
  std::optional<IOType> io_type;
  std::optional<Family> family;  // Model: Family
  std::vector<Entry> layer_type;
  std::vector<Entry> layer_name;
};

namespace {

class Parser {
 public:
  explicit Parser(std::string src) : src_(std::move(src)) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& msg) const {
    throw Error(src_ + ": " + path + ": " + msg);
  }

  std::string Scalar(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) Fail(path, "expected a scalar value");
    return n.Scalar();
  }

  std::optional<FixedType> Precision(const YAML::Node& n, const std::string& path) const {
    const std::string text = Scalar(n, path);
    if (Lower(text) == "auto") return std::nullopt;
    // Parsed in the AC family, whose modes include every AP mode (RND_CONV_ODD
    // is AC only); ApplyConfig puts every type in the model's family
    // (ir::SetFamily), which rejects RND_CONV_ODD for an ap model.
    StatusOr<FixedType> t = FixedType::Parse(text, Family::AC);
    if (!t.ok()) Fail(path, "bad precision '" + text + "': " + t.status().message());
    return *t;
  }

  PrecMap PrecisionBlock(const YAML::Node& n, const std::string& path) const {
    PrecMap out;
    if (n.IsScalar()) {
      out["default"] = Precision(n, path);
      return out;
    }
    if (!n.IsMap()) Fail(path, "Precision must be a string or a map");
    for (const auto& kv : n) {
      const std::string key = Scalar(kv.first, path);
      out[key] = Precision(kv.second, path + "." + key);
    }
    return out;
  }

  int PositiveInt(const YAML::Node& n, const std::string& path) const {
    const std::string text = Scalar(n, path);
    char* end = nullptr;
    long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0') Fail(path, "'" + text + "' is not an integer");
    if (v <= 0 || v > (1L << 30)) Fail(path, "must be a positive integer, got '" + text + "'");
    return static_cast<int>(v);
  }

  // Verilog backend keys: PipelineStages (integer 0..64 or auto), Multiplier (lut|dsp|auto)
  int Stages(const YAML::Node& n, const std::string& path) const {
    if (Lower(Scalar(n, path)) == "auto") return -1;
    const std::string text = Scalar(n, path);
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 0 || v > 64)
      Fail(path, "'" + text + "' is not a number of pipeline stages (0..64 or auto)");
    return static_cast<int>(v);
  }
  MultiplierStyle Multiplier(const YAML::Node& n, const std::string& path) const {
    const std::string t = Lower(Scalar(n, path));
    if (t == "auto") return MultiplierStyle::Auto;
    if (t == "lut") return MultiplierStyle::Lut;
    if (t == "dsp") return MultiplierStyle::Dsp;
    Fail(path, "unknown Multiplier '" + n.Scalar() + "' (expected lut, dsp or auto)");
  }

  bool Bool(const YAML::Node& n, const std::string& path) const {
    const std::string t = Lower(Scalar(n, path));
    if (t == "true" || t == "yes" || t == "1" || t == "on") return true;
    if (t == "false" || t == "no" || t == "0" || t == "off") return false;
    Fail(path, "'" + n.Scalar() + "' is not a boolean");
  }

  Strategy ParseStrategy(const YAML::Node& n, const std::string& path) const {
    const std::string t = Lower(Scalar(n, path));
    if (t == "latency") return Strategy::Latency;
    if (t == "resource") return Strategy::Resource;
    Fail(path, "unknown Strategy '" + n.Scalar() + "' (expected Latency or Resource)");
  }

  SoftmaxImpl ParseImpl(const YAML::Node& n, const std::string& path) const {
    const std::string t = Lower(Scalar(n, path));
    if (t == "stable") return SoftmaxImpl::Stable;
    if (t == "latency") return SoftmaxImpl::Latency;
    if (t == "legacy") return SoftmaxImpl::Legacy;
    if (t == "argmax") return SoftmaxImpl::Argmax;
    Fail(path, "unknown softmax Implementation '" + n.Scalar() +
                   "' (expected stable, latency, legacy or argmax)");
  }

  Entry LayerEntry(const std::string& key, const YAML::Node& n, const std::string& path) const {
    Entry e;
    e.key = key;
    if (n.IsNull()) return e;
    if (!n.IsMap()) Fail(path, "expected a map");
    for (const auto& kv : n) {
      const std::string k = Scalar(kv.first, path);
      const std::string p = path + "." + k;
      if (k == "Precision") e.precision = PrecisionBlock(kv.second, p);
      else if (k == "ReuseFactor") e.reuse_factor = PositiveInt(kv.second, p);
      else if (k == "ParallelizationFactor") e.parallelization_factor = PositiveInt(kv.second, p);
      else if (k == "Strategy") e.strategy = ParseStrategy(kv.second, p);
      else if (k == "TableSize") e.table_size = PositiveInt(kv.second, p);
      else if (k == "Implementation") e.impl = ParseImpl(kv.second, p);
      else if (k == "Trace") e.trace = Bool(kv.second, p);
      else if (k == "Skip") e.skip = Bool(kv.second, p);
      else if (k == "PipelineStages") e.pipeline_stages = Stages(kv.second, p);
      else if (k == "Multiplier") e.multiplier = Multiplier(kv.second, p);
      else UnknownKey(path, k, {"Precision", "ReuseFactor", "ParallelizationFactor", "Strategy", "TableSize",
                                "Implementation", "Trace", "Skip", "PipelineStages", "Multiplier"});
    }
    return e;
  }

  void ParseModel(const YAML::Node& n, ModelConfig::Impl& m) const {
    if (!n.IsMap()) Fail("Model", "expected a map");
    for (const auto& kv : n) {
      const std::string k = Scalar(kv.first, "Model");
      const std::string p = "Model." + k;
      if (k == "Precision") {
        PrecMap pm = PrecisionBlock(kv.second, p);
        for (auto& [key, t] : pm) m.model_precision[key] = t;
      } else if (k == "ReuseFactor") {
        m.reuse_factor = PositiveInt(kv.second, p);
      } else if (k == "ParallelizationFactor") {
        m.parallelization_factor = PositiveInt(kv.second, p);
      } else if (k == "Strategy") {
        m.strategy = ParseStrategy(kv.second, p);
      } else if (k == "BramFactor") {
        m.bram_factor = PositiveInt(kv.second, p);
      } else if (k == "TraceOutput") {
        m.trace_output = Bool(kv.second, p);
      } else if (k == "PipelineStages") {
        m.pipeline_stages = Stages(kv.second, p);
      } else if (k == "Multiplier") {
        m.multiplier = Multiplier(kv.second, p);
      } else if (k == "Family") {
        m.family = ParseFamily(Scalar(kv.second, p));
        if (!m.family) Fail(p, "unknown Family '" + kv.second.Scalar() + "' (expected ap or ac)");
      } else {
        UnknownKey("Model", k, {"Precision", "ReuseFactor", "ParallelizationFactor", "Strategy", "BramFactor",
                                "TraceOutput", "PipelineStages", "Multiplier", "Family"});
      }
    }
    auto it = m.model_precision.find("default");
    if (it != m.model_precision.end() && !it->second)
      Fail("Model.Precision.default", "the model default precision cannot be 'auto'");
  }

  void ParseTop(const YAML::Node& root, ModelConfig::Impl& m) const {
    static const std::set<std::string> kKnownIgnored = {
        "Backend", "ClockPeriod", "ClockUncertainty", "Part", "OutputDir", "ProjectName",
        "InputData", "OutputPredictions", "Version", "Stamp", "WriterConfig", "InputShapes",
        "OutputShapes", "OnnxModel", "KerasModel", "PytorchModel", "KerasJson", "KerasH5",
        "Board", "Namespace", "WriteWeightsTxt", "WriteTar"};
    for (const auto& kv : root) {
      const std::string k = Scalar(kv.first, "<top>");
      if (k == "Model") {
        ParseModel(kv.second, m);
      } else if (k == "LayerType" || k == "LayerName") {
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsMap()) Fail(k, "expected a map");
        for (const auto& e : kv.second) {
          const std::string name = Scalar(e.first, k);
          Entry en = LayerEntry(name, e.second, k + "." + name);
          (k == "LayerType" ? m.layer_type : m.layer_name).push_back(std::move(en));
        }
      } else if (k == "HLSConfig") {
        if (!kv.second.IsMap()) Fail(k, "expected a map");
        ParseTop(kv.second, m);
      } else if (k == "IOType") {
        const std::string t = Lower(Scalar(kv.second, k));
        if (t == "io_parallel") m.io_type = IOType::Parallel;
        else if (t == "io_stream") m.io_type = IOType::Stream;
        else Fail(k, "unknown IOType '" + kv.second.Scalar() + "' (expected io_parallel or io_stream)");
      } else if (!kKnownIgnored.count(k)) {
        std::vector<std::string> known = {"Model", "LayerType", "LayerName", "HLSConfig", "IOType"};
        known.insert(known.end(), kKnownIgnored.begin(), kKnownIgnored.end());
        UnknownKey("<top>", k, known);
      }
    }
  }

 private:
  /// A key this parser does not read: an error when it is a likely typo of a
  /// key it reads (did you mean), else a warning (hls4ml configs carry keys
  /// of other backends and tools, which are ignored).
  void UnknownKey(const std::string& where, const std::string& key, const std::vector<std::string>& known) const {
    const std::string hint = DidYouMean(key, known);
    if (!hint.empty()) Fail(where, "unknown key '" + key + "'" + hint);
    std::cerr << "hlsforge: warning: " << src_ << ": " << where << ": unknown key '" << key << "' ignored\n";
  }

  std::string src_;
};

const Entry* FindEntry(const std::vector<Entry>& v, const std::string& key) {
  const Entry* found = nullptr;
  for (const Entry& e : v)
    if (e.key == key) found = &e;  // last one wins, like a YAML map
  return found;
}

/// Precision slots that apply to a layer of this kind, in the order the
/// config writer lists them.
std::vector<Slot> PrecisionSlots(const Layer& l) {
  switch (l.kind) {
    case LayerKind::Input: return {Slot::Result};
    case LayerKind::Dense: return {Slot::Result, Slot::Accum, Slot::Weight, Slot::Bias};
    case LayerKind::ScaleShift: return {Slot::Result, Slot::Scale, Slot::Bias};
    case LayerKind::Activation: return {Slot::Result, Slot::Table};
    case LayerKind::Softmax:
      return {Slot::Result, Slot::Table, Slot::ExpTable, Slot::InvTable, Slot::InvInp, Slot::Accum};
    case LayerKind::Quantize: return {Slot::Result};
    case LayerKind::Threshold: return {Slot::Result};
    case LayerKind::Reshape: return {Slot::Result};
    case LayerKind::Conv: return {Slot::Result, Slot::Accum, Slot::Weight, Slot::Bias};
    case LayerKind::Pooling: return {Slot::Result, Slot::Accum};
    case LayerKind::ZeroPadding:
    case LayerKind::Cropping:
    case LayerKind::UpSampling:
    case LayerKind::Merge: return {Slot::Result};
  }
  return {Slot::Result};
}

/// "Table-like" slots take an attribute default instead of the model default.
bool IsTableLike(const Layer& l, Slot s) {
  return IsTableSlot(s) || (l.kind == LayerKind::Softmax && s == Slot::Accum);
}

/// hls4ml attribute defaults of table-like types (hls4ml/model/layers.py:
/// Activation table fixed<18,8>; Softmax exp_table/inv_table/inv_inp/accum
/// fixed<18,8,RND,SAT>).
FixedType TableDefault(Slot s) {
  if (s == Slot::Table) return FixedType(18, 8);
  return FixedType(18, 8, true, Quant::RND, Overflow::SAT);
}

std::optional<std::string> ParamOfAlias(const Layer& l, const std::string& alias) {
  auto it = l.alias_param.find(alias);
  if (it != l.alias_param.end()) return it->second;
  // Fallback on the ONNX naming convention "<Node>_param<k>" for layers that
  // do not record alias_param.
  static const std::regex re("^(.*)_param[0-9]+$");
  std::smatch m;
  if (!std::regex_match(alias, m, re)) return std::nullopt;
  const std::string node = m[1];
  if (l.kind == LayerKind::Dense) {
    if (node.rfind("MatMul", 0) == 0 || node.rfind("Gemm", 0) == 0) return std::string("weight");
    if (node.rfind("Add", 0) == 0) return std::string("bias");
  }
  return std::string();  // a constant of this layer with no precision of its own
}

}  // namespace

std::vector<std::string> HlsClassNames(const Layer& l) {
  switch (l.kind) {
    case LayerKind::Input: return {"InputLayer", "Input"};
    case LayerKind::Dense: return {"Dense"};
    case LayerKind::ScaleShift: return {"BatchNormalization", "ApplyAlpha"};
    case LayerKind::Activation:
      switch (l.activation) {
        case ActivationKind::ReLU: return {"Activation", "ReLU"};
        case ActivationKind::LeakyReLU: return {"ParametrizedActivation", "LeakyReLU"};
        case ActivationKind::ThresholdedReLU: return {"ParametrizedActivation", "ThresholdedReLU"};
        case ActivationKind::ELU: return {"ParametrizedActivation", "ELU"};
        case ActivationKind::PReLU: return {"PReLU"};
        case ActivationKind::HardSigmoid:
        case ActivationKind::HardTanh: return {"HardActivation"};
        case ActivationKind::BinaryTanh:
        case ActivationKind::TernaryTanh: return {"Activation", "TernaryTanh", "BinaryTanh"};
        default: return {"Activation"};
      }
    case LayerKind::Softmax: return {"Softmax"};
    case LayerKind::Quantize: return {"Quant"};
    case LayerKind::Threshold: return {"BatchNormalizationQuantizedTanh"};
    case LayerKind::Reshape: return {"Reshape"};
    // Window layers answer to the class of their rank (hls4ml/Keras names);
    // without attributes, to every rank.
    case LayerKind::Conv: {
      if (!l.conv) return {"Conv1D", "Conv2D", "Conv", "PointwiseConv1D", "PointwiseConv2D"};
      const std::string r = std::to_string(l.conv->rank) + "D";
      if (l.conv->depthwise) return {"DepthwiseConv" + r, "DepthwiseConv"};
      return {"Conv" + r, "Conv", "PointwiseConv" + r};
    }
    case LayerKind::Pooling: {
      if (!l.pool)
        return {"Pooling1D", "Pooling2D", "GlobalPooling1D", "GlobalPooling2D", "MaxPooling1D", "MaxPooling2D",
                "AveragePooling1D", "AveragePooling2D"};
      const std::string r = std::to_string(l.pool->rank) + "D";
      const std::string op = l.pool->op == PoolOp::Max ? "Max" : "Average";
      if (l.pool->global) return {"GlobalPooling" + r, "Global" + op + "Pooling" + r};
      return {"Pooling" + r, op + "Pooling" + r};
    }
    case LayerKind::ZeroPadding:
      if (l.resize) return {"ZeroPadding" + std::to_string(l.resize->rank) + "D"};
      return {"ZeroPadding1D", "ZeroPadding2D"};
    case LayerKind::Cropping:
      if (l.resize) return {"Cropping" + std::to_string(l.resize->rank) + "D"};
      return {"Cropping1D", "Cropping2D"};
    case LayerKind::UpSampling:
      if (l.resize) return {"UpSampling" + std::to_string(l.resize->rank) + "D", "Resize"};
      return {"UpSampling1D", "UpSampling2D", "Resize"};
    case LayerKind::Merge:
      if (l.merge && l.merge->op == ir::MergeOp::Concatenate) return {"Concatenate", "Merge"};
      return {"Merge"};
  }
  return {};
}

StatusOr<ModelConfig> ParseConfig(const std::string& yaml_text, const std::string& source_name) {
  ModelConfig cfg;
  cfg.yaml_text = yaml_text;
  cfg.source_path = source_name;
  cfg.impl = std::make_shared<ModelConfig::Impl>();
  cfg.impl->model_precision["default"] = FixedType(16, 6);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Status::Fail(source_name + ": malformed YAML: " + e.what());
  }
  if (root.IsNull()) return cfg;
  if (!root.IsMap()) return Status::Fail(source_name + ": top level must be a map");
  Status st = CatchStatus([&] { Parser(source_name).ParseTop(root, *cfg.impl); });
  if (!st.ok()) return st;
  return cfg;
}

StatusOr<ModelConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Fail(path + ": cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str(), path);
}

ModelConfig DefaultConfig() {
  ModelConfig cfg;
  cfg.yaml_text =
      "Model:\n  Precision:\n    default: fixed<16,6>\n  ReuseFactor: 1\n  Strategy: Latency\n";
  cfg.source_path = "<default config>";
  cfg.impl = std::make_shared<ModelConfig::Impl>();
  cfg.impl->model_precision["default"] = FixedType(16, 6);
  return cfg;
}

Status ApplyConfig(const ModelConfig& cfg, Graph& g, std::optional<Family> family) {
  const ModelConfig::Impl& m = *cfg.impl;
  const std::string src = cfg.source_path;
  // Every LayerName key must name a layer or an alias.
  for (const Entry& e : m.layer_name)
    if (!g.FindLayer(e.key)) {
      std::vector<std::string> names;
      for (const Layer& l : g.layers) {
        names.push_back(l.name);
        names.insert(names.end(), l.aliases.begin(), l.aliases.end());
      }
      return Status::Fail(src + ": LayerName: '" + e.key + "' names no layer or alias of model '" +
                          g.name + "'" + DidYouMean(e.key, names));
    }
  std::set<std::string> known_classes;
  for (const Layer& l : g.layers)
    for (const std::string& c : HlsClassNames(l)) known_classes.insert(c);
  for (const Entry& e : m.layer_type)
    if (!known_classes.count(e.key))
      std::cerr << "hlsforge: warning: " << src << ": LayerType: no layer of class '" << e.key
                << "' in model '" << g.name << "'"
                << DidYouMean(e.key, {known_classes.begin(), known_classes.end()}) << "\n";
  if (m.io_type) g.io_type = *m.io_type;

  for (Layer& l : g.layers) {
    // LayerName entries of this layer: aliases in YAML order, its own name last
    // (hls4ml names merged layers after their main node).
    std::vector<const Entry*> named;
    std::vector<std::pair<const Entry*, std::string>> param_entries;  // entry, param key
    for (const Entry& e : m.layer_name) {
      if (e.key == l.name) continue;
      if (std::find(l.aliases.begin(), l.aliases.end(), e.key) == l.aliases.end()) continue;
      // An alias is owned by the first layer that has it (FindLayer semantics).
      if (g.FindLayer(e.key) != &l) continue;
      std::optional<std::string> pk = ParamOfAlias(l, e.key);
      if (pk) {
        if (!pk->empty()) param_entries.push_back({&e, *pk});
      } else {
        named.push_back(&e);
      }
    }
    if (const Entry* own = FindEntry(m.layer_name, l.name)) named.push_back(own);
    std::vector<const Entry*> typed;
    for (const std::string& c : HlsClassNames(l))
      if (const Entry* e = FindEntry(m.layer_type, c)) typed.push_back(e);

    LayerConfig lc;
    lc.reuse_factor = m.reuse_factor;
    lc.parallelization_factor = m.parallelization_factor;
    lc.strategy = m.strategy;
    lc.trace = m.trace_output;
    lc.pipeline_stages = m.pipeline_stages;
    lc.multiplier = m.multiplier;
    auto apply_scalars = [&](const Entry* e) {
      if (e->reuse_factor) lc.reuse_factor = *e->reuse_factor;
      if (e->parallelization_factor) lc.parallelization_factor = *e->parallelization_factor;
      if (e->strategy) lc.strategy = *e->strategy;
      if (e->table_size) lc.table_size = *e->table_size;
      if (e->impl) lc.softmax_impl = *e->impl;
      if (e->trace) lc.trace = *e->trace;
      if (e->skip) lc.softmax_skip = *e->skip;
      if (e->pipeline_stages) lc.pipeline_stages = *e->pipeline_stages;
      if (e->multiplier) lc.multiplier = *e->multiplier;
    };
    for (const Entry* e : typed) apply_scalars(e);
    for (const Entry* e : named) apply_scalars(e);

    auto lookup = [](const std::vector<const Entry*>& es, const std::string& key)
        -> std::optional<std::optional<FixedType>> {
      for (auto it = es.rbegin(); it != es.rend(); ++it) {
        auto f = (*it)->precision.find(key);
        if (f != (*it)->precision.end()) return f->second;
      }
      return std::nullopt;
    };
    for (const Slot slot : PrecisionSlots(l)) {
      const std::string key = SlotKey(slot);
      std::optional<std::optional<FixedType>> p;
      if (IsTableLike(l, slot)) {
        p = lookup(named, key);
        if (!p) p = lookup(typed, key);
        if (!p) p = std::optional<FixedType>(TableDefault(slot));
      } else {
        p = lookup(named, key);
        if (!p) p = lookup(named, "default");
        if (!p) p = lookup(typed, key);
        if (!p) p = lookup(typed, "default");
        if (!p) {
          auto it = m.model_precision.find(key);
          if (it != m.model_precision.end()) p = it->second;
        }
        if (!p) p = m.model_precision.at("default");
      }
      lc.precision[slot].type = *p;
    }
    // Softmax inp_norm (the stable softmax's exp-table index type): a type
    // when a LayerName/LayerType entry gives one; `auto` when it says auto
    // (infer_precision then chooses it from the input's range, the default
    // config's choice); absent otherwise (infer_precision derives it from the
    // input type as hls4ml does: an hls4ml config keeps hls4ml's arithmetic).
    if (l.kind == LayerKind::Softmax) {
      std::optional<std::optional<FixedType>> p = lookup(named, SlotKey(Slot::InpNorm));
      if (!p) p = lookup(typed, SlotKey(Slot::InpNorm));
      if (p) lc.precision[Slot::InpNorm].type = *p;
    }
    lc.precision[Slot::Default].type = m.model_precision.at("default");
    // Constants merged into the layer: their "result" precision is the param's.
    for (const auto& [e, pk] : param_entries) {
      const std::optional<Slot> ps = SlotFromKey(pk);
      if (!ps) continue;  // a param without a precision slot of its own
      auto f = e->precision.find("result");
      if (f == e->precision.end()) f = e->precision.find("default");
      if (f == e->precision.end()) continue;
      lc.precision[*ps].type = f->second;
    }
    // Precisions the model file fixes (HGQ proxy overrides) win over the
    // config, as hls4ml enforces a proxy model's embedded configuration.
    for (const auto& [slot, t] : l.embedded_precision) lc.precision[slot].type = t;
    if (l.embedded_table_size) lc.table_size = *l.embedded_table_size;
    // Params: explicit precisions set the param type, quantizer-fixed params win.
    for (auto& [pk, param] : l.params) {
      const std::optional<Slot> ps = SlotFromKey(pk);
      if (!ps) continue;
      if (param.type_from_quantizer && param.type) {
        lc.precision[*ps].type = param.type;
        continue;
      }
      auto it = lc.precision.find(*ps);
      if (it != lc.precision.end()) param.type = it->second.type;
    }
    l.config = std::move(lc);
  }
  // Every type of the graph in the model's family (the backend's, else
  // Model: Family, default ap).
  return SetFamily(g, family ? *family : m.family.value_or(Family::AP)).WithContext(src);
}

std::optional<Family> ConfigFamily(const ModelConfig& cfg) { return cfg.impl ? cfg.impl->family : std::nullopt; }

namespace {

/// Layers hls4ml reads ParallelizationFactor for (io_parallel output pixels
/// computed at once): convolutions and pooling.
bool UsesParallelizationFactor(const Layer& l) {
  return l.kind == LayerKind::Conv || l.kind == LayerKind::Pooling;
}

/// TableSize the generated (default) config gives a stable softmax whose
/// table size is the graph's default: 4096 entries (12 address bits) instead
/// of hls4ml's 1024. With `inp_norm: auto` the exp table covers [0, 8) in
/// bins of 2^-9, so two logits closer than 2^-10 share an entry and the
/// first one wins the argmax: 1024 entries (bins of 2^-7) lose that way
/// 3 to 8 % of the rows of the bundled small MLPs whose top two logits lie
/// within 4e-3 of each other, 4096 entries 0 to 2 % (measured on the golden
/// inputs, tests/emu/softmax_default_config_test.cpp). A TableSize in the
/// user's config is honoured as written.
constexpr int kGeneratedStableSoftmaxTableSize = 4096;

int GeneratedTableSize(const Layer& l) {
  if (l.kind == LayerKind::Softmax && l.config.softmax_impl == SoftmaxImpl::Stable &&
      l.config.table_size == LayerConfig{}.table_size)
    return kGeneratedStableSoftmaxTableSize;
  return l.config.table_size;
}

std::string PrecText(const Precision& p) {
  return p.type ? p.type->ToConfigString() : std::string("auto");
}

void EmitLayerBody(YAML::Emitter& out, const Layer& l, bool with_scalars) {
  out << YAML::BeginMap;
  out << YAML::Key << "Precision" << YAML::Value << YAML::BeginMap;
  for (const Slot slot : PrecisionSlots(l)) {
    auto it = l.config.precision.find(slot);
    const std::string text = it == l.config.precision.end() ? std::string("auto") : PrecText(it->second);
    out << YAML::Key << SlotKey(slot) << YAML::Value << text;
  }
  if (l.kind == LayerKind::Softmax) {  // auto: chosen from the input's range (infer_precision)
    auto it = l.config.precision.find(Slot::InpNorm);
    out << YAML::Key << SlotKey(Slot::InpNorm) << YAML::Value
        << (it == l.config.precision.end() ? std::string("auto") : PrecText(it->second));
  }
  out << YAML::EndMap;
  if (with_scalars) {
    out << YAML::Key << "ReuseFactor" << YAML::Value << l.config.reuse_factor;
    if (UsesParallelizationFactor(l))
      out << YAML::Key << "ParallelizationFactor" << YAML::Value << l.config.parallelization_factor;
    if (l.kind == LayerKind::Dense || l.kind == LayerKind::Conv)  // kernels with Latency/Resource variants
      out << YAML::Key << "Strategy" << YAML::Value << ToString(l.config.strategy);
    if (l.kind == LayerKind::Activation || l.kind == LayerKind::Softmax)
      out << YAML::Key << "TableSize" << YAML::Value << GeneratedTableSize(l);
    if (l.kind == LayerKind::Softmax) {
      out << YAML::Key << "Implementation" << YAML::Value << ToString(l.config.softmax_impl);
      out << YAML::Key << "Skip" << YAML::Value << l.config.softmax_skip;
    }
    out << YAML::Key << "Trace" << YAML::Value << l.config.trace;
  }
  out << YAML::EndMap;
}

}  // namespace

StatusOr<std::string> GenerateConfig(const Graph& g, const std::string& granularity) {
  if (granularity != "model" && granularity != "type" && granularity != "name")
    return Status::Fail("GenerateConfig: unknown granularity '" + granularity +
                        "' (expected model, type or name)");
  // Model-level values: the most common reuse factor / strategy of the layers.
  int reuse = 1;
  Strategy strategy = Strategy::Latency;
  // Model ParallelizationFactor: written only for models with Conv/Pooling
  // layers (the most common value among them).
  std::optional<int> pf;
  {
    std::map<int, int> pc;
    for (const Layer& l : g.layers)
      if (UsesParallelizationFactor(l)) ++pc[l.config.parallelization_factor];
    if (!pc.empty())
      pf = std::max_element(pc.begin(), pc.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  }
  if (!g.layers.empty()) {
    std::map<int, int> rc;
    std::map<Strategy, int> sc;
    for (const Layer& l : g.layers) { ++rc[l.config.reuse_factor]; ++sc[l.config.strategy]; }
    reuse = std::max_element(rc.begin(), rc.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
    strategy = std::max_element(sc.begin(), sc.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  }
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "Model" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "Precision" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "default" << YAML::Value << "fixed<16,6>";
  out << YAML::EndMap;
  out << YAML::Key << "ReuseFactor" << YAML::Value << reuse;
  if (pf) out << YAML::Key << "ParallelizationFactor" << YAML::Value << *pf;
  out << YAML::Key << "Strategy" << YAML::Value << ToString(strategy);
  out << YAML::Key << "BramFactor" << YAML::Value << 1000000000;
  out << YAML::Key << "TraceOutput" << YAML::Value << false;
  out << YAML::EndMap;
  if (granularity == "type") {
    out << YAML::Key << "LayerType" << YAML::Value << YAML::BeginMap;
    std::set<std::string> done;
    for (const Layer& l : g.layers) {
      const std::string cls = HlsClassNames(l).front();
      if (l.kind == LayerKind::Input || !done.insert(cls).second) continue;
      out << YAML::Key << cls << YAML::Value;
      EmitLayerBody(out, l, true);
    }
    out << YAML::EndMap;
  } else if (granularity == "name") {
    out << YAML::Key << "LayerName" << YAML::Value << YAML::BeginMap;
    for (const Layer& l : g.layers) {
      out << YAML::Key << l.name << YAML::Value;
      EmitLayerBody(out, l, l.kind != LayerKind::Input);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  if (!out.good()) return Status::Fail(std::string("GenerateConfig: ") + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace hlsforge::ir
