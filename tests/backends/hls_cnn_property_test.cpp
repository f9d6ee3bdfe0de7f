// Property test of the HLS backend on convolutional networks: random small
// CNNs built directly in the IR, C simulation == emu::Predict bit for bit on
// random inputs.
//   HLSFORGE_CNN_PROPERTY_COUNT  number of CNNs (default 30 in CI; the full
//                                run is >= 100: HLSFORGE_CNN_PROPERTY_COUNT=100)
//   HLSFORGE_CNN_PROPERTY_SEED   first seed (default 60000); CNN k uses seed + k
//   HLSFORGE_CNN_PROPERTY_BATCH  CNNs per g++ run (default 30)
//   HLSFORGE_CNN_PROPERTY_SEEDS  explicit comma-separated seed list (replaces the above)
// Replay one CNN: HLSFORGE_CNN_PROPERTY_SEEDS=<seed> (its structure, with every
// resolved type, is printed before it is simulated); HLSFORGE_CNN_PROPERTY_IO=
// io_parallel|io_stream forces the io type (same graph otherwise).
// A batch that does not compile or run is split until each failing CNN is
// alone, so one failure never hides the others.
//
// Each CNN draws: rank 1 or 2, input [W, C] / [H, W, C] (H, W 1-8, C 1-3), then
// 2-5 blocks among
//   Conv          kernel 1-4 (at most the padded input), stride 1-3, explicit
//                 asymmetric pads 0-2 per side, 1-4 filters, bias or none
//   DepthwiseConv the same with depth multiplier 1-3
//   pointwise     1x1 Conv, stride 1 or 2
//   Pooling       Max/Average, pool 1-3, stride 1-3 (pool != stride too), pads
//                 0..pool-1 per side, count_pad true/false
//   ZeroPadding   0-2 per side; Cropping 0-2 per side (>= 1 cell left);
//   UpSampling    factors 1-3 (2-D height 1-2)
//   ReLU
//   merge         a tensor fans out to two layers: merge(t, branch(t)) or
//                 merge(branch1(t), branch2(t)); Add, Subtract, Multiply,
//                 Average, Maximum, Minimum, Concatenate on the channel axis
//                 or on a spatial axis (axis given positive or negative);
//                 branches: ReLU, pointwise / 'same' Conv, 'same' depthwise,
//                 stride-1 'same' Max/Average pooling, and (spatial concat)
//                 ZeroPadding / Cropping / UpSampling along the concat axis
// optionally ReLU after each Conv, and at the end: nothing, GlobalMax/
// GlobalAveragePooling (optionally + Dense), or Flatten + Dense (+ ReLU).
// Precisions: input, weight, bias, accumulator and result types of width 2-16,
// signed (65 %) or unsigned, every quantization and overflow mode; integer
// bits drawn around the magnitude each tensor reaches in a float run of the
// same graph (-2..+1 bits from it, so some values saturate or wrap), 1 type
// in 10 fully random (integer bits -2..W+2); the graph's last result is
// explicit, about a quarter of the other accumulator / result slots are left
// `auto` (infer_precision's hls4ml rules). The default pass pipeline runs as
// for a loaded model. Types are redrawn (same random stream: a seed always
// gives the same graph) when a full-precision product or inferred type would
// exceed 64 bits, or, up to 8 times, when the output would take fewer than 3
// distinct values over the rows (precisions that kill the signal).
// Per graph: Latency or Resource, random reuse factors 1-8 (invalid ones are
// snapped by the writer), ParallelizationFactor (a random divisor of the
// layer's output pixels), io_parallel or io_stream; 32 random input rows.
// Several CNNs (distinct namespaces) share one C-simulation program. A failing
// CNN is narrowed to the first layer whose C simulation differs (its ancestors
// only, one more g++ run), printed with its types.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "hlsforge/passes/pass.h"
#include "hls_test_util.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

struct Cnn {
  uint32_t seed = 0;
  int draws = 0;  // graphs drawn (redraws when a product would exceed 64 bits)
  ir::Graph g;
  ir::IOType io = ir::IOType::Parallel;
  NDArray x;
  std::string summary;
  std::set<std::string> features;  // coverage tags
};

std::string Shape(const std::vector<int64_t>& s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "x" : "") + std::to_string(s[i]);
  return r;
}

std::string TypeOf(const ir::Layer& l, const char* key) {
  auto it = l.config.precision.find(key);
  return it != l.config.precision.end() && it->second.type ? it->second.type->ToString() : "auto";
}

/// One line per layer: kind, attributes, shapes and every resolved type.
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
  if (l.kind == ir::LayerKind::Activation) s << " " << ir::ToString(l.activation);
  s << " (";
  for (size_t i = 0; i < l.inputs.size(); ++i) s << (i ? ", " : "") << l.inputs[i];
  s << ")";
  if (!l.inputs.empty()) s << " in " << Shape(g.tensor(l.inputs[0]).shape);
  s << " -> " << Shape(g.tensor(l.output).shape);
  for (const char* k : {"weight", "bias"})
    if (const ir::Param* p = l.param(k)) s << " " << k << "=" << (p->type ? p->type->ToString() : "?");
  if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Dense || l.kind == ir::LayerKind::Pooling)
    s << " accum=" << TypeOf(l, "accum");
  s << " result=" << (g.tensor(l.output).type ? g.tensor(l.output).type->ToString() : "?");
  if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Dense)
    s << " " << ir::ToString(l.config.strategy) << " rf " << l.config.reuse_factor;
  if (l.config.parallelization_factor != 1) s << " pf " << l.config.parallelization_factor;
  return s.str();
}

