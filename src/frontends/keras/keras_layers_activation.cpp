// Keras activations: the Activation / QActivation layers, ReLU (max_value,
// negative_slope), LeakyReLU, ELU, ThresholdedReLU, PReLU, Softmax, and the
// activation spec shared with Dense / Conv layers' fused `activation` field. A QKeras quantizer as the
// activation becomes a Quantize layer (qkeras_quantizers.cpp).
#include "keras_builder.h"

namespace hlsforge::frontends::keras {
namespace {

bool IsLinear(const json* act) { return !act || (act->is_string() && act->get<std::string>() == "linear"); }

/// Short name of an activation spec for layer names: "quantized_relu(4)" -> "quantized_relu".
std::string ActName(const json& spec) {
  if (spec.is_string()) {
    std::string s = spec.get<std::string>();
    return s.substr(0, s.find('('));
  }
  return spec.value("class_name", "act");
}

/// An activation string's kind and constants.
struct ActivationSpec {
  ir::ActivationKind kind;
  double alpha = 0.0, beta = 0.0;
};

// SELU's constants (Klambauer et al. 2017, "Self-Normalizing Neural
// Networks", eq. 14; the values of keras.activations.selu).
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

/// The activation strings of keras.activations (Keras 2.x / 3.x docs) and
/// hls4ml's extra names (`relu1`: ReLU clipped at 1; `hard_tanh`), without
/// softmax (its own layer kind). hard_sigmoid follows the file's Keras
/// version: Keras 2 clip(0.2 x + 0.5, 0, 1), Keras 3 clip(x / 6 + 1/2, 0, 1).
/// hard_tanh = clip(x, -1, 1) = 2 clip(x / 2 + 1/2, 0, 1) - 1 (hls4ml's
/// slope/shift form).
std::optional<ActivationSpec> ActivationOfName(const std::string& act, bool keras3) {
  using K = ir::ActivationKind;
  if (act == "linear") return ActivationSpec{K::Linear};
  if (act == "relu") return ActivationSpec{K::ReLU};
  if (act == "relu6") return ActivationSpec{K::ReLU6OrMax, 6.0};
  if (act == "relu1") return ActivationSpec{K::ReLU6OrMax, 1.0};
  if (act == "sigmoid") return ActivationSpec{K::Sigmoid};
  if (act == "tanh") return ActivationSpec{K::Tanh};
  if (act == "hard_sigmoid") return ActivationSpec{K::HardSigmoid, keras3 ? 1.0 / 6.0 : 0.2, 0.5};
  if (act == "hard_tanh") return ActivationSpec{K::HardTanh, 0.5, 0.5};
  if (act == "leaky_relu") return ActivationSpec{K::LeakyReLU, 0.2};  // Keras 3 default slope
  if (act == "elu") return ActivationSpec{K::ELU, 1.0};
  if (act == "selu") return ActivationSpec{K::SELU, kSeluAlpha, kSeluScale};
  if (act == "softplus") return ActivationSpec{K::Softplus};
  if (act == "softsign") return ActivationSpec{K::Softsign};
  if (act == "binary_tanh") return ActivationSpec{K::BinaryTanh};
  if (act == "ternary_tanh") return ActivationSpec{K::TernaryTanh};
  return std::nullopt;
}

std::string SupportedActivationNames() {
  return "linear, relu, relu6, relu1, sigmoid, tanh, hard_sigmoid, hard_tanh, leaky_relu, elu, selu, softplus, "
         "softsign, binary_tanh, ternary_tanh, softmax";
}

}  // namespace

std::string AddActivation(Builder& b, const KLayer& k, const json& spec, const std::string& name,
                          const std::string& input, const std::string& source_op) {
  ir::Graph& g = b.graph();
  std::vector<int64_t> shape = g.tensor(input).shape;
  if (IsQuantizerSpec(spec)) {
    Quantizer q = ParseQuantizer(spec, b.Where(k));
    ir::Layer& l = b.NewLayer(name, ir::LayerKind::Quantize, input, shape, source_op + ":" + q.cls);
    ir::QuantParams qp;
    FixedType rt;
    ActivationQuant(q, qp, rt, b.Where(k));
    l.quant = qp;
    l.config.precision[ir::Slot::Result].type = rt;
    g.tensor(name).type = rt;
    return name;
  }
  std::string act;
  if (spec.is_string()) act = spec.get<std::string>();
  else if (spec.is_object() && spec.contains("class_name")) act = spec["class_name"].get<std::string>();
  else throw Error(b.Where(k) + ": bad activation " + spec.dump());
  if (act == "softmax") {
    ir::Layer& l = b.NewLayer(name, ir::LayerKind::Softmax, input, shape, source_op);
    l.axis = -1;
    return name;
  }
  const std::optional<ActivationSpec> a = ActivationOfName(act, b.keras3());
  if (!a)
    throw Error(b.Where(k) + ": unsupported activation '" + act + "' (supported: " + SupportedActivationNames() +
                ", or a QKeras quantizer)");
  const ir::ActivationKind kind = a->kind;
  ir::Layer& l = b.NewLayer(name, ir::LayerKind::Activation, input, shape, source_op);
  l.activation = kind;
  l.alpha = a->alpha;
  l.beta = a->beta;
  if (kind == ir::ActivationKind::BinaryTanh || kind == ir::ActivationKind::TernaryTanh) {
    // outputs are exactly {-1, +1} / {-1, 0, +1}
    FixedType t(2, 2, true);
    l.config.precision[ir::Slot::Result].type = t;
    g.tensor(name).type = t;
  }
  return name;
}

std::string AddFusedActivation(Builder& b, const KLayer& k, const std::string& out) {
  const json* act = Get(k.config, "activation");
  if (IsLinear(act)) return out;
  return AddActivation(b, k, *act, k.name + "_" + ActName(*act), out, k.cls + ".activation");
}

void AddActivationLayer(Builder& b, const KLayer& k) {
  const json* act = Get(k.config, "activation");
  if (!act) throw Error(b.Where(k) + ": field 'activation' missing");
  b.SetOutput(k, AddActivation(b, k, *act, k.name, b.InputOf(k), k.cls));
}

void AddReLU(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  const double slope = GetNum(k.config, "negative_slope", 0.0, where);
  const double thr = GetNum(k.config, "threshold", 0.0, where);
  const json* mv = Get(k.config, "max_value");
  if (thr != 0.0) throw Error(where + ": field 'threshold' != 0 unsupported");
  if (slope != 0.0 && mv) throw Error(where + ": negative_slope together with max_value unsupported");
  ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Activation, in, b.graph().tensor(in).shape, k.cls);
  if (slope != 0.0) {
    l.activation = ir::ActivationKind::LeakyReLU;
    l.alpha = slope;
  } else if (mv) {
    l.activation = ir::ActivationKind::ReLU6OrMax;
    l.alpha = GetNum(k.config, "max_value", 0, where);
  } else {
    l.activation = ir::ActivationKind::ReLU;
  }
  b.SetOutput(k, k.name);
}

