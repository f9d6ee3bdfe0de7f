// Keras convolution and pooling layers (channels_last) -> Conv / Pooling.
// Conv1D/2D: kernel [(kh,) kw, c_in, filters]; DepthwiseConv1D/2D: kernel
// [(kh,) kw, c_in, depth_multiplier]; SeparableConv1D/2D: a depthwise Conv
// "<name>_depthwise" then a 1x1 Conv "<name>_pointwise" (as hls4ml splits
// it). Window geometry (kernel / pool size, strides, dilation_rate,
// 'valid' / 'same' padding): WindowGeometry.
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
  const std::string& c = k.cls;
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
    ir::Layer d;
    d.conv = a;
    d.params["weight"] = ir::Param{kshape, ws["depthwise_kernel"].values, std::nullopt, false};
    if (depthwise && use_bias) d.params["bias"] = ir::Param{{cin * dm}, ws["bias"].values, std::nullopt, false};
    out = separable ? k.name + "_depthwise" : k.name;
    b.NewSpatial(out, ir::LayerKind::Conv, in, k, d);
    if (separable) {
      const int64_t filters = static_cast<int64_t>(GetNum(k.config, "filters", -1, where));
      std::vector<int64_t> pshape(rank, 1);
      pshape.push_back(cin * dm);
      pshape.push_back(filters);
      Builder::CheckShape(ws["pointwise_kernel"], pshape, where, "pointwise_kernel");
      ir::Layer p;
      p.conv = ir::ConvAttrs{};
      p.conv->rank = rank;
      p.params["weight"] = ir::Param{pshape, ws["pointwise_kernel"].values, std::nullopt, false};
      if (use_bias) p.params["bias"] = ir::Param{{filters}, ws["bias"].values, std::nullopt, false};
      ir::Layer& pl = b.NewSpatial(k.name + "_pointwise", ir::LayerKind::Conv, out, k, p);
      pl.source_op = k.cls + ".pointwise";
      out = pl.name;
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
    ir::Layer l;
    l.conv = a;
    l.params["weight"] = ir::Param{kshape, ws["kernel"].values, std::nullopt, false};
    if (use_bias) l.params["bias"] = ir::Param{{filters}, ws["bias"].values, std::nullopt, false};
    out = b.NewSpatial(k.name, ir::LayerKind::Conv, in, k, l).name;
  }
  b.SetOutput(k, AddFusedActivation(b, k, out));
}

void AddPooling(Builder& b, const KLayer& k) {
  const std::string& c = k.cls;
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
  b.SetOutput(k, b.NewSpatial(k.name, ir::LayerKind::Pooling, in, k, l).name);
}

}  // namespace hlsforge::frontends::keras
