// Activations, Quantize (a cast; per-element formats: a generated function), Reshape and the channels-first Flatten
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

// An HGQ quantizer (Layer::element_types): each element cast to its own
// format, then to the result type; a 0-bit element is 0. The formats are
// C++ types, so the layer is a generated function: one line per element (one
// loop when every element has the same format). In io_stream the plan
// buffers the tensor whole when the formats differ per element.
void Emitter::ElementQuantize(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  const auto& et = l.element_types;
  if (et.size() != 1 && n.per_word)
    Fail(fmt::format("{}: per-element formats planned per stream word (rerun lower_hardware)", LayerWhere(l)));
  if (et.size() != 1 && static_cast<int64_t>(et.size()) != n.n_in)
    Fail(fmt::format("{}: {} per-element formats for {} elements", LayerWhere(l), et.size(), n.n_in));
  auto spell = [&](const std::optional<FixedType>& t, const std::string& x) {
    if (!t) return std::string("0");
    if (t->family() != dialect.family)
      Fail(fmt::format("{}: element format {} is not a type of the {} backend", LayerWhere(l), t->ToString(),
                       opt.backend));
    return fmt::format("res_T({}({}))", t->ToString(), x);
  };
  const std::string fn = fmt::format("element_quantize{}", idx);
  params << Comment(l) << "\n";
  params << fmt::format("template <class data_T, class res_T>\nvoid {}(const data_T in[{}], res_T out[{}]) {{\n", fn,
                        n.n_elem, n.n_elem);
  params << (dialect.catapult ? "" : "    #pragma HLS INLINE\n");
  if (et.size() == 1) {
    params << dialect.LoopUnrollBefore("    ") << fmt::format("    for (unsigned i = 0; i < {}; i++) {{\n", n.n_elem)
           << dialect.LoopUnrollInside("        ") << "        out[i] = " << spell(et[0], "in[i]") << ";\n    }\n";
  } else {
    for (size_t i = 0; i < et.size(); ++i)
      params << fmt::format("    out[{}] = {};\n", i, spell(et[i], fmt::format("in[{}]", i)));
  }
  params << "}\n\n";
  EmitCall(l, n, fmt::format("{}<{}, {}>({}, {});", fn, n.in_t, n.out_t, n.in, n.out));
}

// QKeras quantized_relu with negative_slope s = 2^-k (graph.h
// QuantParams::negative_slope): x >= 0 is cast, x < 0 becomes the exact
// product s*x cast to the result type and floored at -s*2^(b-1)*scale.
void Emitter::NegativeSlopeQuantize(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  int k = 0;
  if (!ir::NegativeSlopeShift(*l.quant, k))
    Fail(fmt::format("{}: negative_slope {} is not a power of two in [2^-(bits-1), 1]", LayerWhere(l),
                     l.quant->negative_slope));
  const FixedType slope(1, 1 - k, false, Quant::TRN, Overflow::WRAP, res.family());  // holds 2^-k exactly
  CheckMul(l, data, "input", slope, "negative_slope");
  const double floor = ir::NegativeSlopeFloor(*l.quant);
  if (res.ToDouble(res.Quantize(floor)) != floor)
    Fail(fmt::format("{}: the quantizer's lowest value {} is not a value of the result type {}", LayerWhere(l),
                     floor, res.ToString()));
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  const std::string slope_t = fmt::format("layer{}_slope_t", idx);
  Typedef(slope_t, slope, fmt::format("layer '{}': negative_slope", l.name));
  const std::string fn = fmt::format("negative_slope_quantize{}", idx);
  params << Comment(l) << "\n";
  params << fmt::format("template <class data_T, class res_T>\nvoid {}(const data_T in[{}], res_T out[{}]) {{\n", fn,
                        n.n_elem, n.n_elem);
  params << (dialect.catapult ? "" : "    #pragma HLS INLINE\n");
  params << fmt::format("    const {} slope = {};\n    const res_T lowest = {};\n", slope_t,
                        ExactDecimal(l.quant->negative_slope), ExactDecimal(floor));
  params << dialect.LoopUnrollBefore("    ") << fmt::format("    for (unsigned i = 0; i < {}; i++) {{\n", n.n_elem)
         << dialect.LoopUnrollInside("        ")
         << "        if (in[i] < 0) {\n"
            "            res_T y = in[i] * slope;  // the exact product, cast\n"
            "            out[i] = y < lowest ? lowest : y;\n"
            "        } else {\n"
            "            out[i] = in[i];\n"
            "        }\n    }\n}\n\n";
  EmitCall(l, n, fmt::format("{}<{}, {}>({}, {});", fn, n.in_t, n.out_t, n.in, n.out));
}

