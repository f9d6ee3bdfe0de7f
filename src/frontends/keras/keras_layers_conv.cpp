// Keras convolution and pooling layers (channels_last) -> Conv / Pooling.
// Conv1D/2D: kernel [(kh,) kw, c_in, filters]; DepthwiseConv1D/2D: kernel
// [(kh,) kw, c_in, depth_multiplier]; SeparableConv1D/2D: a depthwise Conv
// "<name>_depthwise" then a 1x1 Conv "<name>_pointwise" (as hls4ml splits
// it). Window geometry (kernel / pool size, strides, dilation_rate,
// 'valid' / 'same' padding): WindowGeometry.
// The QKeras classes (qconvolutional.py, qpooling.py) are the same layers
// with their weights quantized (qkeras_layer_weights.cpp: kernel_quantizer /
// depthwise_quantizer / pointwise_quantizer, bias_quantizer) and a quantizer
// as `activation`. QAveragePooling / QGlobalAveragePooling compute
// average(x) * area * average_quantizer(1 / area) (area = the pool size, resp.
// the input's spatial size): a ScaleShift by area * q(1 / area) after the
// average when that factor is not 1.
#include <algorithm>
#include <cmath>

#include "../window_geometry.h"
#include "keras_builder.h"

namespace hlsforge::frontends::keras {
namespace {

/// Spatial rank from the class name's suffix ("...1D" -> 1, else 2).
int RankOf(const std::string& cls) { return cls.size() >= 2 && cls[cls.size() - 2] == '1' ? 1 : 2; }

/// The window of layer `k` over spatial dims `dims`: `kernel`, `strides`,
/// and the 'padding' field ('valid' or 'same').
WindowGeometry KerasWindow(const Builder& b, const KLayer& k, const std::vector<int64_t>& dims,
                           const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides) {
  WindowGeometry g = WindowGeometry::Unit(kernel);
  g.stride = strides;
  std::string pad = "valid";
  if (const json* p = Get(k.config, "padding"); p && p->is_string()) pad = p->get<std::string>();
  if (pad == "same") g.PadSame(dims);
  else if (pad != "valid") throw Error(b.Where(k) + ": padding '" + pad + "' unsupported (valid, same)");
  return g;
}

}  // namespace

void AddConv(Builder& b, const KLayer& k) {
  const bool qkeras = k.cls.rfind("Q", 0) == 0;
  const std::string c = qkeras ? k.cls.substr(1) : k.cls;
  const std::string where = b.Where(k);
  const int rank = RankOf(c);
  const std::string& in = b.SpatialInput(k, rank);
  const std::vector<int64_t> ishape = b.graph().tensor(in).shape;
  const std::vector<int64_t> dims(ishape.begin(), ishape.end() - 1);
  const int64_t cin = ishape.back();
  WindowGeometry win = KerasWindow(b, k, dims, b.Tuple(k, "kernel_size", rank, 1), b.Tuple(k, "strides", rank, 1));
  win.dilation = b.Tuple(k, "dilation_rate", rank, 1);
  win.RequireUnitDilation(where, "dilation_rate");
  if (const json* gr = Get(k.config, "groups"); gr && gr->is_number_integer() && gr->get<int64_t>() != 1)
    throw Error(where + ": groups " + gr->dump() + " unsupported");
  ir::ConvAttrs a = win.ToConv();
  const bool use_bias = GetBool(k.config, "use_bias", true, where);
  const bool depthwise = c.rfind("Depthwise", 0) == 0, separable = c.rfind("Separable", 0) == 0;
  std::vector<int64_t> kshape = win.kernel;
  std::string out;
  if (depthwise || separable) {
    const int64_t dm = static_cast<int64_t>(GetNum(k.config, "depth_multiplier", 1, where));
    std::vector<std::string> pos = {"depthwise_kernel"};
    if (separable) pos.push_back("pointwise_kernel");
    if (use_bias) pos.push_back("bias");
    auto ws = b.Weights(k, pos, pos);
    kshape.push_back(cin);
    kshape.push_back(dm);
    Builder::CheckShape(ws["depthwise_kernel"], kshape, where, "depthwise_kernel");
    a.depthwise = true;
    a.depth_multiplier = dm;
    std::optional<ir::Param> B;
    if (depthwise && use_bias) B = ir::Param{{cin * dm}, ws["bias"].values, std::nullopt, false};
    LinearParams dp = QuantizeLinear(k, qkeras ? "depthwise_quantizer" : "", where,
                                     ir::Param{kshape, ws["depthwise_kernel"].values, std::nullopt, false}, std::move(B),
                                     cin * dm);
    // A binary depthwise kernel keeps ordinary +-1 products: the XNOR
    // encoding (TRN/WRAP 2-bit, see passes IsXnorParam) is not defined for
    // the zero-expanded depthwise product.
    if (std::optional<FixedType>& t = dp.weight.type; t && t->width() == 2 && t->is_signed())
      t = FixedType(2, t->integer(), true, Quant::RND_CONV, Overflow::SAT);
    ir::Layer d;
    d.conv = a;
    dp.Into(d);
    out = separable ? k.name + "_depthwise" : k.name;
    out = dp.After(b, k, b.NewSpatial(out, ir::LayerKind::Conv, in, k, d).name);
    if (separable) {
      const int64_t filters = static_cast<int64_t>(GetNum(k.config, "filters", -1, where));
      std::vector<int64_t> pshape(rank, 1);
      pshape.push_back(cin * dm);
      pshape.push_back(filters);
      Builder::CheckShape(ws["pointwise_kernel"], pshape, where, "pointwise_kernel");
      std::optional<ir::Param> PB;
      if (use_bias) PB = ir::Param{{filters}, ws["bias"].values, std::nullopt, false};
      LinearParams pp = QuantizeLinear(k, qkeras ? "pointwise_quantizer" : "", where,
                                       ir::Param{pshape, ws["pointwise_kernel"].values, std::nullopt, false},
                                       std::move(PB), filters);
      ir::Layer p;
      p.conv = ir::ConvAttrs{};
      p.conv->rank = rank;
      pp.Into(p);
      ir::Layer& pl = b.NewSpatial(k.name + "_pointwise", ir::LayerKind::Conv, out, k, p);
      pl.source_op = k.cls + ".pointwise";
      out = pp.After(b, k, pl.name);
    }
  } else {
    const int64_t filters = static_cast<int64_t>(GetNum(k.config, "filters", -1, where));
    if (filters <= 0) throw Error(where + ": field 'filters' missing or not positive");
    std::vector<std::string> pos = {"kernel"};
    if (use_bias) pos.push_back("bias");
    auto ws = b.Weights(k, pos, pos);
    kshape.push_back(cin);
    kshape.push_back(filters);
    Builder::CheckShape(ws["kernel"], kshape, where, "kernel");
    std::optional<ir::Param> B;
    if (use_bias) B = ir::Param{{filters}, ws["bias"].values, std::nullopt, false};
    LinearParams cp = QuantizeLinear(k, qkeras ? "kernel_quantizer" : "", where,
                                     ir::Param{kshape, ws["kernel"].values, std::nullopt, false}, std::move(B), filters);
    ir::Layer l;
    l.conv = a;
    cp.Into(l);
    out = cp.After(b, k, b.NewSpatial(k.name, ir::LayerKind::Conv, in, k, l).name);
  }
  b.SetOutput(k, AddFusedActivation(b, k, out));
}

void AddPooling(Builder& b, const KLayer& k) {
  const bool qkeras = k.cls.rfind("Q", 0) == 0;
  const std::string c = qkeras ? k.cls.substr(1) : k.cls;
  const int rank = RankOf(c);
  const std::string& in = b.SpatialInput(k, rank);
  const std::vector<int64_t> ishape = b.graph().tensor(in).shape;
  const std::vector<int64_t> dims(ishape.begin(), ishape.end() - 1);
  ir::PoolAttrs a;
  a.rank = rank;
  if (c.rfind("Global", 0) == 0) {
    if (GetBool(k.config, "keepdims", false, b.Where(k))) throw Error(b.Where(k) + ": keepdims=True unsupported");
    a.global = true;
  } else {
    // Keras 1 named the 1-D window 'pool_length'; 'pool_size' wins when both are present.
    const std::vector<int64_t> ps = b.Tuple(k, rank == 1 ? "pool_length" : "pool_size", rank, 2);
    const std::vector<int64_t> size = rank == 1 && Get(k.config, "pool_size") ? b.Tuple(k, "pool_size", rank, 2) : ps;
    const json* sj = Get(k.config, "strides");
    const std::vector<int64_t> st = (!sj || sj->is_null()) ? size : b.Tuple(k, "strides", rank, 1);
    a = KerasWindow(b, k, dims, size, st).ToPool();
  }
  a.op = c.find("Max") != std::string::npos ? ir::PoolOp::Max : ir::PoolOp::Average;
  ir::Layer l;
  l.pool = a;
  std::string out = b.NewSpatial(k.name, ir::LayerKind::Pooling, in, k, l).name;
  if (qkeras) {
    if (const json* aq = Get(k.config, "average_quantizer")) {
      const std::string where = b.Where(k) + " average_quantizer";
      int64_t area = 1;
      if (a.global) {
        for (int64_t d : dims) area *= d;
      } else {
        area = a.pool_h * a.pool_w;
      }
      std::vector<double> inv = {1.0 / static_cast<double>(area)};
      std::optional<FixedType> t;
      QuantizeWeights(ParseQuantizer(*aq, where), inv, t, where);
      const double factor = static_cast<double>(area) * inv[0];
      if (factor != 1.0) {
        const int64_t C = ishape.back();
        ir::Layer& s = b.NewLayer(out + "_average_quantizer", ir::LayerKind::ScaleShift, out,
                                  b.graph().tensor(out).shape, k.cls + ".average_quantizer");
        // exact unsigned type of the factor (a dyadic rational: area times a quantized value)
        std::optional<FixedType> ft;
        for (int F = 0; F <= 40 && !ft && factor > 0; ++F)
          if (const double v = std::ldexp(factor, F); v == std::floor(v) && v < 0x1p52) {
            const int I = std::max(1, static_cast<int>(std::floor(std::log2(factor))) + 1);
            ft = FixedType(I + F, I, false);
          }
        s.params["scale"] = ir::Param{{C}, std::vector<double>(C, factor), ft, ft.has_value()};
        s.params["bias"] = ir::Param{{C}, std::vector<double>(C, 0.0), std::nullopt, false};
        out = s.name;
      }
    }
    out = AddFusedActivation(b, k, out);
  }
  b.SetOutput(k, out);
}

}  // namespace hlsforge::frontends::keras
