// Random MLP structures (random_model.h): 1-4 Dense layers of 1-12 neurons
// with fixed-point, binary (1-bit XNOR, -1/+1) or ternary (2-bit {-1,0,1})
// weights, with or without bias, Latency or Resource with a random (possibly
// invalid, then snapped) reuse factor 1-8; after each Dense: nothing, linear,
// ReLU, leaky ReLU (double or fixed-point alpha), thresholded ReLU, clipped
// ReLU, sigmoid or tanh (tables of 64-1024 entries), binary tanh (XNOR bit or
// +-1 in a wider type), ternary tanh, BN+sign / BN+ternary thresholds, or a
// BatchNormalization (ScaleShift) optionally followed by ReLU, or a QKeras
// quantized_relu with a negative slope; a Dense after
// an XNOR output often gets binary weights (XNOR-popcount). A quarter of the
// MLPs end in a softmax (stable, latency or legacy; table sizes 256-1024).
#include <fmt/format.h>

#include <cmath>

#include "random_model_internal.h"

namespace hlsforge::testing::detail {
namespace {

class MlpDrawer {
 public:
  MlpDrawer(Rng& rng, Draft& d) : rng_(rng), d_(d) {}

  void Draw() {
    ir::Graph& g = d_.g;
    g.name = "mlp";
    d_.width_cap = 20;
    d_.input_sd = std::vector<double>{0.5, 1, 2, 4}[static_cast<size_t>(rng_.ri(0, 3))];
    const int n_in = rng_.ri(2, 12);
    ir::Layer in;
    in.name = in.output = "input_1";
    in.kind = ir::LayerKind::Input;
    Open(in, ir::Slot::Result);
    g.layers.push_back(in);
    g.tensors["input_1"] = ir::Tensor{"input_1", {n_in}, std::nullopt};
    g.inputs = {"input_1"};
    strategy_ = rng_.coin(50) ? ir::Strategy::Resource : ir::Strategy::Latency;
    d_.features.insert(ir::ToString(strategy_));
    std::string cur = "input_1";
    const int depth = rng_.ri(1, 4);
    const bool softmax = rng_.coin(25);
    for (int k = 0; k < depth; ++k) {
      const bool last = k + 1 == depth;
      cur = Dense(cur, last && softmax ? rng_.ri(2, 10) : rng_.ri(1, 12));
      if (last && softmax) {
        cur = Softmax(cur);
        break;
      }
      cur = After(cur);
    }
    g.outputs = {cur};
    d_.io = rng_.coin(50) ? ir::IOType::Stream : ir::IOType::Parallel;
    d_.features.insert(d_.io == ir::IOType::Stream ? "io_stream" : "io_parallel");
  }

 private:
  Rng& rng_;
  Draft& d_;
  ir::Strategy strategy_ = ir::Strategy::Latency;
  int k_ = 0;

  static void Open(ir::Layer& l, ir::Slot s) { l.config.precision[s].type = FixedType(16, 6); }
  void Fixed(ir::Layer& l, ir::Slot s, const FixedType& t) {
    l.config.precision[s].type = t;
    d_.fixed_slots.insert(SlotId(l, s));
  }
  int64_t Size(const std::string& t) const { return d_.g.tensor(t).size(); }

  /// Names the layer, connects it to `in` and adds its output tensor of n values.
  std::string Add(ir::Layer& l, const std::string& prefix, const std::string& in, int64_t n) {
    l.name = fmt::format("{}{}", prefix, k_++);
    l.inputs = {in};
    l.output = l.name + "_out";
    d_.g.tensors[l.output] = ir::Tensor{l.output, {n}, std::nullopt};
    return l.output;
  }
  std::string Push(ir::Layer l) {
    d_.g.layers.push_back(std::move(l));
    return d_.g.layers.back().output;
  }

  /// True when tensor t holds XNOR-encoded bits (a 1-bit unsigned sign output).
  bool Xnor(const std::string& t) const {
    const ir::Layer* p = d_.g.Producer(t);
    if (!p) return false;
    const bool sign = (p->kind == ir::LayerKind::Activation && p->activation == ir::ActivationKind::BinaryTanh) ||
                      (p->kind == ir::LayerKind::Threshold && p->params.count("threshold"));
    auto it = p->config.precision.find(ir::Slot::Result);
    return sign && it != p->config.precision.end() && it->second.type && it->second.type->width() == 1;
  }