void Emitter::Quantize(int idx, const Layer& l) {
  if (!l.element_types.empty()) return ElementQuantize(idx, l);
  if (l.quant) {
    const auto& q = *l.quant;
    if (q.bipolar) return Sign(idx, l);
    if (q.negative_slope != 0) {
      for (double z : q.zero_point)
        if (z != 0) Fail(fmt::format("{}: a nonzero zero_point is not supported by the HLS backend", LayerWhere(l)));
      return NegativeSlopeQuantize(idx, l);
    }
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

std::string Emitter::ParamTypedef(int idx, const Layer& l, const FixedType& data, const char* what) {
  if (!plan->activation_param)
    Fail(fmt::format("{}: the hardware plan has no param_t (rerun lower_hardware)", LayerWhere(l)));
  const ir::ActivationParam& ap = *plan->activation_param;
  if (ap.type.width() > 53)
    Fail(fmt::format("{}: param_t {} is wider than 53 bits (its value is written as an exact decimal)",
                     LayerWhere(l), ap.type.ToString()));
  if (l.activation == ActivationKind::LeakyReLU || l.activation == ActivationKind::HardSigmoid ||
      l.activation == ActivationKind::HardTanh)
    CheckMul(l, data, "input", ap.type, ir::SlotKey(ir::Slot::Param));
  const std::string tn = fmt::format("layer{}_param_t", idx);
  Typedef(tn, ap.type, fmt::format("layer '{}': param ({})", l.name, what));
  return tn;
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
      const std::string tn = ParamTypedef(idx, l, data,
                                          l.activation == ActivationKind::LeakyReLU        ? "alpha"
                                          : l.activation == ActivationKind::ThresholdedReLU ? "theta"
                                                                                            : "max_value");
      const ir::ActivationParam& ap = *plan->activation_param;
      extra = fmt::format("    typedef {} param_t;\n", tn);
      const char* fn = l.activation == ActivationKind::LeakyReLU        ? "leaky_relu"
                       : l.activation == ActivationKind::ThresholdedReLU ? "thresholded_relu"
                                                                         : "relu_max";
      call = fmt::format("nnet::{}<{}, {}, config{}>({}, {}({}), {});", fn, n.in_t, n.out_t, idx, n.in, tn,
                         ExactDecimal(ap.type.ToDouble(ap.word)), n.out);
      break;
    }
    case ActivationKind::Sigmoid:
    case ActivationKind::Tanh:
    case ActivationKind::Softplus:
    case ActivationKind::Softsign:
    case ActivationKind::ELU:
    case ActivationKind::SELU: {
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
      const char* fn = ir::ToString(l.activation);  // sigmoid, tanh, softplus, softsign, elu, selu
      if (l.activation == ActivationKind::ELU) {
        const std::string pt = ParamTypedef(idx, l, data, "alpha");
        extra += fmt::format("    typedef {} param_t;\n", pt);
        call = fmt::format("nnet::elu<{}, {}, config{}>({}, {}({}), {});", n.in_t, n.out_t, idx, n.in, pt,
                           ExactDecimal(plan->activation_param->type.ToDouble(plan->activation_param->word)), n.out);
        break;
      }
      if (l.activation == ActivationKind::SELU) {
        // the table's constants as exact m * 2^e integers; lambda held in res_T
        auto me = [](double v) {
          int e = 0;
          const double m = std::frexp(v, &e);
          return std::pair<int64_t, int>(static_cast<int64_t>(std::ldexp(m, 53)), e - 53);
        };
        const auto [lm, le] = me(l.beta);
        const auto [am, ae] = me(l.alpha);
        extra += fmt::format("    static const long long selu_lambda_m = {}LL;\n    static const int selu_lambda_e = {};\n"
                             "    static const long long selu_alpha_m = {}LL;\n    static const int selu_alpha_e = {};\n",
                             lm, le, am, ae);
        const int64_t lw = res.Quantize(l.beta);
        if (res.width() > 53) Fail(fmt::format("{}: result precision {} is wider than 53 bits", LayerWhere(l), res.ToString()));
        call = fmt::format("nnet::selu<{}, {}, config{}>({}, {}({}), {});", n.in_t, n.out_t, idx, n.in, n.out_t,
                           ExactDecimal(res.ToDouble(lw)), n.out);
        break;
      }
      call = fmt::format("nnet::{}<{}, {}, config{}>({}, {});", fn, n.in_t, n.out_t, idx, n.in, n.out);
      break;
    }
    case ActivationKind::HardSigmoid:
    case ActivationKind::HardTanh: {
      declare();
      const std::string pt = ParamTypedef(idx, l, data, "slope");
      const std::optional<ir::ActivationParam> sh = ir::ActivationShiftOf(l);
      if (!sh || sh->type.width() > 53)
        Fail(fmt::format("{}: the shift {} has no fixed-point type of at most 53 bits", LayerWhere(l), l.beta));
      const std::string st = fmt::format("layer{}_shift_t", idx);
      Typedef(st, sh->type, fmt::format("layer '{}': shift", l.name));
      extra = fmt::format("    typedef {} param_t;\n    typedef {} shift_t;\n", pt, st);
      call = fmt::format("nnet::{}<{}, {}, config{}>({}, {}({}), {}({}), {});", ir::ToString(l.activation), n.in_t,
                         n.out_t, idx, n.in, pt,
                         ExactDecimal(plan->activation_param->type.ToDouble(plan->activation_param->word)), st,
                         ExactDecimal(sh->type.ToDouble(sh->word)), n.out);
      break;
    }
    case ActivationKind::PReLU: {
      const ir::Param* a = l.param(ir::Slot::Param);
      if (!a || !a->type || a->values.empty())
        Fail(fmt::format("{}: PReLU without a typed 'param' (alpha)", LayerWhere(l)));
      CheckMul(l, data, "input", *a->type, ir::SlotKey(ir::Slot::Param));
      const std::string field = ir::SlotKey(ir::Slot::Param);
      const std::string av = AddWeights(l, idx, "a", field, *a->type, QuantizeParam(l, *a, field));
      declare();
      extra = fmt::format("    static const unsigned n_alpha = {};\n    typedef param{}_t param_t;\n", a->size(), idx);
      // io_stream calls once per word (loop variable w): the word's first element
      const std::string offset = n.per_word ? fmt::format("w * {}", n.n_elem) : "0";
      call = fmt::format("nnet::prelu<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, av, offset, n.out);
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
