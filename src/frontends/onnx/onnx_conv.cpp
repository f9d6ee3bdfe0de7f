// ONNX Conv / pooling / Pad / Resize -> IR attributes, and the handlers of
// these ops and of merges of two activations (Concat, Add/Sub/Mul/Max/Min).
// Semantics: ONNX operator specs (Conv-11, MaxPool-12, AveragePool-11,
// Pad-13, Resize-13, Upsample-9, Concat-13); SAME_UPPER puts the odd pad cell
// at the end, like Keras 'same' (WindowGeometry::PadSame).
#include "onnx_conv.h"

#include <algorithm>
#include <cmath>

#include "onnx_const.h"
#include "onnx_ops.h"
#include "../window_geometry.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

const onnx::AttributeProto* Attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::vector<int64_t> Ints(const onnx::NodeProto& n, const std::string& name) {
  const auto* a = Attr(n, name);
  if (!a) return {};
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

int64_t Int(const onnx::NodeProto& n, const std::string& name, int64_t dflt) {
  const auto* a = Attr(n, name);
  return a ? a->i() : dflt;
}

std::string Str(const onnx::NodeProto& n, const std::string& name, const std::string& dflt) {
  const auto* a = Attr(n, name);
  return a ? a->s() : dflt;
}

[[noreturn]] void Fail(const std::string& where, const std::string& msg) { throw Error(where + ": " + msg); }

/// Spatial dims and channels of an ONNX activation shape.
struct Spatial {
  int rank = 0;                 // 1 or 2
  std::vector<int64_t> dims;    // (H,) W
  int64_t c = 0;
};

Spatial GetSpatial(const std::string& where, const std::vector<int64_t>& s, bool cl) {
  if (s.size() != 3 && s.size() != 4)
    Fail(where, "input of shape " + ShapeStr(s) + ": only 1-D and 2-D images ([N, C, W] / [N, C, H, W]) are supported");
  Spatial sp;
  sp.rank = static_cast<int>(s.size()) - 2;
  if (cl) {
    sp.dims.assign(s.begin() + 1, s.end() - 1);
    sp.c = s.back();
  } else {
    sp.dims.assign(s.begin() + 2, s.end());
    sp.c = s[1];
  }
  return sp;
}

std::vector<int64_t> MakeShape(const std::vector<int64_t>& dims, int64_t c, bool cl) {
  std::vector<int64_t> r{1};
  if (!cl) r.push_back(c);
  r.insert(r.end(), dims.begin(), dims.end());
  if (cl) r.push_back(c);
  return r;
}

/// The window of a Conv / MaxPool / AveragePool node over `sp`: kernel as
/// given, strides, dilations (only 1) and pads from 'pads' / auto_pad.
WindowGeometry OnnxWindow(const onnx::NodeProto& n, const std::string& where, const Spatial& sp,
                          const std::vector<int64_t>& kernel) {
  const size_t r = sp.dims.size();
  WindowGeometry g = WindowGeometry::Unit(kernel);
  if (auto d = Ints(n, "dilations"); !d.empty()) g.dilation = d;
  g.RequireUnitDilation(where, "dilation");
  if (auto st = Ints(n, "strides"); !st.empty()) g.stride = st;
  if (g.stride.size() != r) Fail(where, "attribute 'strides' has " + std::to_string(g.stride.size()) + " values");
  const std::string ap = Str(n, "auto_pad", "NOTSET");
  if (ap == "NOTSET") {
    std::vector<int64_t> p = Ints(n, "pads");
    if (!p.empty()) {
      if (p.size() != 2 * r) Fail(where, "attribute 'pads' has " + std::to_string(p.size()) + " values, expected " + std::to_string(2 * r));
      g.pad_begin.assign(p.begin(), p.begin() + r);
      g.pad_end.assign(p.begin() + r, p.end());
    }
  } else if (ap == "SAME_UPPER") {
    g.PadSame(sp.dims);
  } else if (ap != "VALID") {
    Fail(where, "auto_pad '" + ap + "' is not supported (NOTSET, VALID, SAME_UPPER)");
  }
  return g;
}

}  // namespace

