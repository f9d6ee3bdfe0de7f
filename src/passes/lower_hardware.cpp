// lower_hardware: the hardware plan of every layer (ir/hw_plan.h), the last
// pass of the default pipeline. Every rule that decides how a layer becomes
// hardware lives here, once:
//  * reuse factor: hls4ml's valid values of a dense product of n_in x n_out
//    (ValidDenseReuseFactors), the nearest one applied with one warning;
//  * ParallelizationFactor of a Conv in io_parallel: the divisor of the
//    output pixel count nearest to the request, with one warning; io_stream
//    computes one pixel per window step (1, warned when requested);
//  * the product kind (ir::DecideProductKind on the input and weight types),
//    hls4ml's n_zeros and multiplier_limit, the per-sample operation counts;
//  * tables (entries, value and index types) and the softmax table warnings;
//  * the fixed-point constant of a parametrized activation (ActivationParamOf);
//  * the II and a latency estimate (rules in hw_plan.h), each kernel's
//    schedule (function or outer loop pipelined, and at which II) and the
//    top function's (PIPELINE or DATAFLOW, hls4ml's rules) with QoR warnings.
// The pass plans for Graph::io_type: a command-line io type override must be
// applied to the graph before it runs.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hlsforge/ir/family.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::passes {
namespace {

using ir::Layer;
using ir::LayerKind;
using ir::LayerPlan;
using ir::Slot;

int64_t Product(const std::vector<int64_t>& v, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < v.size(); ++i) p *= v[i];
  return p;
}

/// hls4ml's ceillog2-free bit count: smallest b with 2^b >= n (0 for n <= 1).
int IndexBits(int64_t n) {
  int b = 0;
  while ((int64_t{1} << b) < n) ++b;
  return b;
}

bool PowerOfTwo(double v) {
  if (v == 0 || !std::isfinite(v)) return false;
  int e = 0;
  return std::fabs(std::frexp(v, &e)) == 0.5;
}

const std::vector<int64_t>* ShapeOf(const ir::Graph& g, const std::string& tensor) {
  auto it = g.tensors.find(tensor);
  return it == g.tensors.end() ? nullptr : &it->second.shape;
}

std::optional<FixedType> TypeOf(const ir::Graph& g, const std::string& tensor) {
  auto it = g.tensors.find(tensor);
  return it == g.tensors.end() ? std::nullopt : it->second.type;
}

/// Stream words of a tensor per sample (at least 1).
int64_t Words(const ir::Graph& g, const std::string& tensor) {
  const std::vector<int64_t>* s = ShapeOf(g, tensor);
  if (!s) return 1;
  return std::max<int64_t>(1, Product(*s, 0, s->size()) / ir::StreamWordElements(*s));
}

/// The value of a weight word as the hardware sees it: +-1 for XNOR weights,
/// the quantized value for typed weights, the float value before typing.
double WordValue(double v, const std::optional<FixedType>& t, bool xnor) {
  if (xnor) return v > 0 ? 1.0 : -1.0;
  if (t) return t->ToDouble(t->Quantize(v));
  return v;
}

/// Kind of the products of data `in` x weights `w`; before types are
/// resolved, binary (bipolar) data and weights are recognized by their origin.
ir::ProductKind KindOf(const ir::Graph& g, const Layer& l, const ir::Param& w, const std::optional<FixedType>& in) {
  const bool dx = in ? ir::IsXnorType(*in) : !l.inputs.empty() && IsXnorTensor(g, l.inputs[0]);
  const bool wx = w.type ? ir::IsXnorType(*w.type) : IsXnorParam(w);
  const FixedType bit = FixedType::Int(1, false), wide(16, 6);
  return ir::DecideProductKind(dx ? bit : in.value_or(wide), wx ? bit : w.type.value_or(wide));
}

