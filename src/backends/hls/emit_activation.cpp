// Activations, Quantize (a cast), Reshape and the channels-first Flatten
// (nnet::activ_config, nnet::flatten_config).
#include "emitter.h"

#include <cmath>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

using ir::ActivationKind;

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
      declare();
      if (auto pt = ir::ResolvedType(l, ir::Slot::Param)) {
        CheckMul(l, data, "input", *pt, ir::SlotKey(ir::Slot::Param));
        std::string tn = fmt::format("layer{}_param_t", idx);
        Typedef(tn, *pt, fmt::format("layer '{}': param (alpha)", l.name));
        extra = fmt::format("    typedef {} param_t;\n", tn);
      } else {
        extra = "    typedef double param_t;\n";
      }
      call = fmt::format("nnet::leaky_relu<{}, {}, config{}>({}, {:.17g}, {});", n.in_t, n.out_t, idx, n.in, l.alpha, n.out);
      break;
    case ActivationKind::ThresholdedReLU:
      declare();
      call = fmt::format("nnet::thresholded_relu<{}, {}, config{}>({}, {:.17g}, {});", n.in_t, n.out_t, idx, n.in, l.alpha, n.out);
      break;
    case ActivationKind::ReLU6OrMax: {
      declare();
      extra = fmt::format("    static constexpr double max_value = {:.17g};\n", l.alpha);
      call = fmt::format("nnet::relu_max<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out);
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