  std::string Dense(const std::string& in, int n_out) {
    const int64_t n_in = Size(in);
    ir::Layer l;
    l.kind = ir::LayerKind::Dense;
    const std::string out = Add(l, "dense", in, n_out);
    const int wk = rng_.ri(0, 5);
    enum { kFixed, kBinary, kTernary } kind = wk == 4 ? kBinary : wk == 5 ? kTernary : kFixed;
    const bool xnor_in = Xnor(in);
    if (xnor_in && rng_.coin(50)) kind = kBinary;
    ir::Param w;
    w.shape = {n_in, n_out};
    for (int64_t i = 0; i < n_in * n_out; ++i) {
      double v = rng_.uniform(-1.5, 1.5);
      if (kind == kBinary) v = v > 0 ? 1 : -1;
      else if (kind == kTernary) v = v > 0.5 ? 1 : (v < -0.5 ? -1 : 0);
      else if (i % 7 == 3) v = 0;  // zero weights: no multiplier, and skipped terms
      w.values.push_back(v);
    }
    if (kind == kFixed) {
      Open(l, ir::Slot::Weight);
    } else {
      w.type = kind == kBinary ? FixedType::Int(1, false) : FixedType::Int(2, true);
      Fixed(l, ir::Slot::Weight, *w.type);
    }
    l.params["weight"] = w;
    if (rng_.coin(85)) {
      ir::Param b;
      b.shape = {n_out};
      for (int i = 0; i < n_out; ++i) b.values.push_back(rng_.uniform(-1.5, 1.5));
      l.params["bias"] = b;
      Open(l, ir::Slot::Bias);
    } else {
      d_.features.insert("dense_no_bias");
    }
    Open(l, ir::Slot::Accum);
    Open(l, ir::Slot::Result);
    l.config.strategy = strategy_;
    l.config.reuse_factor = rng_.ri(1, 8);
    d_.features.insert(kind == kBinary ? (xnor_in ? "xnor_popcount" : "binary_weights")
                                       : kind == kTernary ? "ternary_weights" : "dense");
    if (xnor_in && kind != kBinary) d_.features.insert("xnor_input");
    return Push(std::move(l));
  }

  std::string Act(const std::string& in, ir::ActivationKind k, const char* feature) {
    ir::Layer l;
    l.kind = ir::LayerKind::Activation;
    l.activation = k;
    const std::string out = Add(l, "act", in, Size(in));
    d_.features.insert(feature);
    switch (k) {
      case ir::ActivationKind::BinaryTanh:
        Fixed(l, ir::Slot::Result, rng_.ri(0, 2) ? FixedType::Int(1, false) : FixedType::Int(rng_.ri(2, 4), true));
        break;
      case ir::ActivationKind::TernaryTanh: Fixed(l, ir::Slot::Result, FixedType::Int(rng_.ri(2, 4), true)); break;
      case ir::ActivationKind::Sigmoid:
      case ir::ActivationKind::Tanh:
        Open(l, ir::Slot::Table);
        Open(l, ir::Slot::Result);
        l.config.table_size = std::vector<int>{64, 128, 256, 1000, 1024}[static_cast<size_t>(rng_.ri(0, 4))];
        break;
      case ir::ActivationKind::LeakyReLU:
        l.alpha = std::vector<double>{0.125, 0.25, 0.375, 0.1, 0.3}[static_cast<size_t>(rng_.ri(0, 4))];
        if (rng_.coin(40)) {
          Fixed(l, ir::Slot::Param, rng_.type(rng_.ri(4, 10), 1, true));
          d_.features.insert("leaky_fixed_alpha");
        }
        Open(l, ir::Slot::Result);
        break;
      default: Open(l, ir::Slot::Result); break;  // ThresholdedReLU / ReLU6OrMax: alpha set by the typing from the data
    }
    return Push(std::move(l));
  }

  /// BN + sign (one threshold per channel) or BN + ternary (lo/hi): the
  /// threshold values are set by the typing to values the data takes.
  std::string Threshold(const std::string& in, bool ternary) {
    ir::Layer l;
    l.kind = ir::LayerKind::Threshold;
    const int64_t n = Size(in);
    const std::string out = Add(l, "bn_sign", in, n);
    ir::Param t;
    t.shape = {n};
    t.values.assign(static_cast<size_t>(n), 0.0);
    if (ternary) {
      l.params["threshold_lo"] = t;
      l.params["threshold_hi"] = t;
      Fixed(l, ir::Slot::Result, FixedType::Int(rng_.ri(2, 3), true));
    } else {
      l.params["threshold"] = t;
      Fixed(l, ir::Slot::Result, rng_.ri(0, 2) ? FixedType::Int(1, false) : FixedType::Int(2, true));
    }
    d_.features.insert(ternary ? "bn_ternary" : "bn_sign");
    return Push(std::move(l));
  }