std::string Describe(const ir::Graph& g, ir::IOType io) {
  std::ostringstream s;
  const ir::Tensor& in = g.tensor(g.inputs.at(0));
  s << (io == ir::IOType::Stream ? "io_stream" : "io_parallel") << "; input " << Shape(in.shape) << " "
    << in.type->ToString();
  for (const auto& l : g.layers)
    if (l.kind != ir::LayerKind::Input) s << "\n      " << DescribeLayer(g, l);
  s << "\n      outputs:";
  for (const auto& o : g.outputs) s << " " << o;
  return s.str();
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int ri(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng_); }
  bool coin(int percent) { return ri(0, 99) < percent; }

  FixedType WithRandModes(int w, int i, bool s) {
    static const Quant qs[] = {Quant::TRN, Quant::RND, Quant::RND_CONV, Quant::TRN_ZERO,
                               Quant::RND_ZERO, Quant::RND_INF, Quant::RND_MIN_INF};
    static const Overflow os[] = {Overflow::WRAP, Overflow::SAT, Overflow::SAT_SYM, Overflow::SAT_ZERO};
    return FixedType(w, i, s, qs[ri(0, 6)], os[ri(0, 3)]);
  }

  /// Any type of width 2-16, integer bits -2..W+2 (at most 12).
  FixedType RandType() {
    const int w = ri(2, 16);
    const bool s = ri(0, 1);
    return WithRandModes(w, ri(-2, std::min(w + 2, 12)), s);
  }

  /// A random type for values of magnitude up to `maxabs` (from the float
  /// trace): integer bits within -2..+1 of what the range needs (below it
  /// 1 time in 4: values saturate or wrap), width 2-16 keeping at least ~2 fractional
  /// levels below the range (so that the tensor is not all zero); signed or
  /// not; 1 in 10 fully random (RandType).
  FixedType RelType(double maxabs) {
    if (coin(10)) return RandType();
    const int base = maxabs > 0 ? std::clamp(static_cast<int>(std::ceil(std::log2(maxabs * 1.0001))), -8, 12) : 0;
    const bool sgn = coin(65);
    const int i = base + (sgn ? 1 : 0) + (coin(75) ? ri(0, 1) : ri(-2, -1));
    const int w = ri(std::clamp(i - base + 2, 2, 16), 16);
    return WithRandModes(w, i, sgn);
  }

  /// Gives every slot its final type from the tensors' magnitudes in the
  /// float trace (`maxabs`, by tensor name), or leaves it auto.
  void AssignTypes(ir::Graph& g, const std::map<std::string, double>& maxabs) {
    auto range = [&](const std::string& t) {
      auto it = maxabs.find(t);
      return it == maxabs.end() ? 1.0 : it->second;
    };
    auto absmax = [](const ir::Param& p) {
      double m = 0;
      for (double v : p.values) m = std::max(m, std::fabs(v));
      return m;
    };
    for (ir::Layer& l : g.layers) {
      auto& prec = l.config.precision;
      for (auto& [key, p] : l.params) {
        p.type = RelType(absmax(p));
        prec[key].type = p.type;
      }
      if (prec.count("accum")) {
        double a = range(l.output);
        if (l.kind == ir::LayerKind::Pooling && l.pool->op == ir::PoolOp::Average) {
          const auto& sh = g.tensor(l.inputs[0]).shape;
          int64_t cells = l.pool->pool_h * l.pool->pool_w;
          if (l.pool->global) {
            cells = 1;
            for (size_t i = 0; i + 1 < sh.size(); ++i) cells *= sh[i];
          }
          a = range(l.inputs[0]) * static_cast<double>(cells);
        }
        if (auto_slots_.count(l.name + "/accum")) prec.erase("accum");
        else prec["accum"].type = RelType(a);
      }
      if (auto_slots_.count(l.name + "/result") || l.kind == ir::LayerKind::Reshape) prec.erase("result");
      else prec["result"].type = RelType(range(l.output));
    }
  }

  /// Draws a whole graph (structure, params, config); the precisions are not
  /// inferred yet.
  void Draw(Cnn& m) {
    g_ = ir::Graph();
    features_.clear();
    auto_slots_.clear();
    k_ = 0;
    rank_ = ri(1, 2);
    g_.name = "cnn";
    const int64_t H = rank_ == 2 ? ri(1, 8) : 1, W = ri(rank_ == 2 ? 1 : 2, 8), C = ri(1, 3);
    ir::Layer in;
    in.name = "input_1";
    in.kind = ir::LayerKind::Input;
    in.output = "input_1";
    in.config.precision["result"].type = FixedType(16, 6);
    g_.layers.push_back(in);
    g_.tensors["input_1"] = ir::Tensor{"input_1", Sh(H, W, C), std::nullopt};
    g_.inputs = {"input_1"};
    features_.insert(rank_ == 2 ? "rank2" : "rank1");
    strategy_ = ri(0, 1) ? ir::Strategy::Resource : ir::Strategy::Latency;
    io_ = ri(0, 1) ? ir::IOType::Stream : ir::IOType::Parallel;
    features_.insert(io_ == ir::IOType::Stream ? "io_stream" : "io_parallel");
    features_.insert(ir::ToString(strategy_));
    std::string cur = "input_1";
    const int blocks = ri(2, 5);
    for (int b = 0; b < blocks; ++b) {
      const int pick = ri(0, 99);
      if (pick < 20) cur = MaybeRelu(Conv(cur, false, false, 0));
      else if (pick < 30) cur = MaybeRelu(Conv(cur, true, false, 0));
      else if (pick < 37) cur = MaybeRelu(Conv(cur, false, true, 0));
      else if (pick < 52) cur = Pool(cur, false);
      else if (pick < 58) cur = Resize(cur, ir::LayerKind::ZeroPadding, -1);
      else if (pick < 64) cur = Resize(cur, ir::LayerKind::Cropping, -1);
      else if (pick < 70) cur = Resize(cur, ir::LayerKind::UpSampling, -1);
      else if (pick < 74) cur = Relu(cur);
      else cur = MergeBlock(cur);
    }
    const int end = ri(0, 99);
    if (end < 25) {
      cur = Pool(cur, true);
      if (coin(50)) cur = Dense(cur);
    } else if (end < 60 && g_.tensor(cur).size() <= 96) {
      // Flatten (a Reshape layer; the default pipeline folds it) + Dense
      ir::Layer r;
      r.kind = ir::LayerKind::Reshape;
      cur = Add(r, "flatten", {cur}, {g_.tensor(cur).size()});
      features_.insert("flatten_dense");
      cur = Dense(cur);
      if (coin(40)) cur = Relu(cur);
    }
    // The output must be exact as a double: an explicit result of <= 16 bits.
    auto_slots_.erase(g_.layers.back().name + "/result");
    g_.outputs = {cur};
    m.g = std::move(g_);
    m.io = io_;
    m.features = features_;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
  ir::Graph g_;
  std::set<std::string> features_;
  std::set<std::string> auto_slots_;  // "<layer>/result", "<layer>/accum" left auto
  bool pending_auto_result_ = false, pending_auto_accum_ = false;
  int k_ = 0, rank_ = 2;
  ir::Strategy strategy_ = ir::Strategy::Latency;
  ir::IOType io_ = ir::IOType::Parallel;

  std::vector<int64_t> Sh(int64_t h, int64_t w, int64_t c) const {
    return rank_ == 2 ? std::vector<int64_t>{h, w, c} : std::vector<int64_t>{w, c};
  }
  // (h, w, c) of a spatial tensor
  int64_t Hh(const std::string& t) const { return rank_ == 2 ? g_.tensor(t).shape[0] : 1; }
  int64_t Ww(const std::string& t) const { return g_.tensor(t).shape[rank_ == 2 ? 1 : 0]; }
  int64_t Cc(const std::string& t) const { return g_.tensor(t).shape.back(); }

  /// Result (and accum) slots: explicit (typed later by AssignTypes), or
  /// auto (~25 %). Until then every explicit slot holds a placeholder type.
  void RandResult(ir::Layer& l, bool accum) {
    l.config.precision["result"].type = FixedType(16, 6);
    pending_auto_result_ = coin(25);
    if (accum) {
      l.config.precision["accum"].type = FixedType(32, 16);
      pending_auto_accum_ = coin(25);
    }
  }

  std::string Add(ir::Layer l, const std::string& prefix, const std::vector<std::string>& ins,
                  std::vector<int64_t> shape = {}) {
    l.name = prefix + std::to_string(k_++);
    if (pending_auto_result_) auto_slots_.insert(l.name + "/result");
    if (pending_auto_accum_) auto_slots_.insert(l.name + "/accum");
    pending_auto_result_ = pending_auto_accum_ = false;
    l.inputs = ins;
    l.output = l.name + "_out";
    if (shape.empty()) {
      std::vector<std::vector<int64_t>> in_shapes;
      for (const auto& i : ins) in_shapes.push_back(g_.tensor(i).shape);
      auto os = ir::WindowOutputShape(l, in_shapes);
      if (!os.ok()) throw Error("generator bug: " + os.status().message());
      shape = *os;
    }
    g_.tensors[l.output] = ir::Tensor{l.output, shape, std::nullopt};
    g_.layers.push_back(std::move(l));
    return g_.layers.back().output;
  }

  std::vector<double> Values(int64_t n, double range) {
    std::uniform_real_distribution<double> u(-range, range);
    std::vector<double> v(static_cast<size_t>(n));
    for (auto& x : v) x = u(rng_);
    return v;
  }

  /// A random divisor of the layer's output pixels (1 half of the time).
  void RandPf(ir::Layer& l, const std::vector<int64_t>& out_shape) {
    int64_t pixels = 1;
    for (size_t i = 0; i + 1 < out_shape.size(); ++i) pixels *= out_shape[i];
    if (coin(50)) return;
    std::vector<int> ds;
    for (int d = 2; d <= pixels && d <= 16; ++d)
      if (pixels % d == 0) ds.push_back(d);
    if (ds.empty()) return;
    l.config.parallelization_factor = ds[static_cast<size_t>(ri(0, static_cast<int>(ds.size()) - 1))];
    features_.insert("parallelization_factor");
  }

  // kind: 0 random kernel/stride/pads; 1 'same' (stride 1, pads k-1 split at
  // random: shape kept); c_out 0 = random (or c_in for depthwise dm 1).
  std::string Conv(const std::string& in, bool depthwise, bool pointwise, int same, int64_t c_out = 0,
                   int64_t dm = 0) {
    const int64_t h = Hh(in), w = Ww(in), c = Cc(in);
    ir::ConvAttrs a;
    a.rank = rank_;
    auto axis = [&](int64_t n, int64_t& k, int64_t& s, int64_t& pa, int64_t& pb) {
      if (pointwise) {
        k = 1;
        s = same ? 1 : ri(1, 2);
        pa = pb = 0;
      } else if (same) {
        k = ri(1, 3);
        s = 1;
        pa = ri(0, static_cast<int>(k) - 1);
        pb = k - 1 - pa;
      } else {
        pa = ri(0, 2);
        pb = ri(0, 2);
        k = ri(1, static_cast<int>(std::min<int64_t>(4, n + pa + pb)));
        s = ri(1, 3);
      }
    };
    axis(w, a.kernel_w, a.stride_w, a.pad_left, a.pad_right);
    if (rank_ == 2) axis(h, a.kernel_h, a.stride_h, a.pad_top, a.pad_bottom);
    a.depthwise = depthwise;
    a.depth_multiplier = depthwise ? (dm ? dm : ri(1, 3)) : 1;
    const int64_t co = depthwise ? c * a.depth_multiplier : (c_out ? c_out : ri(1, 4));
    ir::Layer l;
    l.kind = ir::LayerKind::Conv;
    l.conv = a;
    std::vector<int64_t> ws;
    if (rank_ == 2) ws.push_back(a.kernel_h);
    ws.push_back(a.kernel_w);
    ws.push_back(c);
    ws.push_back(depthwise ? a.depth_multiplier : co);
    int64_t nw = 1;
    for (int64_t d : ws) nw *= d;
    ir::Param wp;
    wp.shape = ws;
    wp.values = Values(nw, 2.0);
    for (size_t i = 0; i < wp.values.size(); i += 5) wp.values[i] = 0;  // some zero weights
    wp.type = FixedType(16, 6);
    l.config.precision["weight"].type = wp.type;
    l.params["weight"] = wp;
    if (coin(80)) {
      ir::Param bp;
      bp.shape = {co};
      bp.values = Values(co, 2.0);
      bp.type = FixedType(16, 6);
      l.config.precision["bias"].type = bp.type;
      l.params["bias"] = bp;
    } else {
      features_.insert("conv_no_bias");
    }
    RandResult(l, true);
    l.config.strategy = coin(85) ? strategy_ : (strategy_ == ir::Strategy::Latency ? ir::Strategy::Resource
                                                                                   : ir::Strategy::Latency);
    l.config.reuse_factor = ri(1, 8);
    features_.insert(depthwise ? (a.depth_multiplier > 1 ? "depthwise_dm" : "depthwise") : pointwise ? "pointwise"
                                                                                                      : "conv");
    if (a.pad_left != a.pad_right || a.pad_top != a.pad_bottom) features_.insert("asymmetric_pads");
    if (a.stride_w > 1 || a.stride_h > 1) features_.insert("conv_stride");
    const std::string out = Add(l, depthwise ? "dwconv" : "conv", {in});
    RandPf(g_.layers.back(), g_.tensor(out).shape);
    return out;
  }

  std::string Relu(const std::string& in) {
    ir::Layer l;
    l.kind = ir::LayerKind::Activation;
    l.activation = ir::ActivationKind::ReLU;
    RandResult(l, false);
    features_.insert("relu");
    return Add(l, "relu", {in}, g_.tensor(in).shape);
  }
  std::string MaybeRelu(const std::string& in) { return coin(50) ? Relu(in) : in; }

  // global; or same (stride 1, pads pool-1 split: shape kept)
  std::string Pool(const std::string& in, bool global, bool same = false) {
    const int64_t h = Hh(in), w = Ww(in);
    ir::PoolAttrs a;
    a.rank = rank_;
    a.op = ri(0, 1) ? ir::PoolOp::Average : ir::PoolOp::Max;
    a.global = global;
    a.count_pad = ri(0, 1);
    auto axis = [&](int64_t n, int64_t& p, int64_t& s, int64_t& pa, int64_t& pb) {
      if (same) {
        p = ri(1, 3);
        s = 1;
        pa = ri(0, static_cast<int>(p) - 1);
        pb = p - 1 - pa;
        return;
      }
      p = ri(1, 3);
      pa = ri(0, static_cast<int>(p) - 1);
      pb = ri(0, static_cast<int>(p) - 1);
      while (p > n + pa + pb) --p;
      pa = std::min(pa, p - 1);
      pb = std::min(pb, p - 1);
      s = coin(50) ? p : ri(1, 3);
    };
    if (!global) {
      axis(w, a.pool_w, a.stride_w, a.pad_left, a.pad_right);
      if (rank_ == 2) axis(h, a.pool_h, a.stride_h, a.pad_top, a.pad_bottom);
    }
    ir::Layer l;
    l.kind = ir::LayerKind::Pooling;
    l.pool = a;
    RandResult(l, true);
    const bool avg = a.op == ir::PoolOp::Average;
    if (global) features_.insert(avg ? "global_avg" : "global_max");
    else {
      features_.insert(avg ? "avg_pool" : "max_pool");
      if (a.pad_left + a.pad_right + a.pad_top + a.pad_bottom > 0)
        features_.insert(avg ? (a.count_pad ? "avg_pool_pads_count_pad" : "avg_pool_pads_no_count_pad")
                             : "max_pool_pads");
      if (a.stride_w != a.pool_w || a.stride_h != a.pool_h) features_.insert("pool_stride_ne_pool");
    }
    const std::string out = Add(l, global ? "gpool" : "pool", {in});
    if (!global) RandPf(g_.layers.back(), g_.tensor(out).shape);
    return out;
  }

  // axis: -1 both spatial axes; 0 = H (rank 2) / W (rank 1); 1 = W (rank 2):
  // only that axis is changed.
  std::string Resize(const std::string& in, ir::LayerKind kind, int axis) {
    const int64_t h = Hh(in), w = Ww(in);
    ir::ResizeAttrs a;
    a.rank = rank_;
    const bool do_h = rank_ == 2 && (axis == -1 || axis == 0);
    const bool do_w = axis == -1 || (rank_ == 2 ? axis == 1 : axis == 0);
    const bool big = g_.tensor(in).size() > 96;
    if (kind == ir::LayerKind::ZeroPadding) {
      if (do_w) a.pad_left = ri(0, big ? 1 : 2), a.pad_right = ri(0, big ? 1 : 2);
      if (do_h) a.pad_top = ri(0, big ? 1 : 2), a.pad_bottom = ri(0, big ? 1 : 2);
      if (axis >= 0 && a.pad_left + a.pad_right + a.pad_top + a.pad_bottom == 0) {
        if (do_w) a.pad_right = 1;
        else a.pad_top = 1;
      }
      features_.insert("zero_padding");
    } else if (kind == ir::LayerKind::Cropping) {
      auto crop = [&](int64_t n, int64_t& ca, int64_t& cb) {
        ca = ri(0, static_cast<int>(std::min<int64_t>(2, (n - 1) / 2)));
        cb = ri(0, static_cast<int>(std::min<int64_t>(2, n - 1 - ca)));
      };
      if (do_w) crop(w, a.pad_left, a.pad_right);
      if (do_h) crop(h, a.pad_top, a.pad_bottom);
      features_.insert("cropping");
    } else {
      if (do_w) a.scale_w = big ? 1 : ri(1, 3);
      if (do_h) a.scale_h = big ? 1 : ri(1, 2);
      if (axis >= 0 && !big) (do_w ? a.scale_w : a.scale_h) = 2;
      features_.insert("upsampling");
    }
    ir::Layer l;
    l.kind = kind;
    l.resize = a;
    RandResult(l, false);
    return Add(l, kind == ir::LayerKind::ZeroPadding ? "zpad" : kind == ir::LayerKind::Cropping ? "crop" : "upsample",
               {in});
  }

  std::string Dense(const std::string& in) {
    const int64_t n_in = g_.tensor(in).size(), n_out = ri(1, 4);
    ir::Layer l;
    l.kind = ir::LayerKind::Dense;
    ir::Param wp;
    wp.shape = {n_in, n_out};
    wp.values = Values(n_in * n_out, 2.0);
    wp.type = FixedType(16, 6);
    l.config.precision["weight"].type = wp.type;
    l.params["weight"] = wp;
    ir::Param bp;
    bp.shape = {n_out};
    bp.values = Values(n_out, 2.0);
    bp.type = FixedType(16, 6);
    l.config.precision["bias"].type = bp.type;
    l.params["bias"] = bp;
    RandResult(l, true);
    l.config.strategy = strategy_;
    l.config.reuse_factor = ri(1, 8);
    features_.insert("dense");
    return Add(l, "dense", {in}, {n_out});
  }

  /// A layer keeping the shape of `in` (channels c_out when not 0 and the
  /// layer can change them).
  std::string SameShapeBranch(const std::string& in, int64_t c_out) {
    const int64_t c = Cc(in);
    const bool can_change = c_out != c;
    for (;;) {
      switch (ri(0, 5)) {
        case 0:
          if (can_change) break;
          return Relu(in);
        case 1: return MaybeRelu(Conv(in, false, true, 1, c_out));
        case 2: return MaybeRelu(Conv(in, false, false, 1, c_out));
        case 3:
          if (c_out % c != 0) break;
          return Conv(in, true, false, 1, 0, c_out / c);
        case 4:
          if (can_change) break;
          return Pool(in, false, true);
        default:
          if (can_change) break;
          return MaybeRelu(Conv(in, false, true, 1, c));
      }
    }
  }

  std::string MergeBlock(const std::string& t) {
    static const ir::MergeOp ops[] = {ir::MergeOp::Add,     ir::MergeOp::Subtract, ir::MergeOp::Multiply,
                                      ir::MergeOp::Average, ir::MergeOp::Maximum,  ir::MergeOp::Minimum};
    const int pick = ri(0, 8);
    const int64_t c = Cc(t);
    std::string a, b;
    ir::MergeAttrs m;
    const bool two_branches = coin(40);
    if (pick < 6) {  // element-wise
      m.op = ops[pick];
      a = two_branches ? SameShapeBranch(t, c) : t;
      b = SameShapeBranch(t, c);
      features_.insert(std::string("merge_") + ir::ToString(m.op));
    } else if (pick == 6) {  // concatenate channels
      m.op = ir::MergeOp::Concatenate;
      m.axis = coin(50) ? -1 : rank_;
      a = two_branches ? SameShapeBranch(t, ri(0, 1) ? c : c * ri(1, 2)) : t;
      b = SameShapeBranch(t, ri(0, 1) ? ri(1, 4) : c * ri(1, 3));
      features_.insert("concat_channels");
    } else {  // concatenate on a spatial axis
      m.op = ir::MergeOp::Concatenate;
      const int ax = rank_ == 2 ? ri(0, 1) : 0;
      m.axis = coin(50) ? ax : ax - (rank_ + 1);
      auto branch = [&]() -> std::string {
        switch (ri(0, 3)) {
          case 0: return Resize(t, ir::LayerKind::ZeroPadding, ax);
          case 1: {
            const int64_t n = ax == 0 && rank_ == 2 ? Hh(t) : Ww(t);
            if (n >= 2) return Resize(t, ir::LayerKind::Cropping, ax);
            return SameShapeBranch(t, c);
          }
          case 2: return Resize(t, ir::LayerKind::UpSampling, ax);
          default: return SameShapeBranch(t, c);
        }
      };
      a = two_branches ? branch() : t;
      b = branch();
      features_.insert("concat_spatial");
    }
    if (two_branches) features_.insert("fan_out_two_branches");
    else features_.insert("fan_out_identity_branch");
    if (coin(50)) std::swap(a, b);
    ir::Layer l;
    l.kind = ir::LayerKind::Merge;
    l.merge = m;
    RandResult(l, false);
    return MaybeRelu(Add(l, "merge", {a, b}));
  }
};

