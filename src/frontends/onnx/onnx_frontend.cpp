// ONNX / QONNX frontend: ModelProto -> ir::Graph. The converter's state and
// naming rules are described in onnx_converter.h; the op handlers live in
// one file per family (onnx_ops_*.cpp, onnx_conv.cpp, onnx_fold.cpp) and are
// registered by op type in onnx_op_table.cpp.
#include "hlsforge/frontends/onnx_frontend.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "onnx_converter.h"

namespace hlsforge::frontends {
namespace onnx_detail {

void Converter::CheckArity() const {
  for (int i = 0; i < gp_.node_size(); ++i) {
    const auto& n = gp_.node(i);
    auto fail = [&](const std::string& msg) {
      throw Error(file_ + ": node \"" + (n.name().empty() ? n.op_type() : n.name()) + "\" (" + n.op_type() + "): " +
                  msg);
    };
    if (n.output_size() < 1) fail("has no output");
    if (!IsStdDomain(n.domain())) continue;
    // the schema at the model's opset; an op that did not exist yet (or an
    // opset below 1) is still held to its newest schema's counts
    const auto* s = onnx::OpSchemaRegistry::Schema(n.op_type(), std::max(opset_, 1), "");
    if (!s) s = onnx::OpSchemaRegistry::Schema(n.op_type(), "");
    if (!s) continue;  // not an ONNX op: its handler's absence reports it
    auto count = [](int k, const char* what) { return std::to_string(k) + " " + what + (k == 1 ? "" : "s"); };
    auto range = [](int lo, int hi) {
      return hi == lo ? std::to_string(lo) : std::to_string(lo) + " to " + (hi > 1000 ? "any" : std::to_string(hi));
    };
    if (n.input_size() < s->min_input() || n.input_size() > s->max_input())
      fail("has " + count(n.input_size(), "input") + "; " + n.op_type() + " (opset " + std::to_string(opset_) +
           ") takes " + range(s->min_input(), s->max_input()));
    if (n.output_size() < s->min_output() || n.output_size() > s->max_output())
      fail("has " + count(n.output_size(), "output") + "; " + n.op_type() + " (opset " +
           std::to_string(opset_) + ") gives " + range(s->min_output(), s->max_output()));
  }
}

ir::Graph Converter::Run() {
  g_.name = std::filesystem::path(path_).stem().string();
  g_.source_path = path_;
  opset_ = 13;
  for (const auto& o : m_.opset_import())
    if (IsStdDomain(o.domain())) {
      if (o.version() < 1 || o.version() > 1000)
        throw Error(file_ + ": opset_import: version " + std::to_string(o.version()) +
                    " of the ONNX domain is not an opset (1 or more)");
      opset_ = static_cast<int>(o.version());
    }
  CheckArity();
  ReadInitializers();
  for (const auto& nd : gp_.node()) cl_model_ |= nd.domain() == kChannelsLastDomain;
  Precompute();
  MakeInputs();
  for (int i = 0; i < gp_.node_size(); ++i) ConvertNode(i);
  for (const auto& o : gp_.output()) {
    if (consts_.count(o.name())) throw Error(file_ + ": graph output '" + o.name() + "' is a constant");
    auto it = acts_.find(o.name());
    if (it == acts_.end()) throw Error(file_ + ": graph output '" + o.name() + "' is not produced by any node");
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

void Converter::ConvertNode(int i) {
  const auto& n = gp_.node(i);
  if (!IsStdDomain(n.domain()) && !IsQonnxDomain(n.domain()) && n.domain() != kChannelsLastDomain)
    Fail(i, "unsupported op (domain '" + n.domain() + "')");
  if (IsQonnxDomain(n.domain()) && !IsQuantOp(n)) Fail(i, "unsupported op");
  if (n.output_size() < 1 || n.output(0).empty()) Fail(i, "node has no output");
  const auto& table = OpTable();
  const auto entry = table.find(n.op_type());
  const OpHandlers* h = entry == table.end() ? nullptr : &entry->second;
  if (is_const_node_[i]) {
    if (!h || !h->fold) Fail(i, "unsupported op in constant folding");
    Const c = h->fold(*this, i);
    c.sources.insert(c.sources.begin(), n.name());
    if (counted_[i]) {
      c.sources.push_back(clean_[i]);
      for (const auto& p : pnames_[i])
        if (!p.empty()) c.sources.push_back(p);
    }
    consts_[n.output(0)] = std::move(c);
    return;
  }
  if (!h || !h->convert) Fail(i, "unsupported op");
  h->convert(*this, i);
}

}  // namespace onnx_detail

StatusOr<ir::Graph> LoadOnnx(const std::string& path) {
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
    onnx_detail::Converter conv(model, path);
    ir::Graph g = conv.Run();
    HLSFORGE_RETURN_IF_ERROR(g.Validate());
    return g;
  } catch (const std::exception& e) {
    return Status::Fail(e.what());
  }
}

}  // namespace hlsforge::frontends