/// Dense product of one evaluation: `words` are the n_in x n_out weights
/// (Conv depthwise: expanded with zeros); `own` the layer's weight param,
/// used `times` times per sample. Fills kind, reuse factor (snapped, with a
/// warning), zeros, multiplier_limit and the operation counts.
void PlanProducts(const ir::Graph& g, const Layer& l, const ir::Param& own, const std::vector<double>& words,
                  int64_t n_in, int64_t n_out, int64_t times, const char* what, LayerPlan& p) {
  const std::optional<FixedType> in = l.inputs.empty() ? std::nullopt : TypeOf(g, l.inputs[0]);
  p.has_products = true;
  p.product = KindOf(g, l, own, in);
  p.n_in = n_in;
  p.n_out = n_out;
  p.weights = n_in * n_out;
  p.evaluations = times;
  const bool xnor_w = p.product == ir::ProductKind::Xnor || p.product == ir::ProductKind::WeightBinary;
  const bool free_zero = ir::ZeroWeightIsFree(p.product);
  for (double v : words)
    if (free_zero && WordValue(v, own.type, xnor_w) == 0) ++p.n_zeros;
  // Operations per sample: the layer's own weights, each used `times` times.
  const bool data_sign = p.product == ir::ProductKind::Xnor || p.product == ir::ProductKind::DataBinary ||
                         (in && in->is_signed() && in->width() <= 2 && in->integer() == in->width());
  for (double v : own.values) {
    const double q = WordValue(v, own.type, xnor_w);
    if (q == 0) {
      p.ops.zero_skipped += times;
      if (free_zero) ++p.zero_weights;
    } else if (p.product == ir::ProductKind::Xnor) {
      p.ops.xnor += times;
    } else if (data_sign || PowerOfTwo(q)) {
      p.ops.add_sub += times;
    } else {
      p.ops.multiplier += times;
    }
  }
  // Reuse factor: hls4ml's valid values for this product.
  if (n_in > 0 && n_out > 0 && n_in * n_out <= (int64_t{1} << 31)) {
    const std::vector<int> valid = ValidDenseReuseFactors(static_cast<int>(n_in), static_cast<int>(n_out));
    if (std::find(valid.begin(), valid.end(), p.reuse_factor) == valid.end()) {
      const int snapped = ClosestReuseFactor(valid, p.reuse_factor);
      p.warnings.push_back(fmt::format("layer '{}': reuse factor {} is not valid for a {}x{} {}; using {} (valid: {})",
                                       l.name, p.reuse_factor, n_in, n_out, what, snapped, fmt::join(valid, ", ")));
      p.reuse_factor = snapped;
    }
  }
  p.multiplier_limit = ir::MultiplierLimit(p.weights, p.n_zeros, p.reuse_factor);
  p.multipliers = p.multiplier_limit;
}

/// Product latency estimate: one multiply stage and an adder tree.
int64_t ProductDepth(int64_t n_in) { return 1 + IndexBits(std::max<int64_t>(n_in, 1)); }

void PlanDense(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  const ir::Param* w = l.param(Slot::Weight);
  if (!w || w->shape.size() != 2) return;
  PlanProducts(g, l, *w, w->values, w->shape[0], w->shape[1], 1, "Dense", p);
  // Latency: PIPELINE II=R; Resource: R iterations of a loop at II=1.
  p.ii_cycles = p.io_type == ir::IOType::Stream && !l.inputs.empty()
                    ? std::max<int64_t>(p.reuse_factor, Words(g, l.inputs[0]))
                    : p.reuse_factor;
  p.latency_cycles = p.ii_cycles + ProductDepth(p.n_in);
  // Latency: the function pipelined at II=R; Resource: the reuse loop at II=1.
  const bool resource = p.strategy == ir::Strategy::Resource;
  p.schedule = resource ? ir::Schedule::LoopPipeline : ir::Schedule::Pipeline;
  p.pipeline_ii = resource ? 1 : p.reuse_factor;
}

