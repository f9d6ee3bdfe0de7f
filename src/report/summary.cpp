#include "hlsforge/report/summary.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "hlsforge/passes/pass.h"

namespace hlsforge::report {
namespace {

// The config spelling, except for a model of the AC family (Catapult), whose
// types are shown by their vendor names: ac_fixed<W,I,S,Q,O>, ac_int<W,S>.
std::string TypeString(const std::optional<FixedType>& t) {
  if (!t) return "auto";
  return t->family() == Family::AC ? t->ToString() : t->ToConfigString();
}

/// Compact shape for the table: "[28,28,1]".
std::string ShapeString(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ","));
}

/// Width of a tensor's type, 0 if unresolved.
int WidthOf(const ir::Graph& g, const std::string& tensor) {
  auto it = g.tensors.find(tensor);
  return it != g.tensors.end() && it->second.type ? it->second.type->width() : 0;
}

/// "Conv2D 3x3", "DepthwiseConv1D 5 s2", "MaxPooling2D 2x2", "Merge(add)"...:
/// the Keras-style class with its window, for the table.
std::string KindString(const ir::Layer& l) {
  std::string k = ir::ToString(l.kind);
  auto window = [](int rank, int64_t h, int64_t w, int64_t sh, int64_t sw, bool stride_shown) {
    std::string s = rank == 1 ? fmt::format(" {}", w) : fmt::format(" {}x{}", h, w);
    if (stride_shown) s += rank == 1 ? fmt::format(" s{}", sw) : fmt::format(" s{}x{}", sh, sw);
    return s;
  };
  switch (l.kind) {
    case ir::LayerKind::Activation: {
      // the constants of a parametrized activation, as the source model gave them
      using K = ir::ActivationKind;
      std::string c;
      switch (l.activation) {
        case K::LeakyReLU:
        case K::ELU: c = fmt::format(" alpha={}", l.alpha); break;
        case K::ThresholdedReLU: c = fmt::format(" theta={}", l.alpha); break;
        case K::ReLU6OrMax: c = fmt::format(" max={}", l.alpha); break;
        case K::SELU: c = fmt::format(" alpha={} lambda={}", l.alpha, l.beta); break;
        case K::HardSigmoid:
        case K::HardTanh: c = fmt::format(" slope={} shift={}", l.alpha, l.beta); break;
        case K::PReLU:
          if (const ir::Param* a = l.param(ir::Slot::Param)) c = fmt::format(" {} alphas", a->size());
          break;
        default: break;
      }
      return k + "(" + ir::ToString(l.activation) + c + ")";
    }
    case ir::LayerKind::Conv:
      if (!l.conv) return k;
      return fmt::format("{}Conv{}D", l.conv->depthwise ? "Depthwise" : "", l.conv->rank) +
             window(l.conv->rank, l.conv->kernel_h, l.conv->kernel_w, l.conv->stride_h, l.conv->stride_w,
                    l.conv->stride_h != 1 || l.conv->stride_w != 1);
    case ir::LayerKind::Pooling: {
      if (!l.pool) return k;
      const auto& p = *l.pool;
      std::string s = fmt::format("{}{}Pooling{}D", p.global ? "Global" : "",
                                  p.op == ir::PoolOp::Max ? "Max" : "Average", p.rank);
      if (!p.global)
        s += window(p.rank, p.pool_h, p.pool_w, p.stride_h, p.stride_w,
                    p.stride_w != p.pool_w || (p.rank == 2 && p.stride_h != p.pool_h));
      return s;
    }
    case ir::LayerKind::ZeroPadding:
    case ir::LayerKind::Cropping:
    case ir::LayerKind::UpSampling:
      return l.resize ? fmt::format("{}{}D", k, l.resize->rank) : k;
    case ir::LayerKind::Merge: return l.merge ? k + "(" + ir::ToString(l.merge->op) + ")" : k;
    case ir::LayerKind::Quantize:
      // QKeras quantized_relu with a negative slope (graph.h QuantParams)
      return l.quant && l.quant->negative_slope != 0 ? fmt::format("{}(negative_slope={})", k, l.quant->negative_slope)
                                                      : k;
    default: return k;
  }
}