ConvResult ConvertConv(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                       bool cl, const std::vector<int64_t>& w_shape, const std::vector<double>& w) {
  const Spatial sp = GetSpatial(where, in_shape, cl);
  const size_t r = sp.dims.size();
  if (w_shape.size() != r + 2)
    Fail(where, "weight of shape " + ShapeStr(w_shape) + " does not match a " + std::to_string(r) + "-D input");
  const int64_t co = w_shape[0];
  const int64_t cig = cl ? w_shape.back() : w_shape[1];
  std::vector<int64_t> kernel = cl ? std::vector<int64_t>(w_shape.begin() + 1, w_shape.end() - 1)
                                   : std::vector<int64_t>(w_shape.begin() + 2, w_shape.end());
  if (auto ks = Ints(n, "kernel_shape"); !ks.empty() && ks != kernel)
    Fail(where, "kernel_shape " + ShapeStr(ks) + " differs from the weight's " + ShapeStr(kernel));
  const WindowGeometry win = OnnxWindow(n, where, sp, kernel);
  const int64_t group = Int(n, "group", 1);
  bool depthwise = false;
  int64_t dm = 1;
  if (group != 1) {
    if (group == sp.c && cig == 1 && co % sp.c == 0) {
      depthwise = true;
      dm = co / sp.c;
    } else {
      Fail(where, "group convolution (group " + std::to_string(group) + ", " + std::to_string(sp.c) +
                      " input channels) is not supported: only group = 1 or depthwise (group = input channels)");
    }
  } else if (cig != sp.c) {
    Fail(where, "weight expects " + std::to_string(cig) + " input channels, the input has " + std::to_string(sp.c));
  }
  const std::vector<int64_t> od = win.OutputDims(sp.dims, where, "kernel");

  ConvResult res;
  res.attrs = win.ToConv();
  res.attrs.depthwise = depthwise;
  res.attrs.depth_multiplier = dm;
  // IR weight: [(kh,) kw, c_in, c_out]; depthwise [(kh,) kw, c_in, dm] with c_out = c*dm + m.
  const int64_t kh = r == 2 ? kernel[0] : 1, kw = kernel.back();
  const int64_t last = depthwise ? dm : co;
  const int64_t cin = depthwise ? sp.c : cig;
  res.weight.assign(static_cast<size_t>(kh * kw * cin * last), 0.0);
  for (int64_t o = 0; o < co; ++o)
    for (int64_t ci = 0; ci < cig; ++ci)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x) {
          const int64_t src = cl ? ((o * kh + y) * kw + x) * cig + ci : ((o * cig + ci) * kh + y) * kw + x;
          const int64_t in_c = depthwise ? o / dm : ci;
          const int64_t out_c = depthwise ? o % dm : o;
          res.weight[static_cast<size_t>(((y * kw + x) * cin + in_c) * last + out_c)] = w[static_cast<size_t>(src)];
        }
  if (r == 2) res.weight_shape = {kh, kw, cin, last};
  else res.weight_shape = {kw, cin, last};
  res.out_shape = MakeShape(od, co, cl);
  return res;
}

PoolResult ConvertPool(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                       bool cl) {
  const Spatial sp = GetSpatial(where, in_shape, cl);
  const size_t r = sp.dims.size();
  const std::string& op = n.op_type();
  PoolResult res;
  ir::PoolAttrs& a = res.attrs;
  a.rank = static_cast<int>(r);
  a.op = (op == "MaxPool" || op == "GlobalMaxPool") ? ir::PoolOp::Max : ir::PoolOp::Average;
  if (op == "GlobalMaxPool" || op == "GlobalAveragePool") {
    a.global = true;
    res.out_shape = MakeShape(std::vector<int64_t>(r, 1), sp.c, cl);
    return res;
  }
  std::vector<int64_t> kernel = Ints(n, "kernel_shape");
  if (kernel.size() != r) Fail(where, "attribute 'kernel_shape' must have " + std::to_string(r) + " values");
  const WindowGeometry win = OnnxWindow(n, where, sp, kernel);
  if (Int(n, "ceil_mode", 0) != 0) Fail(where, "ceil_mode = 1 is not supported");
  if (Int(n, "storage_order", 0) != 0) Fail(where, "storage_order = 1 is not supported");
  if (n.output_size() > 1 && !n.output(1).empty()) Fail(where, "the Indices output is not supported");
  const std::vector<int64_t> od = win.OutputDims(sp.dims, where, "pool window");
  const ir::PoolOp op_kind = a.op;
  a = win.ToPool();
  a.op = op_kind;
  a.count_pad = Int(n, "count_include_pad", 0) != 0;
  res.out_shape = MakeShape(od, sp.c, cl);
  return res;
}

