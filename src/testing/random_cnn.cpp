// Random CNN structures (random_model.h): rank 1 or 2, input [W, C] /
// [H, W, C] (H, W 1-8, C 1-3), then 2-5 blocks among
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
// GlobalAveragePooling (optionally + Dense), or Flatten (a Reshape layer,
// reading the image channels-last or, as PyTorch, channels-first; or none)
// + Dense (+ ReLU). Latency or Resource (a Conv takes the other one 15 %
// of the time), random reuse factors 1-8 (invalid ones are snapped by the
// writer), ParallelizationFactor (a random divisor of the layer's output
// pixels, half of the time), io_parallel or io_stream.
#include <algorithm>
#include <string>
#include <vector>

#include "random_model_internal.h"

namespace hlsforge::testing::detail {
namespace {

class CnnDrawer {
 public:
  CnnDrawer(Rng& rng, Draft& d) : rng_(rng), d_(d) {}

  void Draw() {
    d_.width_cap = 16;
    d_.input_sd = std::vector<double>{0.5, 1, 2, 4}[static_cast<size_t>(rng_.ri(0, 3))];
    rank_ = rng_.ri(1, 2);
    d_.g.name = "cnn";
    const int64_t H = rank_ == 2 ? rng_.ri(1, 8) : 1, W = rng_.ri(rank_ == 2 ? 1 : 2, 8), C = rng_.ri(1, 3);
    ir::Layer in;
    in.name = "input_1";
    in.kind = ir::LayerKind::Input;
    in.output = "input_1";
    in.config.precision[ir::Slot::Result].type = FixedType(16, 6);  // typed from the input rows
    d_.g.layers.push_back(in);
    d_.g.tensors["input_1"] = ir::Tensor{"input_1", Sh(H, W, C), std::nullopt};
    d_.g.inputs = {"input_1"};
    d_.features.insert(rank_ == 2 ? "rank2" : "rank1");
    strategy_ = rng_.ri(0, 1) ? ir::Strategy::Resource : ir::Strategy::Latency;
    d_.io = rng_.ri(0, 1) ? ir::IOType::Stream : ir::IOType::Parallel;
    d_.features.insert(d_.io == ir::IOType::Stream ? "io_stream" : "io_parallel");
    d_.features.insert(ir::ToString(strategy_));
    std::string cur = "input_1";
    const int blocks = rng_.ri(2, 5);
    for (int b = 0; b < blocks; ++b) {
      const int pick = rng_.ri(0, 99);
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
    const int end = rng_.ri(0, 99);
    if (end < 25) {
      cur = Pool(cur, true);
      if (rng_.coin(50)) cur = Dense(cur);
    } else if (end < 60 && d_.g.tensor(cur).size() <= 96) {
      // Flatten (a Reshape layer, or nothing: a Dense reads the image as a
      // flat vector, as after the default pipeline's fold_constants) + Dense
      if (rng_.coin(50)) {
        ir::Layer r;
        r.kind = ir::LayerKind::Reshape;
        // a PyTorch Flatten reads the image channels-first
        r.flatten_channels_first = d_.g.tensor(cur).shape.size() >= 2 && rng_.coin(50);
        d_.features.insert(r.flatten_channels_first ? "flatten_channels_first" : "flatten_dense");
        cur = Add(r, "flatten", {cur}, {d_.g.tensor(cur).size()});
      } else {
        d_.features.insert("dense_on_image");
      }
      cur = Dense(cur);
      if (rng_.coin(40)) cur = Relu(cur);
    }
    d_.g.outputs = {cur};
  }

 private:
  Rng& rng_;
  Draft& d_;
  int k_ = 0, rank_ = 2;
  ir::Strategy strategy_ = ir::Strategy::Latency;

  std::vector<int64_t> Sh(int64_t h, int64_t w, int64_t c) const {
    return rank_ == 2 ? std::vector<int64_t>{h, w, c} : std::vector<int64_t>{w, c};
  }
  // (h, w, c) of a spatial tensor
  int64_t Hh(const std::string& t) const { return rank_ == 2 ? d_.g.tensor(t).shape[0] : 1; }
  int64_t Ww(const std::string& t) const { return d_.g.tensor(t).shape[rank_ == 2 ? 1 : 0]; }
  int64_t Cc(const std::string& t) const { return d_.g.tensor(t).shape.back(); }

  /// Opens the result (and accum) slots, typed later by ExerciseTypes (a
  /// placeholder type until then).
  static void RandResult(ir::Layer& l, bool accum) {
    l.config.precision[ir::Slot::Result].type = FixedType(16, 6);
    if (accum) l.config.precision[ir::Slot::Accum].type = FixedType(32, 16);
  }

  /// Adds param `s` of the given shape and values, with its config slot
  /// open (a placeholder type until ExerciseTypes).
  static void AddParam(ir::Layer& l, ir::Slot s, std::vector<int64_t> shape, std::vector<double> values) {
    ir::Param p;
    p.shape = std::move(shape);
    p.values = std::move(values);
    p.type = FixedType(16, 6);
    l.config.precision[s].type = p.type;
    l.params[ir::SlotKey(s)] = std::move(p);
  }

  std::string Add(ir::Layer l, const std::string& prefix, const std::vector<std::string>& ins,
                  std::vector<int64_t> shape = {}) {
    l.name = prefix + std::to_string(k_++);
    l.inputs = ins;
    l.output = l.name + "_out";
    if (shape.empty()) {
      std::vector<std::vector<int64_t>> in_shapes;
      for (const auto& i : ins) in_shapes.push_back(d_.g.tensor(i).shape);
      auto os = ir::WindowOutputShape(l, in_shapes);
      if (!os.ok()) throw Error("generator bug: " + os.status().message());
      shape = *os;
    }
    d_.g.tensors[l.output] = ir::Tensor{l.output, shape, std::nullopt};
    d_.g.layers.push_back(std::move(l));
    return d_.g.layers.back().output;
  }

  std::vector<double> Values(int64_t n, double range) {
    std::uniform_real_distribution<double> u(-range, range);
    std::vector<double> v(static_cast<size_t>(n));
    for (auto& x : v) x = u(rng_.engine());
    return v;
  }

  /// A random divisor of the layer's output pixels (1 half of the time).
  void RandPf(ir::Layer& l, const std::vector<int64_t>& out_shape) {
    int64_t pixels = 1;
    for (size_t i = 0; i + 1 < out_shape.size(); ++i) pixels *= out_shape[i];
    if (rng_.coin(50)) return;
    std::vector<int> ds;
    for (int d = 2; d <= pixels && d <= 16; ++d)
      if (pixels % d == 0) ds.push_back(d);
    if (ds.empty()) return;
    l.config.parallelization_factor = ds[static_cast<size_t>(rng_.ri(0, static_cast<int>(ds.size()) - 1))];
    d_.features.insert("parallelization_factor");
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
        s = same ? 1 : rng_.ri(1, 2);
        pa = pb = 0;
      } else if (same) {
        k = rng_.ri(1, 3);
        s = 1;
        pa = rng_.ri(0, static_cast<int>(k) - 1);
        pb = k - 1 - pa;
      } else {
        pa = rng_.ri(0, 2);
        pb = rng_.ri(0, 2);
        k = rng_.ri(1, static_cast<int>(std::min<int64_t>(4, n + pa + pb)));
        s = rng_.ri(1, 3);
      }
    };
    axis(w, a.kernel_w, a.stride_w, a.pad_left, a.pad_right);
    if (rank_ == 2) axis(h, a.kernel_h, a.stride_h, a.pad_top, a.pad_bottom);
    a.depthwise = depthwise;
    a.depth_multiplier = depthwise ? (dm ? dm : rng_.ri(1, 3)) : 1;
    const int64_t co = depthwise ? c * a.depth_multiplier : (c_out ? c_out : rng_.ri(1, 4));
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
    std::vector<double> wv = Values(nw, 2.0);
    for (size_t i = 0; i < wv.size(); i += 5) wv[i] = 0;  // some zero weights
    AddParam(l, ir::Slot::Weight, ws, std::move(wv));
    if (rng_.coin(80)) {
      AddParam(l, ir::Slot::Bias, {co}, Values(co, 2.0));
    } else {
      d_.features.insert("conv_no_bias");
    }
    RandResult(l, true);
    l.config.strategy = rng_.coin(85) ? strategy_ : (strategy_ == ir::Strategy::Latency ? ir::Strategy::Resource
                                                                                   : ir::Strategy::Latency);
    l.config.reuse_factor = rng_.ri(1, 8);
    d_.features.insert(depthwise ? (a.depth_multiplier > 1 ? "depthwise_dm" : "depthwise") : pointwise ? "pointwise"
                                                                                                      : "conv");
    if (a.pad_left != a.pad_right || a.pad_top != a.pad_bottom) d_.features.insert("asymmetric_pads");
    if (a.stride_w > 1 || a.stride_h > 1) d_.features.insert("conv_stride");
    const std::string out = Add(l, depthwise ? "dwconv" : "conv", {in});
    RandPf(d_.g.layers.back(), d_.g.tensor(out).shape);
    return out;
  }