/// An HGQ quantizer's per-element formats (graph.h Layer::element_types) for
/// the table: "bits 2..12, integers 3..5, 47 of 64 pruned" (bits and
/// integers count the sign bit, as ap_fixed's W and I; pruned = 0-bit
/// elements, constant zero).
std::string ElementFormatsString(const ir::Layer& l, int64_t n) {
  const auto& et = l.element_types;
  int wmin = 0, wmax = 0, imin = 0, imax = 0;
  int64_t pruned = 0;
  bool any = false;
  for (int64_t e = 0; e < n; ++e) {
    const auto& t = et[et.size() == 1 ? 0 : static_cast<size_t>(e)];
    if (!t) {
      ++pruned;
      continue;
    }
    wmin = any ? std::min(wmin, t->width()) : t->width();
    wmax = any ? std::max(wmax, t->width()) : t->width();
    imin = any ? std::min(imin, t->integer()) : t->integer();
    imax = any ? std::max(imax, t->integer()) : t->integer();
    any = true;
  }
  auto range = [](int a, int b) { return a == b ? std::to_string(a) : fmt::format("{}..{}", a, b); };
  std::string s = any ? fmt::format("bits {}, integers {}", range(wmin, wmax), range(imin, imax)) : "all 0 bits";
  return s + fmt::format(", {} of {} pruned", pruned, n);
}

/// "1.2M"-style compaction for big counts in the table.
std::string Count(double v) {
  if (v == 0) return "-";
  if (v < 1e6) return fmt::format("{:.0f}", v);
  if (v < 1e9) return fmt::format("{:.2f}M", v / 1e6);
  return fmt::format("{:.2f}G", v / 1e9);
}

/// A division by `cells` is a shift when it is a power of two.
bool PowerOfTwo(int64_t cells) { return cells > 0 && std::has_single_bit(static_cast<uint64_t>(cells)); }

const std::vector<int64_t>* ShapeOf(const ir::Graph& g, const std::string& tensor) {
  auto it = g.tensors.find(tensor);
  return it == g.tensors.end() ? nullptr : &it->second.shape;
}

int64_t Product(const std::vector<int64_t>& v, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < v.size(); ++i) p *= v[i];
  return p;
}

/// Products of the plan: zeros, multipliers and the operation counts.
void FromPlan(const ir::LayerPlan& p, LayerSummary& ls) {
  ls.zero_weights = p.zero_weights;
  ls.multipliers = p.multipliers;
  ls.mult_ops = p.ops.multiplier;
  ls.xnor_ops = p.ops.xnor;
  ls.add_ops = p.ops.add_sub;
}

/// Dense n -> m (weight [n, m]).
void SummarizeDense(const ir::Graph& g, const ir::Layer& l, const ir::Param& w, const ir::LayerPlan& p,
                    LayerSummary& ls) {
  const int64_t n = w.shape[0], m = w.shape[1];
  FromPlan(p, ls);
  ls.macs = n * m - ls.zero_weights;
  const int b_a = l.inputs.empty() ? 0 : WidthOf(g, l.inputs[0]);
  const int b_w = w.type ? w.type->width() : 0;
  if (b_a > 0 && b_w > 0 && n * m > 0)
    ls.bops = DenseBops(n, m, b_a, b_w, static_cast<double>(ls.zero_weights) / static_cast<double>(n * m));
}

/// Conv 1-D/2-D, depthwise or not (summary.h): the per-pixel dense product
/// times the output pixels.
void SummarizeConv(const ir::Graph& g, const ir::Layer& l, const ir::Param& w, const ir::LayerPlan& p,
                   LayerSummary& ls) {
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  if (!out || out->empty() || w.shape.size() < 2) return;
  const int64_t pixels = Product(*out, 0, out->size() - 1);
  const int64_t per_pixel = static_cast<int64_t>(w.size());  // products per output pixel
  // Accumulation length n and outputs m of the per-pixel dense product.
  const bool depthwise = l.conv && l.conv->depthwise;
  const int64_t window = Product(w.shape, 0, w.shape.size() - 2);        // kh*kw (1-D: k)
  const int64_t c_in = w.shape[w.shape.size() - 2], last = w.shape.back();  // c_out or depth multiplier
  const int64_t n = depthwise ? window : window * c_in;
  const int64_t m = depthwise ? c_in * last : last;
  FromPlan(p, ls);
  ls.macs = pixels * (per_pixel - ls.zero_weights);
  const int b_a = l.inputs.empty() ? 0 : WidthOf(g, l.inputs[0]);
  const int b_w = w.type ? w.type->width() : 0;
  if (b_a > 0 && b_w > 0 && n > 0 && m > 0)
    ls.bops = static_cast<double>(pixels) *
              DenseBops(n, m, b_a, b_w, static_cast<double>(ls.zero_weights) / static_cast<double>(per_pixel));
}