/// Why a resolved graph cannot be generated exactly: a full-precision
/// product or sum wider than 64 bits, an output not exact in a double.
/// Empty when fine.
std::string TooWide(const ir::Graph& g) {
  for (const auto& l : g.layers) {
    if (l.kind == ir::LayerKind::Conv || l.kind == ir::LayerKind::Dense) {
      const int w = g.tensor(l.inputs[0]).type->width() + l.params.at("weight").type->width();
      if (w > 64) return l.name + " product " + std::to_string(w) + " bits";
    }
    if (l.kind == ir::LayerKind::Merge && l.merge->op == ir::MergeOp::Multiply) {
      const int w = g.tensor(l.inputs[0]).type->width() + g.tensor(l.inputs[1]).type->width();
      if (w > 64) return l.name + " product " + std::to_string(w) + " bits";
    }
  }
  for (const auto& o : g.outputs)
    if (g.tensor(o).type->width() > 53) return "output " + o + " wider than 53 bits";
  return "";
}

// Draws a structure and its input rows, runs it in float mode to learn every
// tensor's magnitude, then draws the precisions (RelType; up to 8 times when
// the output would have fewer than 3 distinct values over the rows, i.e. the
// precisions killed the signal) and resolves them with the default pipeline.
Cnn RandomCnn(uint32_t seed) {
  Generator gen(seed);
  Cnn m;
  m.seed = seed;
  const auto fail = [&](const std::string& what, const Status& st) {
    return Error("seed " + std::to_string(seed) + ": " + what + ": " + st.message() + "\n      " +
                 Describe(m.g, m.io));
  };
  for (;;) {
    ++m.draws;
    gen.Draw(m);
    const ir::Graph structure = m.g;
    const std::vector<int64_t>& in_shape = m.g.tensor(m.g.inputs.at(0)).shape;
    int64_t n = 1;
    for (int64_t d : in_shape) n *= d;
    const double scales[] = {0.5, 1, 2, 4};
    m.x = RandomInput(32, static_cast<int>(n), gen.rng(), scales[gen.ri(0, 3)]);
    m.x.shape = {32};
    m.x.shape.insert(m.x.shape.end(), in_shape.begin(), in_shape.end());
    Status st = passes::RunPipeline(m.g, passes::DefaultPipeline());  // placeholder types
    if (!st.ok()) throw fail("pipeline (placeholder types)", st);
    auto trace = emu::Trace(m.g, m.x, emu::Options{.float_mode = true, .threads = 1});
    if (!trace.ok()) throw fail("float trace", trace.status());
    std::map<std::string, double> maxabs;
    for (const auto& [layer, y] : *trace) {
      const ir::Layer* l = m.g.FindLayer(layer);
      double mx = 0;
      for (double v : y.data) mx = std::max(mx, std::fabs(v));
      if (l) maxabs[l->output] = mx;
    }
    double mx = 0;
    for (double v : m.x.data) mx = std::max(mx, std::fabs(v));
    maxabs[structure.inputs[0]] = mx;
    for (const auto& l : structure.layers)  // folded Reshape layers: the range of their input
      if (l.kind == ir::LayerKind::Reshape && maxabs.count(l.inputs[0])) maxabs[l.output] = maxabs[l.inputs[0]];
    bool ok = false;
    for (int attempt = 0; attempt < 8; ++attempt) {
      m.g = structure;
      gen.AssignTypes(m.g, maxabs);
      st = passes::RunPipeline(m.g, passes::DefaultPipeline());
      if (!st.ok()) {
        if (st.message().find("supported 1..64") != std::string::npos) continue;  // an inferred type > 64 bits
        throw fail("pipeline", st);
      }
      if (!TooWide(m.g).empty()) continue;
      auto y = emu::Predict(m.g, m.x, emu::Options{.threads = 1});
      if (!y.ok()) throw fail("emulator", y.status());
      ok = true;
      if (std::set<double>(y->data.begin(), y->data.end()).size() >= 3) break;
    }
    if (ok) break;
  }
  Status v = m.g.Validate();
  if (!v.ok()) throw fail("invalid graph", v);
  if (const char* io = std::getenv("HLSFORGE_CNN_PROPERTY_IO"); io && *io)  // replays: force an io type
    m.io = std::string(io) == "io_stream" ? ir::IOType::Stream : ir::IOType::Parallel;
  m.summary = Describe(m.g, m.io);
  return m;
}

