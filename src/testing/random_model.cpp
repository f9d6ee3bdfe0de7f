// GenerateRandomModel (random_model.h): draws a structure, its input rows
// and types; redraws the types (up to 8 times) and then the structure when a
// draw is too wide or some layer's output barely varies.
#include "hlsforge/testing/random_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "random_model_internal.h"

namespace hlsforge::testing {
namespace {

std::string ShapeText(const std::vector<int64_t>& s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "x" : "") + std::to_string(s[i]);
  return r;
}

std::string TypeOf(const ir::Layer& l, ir::Slot s) {
  const std::optional<FixedType> t = l.config.precision.type(s);
  return t ? t->ToString() : "auto";
}

/// One line per layer: kind, attributes, shapes and every resolved type.
}  // namespace

std::string DescribeLayer(const ir::Graph& g, const ir::Layer& l) {
  std::ostringstream s;
  s << l.name << " = " << ir::ToString(l.kind);
  if (l.conv) {
    const auto& a = *l.conv;
    s << (a.depthwise ? "[depthwise dm " + std::to_string(a.depth_multiplier) + "] " : " ") << "k " << a.kernel_h
      << "x" << a.kernel_w << " s " << a.stride_h << "x" << a.stride_w << " pads(t,l,b,r) " << a.pad_top << ","
      << a.pad_left << "," << a.pad_bottom << "," << a.pad_right;
  }
  if (l.pool) {
    const auto& a = *l.pool;
    s << " " << ir::ToString(a.op) << (a.global ? " global" : "");
    if (!a.global)
      s << " pool " << a.pool_h << "x" << a.pool_w << " s " << a.stride_h << "x" << a.stride_w << " pads(t,l,b,r) "
        << a.pad_top << "," << a.pad_left << "," << a.pad_bottom << "," << a.pad_right
        << " count_pad " << a.count_pad;
  }
  if (l.resize) {
    const auto& a = *l.resize;
    if (l.kind == ir::LayerKind::UpSampling) s << " scale " << a.scale_h << "x" << a.scale_w;
    else s << " (t,l,b,r) " << a.pad_top << "," << a.pad_left << "," << a.pad_bottom << "," << a.pad_right;
  }
  if (l.merge) s << " " << ir::ToString(l.merge->op) << (l.merge->op == ir::MergeOp::Concatenate
                                                             ? " axis " + std::to_string(l.merge->axis) : "");
  if (l.kind == ir::LayerKind::Activation) {
    s << " " << ir::ToString(l.activation);
    if (l.alpha != 0) s << " alpha " << l.alpha;
    if (l.activation == ir::ActivationKind::Sigmoid || l.activation == ir::ActivationKind::Tanh)
      s << " table " << TypeOf(l, ir::Slot::Table) << " x " << l.config.table_size;
  }
  if (l.kind == ir::LayerKind::Softmax) {
    s << " " << ir::ToString(l.config.softmax_impl) << " table_size " << l.config.table_size;
    for (const ir::Slot k : {ir::Slot::InpNorm, ir::Slot::ExpTable, ir::Slot::Accum, ir::Slot::InvInp,
                             ir::Slot::InvTable, ir::Slot::Table})
      if (l.config.precision.count(k)) s << " " << ir::SlotKey(k) << "=" << TypeOf(l, k);
  }
  s << " (";
  for (size_t i = 0; i < l.inputs.size(); ++i) s << (i ? ", " : "") << l.inputs[i];
  s << ")";
  if (!l.inputs.empty()) s << " in " << ShapeText(g.tensor(l.inputs[0]).shape);
  s << " -> " << ShapeText(g.tensor(l.output).shape);
  for (const ir::Slot k : {ir::Slot::Weight, ir::Slot::Bias, ir::Slot::Scale, ir::Slot::Threshold,
                           ir::Slot::ThresholdLo, ir::Slot::ThresholdHi})
    if (const ir::Param* p = l.param(k)) s << " " << ir::SlotKey(k) << "=" << (p->type ? p->type->ToString() : "?");
  if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Dense || l.kind == ir::LayerKind::Pooling)
    s << " accum=" << TypeOf(l, ir::Slot::Accum);
  if (l.config.precision.count(ir::Slot::Param)) s << " param=" << TypeOf(l, ir::Slot::Param);
  s << " result=" << (g.tensor(l.output).type ? g.tensor(l.output).type->ToString() : "?");
  if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Dense)
    s << " " << ir::ToString(l.config.strategy) << " rf " << l.config.reuse_factor;
  if (l.config.parallelization_factor != 1) s << " pf " << l.config.parallelization_factor;
  return s.str();
}

std::string DescribeGraph(const ir::Graph& g, ir::IOType io) {
  std::ostringstream s;
  const ir::Tensor& in = g.tensor(g.inputs.at(0));
  s << (io == ir::IOType::Stream ? "io_stream" : "io_parallel") << "; input " << ShapeText(in.shape) << " "
    << in.type->ToString();
  for (const auto& l : g.layers)
    if (l.kind != ir::LayerKind::Input) s << "\n      " << DescribeLayer(g, l);
  s << "\n      outputs:";
  for (const auto& o : g.outputs) s << " " << o;
  return s.str();
}