/// Pooling: Average sums its window (window-1 additions per output element)
/// and divides by the cell count (a constant multiplication unless 2^k).
void SummarizePooling(const ir::Graph& g, const ir::Layer& l, LayerSummary& ls) {
  if (!l.pool || l.pool->op != ir::PoolOp::Average || l.inputs.empty()) return;
  const ir::PoolAttrs& p = *l.pool;
  const std::vector<int64_t>* in = ShapeOf(g, l.inputs[0]);
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  if (!in || !out || in->size() < 2 || out->empty()) return;
  const int64_t channels = in->back();
  const int64_t in_h = p.rank == 2 && in->size() >= 3 ? (*in)[0] : 1;
  const int64_t in_w = (*in)[in->size() - 2];
  if (p.global) {
    const int64_t cells = in_h * in_w;
    ls.add_ops = channels * (cells - 1);
    if (!PowerOfTwo(cells)) ls.mult_ops = channels;
    return;
  }
  const int64_t ph = p.rank == 2 ? p.pool_h : 1, sh = p.rank == 2 ? p.stride_h : 1;
  const int64_t pt = p.rank == 2 ? p.pad_top : 0;
  const int64_t out_h = p.rank == 2 && out->size() >= 3 ? (*out)[0] : 1;
  const int64_t out_w = (*out)[out->size() - 2];
  const int64_t window = ph * p.pool_w;
  ls.add_ops = out_h * out_w * channels * (window - 1);
  for (int64_t oh = 0; oh < out_h; ++oh) {
    for (int64_t ow = 0; ow < out_w; ++ow) {
      int64_t cells = window;
      if (!p.count_pad) {
        const int64_t h0 = oh * sh - pt, w0 = ow * p.stride_w - p.pad_left;
        const int64_t rows = std::min(h0 + ph, in_h) - std::max<int64_t>(h0, 0);
        const int64_t cols = std::min(w0 + p.pool_w, in_w) - std::max<int64_t>(w0, 0);
        cells = std::max<int64_t>(rows, 0) * std::max<int64_t>(cols, 0);
      }
      if (cells > 0 && !PowerOfTwo(cells)) ls.mult_ops += channels;
    }
  }
}

/// Element-wise merges (summary.h); Concatenate, Maximum, Minimum cost nothing.
void SummarizeMerge(const ir::Graph& g, const ir::Layer& l, const ir::LayerPlan& p, LayerSummary& ls) {
  if (!l.merge) return;
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  if (!out) return;
  const int64_t elements = Product(*out, 0, out->size());
  switch (l.merge->op) {
    case ir::MergeOp::Add:
    case ir::MergeOp::Subtract:
    case ir::MergeOp::Average: ls.add_ops = elements; break;
    case ir::MergeOp::Multiply: {
      ls.macs = elements;
      ls.mult_ops = elements;
      ls.multipliers = p.multipliers;
      const int b1 = l.inputs.size() > 0 ? WidthOf(g, l.inputs[0]) : 0;
      const int b2 = l.inputs.size() > 1 ? WidthOf(g, l.inputs[1]) : 0;
      if (b1 > 0 && b2 > 0) ls.bops = DenseBops(1, elements, b1, b2, 0.0);
      break;
    }
    default: break;
  }
}

}  // namespace

double DenseBops(int64_t n, int64_t m, int b_a, int b_w, double f_p) {
  double nn = static_cast<double>(n), mm = static_cast<double>(m);
  return mm * nn * ((1.0 - f_p) * b_a * b_w + b_a + b_w + std::log2(nn));
}