/// Output pixels of a window layer (all output dims but the channels).
int64_t OutputPixels(const ir::Graph& g, const Layer& l) {
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  return out && !out->empty() ? Product(*out, 0, out->size() - 1) : 1;
}

/// Input pixels including the explicit padding (the io_stream window scan).
int64_t PaddedInputPixels(const ir::Graph& g, const Layer& l, int rank, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr) {
  const std::vector<int64_t>* in = l.inputs.empty() ? nullptr : ShapeOf(g, l.inputs[0]);
  if (!in || in->size() < 2) return 1;
  const int64_t w = (*in)[in->size() - 2] + pl + pr;
  const int64_t h = rank == 2 && in->size() >= 3 ? (*in)[0] + pt + pb : 1;
  return std::max<int64_t>(1, h * w);
}

void PlanConv(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  const ir::Param* w = l.param(Slot::Weight);
  if (!w || !l.conv || w->shape.size() < 2) return;
  const ir::ConvAttrs& a = *l.conv;
  const int64_t K = Product(w->shape, 0, w->shape.size() - 1);  // kh*kw*c_in
  const int64_t c_in = w->shape[w->shape.size() - 2], last = w->shape.back();
  const int64_t c_out = a.depthwise ? c_in * last : last;
  std::vector<double> dense = w->values;  // [K, c_out]; depthwise expanded with zero weights
  if (a.depthwise) {
    const int64_t window = K / std::max<int64_t>(c_in, 1), dm = last;
    dense.assign(static_cast<size_t>(K * c_out), 0.0);
    for (int64_t k = 0; k < window; ++k)
      for (int64_t ch = 0; ch < c_in; ++ch)
        for (int64_t m = 0; m < dm; ++m)
          if (static_cast<size_t>((k * c_in + ch) * dm + m) < w->values.size())
            dense[static_cast<size_t>((k * c_in + ch) * c_out + ch * dm + m)] =
                w->values[static_cast<size_t>((k * c_in + ch) * dm + m)];
  }
  const int64_t npix = OutputPixels(g, l);
  PlanProducts(g, l, *w, dense, K, c_out, npix, "per-pixel product", p);
  const int pf = std::max(1, l.config.parallelization_factor);
  if (p.io_type == ir::IOType::Stream) {
    if (pf != 1)
      p.warnings.push_back(fmt::format("layer '{}': ParallelizationFactor applies to io_parallel only; io_stream "
                                       "computes one pixel per window step", l.name));
    const int64_t r2 = a.rank == 2;
    p.ii_cycles = p.reuse_factor * PaddedInputPixels(g, l, a.rank, a.pad_top * r2, a.pad_bottom * r2, a.pad_left,
                                                     a.pad_right);
  } else {
    int64_t applied = pf;
    if (npix % pf != 0) {
      applied = 1;
      for (int64_t d = 1; d <= npix; ++d)
        if (npix % d == 0 && std::abs(d - pf) < std::abs(applied - pf)) applied = d;
      p.warnings.push_back(fmt::format("layer '{}': ParallelizationFactor {} does not divide the {} output pixels; "
                                       "using {}", l.name, pf, npix, applied));
    }
    p.parallelization_factor = static_cast<int>(applied);
    p.ii_cycles = p.reuse_factor * (npix / applied);
  }
  p.multipliers = p.multiplier_limit * p.parallelization_factor;
  p.latency_cycles = p.ii_cycles + ProductDepth(p.n_in);
  // One pass over all pixels (PF = pixels, Latency): the function pipelined
  // at II=R; else the pixel loop (PF pixels per iteration) or the io_stream
  // window scan pipelined at II=R.
  const bool single_pass = p.io_type == ir::IOType::Parallel && p.strategy == ir::Strategy::Latency &&
                           p.parallelization_factor >= npix;
  p.schedule = single_pass ? ir::Schedule::Pipeline : ir::Schedule::LoopPipeline;
  p.pipeline_ii = p.reuse_factor;
}

