// Activations, Quantize (a cast), Reshape and the channels-first Flatten
// (nnet::activ_config, nnet::flatten_config).
#include "emitter.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

using ir::ActivationKind;

namespace {

/// The shortest decimal that reads back as exactly `v` (a fixed-point value
/// of at most 53 significant bits: exact).
std::string ExactDecimal(double v) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

void Emitter::ActivConfig(int idx, const Layer& l, int64_t n_in, const std::string& extra) {
  params << Comment(l) << "\n";
  params << fmt::format("struct config{} : nnet::activ_config {{\n    static const unsigned n_in = {};\n", idx, n_in);
  params << fmt::format("    static const unsigned table_size = {};\n", std::max(1, l.config.table_size));
  params << fmt::format("    static const unsigned reuse_factor = {};\n", plan->reuse_factor);
  params << extra << "};\n\n";
}

void Emitter::Linear(int idx, const Layer& l, const char*) {
  const FixedType res = TensorType(g, l.output, l, "output");
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  ActivConfig(idx, l, n.n_elem, "");
  EmitCall(l, n, fmt::format("nnet::linear<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
}

void Emitter::FlattenChannelsFirst(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  const auto& is = g.tensor(l.inputs.at(0)).shape;
  if (is.size() < 2 || is.back() <= 0) Fail(fmt::format("{}: a channels-first flatten needs an image input", LayerWhere(l)));
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  const int64_t c = is.back();
  params << Comment(l) << "\n";
  params << fmt::format("struct config{} : nnet::flatten_config {{\n    static const unsigned n_pixels = {}, n_chan = {};\n}};\n\n",
                        idx, n.n_in / c, c);
  EmitCall(l, n, fmt::format("nnet::flatten_channels_first<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
}

void Emitter::Quantize(int idx, const Layer& l) {
  if (l.quant) {
    const auto& q = *l.quant;
    if (q.bipolar) return Sign(idx, l);
    for (double z : q.zero_point)
      if (z != 0) Fail(fmt::format("{}: a nonzero zero_point is not supported by the HLS backend", LayerWhere(l)));
    for (double s : q.scale) {
      int e;
      if (!(s > 0) || std::frexp(s, &e) != 0.5)
        Fail(fmt::format("{}: quantizer scale {} is not a power of two; fold it into the next layer "
                         "(the HLS backend implements a Quantize layer as a cast)", LayerWhere(l), s));
    }
  }
  Linear(idx, l, "quantize");
}

void Emitter::Sign(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  ActivConfig(idx, l, n.n_elem, fmt::format("    static const bool xnor_output = {};\n", ir::IsXnorType(res) ? "true" : "false"));
  EmitCall(l, n, fmt::format("nnet::binary_tanh<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
}

void Emitter::Activation(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  switch (l.activation) {
    case ActivationKind::Linear: return Linear(idx, l, "linear");
    case ActivationKind::BinaryTanh: return Sign(idx, l);
    default: break;
  }
  std::string extra, call;
  IoNames n;
  auto declare = [&] { n = Declare(idx, l, ResultTypeName(idx, l), res); };
  switch (l.activation) {
    case ActivationKind::ReLU:
      declare();
      call = fmt::format("nnet::relu<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out);
      break;
    case ActivationKind::LeakyReLU:
    case ActivationKind::ThresholdedReLU:
    case ActivationKind::ReLU6OrMax: {
      // The constant as the plan's fixed-point param_t (its exact value).
      declare();
      if (!plan->activation_param)
        Fail(fmt::format("{}: the hardware plan has no param_t (rerun lower_hardware)", LayerWhere(l)));
      const ir::ActivationParam& ap = *plan->activation_param;
      if (ap.type.width() > 53)
        Fail(fmt::format("{}: param_t {} is wider than 53 bits (its value is written as an exact decimal)",
                         LayerWhere(l), ap.type.ToString()));
      if (l.activation == ActivationKind::LeakyReLU) CheckMul(l, data, "input", ap.type, ir::SlotKey(ir::Slot::Param));
      const std::string tn = fmt::format("layer{}_param_t", idx);
      Typedef(tn, ap.type, fmt::format("layer '{}': param ({})", l.name,
                                       l.activation == ActivationKind::LeakyReLU        ? "alpha"
                                       : l.activation == ActivationKind::ThresholdedReLU ? "theta"
                                                                                         : "max_value"));
      extra = fmt::format("    typedef {} param_t;\n", tn);
      const char* fn = l.activation == ActivationKind::LeakyReLU        ? "leaky_relu"
                       : l.activation == ActivationKind::ThresholdedReLU ? "thresholded_relu"
                                                                         : "relu_max";
      call = fmt::format("nnet::{}<{}, {}, config{}>({}, {}({}), {});", fn, n.in_t, n.out_t, idx, n.in, tn,
                         ExactDecimal(ap.type.ToDouble(ap.word)), n.out);
      break;
    }
    case ActivationKind::Sigmoid:
    case ActivationKind::Tanh: {
      const FixedType table = TablePlanOf(l, ir::Slot::Table).value_type;
      int bits = 1;
      while ((1u << bits) < static_cast<unsigned>(std::max(1, l.config.table_size)) + 1u) ++bits;
      if (data.width() + bits + 1 > 64)
        Fail(fmt::format("{}: input precision {} is too wide for the table index computation "
                         "(input width + {} bits must fit 64)", LayerWhere(l), data.ToString(), bits + 1));
      declare();
      std::string tn = fmt::format("layer{}_table_t", idx);
      Typedef(tn, table, fmt::format("layer '{}': table", l.name));
      extra = fmt::format("    typedef {} table_t;\n", tn);
      call = fmt::format("nnet::{}<{}, {}, config{}>({}, {});", l.activation == ActivationKind::Sigmoid ? "sigmoid" : "tanh", n.in_t, n.out_t, idx, n.in, n.out);
      break;
    }
    case ActivationKind::TernaryTanh:
      declare();
      call = fmt::format("nnet::ternary_tanh<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out);
      break;
    default:
      Fail(fmt::format("{}: activation {} is not supported by the HLS backend", LayerWhere(l), ir::ToString(l.activation)));
  }
  ActivConfig(idx, l, n.n_elem, extra);
  EmitCall(l, n, call);
}

}  // namespace hlsforge::backends::detail