  std::string ScaleShift(const std::string& in) {
    ir::Layer l;
    l.kind = ir::LayerKind::ScaleShift;
    const int64_t n = Size(in);
    const std::string out = Add(l, "bn", in, n);
    ir::Param s, b;
    s.shape = b.shape = {n};
    for (int64_t i = 0; i < n; ++i) {
      s.values.push_back(rng_.uniform(-2, 2));
      b.values.push_back(rng_.uniform(-1.5, 1.5));
    }
    l.params["scale"] = s;
    l.params["bias"] = b;
    Open(l, ir::Slot::Scale);
    Open(l, ir::Slot::Bias);
    Open(l, ir::Slot::Result);
    d_.features.insert("batchnorm");
    return Push(std::move(l));
  }

  std::string After(const std::string& cur) {
    using K = ir::ActivationKind;
    switch (rng_.ri(0, 14)) {
      case 0: return cur;
      case 1: return Act(cur, K::Linear, "linear");
      case 2: case 3: return Act(cur, K::ReLU, "relu");
      case 4: return Act(cur, K::LeakyReLU, "leaky_relu");
      case 5: return Act(cur, K::Sigmoid, "sigmoid");
      case 6: return Act(cur, K::Tanh, "tanh");
      case 7: return Act(cur, K::BinaryTanh, "binary_tanh");
      case 8: return Act(cur, K::TernaryTanh, "ternary_tanh");
      case 9: return Threshold(cur, false);
      case 10: return Threshold(cur, true);
      case 11: {
        const std::string s = ScaleShift(cur);
        return rng_.coin(50) ? Act(s, K::ReLU, "relu") : s;
      }
      case 12: return Act(cur, K::ThresholdedReLU, "thresholded_relu");
      case 13: return NegativeSlopeRelu(cur);
      default: return Act(cur, K::ReLU6OrMax, "relu_max");
    }
  }

  /// QKeras quantized_relu(b, integer, negative_slope = 2^-k), k in
  /// [0, b-1] (graph.h QuantParams::negative_slope): a Quantize layer of
  /// result type fixed<b, integer + 1, RND_CONV, SAT>.
  std::string NegativeSlopeRelu(const std::string& in) {
    ir::Layer l;
    l.kind = ir::LayerKind::Quantize;
    Add(l, "qrelu_slope", in, Size(in));
    const int b = rng_.ri(2, 8), integer = rng_.ri(-1, 3);
    ir::QuantParams q;
    q.bit_width = b;
    q.is_signed = true;
    q.scale = {std::ldexp(1.0, integer - (b - 1))};
    q.negative_slope = std::ldexp(1.0, -rng_.ri(0, b - 1));
    l.quant = q;
    Fixed(l, ir::Slot::Result, FixedType(b, integer + 1, true, Quant::RND_CONV, Overflow::SAT));
    d_.features.insert("qrelu_negative_slope");
    return Push(std::move(l));
  }

  std::string Softmax(const std::string& in) {
    ir::Layer l;
    l.kind = ir::LayerKind::Softmax;
    const std::string out = Add(l, "softmax", in, Size(in));
    const int impl = rng_.ri(0, 9);
    l.config.softmax_impl = impl < 4 ? ir::SoftmaxImpl::Stable : impl < 7 ? ir::SoftmaxImpl::Latency
                                                                           : ir::SoftmaxImpl::Legacy;
    l.config.table_size = 1 << rng_.ri(8, 10);
    if (l.config.softmax_impl == ir::SoftmaxImpl::Legacy) {
      Open(l, ir::Slot::Table);
    } else {
      for (const ir::Slot k : {ir::Slot::ExpTable, ir::Slot::InvTable, ir::Slot::Accum, ir::Slot::InvInp}) Open(l, k);
      if (l.config.softmax_impl == ir::SoftmaxImpl::Stable) Open(l, ir::Slot::InpNorm);
    }
    Open(l, ir::Slot::Result);
    d_.features.insert(std::string("softmax_") + ir::ToString(l.config.softmax_impl));
    return Push(std::move(l));
  }
};

}  // namespace

Draft DrawMlp(Rng& rng) {
  Draft d;
  MlpDrawer(rng, d).Draw();
  return d;
}

}  // namespace hlsforge::testing::detail