  std::string Relu(const std::string& in) {
    ir::Layer l;
    l.kind = ir::LayerKind::Activation;
    l.activation = ir::ActivationKind::ReLU;
    RandResult(l, false);
    d_.features.insert("relu");
    return Add(l, "relu", {in}, d_.g.tensor(in).shape);
  }
  std::string MaybeRelu(const std::string& in) { return rng_.coin(50) ? Relu(in) : in; }

  // global; or same (stride 1, pads pool-1 split: shape kept)
  std::string Pool(const std::string& in, bool global, bool same = false) {
    const int64_t h = Hh(in), w = Ww(in);
    ir::PoolAttrs a;
    a.rank = rank_;
    a.op = rng_.ri(0, 1) ? ir::PoolOp::Average : ir::PoolOp::Max;
    a.global = global;
    a.count_pad = rng_.ri(0, 1);
    auto axis = [&](int64_t n, int64_t& p, int64_t& s, int64_t& pa, int64_t& pb) {
      if (same) {
        p = rng_.ri(1, 3);
        s = 1;
        pa = rng_.ri(0, static_cast<int>(p) - 1);
        pb = p - 1 - pa;
        return;
      }
      p = rng_.ri(1, 3);
      pa = rng_.ri(0, static_cast<int>(p) - 1);
      pb = rng_.ri(0, static_cast<int>(p) - 1);
      while (p > n + pa + pb) --p;
      pa = std::min(pa, p - 1);
      pb = std::min(pb, p - 1);
      s = rng_.coin(50) ? p : rng_.ri(1, 3);
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
    if (global) d_.features.insert(avg ? "global_avg" : "global_max");
    else {
      d_.features.insert(avg ? "avg_pool" : "max_pool");
      if (a.pad_left + a.pad_right + a.pad_top + a.pad_bottom > 0)
        d_.features.insert(avg ? (a.count_pad ? "avg_pool_pads_count_pad" : "avg_pool_pads_no_count_pad")
                             : "max_pool_pads");
      if (a.stride_w != a.pool_w || a.stride_h != a.pool_h) d_.features.insert("pool_stride_ne_pool");
    }
    const std::string out = Add(l, global ? "gpool" : "pool", {in});
    if (!global) RandPf(d_.g.layers.back(), d_.g.tensor(out).shape);
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
    const bool big = d_.g.tensor(in).size() > 96;
    if (kind == ir::LayerKind::ZeroPadding) {
      if (do_w) a.pad_left = rng_.ri(0, big ? 1 : 2), a.pad_right = rng_.ri(0, big ? 1 : 2);
      if (do_h) a.pad_top = rng_.ri(0, big ? 1 : 2), a.pad_bottom = rng_.ri(0, big ? 1 : 2);
      if (axis >= 0 && a.pad_left + a.pad_right + a.pad_top + a.pad_bottom == 0) {
        if (do_w) a.pad_right = 1;
        else a.pad_top = 1;
      }
      d_.features.insert("zero_padding");
    } else if (kind == ir::LayerKind::Cropping) {
      auto crop = [&](int64_t n, int64_t& ca, int64_t& cb) {
        ca = rng_.ri(0, static_cast<int>(std::min<int64_t>(2, (n - 1) / 2)));
        cb = rng_.ri(0, static_cast<int>(std::min<int64_t>(2, n - 1 - ca)));
      };
      if (do_w) crop(w, a.pad_left, a.pad_right);
      if (do_h) crop(h, a.pad_top, a.pad_bottom);
      d_.features.insert("cropping");
    } else {
      if (do_w) a.scale_w = big ? 1 : rng_.ri(1, 3);
      if (do_h) a.scale_h = big ? 1 : rng_.ri(1, 2);
      if (axis >= 0 && !big) (do_w ? a.scale_w : a.scale_h) = 2;
      d_.features.insert("upsampling");
    }
    ir::Layer l;
    l.kind = kind;
    l.resize = a;
    RandResult(l, false);
    return Add(l, kind == ir::LayerKind::ZeroPadding ? "zpad" : kind == ir::LayerKind::Cropping ? "crop" : "upsample",
               {in});
  }

  std::string Dense(const std::string& in) {
    const int64_t n_in = d_.g.tensor(in).size(), n_out = rng_.ri(1, 4);
    ir::Layer l;
    l.kind = ir::LayerKind::Dense;
    AddParam(l, ir::Slot::Weight, {n_in, n_out}, Values(n_in * n_out, 2.0));
    AddParam(l, ir::Slot::Bias, {n_out}, Values(n_out, 2.0));
    RandResult(l, true);
    l.config.strategy = strategy_;
    l.config.reuse_factor = rng_.ri(1, 8);
    d_.features.insert("dense");
    return Add(l, "dense", {in}, {n_out});
  }

  /// A layer keeping the shape of `in` (channels c_out when not 0 and the
  /// layer can change them).
  std::string SameShapeBranch(const std::string& in, int64_t c_out) {
    const int64_t c = Cc(in);
    const bool can_change = c_out != c;
    for (;;) {
      switch (rng_.ri(0, 5)) {
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
    const int pick = rng_.ri(0, 8);
    const int64_t c = Cc(t);
    std::string a, b;
    ir::MergeAttrs m;
    const bool two_branches = rng_.coin(40);
    if (pick < 6) {  // element-wise
      m.op = ops[pick];
      a = two_branches ? SameShapeBranch(t, c) : t;
      b = SameShapeBranch(t, c);
      d_.features.insert(std::string("merge_") + ir::ToString(m.op));
    } else if (pick == 6) {  // concatenate channels
      m.op = ir::MergeOp::Concatenate;
      m.axis = rng_.coin(50) ? -1 : rank_;
      a = two_branches ? SameShapeBranch(t, rng_.ri(0, 1) ? c : c * rng_.ri(1, 2)) : t;
      b = SameShapeBranch(t, rng_.ri(0, 1) ? rng_.ri(1, 4) : c * rng_.ri(1, 3));
      d_.features.insert("concat_channels");
    } else {  // concatenate on a spatial axis
      m.op = ir::MergeOp::Concatenate;
      const int ax = rank_ == 2 ? rng_.ri(0, 1) : 0;
      m.axis = rng_.coin(50) ? ax : ax - (rank_ + 1);
      auto branch = [&]() -> std::string {
        switch (rng_.ri(0, 3)) {
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
      d_.features.insert("concat_spatial");
    }
    if (two_branches) d_.features.insert("fan_out_two_branches");
    else d_.features.insert("fan_out_identity_branch");
    if (rng_.coin(50)) std::swap(a, b);
    ir::Layer l;
    l.kind = ir::LayerKind::Merge;
    l.merge = m;
    RandResult(l, false);
    return MaybeRelu(Add(l, "merge", {a, b}));
  }
};

}  // namespace

Draft DrawCnn(Rng& rng) {
  Draft d;
  CnnDrawer(rng, d).Draw();
  return d;
}

}  // namespace hlsforge::testing::detail