int64_t RequiredDistinct(const ir::Graph& g, const ir::Layer& l, int64_t min_distinct) {
  const std::string& t = l.kind == ir::LayerKind::Input && l.output.empty() ? g.inputs.at(0) : l.output;
  const FixedType& type = *g.tensor(t).type;
  if (type.width() == 1) return 2;
  if (l.kind == ir::LayerKind::Threshold) return l.params.count("threshold") ? 2 : 3;
  if (l.kind == ir::LayerKind::Activation) {
    if (l.activation == ir::ActivationKind::BinaryTanh) return 2;
    if (l.activation == ir::ActivationKind::TernaryTanh) return 3;
  }
  // values the type holds (a signed SAT_SYM type never takes its most negative word)
  const int64_t capacity = (int64_t{1} << std::min(type.width(), 20)) -
                           (type.is_signed() && type.overflow() == Overflow::SAT_SYM ? 1 : 0);
  return std::min<int64_t>(min_distinct, capacity);
}

int64_t CountDistinct(const NDArray& a) { return static_cast<int64_t>(std::set<double>(a.data.begin(), a.data.end()).size()); }

Status CheckVarying(const NDArray& a, int64_t min_distinct, const std::string& what) {
  const int64_t n = CountDistinct(a);
  if (n >= min_distinct) return Status::Ok();
  return Status::Fail(fmt::format("{}: {} values take {} distinct value{}, fewer than the {} required (a comparison "
                                  "of a near-constant tensor proves little)",
                                  what, a.data.size(), n, n == 1 ? "" : "s", min_distinct));
}

ir::Graph AncestorGraph(const ir::Graph& g, size_t layer_index) {
  std::set<std::string> need = {g.layers.at(layer_index).output};
  std::vector<bool> keep(g.layers.size(), false);
  for (size_t i = layer_index + 1; i-- > 0;) {
    const ir::Layer& l = g.layers[i];
    if (!need.count(l.output)) continue;
    keep[i] = true;
    for (const auto& in : l.inputs) need.insert(in);
  }
  ir::Graph p;
  p.name = g.name;
  p.source_path = g.source_path;
  p.io_type = g.io_type;
  p.inputs = g.inputs;
  p.input_channels_first = g.input_channels_first;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (keep[i]) p.layers.push_back(g.layers[i]);
  for (const auto& [name, t] : g.tensors)
    if (need.count(name)) p.tensors[name] = t;
  p.outputs = {g.layers[layer_index].output};
  return p;
}

std::string TooWide(const ir::Graph& g) {
  for (const auto& l : g.layers) {
    if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Dense) {
      const int w = g.tensor(l.inputs[0]).type->width() + l.params.at("weight").type->width();
      if (w > 64) return l.name + " product " + std::to_string(w) + " bits";
    }
    if (l.kind == ir::LayerKind::ScaleShift) {
      const int w = g.tensor(l.inputs[0]).type->width() + l.params.at("scale").type->width();
      if (w > 60) return l.name + " product " + std::to_string(w) + " bits";
    }
    if (l.kind == ir::LayerKind::Merge && l.merge->op == ir::MergeOp::Multiply) {
      const int w = g.tensor(l.inputs[0]).type->width() + g.tensor(l.inputs[1]).type->width();
      if (w > 64) return l.name + " product " + std::to_string(w) + " bits";
    }
    if (l.kind == ir::LayerKind::Activation && (l.activation == ir::ActivationKind::Sigmoid ||
                                                l.activation == ir::ActivationKind::Tanh)) {
      if (g.tensor(l.inputs[0]).type->width() > 48) return l.name + " table index too wide";
    }
    if (l.kind == ir::LayerKind::Softmax && g.tensor(l.inputs[0]).type->width() > 40)
      return l.name + " input too wide";
  }
  for (const auto& o : g.outputs)
    if (g.tensor(o).type->width() > 53) return "output " + o + " wider than 53 bits";
  return "";
}

StatusOr<RandomModel> GenerateRandomModel(uint32_t seed, const RandomModelOptions& opt) {
  detail::Rng rng(seed);
  RandomModel m;
  m.seed = seed;
  m.family = opt.family;
  const int rows = opt.rows > 0 ? opt.rows : (opt.family == ModelFamily::Mlp ? 64 : 32);
  std::string last_error;
  for (int draw = 0; draw < 40; ++draw) {
    ++m.draws;
    detail::Draft structure = opt.family == ModelFamily::Mlp ? detail::DrawMlp(rng) : detail::DrawCnn(rng);
    if (opt.io) structure.io = *opt.io;
    const ir::Tensor& in = structure.g.tensor(structure.g.inputs.at(0));
    NDArray x0;
    x0.shape = {rows};
    x0.shape.insert(x0.shape.end(), in.shape.begin(), in.shape.end());
    for (int64_t i = 0; i < rows * in.size(); ++i) x0.data.push_back(rng.normal(structure.input_sd));
    for (int attempt = 0; attempt < 8; ++attempt) {
      detail::Draft d = structure;
      NDArray x = x0;
      auto typed = detail::ExerciseTypes(d, x, rng, opt.min_distinct);
      if (!typed.ok()) {
        last_error = typed.status().message();
        continue;
      }
      Status v = d.g.Validate();
      if (!v.ok()) return Status::Fail(fmt::format("random model seed {}: invalid graph: {}", seed, v.message()));
      d.g.name = opt.family == ModelFamily::Mlp ? "mlp" : "cnn";
      m.graph = std::move(d.g);
      m.io = d.io;
      m.input = std::move(x);
      m.features = std::move(d.features);
      m.distinct = std::move(typed->distinct);
      m.min_distinct = std::move(typed->min_distinct);
      m.summary = DescribeGraph(m.graph, m.io);
      return m;
    }
  }
  return Status::Fail(fmt::format("random model seed {}: no valid draw in {} structures (last: {})", seed, m.draws,
                                  last_error));
}

}  // namespace hlsforge::testing
