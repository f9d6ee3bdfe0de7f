// ONNX shape and data-movement ops on activations: Flatten / Reshape ->
// Reshape; Identity, inference Dropout, Squeeze / Unsqueeze of size-1 axes
// and boundary Transposes -> aliases of their input (no layer).
#include <algorithm>

#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

/// Transposes between channels-last and channels-first at the model
/// boundary (Keras exports: NHWC input -> Transpose -> Conv ... -> Transpose
/// -> Flatten). The IR is channels-last everywhere, so such a Transpose
/// moves no data: it relabels the activation's layout. Returns false when
/// `perm` is not such a relabel.
bool BoundaryTranspose(Converter& cv, int i) {
  const Act& a = cv.A(i, 0);
  auto perm = cv.IntsAttr(i, "perm");
  const size_t r = a.shape.size();
  if (!perm || r < 3) return false;
  std::vector<int64_t> to_cf{0, static_cast<int64_t>(r) - 1}, to_cl{0};
  for (size_t k = 1; k + 1 < r; ++k) to_cf.push_back(static_cast<int64_t>(k));
  for (size_t k = 2; k < r; ++k) to_cl.push_back(static_cast<int64_t>(k));
  to_cl.push_back(1);
  std::vector<int64_t> out(r);
  for (size_t k = 0; k < r; ++k) out[k] = a.shape[(*perm)[k]];
  const auto& n = cv.node(i);
  if (*perm == to_cf) {
    // the input's flat data is channels-last: its IR tensor is [(H,) W, C]
    if (!a.cl) {
      if (cv.UseCount(n.input(0)) != 1)
        cv.Fail(i, "channels-last to channels-first Transpose of a tensor with other consumers");
      cv.graph().tensors[a.ir].shape = Converter::ClShape(a.shape);
    }
    const Act relabelled{a.ir, out, a.producer, false};
    cv.SetAct(n.output(0), relabelled);
    if (relabelled.producer >= 0) cv.AddNodeAliases(relabelled.producer, i);
    return true;
  }
  if (*perm == to_cl && !a.cl) {
    const Act relabelled{a.ir, out, a.producer, true};
    cv.SetAct(n.output(0), relabelled);
    if (relabelled.producer >= 0) cv.AddNodeAliases(relabelled.producer, i);
    return true;
  }
  return false;
}

}  // namespace

void ReshapeNode(Converter& cv, int i) {
  const std::string& op = cv.node(i).op_type();
  const Act in = cv.A(i, 0);
  std::vector<int64_t> out;
  if (op == "Flatten") {
    int64_t ax = cv.IntAttr(i, "axis", 1);
    const int64_t r = static_cast<int64_t>(in.shape.size());
    if (ax < 0) ax += r;
    // axis 0 on a batch-1 tensor gives the same [1, N] (Keras exports; hls4ml reads it as Flatten)
    if (ax != 1 && ax != 0) cv.Fail(i, "attribute 'axis'=" + std::to_string(ax) + " unsupported (must keep the batch axis)");
    out = {1, NumElements(in.shape)};
  } else {
    out = cv.ReshapeTarget(i, in.shape, cv.C(i, 1, "shape"));
    if (out.empty() || out[0] != 1) cv.Fail(i, "reshape to " + ShapeStr(out) + " changes the batch dimension");
  }
  if (out.size() < 2) cv.Fail(i, "reshape to " + ShapeStr(out) + " drops the batch dimension");
  // A flatten ([1, N]) of a channels-first image keeps the channels-first
  // element order: the IR data is channels-last, so the Reshape permutes.
  if (Converter::IsCfImage(in) && out.size() == 2) {
    const int idx = cv.NodeLayer(i, ir::LayerKind::Reshape, in, out);
    cv.graph().layers[idx].flatten_channels_first = true;
    return;
  }
  cv.CheckNotChannelsFirstImage(i, in);
  cv.NodeLayer(i, ir::LayerKind::Reshape, in, out);
}