void AddLeakyReLU(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  const double a = k.config.contains("negative_slope") ? GetNum(k.config, "negative_slope", 0.3, where)
                                                       : GetNum(k.config, "alpha", 0.3, where);
  ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Activation, in, b.graph().tensor(in).shape, k.cls);
  l.activation = ir::ActivationKind::LeakyReLU;
  l.alpha = a;
  b.SetOutput(k, k.name);
}

void AddParametrizedActivation(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  const std::vector<int64_t> shape = b.graph().tensor(in).shape;
  if (k.cls == "ELU") {
    ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Activation, in, shape, k.cls);
    l.activation = ir::ActivationKind::ELU;
    l.alpha = GetNum(k.config, "alpha", 1.0, where);
  } else if (k.cls == "ThresholdedReLU") {
    ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Activation, in, shape, k.cls);
    l.activation = ir::ActivationKind::ThresholdedReLU;
    l.alpha = GetNum(k.config, "theta", 1.0, where);
  } else {  // PReLU: alpha of the input's shape, axes in shared_axes of size 1
    auto ws = b.Weights(k, {"alpha"}, {"alpha"});
    const Array& a = ws["alpha"];
    const int64_t n = Product(shape), c = shape.empty() ? 1 : shape.back();
    const int64_t na = static_cast<int64_t>(a.values.size());
    // Channels-last flat layout: element i has channel i % C, so an alpha
    // shared over every axis but the channels is read at i % C, a full one at i.
    std::vector<int64_t> kept;
    for (int64_t d : a.shape)
      if (d != 1) kept.push_back(d);
    const bool per_channel = na == c && (kept.empty() || (kept.size() == 1 && a.shape.back() == c));
    if (na != 1 && !per_channel && !(na == n && Product(a.shape) == n && a.shape.size() == shape.size()))
      throw Error(where + ": weight 'alpha' of shape " + ShapeStr(a.shape) + " does not match the input shape " +
                  ShapeStr(shape) + " (shared_axes other than the spatial axes are unsupported)");
    ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Activation, in, shape, k.cls);
    l.activation = ir::ActivationKind::PReLU;
    l.params[ir::SlotKey(ir::Slot::Param)] = ir::Param{{na}, a.values, std::nullopt, false};
  }
  b.SetOutput(k, k.name);
}

void AddSoftmax(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  const int64_t a = AxisField(k, where);
  const int64_t rank = static_cast<int64_t>(b.graph().tensor(in).shape.size());
  if (a != -1 && a != rank) throw Error(where + ": axis " + std::to_string(a) + " unsupported (last axis only)");
  ir::Layer& l = b.NewLayer(k.name, ir::LayerKind::Softmax, in, b.graph().tensor(in).shape, k.cls);
  l.axis = -1;
  b.SetOutput(k, k.name);
}

}  // namespace hlsforge::frontends::keras
