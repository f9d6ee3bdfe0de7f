// Keras Dense family -> Dense (weight [n_in, units], bias [units]) plus the
// fused activation as its own layer. BinaryDense / TernaryDense
// (keras-training quantized_layers.py): kernel = H * binary_tanh(W / H),
// resp. W / H > 0.5 -> +H, <= -0.5 -> -H, else 0. QDense (QKeras
// qlayers.py): kernel_quantizer / bias_quantizer applied to the weights
// (qkeras_layer_weights.cpp).
#include <algorithm>
#include <cmath>

#include "keras_builder.h"

namespace hlsforge::frontends::keras {
namespace {

/// Binarized / ternarized weights in place; their exact type when H is a
/// power of two.
void BinaryTernaryWeights(const KLayer& k, const std::string& where, ir::Param& w) {
  const double H = GetNum(k.config, "H", 1.0, where);
  if (!(H > 0)) throw Error(where + ": field 'H' must be positive");
  for (double& x : w.values) {
    const double v = x / H;
    double q;
    if (k.cls == "BinaryDense") q = 2.0 * std::nearbyint(std::clamp(0.5 * v + 0.5, 0.0, 1.0)) - 1.0;
    else q = v > 0.5 ? 1.0 : (v <= -0.5 ? -1.0 : 0.0);
    x = H * q;
  }
  int e;
  if (std::frexp(H, &e) == 0.5) {
    // H = 1 ternary weights are hls4ml's ap_int<2> in {-1, 0, +1}: the
    // HLS backend's weight_ternary product (add/subtract, no multiplier).
    w.type = k.cls == "TernaryDense" && H == 1.0 ? FixedType::Int(2, true) : FixedType(2, 2 + (e - 1), true);
    w.type_from_quantizer = true;
  }
}

}  // namespace

void AddDense(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  const std::vector<int64_t>& ishape = b.graph().tensor(in).shape;
  if (ishape.size() != 1)
    throw Error(where + ": Dense on a rank-" + std::to_string(ishape.size()) + " input " + ShapeStr(ishape) +
                " unsupported (add a Flatten)");
  const int64_t n_in = ishape[0];
  const int64_t units = static_cast<int64_t>(GetNum(k.config, "units", -1, where));
  if (units <= 0) throw Error(where + ": field 'units' missing or not positive");
  const bool use_bias = GetBool(k.config, "use_bias", true, where);
  std::vector<std::string> pos = {"kernel"};
  if (use_bias) pos.push_back("bias");
  auto ws = b.Weights(k, pos, pos);
  Builder::CheckShape(ws["kernel"], {n_in, units}, where, "kernel");
  if (use_bias) Builder::CheckShape(ws["bias"], {units}, where, "bias");

  ir::Param W{{n_in, units}, ws["kernel"].values, std::nullopt, false};
  std::optional<ir::Param> B;
  if (use_bias) B = ir::Param{{units}, ws["bias"].values, std::nullopt, false};
  if (k.cls == "BinaryDense" || k.cls == "TernaryDense") BinaryTernaryWeights(k, where, W);
  LinearParams p = QuantizeLinear(k, k.cls == "QDense" ? "kernel_quantizer" : "", where, std::move(W), std::move(B), units);
  ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Dense, in, {units}, k.cls);
  p.Into(l);
  const std::string out = p.After(b, k, k.name);
  b.SetOutput(k, AddFusedActivation(b, k, out));
}

}  // namespace hlsforge::frontends::keras