void TransposeNode(Converter& cv, int i) {
  const Act& a = cv.A(i, 0);
  auto perm = cv.IntsAttr(i, "perm");
  // ONNX Transpose: `perm` must be a permutation of 0..rank-1 (spec; absent =
  // reversed axes). Checked before any use indexes the shape with it.
  if (perm) {
    std::vector<bool> seen(a.shape.size(), false);
    bool ok = perm->size() == a.shape.size();
    for (int64_t p : *perm) {
      if (!ok) break;
      ok = p >= 0 && p < static_cast<int64_t>(seen.size()) && !seen[static_cast<size_t>(p)];
      if (ok) seen[static_cast<size_t>(p)] = true;
    }
    if (!ok)
      cv.Fail(i, "attribute 'perm' is not a permutation of the " + std::to_string(a.shape.size()) +
                     " input axes");
  }
  if (BoundaryTranspose(cv, i)) return;
  bool identity = perm.has_value();
  if (perm)
    for (size_t k = 0; k < perm->size(); ++k) identity &= (*perm)[k] == static_cast<int64_t>(k);
  if (!identity) cv.Fail(i, "unsupported op: Transpose of an activation");
  cv.AliasTo(i, a, a.shape);
}

void IdentityNode(Converter& cv, int i) {
  const auto& n = cv.node(i);
  const Act in = cv.A(i, 0);
  if (n.op_type() == "Dropout") {
    if (n.output_size() > 1 && !n.output(1).empty() && cv.UseCount(n.output(1)) > 0)
      cv.Fail(i, "the dropout mask output is used; only inference Dropout is supported");
    if (cv.HasInput(i, 2)) {
      const Const& t = cv.C(i, 2, "training_mode");
      if (!t.v.empty() && t.v[0] != 0) cv.Fail(i, "training_mode=1 is not supported");
    }
  }
  cv.AliasTo(i, in, in.shape);
}

void SqueezeNode(Converter& cv, int i) {
  const std::string& op = cv.node(i).op_type();
  const Act in = cv.A(i, 0);
  std::vector<int64_t> axes = cv.AxesOf(i, 1, "axes");
  std::vector<int64_t> s = in.shape;
  if (op == "Unsqueeze") {
    const int64_t r = static_cast<int64_t>(s.size() + axes.size());
    for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
    std::sort(axes.begin(), axes.end());
    for (int64_t ax : axes) {
      if (ax <= 0 || ax > static_cast<int64_t>(s.size())) cv.Fail(i, "axis " + std::to_string(ax) + " unsupported");
      s.insert(s.begin() + ax, 1);
    }
  } else {
    const int64_t r = static_cast<int64_t>(s.size());
    std::vector<int64_t> ns{s[0]};
    for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
    for (int64_t k = 1; k < r; ++k) {
      const bool sq = axes.empty() ? s[k] == 1 : std::find(axes.begin(), axes.end(), k) != axes.end();
      if (sq && s[k] != 1) cv.Fail(i, "cannot squeeze axis " + std::to_string(k) + " of size " + std::to_string(s[k]));
      if (!sq) ns.push_back(s[k]);
    }
    if (std::find(axes.begin(), axes.end(), 0) != axes.end()) cv.Fail(i, "cannot squeeze the batch axis");
    s = ns;
  }
  // Only 1-sized axes move: the data layout is unchanged, except when a
  // channel axis of size > 1 would change place.
  if (Converter::IrShape(s) != Converter::IrShape(in.shape)) {
    const int64_t a = NumElements(in.shape);
    const bool same_vector = Converter::Channels(in) == a || NumElements(s) == a;
    if (!same_vector) cv.Fail(i, "unsupported op: layout change " + ShapeStr(in.shape) + " -> " + ShapeStr(s));
  }
  cv.AliasTo(i, in, s);
}

}  // namespace hlsforge::frontends::onnx_detail