/// The graph restricted to the ancestors of `layer_index`'s output (which
/// becomes the only output).
ir::Graph AncestorGraph(const ir::Graph& g, size_t layer_index) {
  std::set<std::string> need = {g.layers[layer_index].output};
  std::vector<bool> keep(g.layers.size(), false);
  for (size_t i = layer_index + 1; i-- > 0;) {
    const ir::Layer& l = g.layers[i];
    if (!need.count(l.output)) continue;
    keep[i] = true;
    for (const auto& in : l.inputs) need.insert(in);
  }
  ir::Graph p = g;
  p.layers.clear();
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (keep[i]) p.layers.push_back(g.layers[i]);
  for (auto it = p.tensors.begin(); it != p.tensors.end();)
    it = need.count(it->first) ? std::next(it) : p.tensors.erase(it);
  p.outputs = {g.layers[layer_index].output};
  return p;
}

// For a failing CNN: simulates, in one program, the ancestor graph of every
// layer and names the first layer whose C simulation differs from the
// emulator (with its description).
std::string FirstDifferingLayer(const Cnn& m, const fs::path& root) {
  std::vector<std::string> dirs;
  std::vector<NDArray> inputs;
  std::vector<ir::Graph> prefixes;
  std::vector<size_t> index;
  const fs::path base = root / ("narrow_" + std::to_string(m.seed));
  for (size_t k = 1; k < m.g.layers.size(); ++k) {
    ir::Graph p = AncestorGraph(m.g, k);
    if (!p.Validate().ok()) continue;
    auto dir = WriteBatchProject(p, m.io, "prefix" + std::to_string(k), base);
    if (!dir.ok()) continue;
    dirs.push_back(*dir);
    inputs.push_back(m.x);
    prefixes.push_back(std::move(p));
    index.push_back(k);
  }
  auto ys = backends::RunCsimBatch(dirs, inputs, (base / "batch").string());
  if (!ys.ok()) return "(sub-graphs do not simulate: " + ys.status().message().substr(0, 400) + ")";
  for (size_t k = 0; k < prefixes.size(); ++k) {
    auto e = emu::Predict(prefixes[k], m.x);
    if (!e.ok()) return "(emulator: " + e.status().message() + ")";
    std::string first;
    if (CountDiff((*ys)[k], *e, &first) != 0)
      return "layer " + DescribeLayer(m.g, m.g.layers[index[k]]) + ": " + first;
  }
  return "(no sub-graph differs)";
}

