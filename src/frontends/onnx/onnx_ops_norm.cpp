// ONNX per-channel affine ops -> ScaleShift (y = x * scale[c] + bias[c]):
// BatchNormalization (inference) and Add / Sub / Mul / Div of an activation
// by a per-channel constant.
#include <algorithm>
#include <cmath>

#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

void MakeScaleShift(Converter& cv, int i, const Act& in, int64_t ch, std::vector<double> scale,
                    std::vector<double> bias) {
  const int idx = cv.NodeLayer(i, ir::LayerKind::ScaleShift, in, in.shape);
  ir::Layer& l = cv.graph().layers[idx];
  l.params["scale"] = Converter::MakeParam({ch}, std::move(scale));
  l.params["bias"] = Converter::MakeParam({ch}, std::move(bias));
}

}  // namespace

void BatchNormNode(Converter& cv, int i) {
  const auto& n = cv.node(i);
  if (n.output_size() > 1)
    for (int k = 1; k < n.output_size(); ++k)
      if (!n.output(k).empty()) cv.Fail(i, "training-mode outputs are not supported");
  if (cv.FindAttr(i, "training_mode") && cv.IntAttr(i, "training_mode") != 0)
    cv.Fail(i, "attribute 'training_mode'=1 is not supported");
  const Act in = cv.A(i, 0);
  const int64_t ch = Converter::Channels(in);
  const double eps = cv.FloatAttr(i, "epsilon", 1e-5);
  const char* names[4] = {"scale", "B", "mean", "var"};
  std::vector<const Const*> p;
  for (int k = 0; k < 4; ++k) {
    const Const& c = cv.C(i, k + 1, names[k]);
    if (NumElements(c.shape) != ch)
      cv.Fail(i, std::string("input '") + names[k] + "' has " + std::to_string(NumElements(c.shape)) +
                     " values, input has " + std::to_string(ch) + " channels");
    p.push_back(&c);
  }
  // scale = gamma / sqrt(var + eps), bias = beta - mean * scale, evaluated
  // in float32 as numpy does on the model's float32 arrays.
  std::vector<double> scale(ch), bias(ch);
  for (int64_t k = 0; k < ch; ++k) {
    const float g = static_cast<float>(p[0]->v[k]), b = static_cast<float>(p[1]->v[k]);
    const float m = static_cast<float>(p[2]->v[k]), v = static_cast<float>(p[3]->v[k]);
    const float s = g / std::sqrt(v + static_cast<float>(eps));
    scale[k] = s;
    bias[k] = static_cast<float>(b - m * s);
  }
  MakeScaleShift(cv, i, in, ch, std::move(scale), std::move(bias));
}

void ArithNode(Converter& cv, int i) {
  const auto& n = cv.node(i);
  const std::string& op = n.op_type();
  const bool two_acts = n.input_size() == 2 && cv.IsAct(n.input(0)) && cv.IsAct(n.input(1));
  if (two_acts && op != "Div") return MergeNode(cv, i);
  if (n.input_size() != 2) cv.Fail(i, "expects 2 inputs");
  const bool c0 = cv.IsConst(n.input(0)), c1 = cv.IsConst(n.input(1));
  if (!c0 && !c1) cv.Fail(i, "unsupported op: element-wise " + op + " of two activations");
  const int ai = c0 ? 1 : 0, ci = c0 ? 0 : 1;
  const Act in = cv.A(i, ai);
  const Const& c = cv.C(i, ci, "constant");
  if (op == "Add" && MergeDenseBias(cv, i, in, ai, c)) return;  // MatMul + Add(constant) -> Dense bias
  const int64_t ch = Converter::Channels(in);
  std::vector<double> v = Converter::Expand(cv.PerChannel(i, c, in, "constant input"), ch);
  std::vector<double> scale(static_cast<size_t>(ch), 1.0), bias(static_cast<size_t>(ch), 0.0);
  if (op == "Mul") {
    scale = v;
  } else if (op == "Add") {
    bias = v;
  } else if (op == "Sub") {
    if (c0) {
      std::fill(scale.begin(), scale.end(), -1.0);
      bias = v;
    } else {
      for (size_t k = 0; k < v.size(); ++k) bias[k] = -v[k];
    }
  } else {  // Div
    if (c0) cv.Fail(i, "unsupported op: division of a constant by an activation");
    for (size_t k = 0; k < v.size(); ++k) {
      if (v[k] == 0) cv.Fail(i, "division by zero");
      scale[k] = 1.0 / v[k];
    }
  }
  MakeScaleShift(cv, i, in, ch, std::move(scale), std::move(bias));
}

}  // namespace hlsforge::frontends::onnx_detail