ModelSummary Summarize(const ir::Graph& g) {
  ModelSummary s;
  s.name = g.name;
  if (!g.inputs.empty() && g.tensors.count(g.inputs[0])) {
    const auto& t = g.tensors.at(g.inputs[0]);
    s.input_shape = t.shape;
    s.input_type = TypeString(t.type);
  }
  if (!g.outputs.empty() && g.tensors.count(g.outputs[0])) {
    const auto& t = g.tensors.at(g.outputs[0]);
    s.output_shape = t.shape;
    s.output_type = TypeString(t.type);
  }
  for (const ir::Layer& l : g.layers) {
    // The hardware plan (the lower_hardware pass), or the same rules now.
    const ir::LayerPlan plan = l.plan ? *l.plan : passes::PlanLayer(g, l, g.io_type);
    s.warnings.insert(s.warnings.end(), plan.warnings.begin(), plan.warnings.end());
    LayerSummary ls;
    ls.name = l.name;
    ls.kind = KindString(l);
    ls.source_op = l.source_op;
    ls.reuse_factor = plan.reuse_factor;
    auto out = g.tensors.find(l.output);
    if (out != g.tensors.end()) {
      ls.output_shape = out->second.shape;
      ls.precisions.emplace_back(ir::SlotKey(ir::Slot::Result), TypeString(out->second.type));
    }
    for (const auto& [key, p] : l.params) {
      ls.params += static_cast<int64_t>(p.size());
      const std::optional<ir::Slot> slot = ir::SlotFromKey(key);
      ls.precisions.emplace_back(key, TypeString(slot ? ir::ResolvedType(l, *slot) : p.type));
    }
    for (const auto& [slot, p] : l.config.precision) {
      bool shown = slot == ir::Slot::Result || slot == ir::Slot::Default || l.params.count(ir::SlotKey(slot));
      if (!shown) ls.precisions.emplace_back(ir::SlotKey(slot), TypeString(p.type));
    }
    if (!l.element_types.empty() && out != g.tensors.end() &&
        (l.element_types.size() == 1 || static_cast<int64_t>(l.element_types.size()) == out->second.size()))
      ls.precisions.emplace_back("elements", ElementFormatsString(l, out->second.size()));
    if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Pooling)
      ls.parallelization_factor = plan.parallelization_factor;
    const ir::Param* w = l.param(ir::Slot::Weight);
    if (w && l.kind == ir::LayerKind::Dense && w->shape.size() == 2) {
      SummarizeDense(g, l, *w, plan, ls);
    } else if (w && l.kind == ir::LayerKind::Conv) {
      SummarizeConv(g, l, *w, plan, ls);
    } else if (l.kind == ir::LayerKind::Pooling) {
      SummarizePooling(g, l, ls);
    } else if (l.kind == ir::LayerKind::Merge) {
      SummarizeMerge(g, l, plan, ls);
    } else if (l.kind == ir::LayerKind::ScaleShift) {
      // One multiplication per element, by its channel's scale word.
      ls.macs = out != g.tensors.end() ? out->second.size() : 0;
      FromPlan(plan, ls);
    }
    s.total_params += ls.params;
    s.total_zero_weights += ls.zero_weights;
    s.total_macs += ls.macs;
    s.total_multipliers += ls.multipliers;
    s.total_mult_ops += ls.mult_ops;
    s.total_xnor_ops += ls.xnor_ops;
    s.total_add_ops += ls.add_ops;
    s.total_bops += ls.bops;
    s.layers.push_back(std::move(ls));
  }
  return s;
}