// C simulation of the projects `idx` in one program; when that program does
// not build or run, the set is split in halves (more g++ runs, only on
// failure) until every failing project is alone. ys[k] receives project k's
// outputs, or errors[k] its own failure.
void SimulateBisecting(const std::vector<std::string>& dirs, const std::vector<NDArray>& inputs,
                       const std::vector<size_t>& idx, const fs::path& root, std::vector<std::optional<NDArray>>& ys,
                       std::vector<std::string>& errors, double& compile_total) {
  std::vector<std::string> d;
  std::vector<NDArray> in;
  for (size_t k : idx) {
    d.push_back(dirs[k]);
    in.push_back(inputs[k]);
  }
  backends::CsimOptions co;
  double compile_s = 0;
  co.compile_seconds = &compile_s;
  const fs::path work = root / ("batch_" + std::to_string(idx.front()) + "_" + std::to_string(idx.size()));
  auto r = backends::RunCsimBatch(d, in, work.string(), co);
  compile_total += compile_s;
  if (r.ok()) {
    for (size_t i = 0; i < idx.size(); ++i) ys[idx[i]] = std::move((*r)[i]);
    return;
  }
  if (idx.size() == 1) {
    errors[idx[0]] = r.status().message().substr(0, 3000);
    return;
  }
  std::printf("[ property ] a batch of %zu failed to simulate; splitting it\n", idx.size());
  const size_t half = idx.size() / 2;
  SimulateBisecting(dirs, inputs, std::vector<size_t>(idx.begin(), idx.begin() + half), root, ys, errors, compile_total);
  SimulateBisecting(dirs, inputs, std::vector<size_t>(idx.begin() + half, idx.end()), root, ys, errors, compile_total);
}