void PlanPooling(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  if (!l.pool) return;
  const ir::PoolAttrs& a = *l.pool;
  if (p.io_type == ir::IOType::Stream) {
    const int64_t r2 = a.rank == 2 && !a.global;
    const int64_t lr = !a.global;
    p.ii_cycles = p.reuse_factor * PaddedInputPixels(g, l, a.rank, a.pad_top * r2, a.pad_bottom * r2,
                                                     a.pad_left * lr, a.pad_right * lr);
  }
  p.latency_cycles = p.ii_cycles + 1 + IndexBits(a.global ? 1 : a.pool_h * a.pool_w);
  if (p.io_type == ir::IOType::Stream) {  // the window scan, one padded input pixel per iteration
    p.schedule = ir::Schedule::LoopPipeline;
    p.pipeline_ii = p.reuse_factor;
  }
}

/// ScaleShift: one product per element by its channel's scale word;
/// multiplier_limit = ceil(elements per call / R) (hls4ml normalize).
void PlanScaleShift(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  const int64_t n = p.elements_per_call;
  p.has_products = true;
  p.n_in = p.n_out = n;
  p.weights = n;
  const std::optional<FixedType> in = l.inputs.empty() ? std::nullopt : TypeOf(g, l.inputs[0]);
  const ir::Param* sc = l.param(Slot::Scale);
  if (in && sc && sc->type) p.product = ir::DecideProductKind(*in, *sc->type);
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  const int64_t total = out ? Product(*out, 0, out->size()) : n;
  p.evaluations = n > 0 ? std::max<int64_t>(1, total / n) : 1;
  if (sc && !sc->values.empty()) {
    for (int64_t i = 0; i < total; ++i) {
      const double q = WordValue(sc->values[static_cast<size_t>(i) % sc->values.size()], sc->type,
                                 sc->type && ir::IsXnorType(*sc->type));
      if (q == 0) ++p.ops.zero_skipped;
      else if (PowerOfTwo(q)) ++p.ops.add_sub;
      else ++p.ops.multiplier;
    }
  }
  p.multiplier_limit = ir::MultiplierLimit(n, 0, p.reuse_factor);
  p.multipliers = p.multiplier_limit;
}

/// Elements per kernel call of an element-wise layer (hw_plan.h).
void ElementsPerCall(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  const std::vector<int64_t>* in = l.inputs.empty() ? nullptr : ShapeOf(g, l.inputs[0]);
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  const int64_t n_in = in ? Product(*in, 0, in->size()) : 0;
  p.elements_per_call = n_in;
  if (p.io_type != ir::IOType::Stream || !in || !out || l.inputs.size() != 1) return;
  const int64_t n_out = Product(*out, 0, out->size());
  // An HGQ quantizer with formats that differ per element reads the whole
  // tensor (an element's format depends on its position, not on the word).
  if (n_in == n_out && ir::StreamWordElements(*in) == ir::StreamWordElements(*out) &&
      l.element_types.size() <= 1) {
    p.per_stream_word = true;
    p.elements_per_call = ir::StreamWordElements(*in);
  }
}