std::string FormatSummary(const ModelSummary& s) {
  auto key = [](ir::Slot s) { return std::string(ir::SlotKey(s)); };
  auto find = [&](const LayerSummary& l, ir::Slot s) -> std::string {
    for (const auto& [k, v] : l.precisions)
      if (k == key(s)) return v;
    return "";
  };
  // Precisions beyond the main columns go into "other".
  auto others = [&](const LayerSummary& l) {
    std::string o;
    for (const auto& [k, v] : l.precisions) {
      if (k == key(ir::Slot::Result) || k == key(ir::Slot::Weight) || k == key(ir::Slot::Bias) ||
          k == key(ir::Slot::Accum))
        continue;
      o += (o.empty() ? "" : " ") + k + "=" + v;
    }
    return o;
  };
  // The PF column only when some layer has a ParallelizationFactor (Conv/Pooling).
  const bool pf = std::any_of(s.layers.begin(), s.layers.end(),
                              [](const LayerSummary& l) { return l.parallelization_factor > 0; });
  std::vector<std::string> head = {"layer",          "kind",           "output",         key(ir::Slot::Result),
                                   key(ir::Slot::Weight), key(ir::Slot::Bias), key(ir::Slot::Accum), "RF"};
  if (pf) head.push_back("PF");
  const size_t first_count = head.size();
  for (const char* h : {"params", "zeros", "MACs", "mults", "mul-ops", "xnor-ops", "add-ops", "BOPs"})
    head.push_back(h);
  const size_t last_number = head.size() - 1;
  head.push_back("other precisions");
  auto counts = [](std::vector<std::string>& r, const std::vector<double>& v) {
    for (double x : v) r.push_back(Count(x));
  };
  std::vector<std::vector<std::string>> rows;
  for (const LayerSummary& l : s.layers) {
    // RF where the layer has products with a reuse factor (Dense, Conv, ScaleShift, Multiply).
    std::vector<std::string> r = {l.name, l.kind, ShapeString(l.output_shape), find(l, ir::Slot::Result),
                                  find(l, ir::Slot::Weight), find(l, ir::Slot::Bias), find(l, ir::Slot::Accum),
                                  l.multipliers ? std::to_string(l.reuse_factor) : ""};
    if (pf) r.push_back(l.parallelization_factor > 0 ? std::to_string(l.parallelization_factor) : "");
    counts(r, {static_cast<double>(l.params), static_cast<double>(l.zero_weights), static_cast<double>(l.macs),
               static_cast<double>(l.multipliers), static_cast<double>(l.mult_ops),
               static_cast<double>(l.xnor_ops), static_cast<double>(l.add_ops), l.bops});
    r.push_back(others(l));
    rows.push_back(std::move(r));
  }
  std::vector<std::string> total(first_count, "");
  total[0] = "total";
  counts(total, {static_cast<double>(s.total_params), static_cast<double>(s.total_zero_weights),
                 static_cast<double>(s.total_macs), static_cast<double>(s.total_multipliers),
                 static_cast<double>(s.total_mult_ops), static_cast<double>(s.total_xnor_ops),
                 static_cast<double>(s.total_add_ops), s.total_bops});
  total.push_back("");
  std::vector<size_t> width(head.size());
  auto grow = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  };
  grow(head);
  for (const auto& r : rows) grow(r);
  grow(total);
  // Numbers (RF onwards) right-aligned, text left-aligned.
  auto numeric = [&](size_t i) { return i >= 7 && i <= last_number; };
  auto line = [&](const std::vector<std::string>& r) {
    std::string out;
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) out += "  ";
      out += numeric(i) ? fmt::format("{:>{}}", r[i], width[i]) : fmt::format("{:<{}}", r[i], width[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  size_t total_width = 0;
  for (size_t w : width) total_width += w + 2;
  std::string rule(total_width - 2, '-');
  std::string out = fmt::format("model {}: input {} {}, output {} {}, {} layers\n", s.name,
                                ShapeString(s.input_shape), s.input_type, ShapeString(s.output_shape),
                                s.output_type, s.layers.size());
  out += line(head) + rule + "\n";
  for (const auto& r : rows) out += line(r);
  out += rule + "\n" + line(total);
  if (s.total_params > 0)
    out += fmt::format("{} parameters ({} zero weights), {} MACs/sample (non-zero weights), {} multipliers "
                       "(at the reuse factors{}), {} BOPs\n"
                       "per sample: {} products need a multiplier, {} are XNOR, {} add/subtract only "
                       "(zero weights skipped)\n",
                       s.total_params, s.total_zero_weights, s.total_macs, s.total_multipliers,
                       pf ? " and parallelization factors" : "", Count(s.total_bops),
                       s.total_mult_ops, s.total_xnor_ops, s.total_add_ops);
  return out;
}

}  // namespace hlsforge::report