ResizeResult ConvertPad(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                        bool cl, const std::vector<double>& pads, double value) {
  const Spatial sp = GetSpatial(where, in_shape, cl);
  const size_t r = sp.dims.size(), rank = in_shape.size();
  const std::string mode = Str(n, "mode", "constant");
  if (mode != "constant") Fail(where, "Pad mode '" + mode + "' is not supported (constant)");
  if (value != 0) Fail(where, "Pad value " + std::to_string(value) + " is not supported (0)");
  if (pads.size() != 2 * rank) Fail(where, "pads has " + std::to_string(pads.size()) + " values, expected " + std::to_string(2 * rank));
  // spatial axes in ONNX order
  std::vector<size_t> ax;
  for (size_t k = 0; k < r; ++k) ax.push_back(cl ? 1 + k : 2 + k);
  for (size_t k = 0; k < rank; ++k) {
    const bool spatial = std::find(ax.begin(), ax.end(), k) != ax.end();
    if (!spatial && (pads[k] != 0 || pads[k + rank] != 0)) Fail(where, "padding the batch or channel axis is not supported");
  }
  std::vector<int64_t> b(r), e(r);
  bool any_pos = false, any_neg = false;
  for (size_t k = 0; k < r; ++k) {
    for (const double p : {pads[ax[k]], pads[ax[k] + rank]})
      if (!IsIntegerUpTo(p, 0x1p31)) Fail(where, "pad " + std::to_string(p) + " is not an integer of at most 2^31");
    b[k] = static_cast<int64_t>(pads[ax[k]]);
    e[k] = static_cast<int64_t>(pads[ax[k] + rank]);
    any_pos |= b[k] > 0 || e[k] > 0;
    any_neg |= b[k] < 0 || e[k] < 0;
  }
  if (any_pos && any_neg) Fail(where, "mixed positive and negative pads are not supported");
  ResizeResult res;
  res.kind = any_neg ? ir::LayerKind::Cropping : ir::LayerKind::ZeroPadding;
  const int64_t sg = any_neg ? -1 : 1;
  res.attrs.rank = static_cast<int>(r);
  res.attrs.pad_left = sg * b[r - 1];
  res.attrs.pad_right = sg * e[r - 1];
  if (r == 2) {
    res.attrs.pad_top = sg * b[0];
    res.attrs.pad_bottom = sg * e[0];
  }
  std::vector<int64_t> od(r);
  for (size_t k = 0; k < r; ++k) {
    od[k] = sp.dims[k] + b[k] + e[k];
    if (od[k] < 1) Fail(where, "pads remove the whole input " + ShapeStr(in_shape));
  }
  res.out_shape = MakeShape(od, sp.c, cl);
  return res;
}