/// Softmax table warnings (a table indexed by the top `nbits` bits of a type
/// T: entry k covers [k, k+1) * 2^(I - nbits)); the design stays bit-exact
/// with the reference, which behaves the same:
///  - the exp table's index type cannot hold the range of its input (the
///    stable softmax's max - x spans the whole input range),
///  - an exp table bin is wider than 1 (exp(-v) falls by e within it: inputs
///    near the maximum all read entry 0, the output tends to the constant 1/N;
///    hls4ml's default 'auto' inp_norm_t does this),
///  - the 1/sum table's index cannot hold sums up to n_in or its bins are
///    wider than 1.
void SoftmaxTableWarnings(const ir::Graph& g, const Layer& l, bool stable, const FixedType& data,
                          const FixedType& idx_t, const FixedType& exp_t, const FixedType& inv_inp, int nbits,
                          LayerPlan& p) {
  auto bin = [&](const FixedType& t) { return std::ldexp(1.0, t.integer() - nbits); };
  const std::vector<int64_t>* out = ShapeOf(g, l.output);
  const int64_t n = out ? Product(*out, 0, out->size()) : 0;
  const char* idx_name = stable ? "inp_norm_t" : "the input type";
  if (stable) {
    // Saturating beyond the point where e^-d rounds to 0 in exp_table_t is harmless.
    const double span = data.max_value() - data.min_value();
    const double negligible = (std::max(0, exp_t.fractional()) + 1) * std::log(2.0);
    if (span > idx_t.max_value() && (idx_t.overflow() == Overflow::WRAP || idx_t.max_value() < negligible))
      p.warnings.push_back(fmt::format(
          "layer '{}': softmax exp table index inp_norm_t {} does not cover its input's range: max - x spans "
          "[0, {:g}] for input {} but inp_norm_t stops at {:g} (larger differences {})",
          l.name, ir::TypeName(g, idx_t), span, ir::TypeName(g, data), idx_t.max_value(),
          idx_t.overflow() == Overflow::WRAP ? "wrap around" : "saturate"));
  }
  if (bin(idx_t) > 1.0)
    p.warnings.push_back(fmt::format(
        "layer '{}': softmax exp table ({} entries indexed by the top {} bits of {} {}) has bins {:g} wide: inputs "
        "within {:g} of the maximum all read entry 0, so the output tends to the constant 1/{} (narrow the integer "
        "part of {} or enlarge table_size)",
        l.name, 1 << nbits, nbits, idx_name, ir::TypeName(g, idx_t), bin(idx_t), bin(idx_t), n, idx_name));
  if (inv_inp.max_value() < static_cast<double>(n))
    p.warnings.push_back(fmt::format(
        "layer '{}': softmax 1/sum table index inv_inp_t {} does not cover its input's range: the sum of {} "
        "exponentials reaches {} but inv_inp_t stops at {:g}",
        l.name, ir::TypeName(g, inv_inp), n, n, inv_inp.max_value()));
  else if (bin(inv_inp) > 1.0)
    p.warnings.push_back(fmt::format(
        "layer '{}': softmax 1/sum table ({} entries indexed by inv_inp_t {}) has bins {:g} wide; sums in [1, {}] "
        "barely resolve",
        l.name, 1 << nbits, ir::TypeName(g, inv_inp), bin(inv_inp), n));
}

/// hls4ml's attribute default of the softmax table types: fixed<18,8,RND,SAT>.
FixedType SoftmaxTableDefault() { return FixedType(18, 8, true, Quant::RND, Overflow::SAT); }

void PlanSoftmax(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  const int64_t ts = std::max(1, l.config.table_size);
  const int nbits = IndexBits(ts);
  const ir::SoftmaxImpl impl = l.config.softmax_impl;
  const std::optional<FixedType> data = l.inputs.empty() ? std::nullopt : TypeOf(g, l.inputs[0]);
  auto slot_type = [&](Slot s, const FixedType& dflt) { return ir::ResolvedType(l, s).value_or(dflt); };
  if (impl == ir::SoftmaxImpl::Legacy) {
    p.tables.push_back({Slot::Table, ts, slot_type(Slot::Table, FixedType(18, 8)), std::nullopt, nbits});
  } else if ((impl == ir::SoftmaxImpl::Stable || impl == ir::SoftmaxImpl::Latency) && data) {
    // inp_norm_t: the config's, else hls4ml's derivation from the input type.
    const FixedType norm = ir::ResolvedType(l, Slot::InpNorm).value_or(ir::SoftmaxInpNormDefault(*data));
    p.softmax_inp_norm = norm;
    const bool stable = impl == ir::SoftmaxImpl::Stable;
    const FixedType idx_t = stable ? norm : *data;
    const FixedType inv_inp = slot_type(Slot::InvInp, SoftmaxTableDefault());
    p.tables.push_back({Slot::ExpTable, ts, slot_type(Slot::ExpTable, SoftmaxTableDefault()), idx_t, nbits});
    p.tables.push_back({Slot::InvTable, ts, slot_type(Slot::InvTable, SoftmaxTableDefault()), inv_inp, nbits});
    SoftmaxTableWarnings(g, l, stable, *data, idx_t, slot_type(Slot::ExpTable, SoftmaxTableDefault()), inv_inp, nbits, p);
  }
  p.latency_cycles = p.ii_cycles + 2 * 2 + IndexBits(std::max<int64_t>(1, p.elements_per_call));
}

