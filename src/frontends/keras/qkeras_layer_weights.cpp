// The weight quantizers of the QKeras layers (QDense, QConv1D/2D,
// QDepthwiseConv2D, QSeparableConv1D/2D; google/qkeras qlayers.py,
// qconvolutional.py): the kernel / depthwise / pointwise quantizer and the
// bias quantizer applied to the stored float weights, as the layers' call()
// does at inference. A quantized_bits kernel quantizer with alpha 'auto' /
// 'auto_po2' (or alpha=None, which the layers' constructors turn into
// 'auto_po2') has a per-output-channel power-of-two scale: the layer keeps
// the unscaled grid weights and no bias, and a ScaleShift "<layer>_alpha"
// after it applies y = scale[c] * x + bias[c] (hls4ml's ApplyAlpha).
#include <algorithm>
#include <cmath>

#include "keras_builder.h"

namespace hlsforge::frontends::keras {

namespace {

/// The quantizer in field `field` of `k` applied to `w` in place; the
/// per-channel scale of an 'auto_po2' kernel returned (empty otherwise).
std::vector<double> QuantizeKernel(const KLayer& k, const std::string& field, const std::string& where, ir::Param& w) {
  const json* spec = Get(k.config, field);
  if (!spec) return {};
  const std::string at = where + " " + field;
  Quantizer q = ParseQuantizer(*spec, at);
  std::vector<double> scale;
  if (IsAutoScale(q, /*layer_kernel=*/true)) scale = QuantizeWeightsAutoPo2(q, w.shape, w.values, w.type, at);
  else QuantizeWeights(q, w.values, w.type, at);
  w.type_from_quantizer = w.type.has_value();
  return scale;
}

}  // namespace

LinearParams QuantizeLinear(const KLayer& k, const std::string& kernel_field, const std::string& where, ir::Param w,
                            std::optional<ir::Param> b, int64_t out_channels) {
  LinearParams p{std::move(w), std::move(b), {}};
  if (kernel_field.empty()) return p;
  p.alpha = QuantizeKernel(k, kernel_field, where, p.weight);
  if (const json* spec = Get(k.config, "bias_quantizer"); spec && p.bias) {
    const std::string at = where + " bias_quantizer";
    QuantizeWeights(ParseQuantizer(*spec, at), p.bias->values, p.bias->type, at);
    p.bias->type_from_quantizer = p.bias->type.has_value();
  }
  if (!p.alpha.empty() && static_cast<int64_t>(p.alpha.size()) != out_channels) {
    // depthwise: the scale of depth_multiplier index m serves output channels c*dm + m
    std::vector<double> tiled(static_cast<size_t>(out_channels));
    for (size_t i = 0; i < tiled.size(); ++i) tiled[i] = p.alpha[i % p.alpha.size()];
    p.alpha = std::move(tiled);
  }
  return p;
}

void LinearParams::Into(ir::Layer& l) {
  l.params["weight"] = std::move(weight);
  if (bias && alpha.empty()) l.params["bias"] = std::move(*bias);
}

std::string LinearParams::After(Builder& b, const KLayer& k, const std::string& out) {
  return alpha.empty() ? out : AddAlphaScale(b, k, out, alpha, std::move(bias));
}

std::string AddAlphaScale(Builder& b, const KLayer& k, const std::string& in, const std::vector<double>& scale,
                          std::optional<ir::Param> bias) {
  const std::vector<int64_t> shape = b.graph().tensor(in).shape;
  const int64_t C = static_cast<int64_t>(scale.size());
  // Exact type of the power-of-two scales: ufixed<emax - emin + 1, emax + 1>.
  int emin = 0, emax = 0;
  for (size_t c = 0; c < scale.size(); ++c) {
    const int e = static_cast<int>(std::lround(std::log2(scale[c])));
    emin = c == 0 ? e : std::min(emin, e);
    emax = c == 0 ? e : std::max(emax, e);
  }
  ir::Param S{{C}, scale, FixedType(emax - emin + 1, emax + 1, false), true};
  ir::Layer& l = b.NewLayer(in + "_alpha", ir::LayerKind::ScaleShift, in, shape, k.cls + ".alpha");
  l.params["scale"] = std::move(S);
  l.params["bias"] = bias ? std::move(*bias) : ir::Param{{C}, std::vector<double>(C, 0.0), std::nullopt, false};
  return l.name;
}

}  // namespace hlsforge::frontends::keras
