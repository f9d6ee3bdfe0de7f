// ONNX activations (onnx.ai/onnx/operators): Relu, Sigmoid, Tanh, LeakyRelu
// (alpha 0.01), ThresholdedRelu (alpha 1), Elu (alpha 1), Selu (alpha, gamma),
// Softplus, Softsign, HardSigmoid (alpha 0.2, beta 0.5), PRelu (constant
// per-channel slope), Clip with constant bounds [0, M] / [0, none] / [-1, 1]
// (how PyTorch exports ReLU6 and Hardtanh) -> Activation; Softmax on the last axis -> Softmax (opset < 13: the input
// flattened from `axis` on, which is the last axis when the rest is 1).
#include "onnx_ops.h"

#include <fmt/format.h>

namespace hlsforge::frontends::onnx_detail {

namespace {

/// The bounds of a Clip: attributes min/max before opset 11, optional
/// constant inputs 1 and 2 from opset 11 on; nullopt = unbounded.
std::pair<std::optional<double>, std::optional<double>> ClipBounds(Converter& cv, int i) {
  std::optional<double> lo, hi;
  if (cv.opset() < 11) {
    if (cv.FindAttr(i, "min")) lo = cv.FloatAttr(i, "min", 0.0);
    if (cv.FindAttr(i, "max")) hi = cv.FloatAttr(i, "max", 0.0);
    return {lo, hi};
  }
  auto scalar = [&](int k, const char* what) -> std::optional<double> {
    if (!cv.HasInput(i, k)) return std::nullopt;
    if (!cv.IsConst(cv.node(i).input(k)))
      cv.Fail(i, std::string("input '") + what + "' is not a constant (only constant Clip bounds are supported)");
    const Const& c = cv.C(i, k, what);
    if (c.v.size() != 1) cv.Fail(i, std::string("input '") + what + "' is not a scalar");
    return c.v[0];
  };
  return {scalar(1, "min"), scalar(2, "max")};
}

}  // namespace

void ActivationNode(Converter& cv, int i) {
  using K = ir::ActivationKind;
  const std::string& op = cv.node(i).op_type();
  const Act in = cv.A(i, 0);
  K kind = K::LeakyReLU;
  double alpha = 0.0, beta = 0.0;
  std::optional<ir::Param> slope;
  if (op == "Relu") {
    kind = K::ReLU;
  } else if (op == "Sigmoid") {
    kind = K::Sigmoid;
  } else if (op == "Tanh") {
    kind = K::Tanh;
  } else if (op == "LeakyRelu") {
    alpha = cv.FloatAttr(i, "alpha", 0.01);
  } else if (op == "ThresholdedRelu") {
    kind = K::ThresholdedReLU;
    alpha = cv.FloatAttr(i, "alpha", 1.0);
  } else if (op == "Elu") {
    kind = K::ELU;
    alpha = cv.FloatAttr(i, "alpha", 1.0);
  } else if (op == "Selu") {  // ONNX defaults: the float32 roundings of SELU's constants
    kind = K::SELU;
    alpha = cv.FloatAttr(i, "alpha", 1.67326319217681884765625);
    beta = cv.FloatAttr(i, "gamma", 1.05070102214813232421875);
  } else if (op == "Softplus") {
    kind = K::Softplus;
  } else if (op == "Softsign") {
    kind = K::Softsign;
  } else if (op == "HardSigmoid") {
    kind = K::HardSigmoid;
    alpha = cv.FloatAttr(i, "alpha", static_cast<float>(0.2));  // float attributes: the default as float32
    beta = cv.FloatAttr(i, "beta", 0.5);
  } else if (op == "PRelu") {
    kind = K::PReLU;
    if (!cv.IsConst(cv.node(i).input(1))) cv.Fail(i, "input 'slope' is not a constant");
    std::vector<double> per = cv.PerChannel(i, cv.C(i, 1, "slope"), in, "slope");
    bool same = true;
    for (double v : per) same &= v == per[0];
    if (same) per.resize(1);
    slope = Converter::MakeParam({static_cast<int64_t>(per.size())}, per);
  } else {  // Clip: ReLU6 / clipped ReLU [0, M], ReLU [0, inf), hard tanh [-1, 1]
    const auto [lo, hi] = ClipBounds(cv, i);
    if (lo && *lo == 0 && hi && *hi > 0) {
      kind = K::ReLU6OrMax;
      alpha = *hi;
    } else if (lo && *lo == 0 && !hi) {
      kind = K::ReLU;
    } else if (lo && *lo == -1 && hi && *hi == 1) {
      kind = K::HardTanh;  // 2 clip(x/2 + 1/2, 0, 1) - 1 (hls4ml's slope/shift form)
      alpha = beta = 0.5;
    } else {
      auto str = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string("none"); };
      cv.Fail(i, "Clip(min=" + str(lo) + ", max=" + str(hi) +
                     ") is not supported (supported bounds: [0, M] with M > 0, [0, none], [-1, 1])");
    }
  }
  const int idx = cv.NodeLayer(i, ir::LayerKind::Activation, in, in.shape);
  ir::Layer& l = cv.graph().layers[idx];
  l.activation = kind;
  l.alpha = alpha;
  l.beta = beta;
  if (slope) l.params[ir::SlotKey(ir::Slot::Param)] = *slope;
}

void SoftmaxNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  const int64_t r = static_cast<int64_t>(in.shape.size());
  int64_t ax = cv.IntAttr(i, "axis", cv.opset() < 13 ? 1 : -1);
  if (ax < 0) ax += r;
  if (ax < 0 || ax >= r) cv.Fail(i, "attribute 'axis' out of range for rank " + std::to_string(r));
  bool last = ax == r - 1;
  if (!last && cv.opset() < 13) {  // old Softmax: flattened from `axis` on
    last = true;
    for (int64_t k = ax + 1; k < r; ++k) last &= in.shape[k] == 1;
  }
  if (!last || ax == 0)
    cv.Fail(i, "attribute 'axis'=" + std::to_string(ax) + " is not the last axis (only supported softmax axis)");
  const int idx = cv.NodeLayer(i, ir::LayerKind::Softmax, in, in.shape);
  cv.graph().layers[idx].axis = -1;
}

}  // namespace hlsforge::frontends::onnx_detail