void PlanActivation(const ir::Graph& g, const Layer& l, LayerPlan& p) {
  // Parametrized activations: the constant as a fixed-point param_t (no
  // floating point in the firmware), warned when it is not held exactly
  // (ThresholdedReLU's automatic type compares exactly on the input grid).
  const std::optional<FixedType> in = l.inputs.empty() ? std::nullopt : TypeOf(g, l.inputs[0]);
  p.activation_param = ir::ActivationParamOf(l, in);
  if (p.activation_param && !p.activation_param->exact &&
      !(l.activation == ir::ActivationKind::ThresholdedReLU && !ir::ResolvedType(l, Slot::Param)))
    p.warnings.push_back(fmt::format("layer '{}': param_t {} holds the constant {:.17g} as {:.17g}", l.name,
                                     ir::TypeName(g, p.activation_param->type), l.alpha,
                                     p.activation_param->type.ToDouble(p.activation_param->word)));
  using K = ir::ActivationKind;
  if (l.activation == K::Sigmoid || l.activation == K::Tanh || l.activation == K::Softplus ||
      l.activation == K::Softsign || l.activation == K::ELU || l.activation == K::SELU) {
    const int64_t ts = std::max(1, l.config.table_size);
    p.tables.push_back({Slot::Table, ts, ir::ResolvedType(l, Slot::Table).value_or(FixedType(18, 8)), std::nullopt,
                        IndexBits(ts)});
    p.latency_cycles = p.ii_cycles + 2;
  }
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

ir::LayerPlan PlanLayer(const ir::Graph& g, const ir::Layer& l, ir::IOType io) {
  LayerPlan p;
  p.io_type = io;
  p.strategy = l.config.strategy;
  p.requested_reuse_factor = l.config.reuse_factor;
  p.reuse_factor = std::max(1, l.config.reuse_factor);
  p.requested_parallelization_factor = l.config.parallelization_factor;
  const bool elementwise = l.kind == LayerKind::Activation || l.kind == LayerKind::ScaleShift ||
                           l.kind == LayerKind::Quantize || l.kind == LayerKind::Threshold;
  if (elementwise) ElementsPerCall(g, l, p);
  // Default timing: PIPELINE II=R in io_parallel; in io_stream one input word
  // per cycle (element-wise layers run once per word).
  p.ii_cycles = p.reuse_factor;
  if (p.io_type == ir::IOType::Stream && !l.inputs.empty())
    p.ii_cycles = std::max<int64_t>(p.reuse_factor, Words(g, l.inputs[0]));
  p.latency_cycles = p.ii_cycles + 1;
  switch (l.kind) {
    case LayerKind::Input: p.ii_cycles = p.latency_cycles = 0; break;
    case LayerKind::Dense: PlanDense(g, l, p); break;
    case LayerKind::Conv: PlanConv(g, l, p); break;
    case LayerKind::Pooling: PlanPooling(g, l, p); break;
    case LayerKind::ScaleShift: PlanScaleShift(g, l, p); break;
    case LayerKind::Softmax:
      if (l.config.softmax_skip) p.skip = true;  // an identity: no tables
      else PlanSoftmax(g, l, p);
      break;
    case LayerKind::Activation: PlanActivation(g, l, p); break;
    case LayerKind::Merge:
      if (l.merge && l.merge->op == ir::MergeOp::Multiply) {
        const std::vector<int64_t>* out = ShapeOf(g, l.output);
        const int64_t total = out ? Product(*out, 0, out->size()) : 0;
        const int64_t per_call = p.io_type == ir::IOType::Parallel || !out ? total : ir::StreamWordElements(*out);
        p.has_products = true;
        p.n_in = p.n_out = p.multiplier_limit = p.multipliers = per_call;
        p.evaluations = per_call > 0 ? total / per_call : 1;
        p.ops.multiplier = total;
        p.latency_cycles = p.ii_cycles + 1;
      }
      break;
    default: break;
  }
  return p;
}

ir::TopPlan PlanTop(const ir::Graph& g, ir::IOType io) {
  ir::TopPlan t;
  t.dataflow = io == ir::IOType::Stream;
  bool resource_rf1 = false;
  for (const ir::Layer& l : g.layers) {
    const LayerPlan p = l.plan && l.plan->io_type == io ? *l.plan : PlanLayer(g, l, io);
    t.ii_cycles = std::max(t.ii_cycles, p.ii_cycles);
    if (io == ir::IOType::Parallel && p.schedule == ir::Schedule::LoopPipeline) t.dataflow = true;
    if (p.has_products && p.strategy == ir::Strategy::Resource && p.reuse_factor == 1 && l.kind == LayerKind::Dense)
      resource_rf1 = true;
    // Vitis HLS unrolls a pipelined region completely; thousands of
    // multipliers in one pipeline synthesize slowly and rarely meet timing
    // (hls4ml's advice: Latency strategy for small layers only).
    if (p.has_products && p.schedule == ir::Schedule::Pipeline && p.multipliers > 4096)
      t.warnings.push_back(fmt::format("layer '{}': {} multipliers in one pipeline (Latency strategy, reuse factor {}); "
                                       "synthesis will be slow and timing hard to meet: consider Strategy: Resource "
                                       "or a larger ReuseFactor", l.name, p.multipliers, p.reuse_factor));
  }
  if (resource_rf1 && io == ir::IOType::Parallel)
    t.warnings.push_back("a Resource strategy Dense with reuse factor 1 reuses no multiplier but makes the top a "
                         "DATAFLOW region (more latency); Latency strategy gives the same multipliers at lower latency");
  return t;
}

PassInfo LowerHardwarePass() {
  return {"lower_hardware",
          "record every layer's hardware plan: reuse/parallelization factors, products, multipliers, tables, II",
          [](ir::Graph& g) -> StatusOr<bool> {
            bool changed = false;
            for (ir::Layer& l : g.layers) {
              // Skip: true on a Softmax (hls4ml): an identity whose output
              // keeps the input's type, in every consumer.
              if (l.kind == LayerKind::Softmax && l.config.softmax_skip && l.inputs.size() == 1) {
                auto in = g.tensors.find(l.inputs[0]);
                auto out = g.tensors.find(l.output);
                if (in != g.tensors.end() && out != g.tensors.end() && in->second.type &&
                    out->second.type != in->second.type) {
                  out->second.type = in->second.type;
                  changed = true;
                }
              }
              LayerPlan p = PlanLayer(g, l, g.io_type);
              if (!l.plan || !(*l.plan == p)) changed = true;
              l.plan = std::move(p);
            }
            ir::TopPlan top = PlanTop(g, g.io_type);
            if (!g.top_plan || !(*g.top_plan == top)) changed = true;
            g.top_plan = std::move(top);
            return changed;
          }};
}

}  // namespace hlsforge::passes
