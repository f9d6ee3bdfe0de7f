// ONNX activations: Relu, Sigmoid, Tanh, LeakyRelu (alpha, default 0.01) ->
// Activation; Softmax on the last axis -> Softmax (opset < 13: the input
// flattened from `axis` on, which is the last axis when the rest is 1).
#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {

void ActivationNode(Converter& cv, int i) {
  const std::string& op = cv.node(i).op_type();
  const Act in = cv.A(i, 0);
  const int idx = cv.NodeLayer(i, ir::LayerKind::Activation, in, in.shape);
  ir::Layer& l = cv.graph().layers[idx];
  if (op == "Relu") {
    l.activation = ir::ActivationKind::ReLU;
  } else if (op == "Sigmoid") {
    l.activation = ir::ActivationKind::Sigmoid;
  } else if (op == "Tanh") {
    l.activation = ir::ActivationKind::Tanh;
  } else {
    l.activation = ir::ActivationKind::LeakyReLU;
    l.alpha = cv.FloatAttr(i, "alpha", 0.01);
  }
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
