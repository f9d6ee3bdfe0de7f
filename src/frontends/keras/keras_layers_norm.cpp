// Keras BatchNormalization / QKeras QBatchNormalization (inference) ->
// ScaleShift on the channels (last) axis: scale = gamma / sqrt(var + eps),
// bias = beta - mean * scale, as tf.nn.batch_normalization computes it.
// QBatchNormalization quantizes gamma, beta, mean and variance first with
// QKeras' default quantizers when a key is absent (qnormalization.py).
#include <cmath>

#include "keras_builder.h"

namespace hlsforge::frontends::keras {

void AddBatchNorm(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  std::vector<int64_t> shape = b.graph().tensor(in).shape;
  if (shape.empty()) throw Error(where + ": scalar input");
  const int64_t a = AxisField(k, where);
  const int64_t rank_with_batch = static_cast<int64_t>(shape.size()) + 1;
  if (a != -1 && a != rank_with_batch - 1)
    throw Error(where + ": axis " + std::to_string(a) + " unsupported (only the last, channels axis)");
  const int64_t C = shape.back();
  const bool center = GetBool(k.config, "center", true, where);
  const bool scale = GetBool(k.config, "scale", true, where);
  const double eps = GetNum(k.config, "epsilon", 1e-3, where);
  std::vector<std::string> pos;
  if (scale) pos.push_back("gamma");
  if (center) pos.push_back("beta");
  pos.push_back("moving_mean");
  pos.push_back("moving_variance");
  auto ws = b.Weights(k, pos, pos);
  for (const std::string& p : pos) Builder::CheckShape(ws[p], {C}, where, p);
  std::vector<double> gamma = scale ? ws["gamma"].values : std::vector<double>(C, 1.0);
  std::vector<double> beta = center ? ws["beta"].values : std::vector<double>(C, 0.0);
  std::vector<double> mean = ws["moving_mean"].values, var = ws["moving_variance"].values;
  if (k.cls == "QBatchNormalization") {
    // QKeras defaults when the key is absent; null means "not quantized".
    auto apply = [&](const char* key, const char* def, std::vector<double>& v, bool enabled) {
      json spec = k.config.contains(key) ? k.config[key] : json(def);
      if (spec.is_null() || !enabled) return;
      Quantizer q = ParseQuantizer(spec, where + " " + key);
      std::optional<FixedType> t;
      QuantizeWeights(q, v, t, where + " " + key);
    };
    apply("gamma_quantizer", "quantized_relu_po2(6, 2048)", gamma, scale);
    apply("beta_quantizer", "quantized_po2(5)", beta, center);
    apply("mean_quantizer", "quantized_po2(5)", mean, true);
    apply("variance_quantizer", "quantized_relu_po2(6, quadratic_approximation=True)", var, true);
  }
  ir::Param S{{C}, std::vector<double>(C), std::nullopt, false};
  ir::Param Bp{{C}, std::vector<double>(C), std::nullopt, false};
  for (int64_t c = 0; c < C; ++c) {
    // tf.nn.batch_normalization: inv = rsqrt(var + eps) * gamma; y = x*inv + (beta - mean*inv)
    const double inv = gamma[c] / std::sqrt(var[c] + eps);
    S.values[c] = inv;
    Bp.values[c] = beta[c] - mean[c] * inv;
  }
  ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::ScaleShift, in, shape, k.cls);
  l.params["scale"] = std::move(S);
  l.params["bias"] = std::move(Bp);
  b.SetOutput(k, k.name);
}

}  // namespace hlsforge::frontends::keras