ResizeResult ConvertResize(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                           bool cl, const std::vector<double>& scales_in, const std::vector<double>& sizes) {
  const Spatial sp = GetSpatial(where, in_shape, cl);
  const size_t r = sp.dims.size(), rank = in_shape.size();
  const std::string mode = Str(n, "mode", "nearest");
  if (mode != "nearest") Fail(where, "Resize mode '" + mode + "' is not supported (nearest)");
  // Integer upscaling copies input cell floor(x / s) for these coordinate
  // transformations and rounding modes (no ties occur with half_pixel).
  const std::string ctm = Str(n, "coordinate_transformation_mode", "half_pixel");
  const std::string nm = Str(n, "nearest_mode", "round_prefer_floor");
  const bool half = ctm == "half_pixel" || ctm == "pytorch_half_pixel";
  if (n.op_type() == "Resize" && !((half && nm.rfind("round_prefer", 0) == 0) || (ctm == "asymmetric" && nm == "floor")))
    Fail(where, "coordinate_transformation_mode '" + ctm + "' with nearest_mode '" + nm +
                    "' is not supported (half_pixel + round_prefer_*, asymmetric + floor)");
  std::vector<double> scales = scales_in;
  if (scales.empty()) {
    if (sizes.size() != rank) Fail(where, "needs 'scales' or 'sizes' with " + std::to_string(rank) + " values");
    for (size_t k = 0; k < rank; ++k) scales.push_back(sizes[k] / static_cast<double>(in_shape[k]));
  }
  if (scales.size() != rank) Fail(where, "scales has " + std::to_string(scales.size()) + " values, expected " + std::to_string(rank));
  ResizeResult res;
  res.kind = ir::LayerKind::UpSampling;
  res.attrs.rank = static_cast<int>(r);
  std::vector<int64_t> od(r);
  for (size_t k = 0; k < rank; ++k) {
    const bool spatial = cl ? (k >= 1 && k + 1 < rank) : k >= 2;
    const double s = scales[k];
    if (!spatial) {
      if (s != 1) Fail(where, "scaling the batch or channel axis is not supported");
      continue;
    }
    if (s < 1 || !IsIntegerUpTo(s, 0x1p16)) Fail(where, "scale " + std::to_string(s) + " is not a positive integer up to 65536");
    const size_t sk = cl ? k - 1 : k - 2;
    if (sp.dims[sk] > (int64_t{1} << 46)) Fail(where, "input size " + std::to_string(sp.dims[sk]) + " is too large to scale");
    od[sk] = sp.dims[sk] * static_cast<int64_t>(s);
    if (sk + 1 == r) res.attrs.scale_w = static_cast<int64_t>(s);
    else res.attrs.scale_h = static_cast<int64_t>(s);
  }
  res.out_shape = MakeShape(od, sp.c, cl);
  return res;
}

int IrAxis(int64_t axis, size_t rank, bool cl, const std::string& where) {
  const int64_t r = static_cast<int64_t>(rank);
  const int64_t a = axis < 0 ? axis + r : axis;
  if (a <= 0 || a >= r) Fail(where, "axis " + std::to_string(axis) + " (the batch axis or out of range) is not supported");
  if (cl || rank <= 2) return static_cast<int>(a - 1);
  // channels-first: channel axis 1 -> last IR axis; spatial k -> k - 2
  return a == 1 ? static_cast<int>(r - 2) : static_cast<int>(a - 2);
}

// ---------------------------------------------------------------- node handlers

void ConvNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  const Const& w = cv.C(i, 1, "W");
  auto r = ConvertConv(cv.node(i), cv.NodeLabel(i), in.shape, in.cl, w.shape, w.v);
  const int idx = cv.NodeLayer(i, ir::LayerKind::Conv, in, r.out_shape);
  cv.FixSpatial(idx, r.out_shape, in.cl);
  ir::Layer& l = cv.graph().layers[idx];
  const std::vector<std::string>& pnames = cv.ParamNames(i);
  l.conv = r.attrs;
  l.params["weight"] = Converter::MakeParam(r.weight_shape, r.weight, w.type);
  if (!pnames.empty() && !pnames[1].empty()) l.alias_param[pnames[1]] = "weight";
  for (const auto& src : w.sources) l.alias_param[src] = "weight";
  if (cv.HasInput(i, 2)) {
    const Const& b = cv.C(i, 2, "B");
    if (NumElements(b.shape) != r.out_shape[in.cl ? r.out_shape.size() - 1 : 1])
      cv.Fail(i, "bias has " + std::to_string(NumElements(b.shape)) + " values");
    l.params["bias"] = Converter::MakeParam({NumElements(b.shape)}, b.v, b.type);
    if (pnames.size() > 2 && !pnames[2].empty()) l.alias_param[pnames[2]] = "bias";
    for (const auto& src : b.sources) l.alias_param[src] = "bias";
  }
}

void PoolNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  auto r = ConvertPool(cv.node(i), cv.NodeLabel(i), in.shape, in.cl);
  const int idx = cv.NodeLayer(i, ir::LayerKind::Pooling, in, r.out_shape);
  if (!r.attrs.global) cv.FixSpatial(idx, r.out_shape, in.cl);
  else cv.graph().tensors[cv.graph().layers[idx].output].shape = {r.out_shape[in.cl ? r.out_shape.size() - 1 : 1]};
  cv.graph().layers[idx].pool = r.attrs;
}

void PadNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  std::vector<double> pads;
  double value = 0;
  if (cv.HasInput(i, 1)) pads = cv.C(i, 1, "pads").v;
  else if (auto p = cv.IntsAttr(i, "pads")) pads.assign(p->begin(), p->end());
  if (cv.HasInput(i, 2)) value = cv.C(i, 2, "constant_value").v.at(0);
  else if (cv.FindAttr(i, "value")) value = cv.FloatAttr(i, "value", 0.0);
  if (cv.HasInput(i, 3)) cv.Fail(i, "the 'axes' input is not supported");
  auto r = ConvertPad(cv.node(i), cv.NodeLabel(i), in.shape, in.cl, pads, value);
  const int idx = cv.NodeLayer(i, r.kind, in, r.out_shape);
  cv.FixSpatial(idx, r.out_shape, in.cl);
  cv.graph().layers[idx].resize = r.attrs;
}

void ResizeNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  std::vector<double> scales, sizes;
  if (cv.node(i).op_type() == "Upsample") {
    if (cv.HasInput(i, 1)) scales = cv.C(i, 1, "scales").v;
    else if (const auto* a = cv.FindAttr(i, "scales")) scales.assign(a->floats().begin(), a->floats().end());
  } else {
    if (cv.HasInput(i, 2)) scales = cv.C(i, 2, "scales").v;
    if (cv.HasInput(i, 3)) sizes = cv.C(i, 3, "sizes").v;
  }
  auto r = ConvertResize(cv.node(i), cv.NodeLabel(i), in.shape, in.cl, scales, sizes);
  const int idx = cv.NodeLayer(i, ir::LayerKind::UpSampling, in, r.out_shape);
  cv.FixSpatial(idx, r.out_shape, in.cl);
  cv.graph().layers[idx].resize = r.attrs;
}

void MergeNode(Converter& cv, int i) {
  const auto& n = cv.node(i);
  const std::string& op = n.op_type();
  const bool two_acts = n.input_size() == 2 && cv.IsAct(n.input(0)) && cv.IsAct(n.input(1));
  if (!two_acts) cv.Fail(i, op == "Concat" ? "only Concat of exactly two activations is supported" : "unsupported op");
  const Act a = cv.A(i, 0), b = cv.A(i, 1);
  if (a.cl != b.cl) cv.Fail(i, "inputs in different layouts");
  ir::MergeAttrs m;
  std::vector<int64_t> out = a.shape;
  if (op == "Concat") {
    m.op = ir::MergeOp::Concatenate;
    const int64_t ax = cv.IntAttr(i, "axis");
    m.axis = IrAxis(ax, a.shape.size(), a.cl, cv.NodeLabel(i));
    if (a.shape.size() != b.shape.size()) cv.Fail(i, "inputs of different ranks");
    const size_t oa = static_cast<size_t>(ax < 0 ? ax + static_cast<int64_t>(a.shape.size()) : ax);
    out[oa] += b.shape[oa];
  } else {
    if (a.shape != b.shape)
      cv.Fail(i, "inputs of shapes " + ShapeStr(a.shape) + " and " + ShapeStr(b.shape) +
                     " (broadcasting two activations is not supported)");
    static const std::map<std::string, ir::MergeOp> kOps = {{"Add", ir::MergeOp::Add},
                                                            {"Sub", ir::MergeOp::Subtract},
                                                            {"Mul", ir::MergeOp::Multiply},
                                                            {"Max", ir::MergeOp::Maximum},
                                                            {"Min", ir::MergeOp::Minimum}};
    m.op = kOps.at(op);
  }
  const int idx = cv.NodeLayer(i, ir::LayerKind::Merge, a, out);
  cv.graph().layers[idx].inputs.push_back(b.ir);
  cv.graph().layers[idx].merge = m;
}

}  // namespace hlsforge::frontends::onnx_detail
