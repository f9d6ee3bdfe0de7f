// Keras activations: the Activation / QActivation layers, ReLU (max_value,
// negative_slope), LeakyReLU, Softmax, and the activation spec shared with
// Dense / Conv layers' fused `activation` field. A QKeras quantizer as the
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
  ir::ActivationKind kind;
  double alpha = 0.0;
  if (act == "linear") {
    kind = ir::ActivationKind::Linear;
  } else if (act == "relu") {
    kind = ir::ActivationKind::ReLU;
  } else if (act == "relu6") {
    kind = ir::ActivationKind::ReLU6OrMax;
    alpha = 6.0;
  } else if (act == "sigmoid") {
    kind = ir::ActivationKind::Sigmoid;
  } else if (act == "tanh") {
    kind = ir::ActivationKind::Tanh;
  } else if (act == "hard_sigmoid" && !b.keras3()) {
    kind = ir::ActivationKind::HardSigmoid;
    alpha = 0.2;
  } else if (act == "leaky_relu") {
    kind = ir::ActivationKind::LeakyReLU;
    alpha = 0.2;  // Keras 3 default slope
  } else if (act == "binary_tanh") {
    kind = ir::ActivationKind::BinaryTanh;
  } else if (act == "ternary_tanh") {
    kind = ir::ActivationKind::TernaryTanh;
  } else {
    throw Error(b.Where(k) + ": unsupported activation '" + act + "'");
  }
  ir::Layer& l = b.NewLayer(name, ir::LayerKind::Activation, input, shape, source_op);
  l.activation = kind;
  l.alpha = alpha;
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