std::vector<uint32_t> Seeds(int default_count) {
  std::vector<uint32_t> seeds;
  if (const char* e = std::getenv("HLSFORGE_CNN_PROPERTY_SEEDS"); e && *e) {
    std::stringstream ss(e);
    std::string tok;
    while (std::getline(ss, tok, ',')) seeds.push_back(static_cast<uint32_t>(std::stoul(tok)));
    return seeds;
  }
  const int count = EnvInt("HLSFORGE_CNN_PROPERTY_COUNT", default_count);
  const uint32_t base = static_cast<uint32_t>(EnvInt("HLSFORGE_CNN_PROPERTY_SEED", 60000));
  for (int c = 0; c < count; ++c) seeds.push_back(base + static_cast<uint32_t>(c));
  return seeds;
}

}  // namespace

// The generator alone (no g++): 150 graphs validate, the emulator predicts
// them, and together they cover every feature the property test claims.
TEST(HlsCnnProperty, GeneratorCoversEveryFeatureAndEmulates) {
  std::set<std::string> seen;
  int redraws = 0, dull = 0;
  double distinct_total = 0;
  const uint32_t base = static_cast<uint32_t>(EnvInt("HLSFORGE_CNN_PROPERTY_SEED", 60000));
  for (uint32_t s = base; s < base + 150; ++s) {
    Cnn m;
    try {
      m = RandomCnn(s);
    } catch (const Error& e) {
      FAIL() << e.what();
    }
    redraws += m.draws - 1;
    seen.insert(m.features.begin(), m.features.end());
    auto y = emu::Predict(m.g, m.x);
    ASSERT_TRUE(y.ok()) << "seed " << s << ": " << y.status().message() << "\n      " << m.summary;
    std::set<double> distinct(y->data.begin(), y->data.end());
    if (distinct.size() <= 2) ++dull;
    distinct_total += static_cast<double>(distinct.size());
  }
  const char* want[] = {"rank1", "rank2", "io_stream", "io_parallel", "Latency", "Resource", "conv", "conv_no_bias",
                        "depthwise", "depthwise_dm", "pointwise", "asymmetric_pads", "conv_stride", "relu",
                        "max_pool", "avg_pool", "max_pool_pads", "avg_pool_pads_count_pad",
                        "avg_pool_pads_no_count_pad", "pool_stride_ne_pool", "global_max", "global_avg",
                        "zero_padding", "cropping", "upsampling", "merge_add", "merge_subtract", "merge_multiply",
                        "merge_average", "merge_maximum", "merge_minimum", "concat_channels", "concat_spatial",
                        "fan_out_two_branches", "fan_out_identity_branch", "flatten_dense", "dense",
                        "parallelization_factor"};
  for (const char* f : want) EXPECT_TRUE(seen.count(f)) << "feature never drawn: " << f;
  std::printf("[ property ] generator: 150 CNNs valid and emulated, %d redraws (products > 64 bits), %zu features; "
              "%d CNNs with <= 2 distinct output values, %.1f distinct values per CNN on average\n",
              redraws, seen.size(), dull, distinct_total / 150);
}

