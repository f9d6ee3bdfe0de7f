// ONNX Gemm / MatMul (+ Add of a constant) -> Dense, weight [n_in, n_out].
// Semantics: ONNX Gemm-13 (Y = alpha * A * B' + beta * C, B' = B or B^T by
// transB) and MatMul-13 on a [batch, n] activation; alpha and beta are
// applied in float32, as an ONNX runtime would on the model's float32 arrays.
#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

/// The Dense layer of node i. `wtype`: the weight's exact type when a
/// quantizer fixed it; `bias` scaled by `beta` (its type kept when beta = 1).
void MakeDense(Converter& cv, int i, const Act& in, std::vector<double> weight, int64_t n_in, int64_t n_out,
               std::optional<FixedType> wtype, const Const* bias, double beta) {
  if (in.shape.size() != 2)
    cv.Fail(i, "input of shape " + ShapeStr(in.shape) + " is not a vector (Dense needs [batch, n])");
  if (in.shape[1] != n_in)
    cv.Fail(i, "shape mismatch: input has " + std::to_string(in.shape[1]) + " features, weight expects " +
                   std::to_string(n_in));
  const int idx = cv.NodeLayer(i, ir::LayerKind::Dense, in, {1, n_out});
  ir::Layer& l = cv.graph().layers[idx];
  l.aliases.push_back("Dense_" + cv.CleanName(i));
  l.params["weight"] = Converter::MakeParam({n_in, n_out}, std::move(weight), wtype);
  if (bias) {
    std::vector<double> bv = BroadcastTo(*bias, {1, n_out}, cv.NodeLabel(i) + ": bias");
    const bool keep_type = beta == 1.0;
    if (beta != 1.0)
      for (double& x : bv) x = static_cast<double>(static_cast<float>(beta * x));
    l.params["bias"] = Converter::MakeParam({n_out}, bv, keep_type ? bias->type : std::nullopt);
  }
}

}  // namespace

void GemmNode(Converter& cv, int i) {
  const Act in = cv.A(i, 0);
  if (cv.IntAttr(i, "transA", 0) != 0) cv.Fail(i, "attribute 'transA'=1 on an activation is not supported");
  const bool tb = cv.IntAttr(i, "transB", 0) != 0;
  const double alpha = cv.FloatAttr(i, "alpha", 1.0), beta = cv.FloatAttr(i, "beta", 1.0);
  const Const& b = cv.C(i, 1, "B");
  if (b.shape.size() != 2) cv.Fail(i, "input B must be 2-D, has shape " + ShapeStr(b.shape));
  const int64_t n_in = tb ? b.shape[1] : b.shape[0], n_out = tb ? b.shape[0] : b.shape[1];
  std::vector<double> w(static_cast<size_t>(n_in * n_out));
  for (int64_t r = 0; r < n_in; ++r)
    for (int64_t c = 0; c < n_out; ++c) {
      const double v = tb ? b.v[c * n_in + r] : b.v[r * n_out + c];
      w[r * n_out + c] = alpha == 1.0 ? v : static_cast<double>(static_cast<float>(alpha * v));
    }
  const Const* bias = cv.HasInput(i, 2) ? &cv.C(i, 2, "C") : nullptr;
  MakeDense(cv, i, in, std::move(w), n_in, n_out, alpha == 1.0 ? b.type : std::nullopt, bias, beta);
}

void MatMulNode(Converter& cv, int i) {
  const auto& n = cv.node(i);
  if (cv.IsConst(n.input(0))) cv.Fail(i, "unsupported op: MatMul of a constant by an activation");
  const Act in = cv.A(i, 0);
  if (!cv.IsConst(n.input(1))) cv.Fail(i, "unsupported op: MatMul of two activations");
  const Const& b = cv.C(i, 1, "weight");
  if (b.shape.size() != 2) cv.Fail(i, "weight must be 2-D, has shape " + ShapeStr(b.shape));
  MakeDense(cv, i, in, b.v, b.shape[0], b.shape[1], b.type, nullptr, 1.0);
}

bool MergeDenseBias(Converter& cv, int i, const Act& in, int act_input, const Const& c) {
  if (in.producer < 0) return false;
  const auto& n = cv.node(i);
  ir::Graph& g = cv.graph();
  ir::Layer& d = g.layers[in.producer];
  const bool merge = d.kind == ir::LayerKind::Dense && !d.param("bias") && d.output == in.ir &&
                     cv.UseCount(n.input(act_input)) == 1 && in.shape.size() == 2;
  if (!merge) return false;
  const int64_t n_out = in.shape[1];
  if (BroadcastShape(c.shape, {1, n_out}, cv.NodeLabel(i)) != std::vector<int64_t>{1, n_out}) return false;
  d.params["bias"] = Converter::MakeParam({n_out}, BroadcastTo(c, {1, n_out}, cv.NodeLabel(i)), c.type);
  d.source_op += "+Add";
  const std::string out = n.output(0);
  if (g.tensors.count(out)) cv.Fail(i, "tensor '" + out + "' defined twice");
  ir::Tensor t = g.tensors.at(d.output);
  g.tensors.erase(d.output);
  t.name = out;
  g.tensors[out] = t;
  d.output = out;
  cv.SetAct(out, Act{out, in.shape, in.producer});
  cv.AddNodeAliases(in.producer, i);
  return true;
}

}  // namespace hlsforge::frontends::onnx_detail