TEST(HlsCnnProperty, RandomCnnsBatched) {
  const std::vector<uint32_t> seeds = Seeds(30);
  const int count = static_cast<int>(seeds.size());
  const int batch = std::max(1, EnvInt("HLSFORGE_CNN_PROPERTY_BATCH", 30));
  std::printf("[ property ] %d random CNNs, seeds %u..%u, %d per g++ run\n", count, seeds.front(), seeds.back(),
              batch);
  const auto t0 = std::chrono::steady_clock::now();
  double compile_total = 0;
  int passed = 0, lively = 0;  // lively: >= 3 distinct output values over the rows
  std::vector<uint32_t> failed;
  for (int start = 0; start < count; start += batch) {
    const int end = std::min(count, start + batch);
    const fs::path root = TmpDir("cnn_prop_" + std::to_string(seeds[start]));
    std::vector<Cnn> cnns;
    std::vector<std::string> dirs;
    std::vector<NDArray> inputs;
    for (int c = start; c < end; ++c) {
      Cnn m;
      try {
        m = RandomCnn(seeds[c]);
      } catch (const Error& e) {
        FAIL() << e.what();
      }
      std::printf("[ property ] seed %u: %s\n", m.seed, m.summary.c_str());
      auto dir = WriteBatchProject(m.g, m.io, "cnn" + std::to_string(m.seed), root);
      ASSERT_TRUE(dir.ok()) << "seed " << m.seed << ": " << dir.status().message()
                            << " (replay: HLSFORGE_CNN_PROPERTY_SEEDS=" << m.seed << ")";
      dirs.push_back(*dir);
      inputs.push_back(m.x);
      cnns.push_back(std::move(m));
    }
    std::vector<size_t> all(dirs.size());
    for (size_t k = 0; k < all.size(); ++k) all[k] = k;
    std::vector<std::optional<NDArray>> ys(dirs.size());
    std::vector<std::string> errors(dirs.size());
    SimulateBisecting(dirs, inputs, all, root, ys, errors, compile_total);
    for (size_t k = 0; k < cnns.size(); ++k) {
      auto e = emu::Predict(cnns[k].g, cnns[k].x);
      ASSERT_TRUE(e.ok()) << "seed " << cnns[k].seed << ": " << e.status().message();
      if (!ys[k]) {
        ADD_FAILURE() << "CNN property seed " << cnns[k].seed << ": C simulation failed on its own: " << errors[k]
                      << " (replay: HLSFORGE_CNN_PROPERTY_SEEDS=" << cnns[k].seed << ")\n      " << cnns[k].summary;
        failed.push_back(cnns[k].seed);
        continue;
      }
      std::string first;
      const int64_t diff = CountDiff(*ys[k], *e, &first);
      EXPECT_EQ(diff, 0) << "CNN property seed " << cnns[k].seed << ": " << diff << " values differ, first: " << first
                         << " (replay: HLSFORGE_CNN_PROPERTY_SEEDS=" << cnns[k].seed << ")\n      "
                         << cnns[k].summary;
      passed += diff == 0;
      lively += std::set<double>(e->data.begin(), e->data.end()).size() >= 3;
      if (diff != 0) {
        failed.push_back(cnns[k].seed);
        std::printf("[ property ] seed %u: first differing layer: %s\n", cnns[k].seed,
                    FirstDifferingLayer(cnns[k], root).c_str());
      }
    }
    if (!::testing::Test::HasFailure()) fs::remove_all(root);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string f;
  for (uint32_t s : failed) f += (f.empty() ? "" : ",") + std::to_string(s);
  std::printf("[ property ] %d/%d CNNs bit-exact (%d with >= 3 distinct output values); %.1f s total, %.1f s in "
              "g++%s%s\n", passed, count, lively, secs, compile_total, failed.empty() ? "" : "; failing seeds: ",
              f.c_str());
}

// Found by the property test (seed 70064): an element-wise merge whose result
// type is wide (here Add, result auto = ap_fixed<41,11>) must compile in both
// io types; the kernel must not instantiate the other ops' expressions (the
// average's division by (res_T)2 would be 72 bits wide).
TEST(HlsCnnProperty, WideAddMergeCompilesBothIoTypes) {
  std::mt19937 rng(7);
  ir::Graph g;
  g.name = "wide_merge";
  ir::Layer in;
  in.name = in.output = "input_1";
  in.kind = ir::LayerKind::Input;
  in.config.precision["result"].type = FixedType(16, 6);
  g.layers.push_back(in);
  g.tensors["input_1"] = ir::Tensor{"input_1", {4, 2}, std::nullopt};
  g.inputs = {"input_1"};
  for (const char* name : {"conv_a", "conv_b"}) {  // 1x1 Conv1D, 2 -> 2 channels, result ap_fixed<40,10>
    ir::Layer c;
    c.name = name;
    c.kind = ir::LayerKind::Conv;
    c.conv = ir::ConvAttrs{.rank = 1};
    c.inputs = {"input_1"};
    c.output = std::string(name) + "_out";
    std::uniform_real_distribution<double> u(-2, 2);
    c.params["weight"] = ir::Param{{1, 2, 2}, {u(rng), u(rng), u(rng), u(rng)}, FixedType(12, 2)};
    c.config.precision["weight"].type = FixedType(12, 2);
    c.config.precision["accum"].type = FixedType(40, 10);
    c.config.precision["result"].type = FixedType(40, 10);
    g.tensors[c.output] = ir::Tensor{c.output, {4, 2}, std::nullopt};
    g.layers.push_back(c);
  }
  ir::Layer m;
  m.name = "add";
  m.kind = ir::LayerKind::Merge;
  m.merge = ir::MergeAttrs{.op = ir::MergeOp::Add};
  m.inputs = {"conv_a_out", "conv_b_out"};
  m.output = "add_out";
  g.tensors["add_out"] = ir::Tensor{"add_out", {4, 2}, std::nullopt};
  g.layers.push_back(m);
  ir::Layer q;  // a narrow output, exact as a double
  q.name = "relu";
  q.kind = ir::LayerKind::Activation;
  q.activation = ir::ActivationKind::ReLU;
  q.inputs = {"add_out"};
  q.output = "relu_out";
  q.config.precision["result"].type = FixedType(16, 8);
  g.tensors["relu_out"] = ir::Tensor{"relu_out", {4, 2}, std::nullopt};
  g.layers.push_back(q);
  g.outputs = {"relu_out"};
  Status st = passes::RunPipeline(g, passes::DefaultPipeline());
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(g.tensor("add_out").type->ToString(), "ap_fixed<41,11>");
  NDArray x = RandomInput(100, 8, rng, 3.0);
  x.shape = {100, 4, 2};
  ExpectCsimMatchesEmulator(g, x, "wide_merge_parallel", ir::IOType::Parallel);
  ExpectCsimMatchesEmulator(g, x, "wide_merge_stream", ir::IOType::Stream);
}
