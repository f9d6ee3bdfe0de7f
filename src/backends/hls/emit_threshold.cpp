// ScaleShift (nnet::batchnorm_config) and Threshold layers (nnet::threshold_config).
#include "emitter.h"

#include <fmt/format.h>

namespace hlsforge::backends::detail {

void Emitter::ScaleShift(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  const auto& s = NeedParam(l, ir::Slot::Scale);
  const auto& b = NeedParam(l, ir::Slot::Bias);
  if (s.size() != b.size() || s.size() == 0) Fail(fmt::format("{}: 'scale' and 'bias' must have the same nonzero size", LayerWhere(l)));
  CheckMul(l, data, "input", *s.type, ir::SlotKey(ir::Slot::Scale));
  CheckAdd(l, FixedType::MulType(data, *s.type), "input*scale", *b.type, ir::SlotKey(ir::Slot::Bias));
  const std::string rt = ResultTypeName(idx, l);
  std::string sv = AddWeights(l, idx, "s", ir::SlotKey(ir::Slot::Scale), *s.type, QuantizeParam(l, s, ir::SlotKey(ir::Slot::Scale)));
  std::string bv = AddWeights(l, idx, "b", ir::SlotKey(ir::Slot::Bias), *b.type, QuantizeParam(l, b, ir::SlotKey(ir::Slot::Bias)));
  IoNames n = Declare(idx, l, rt, res);
  if (n.n_elem % static_cast<int64_t>(s.size()) != 0) Fail(fmt::format("{}: input size {} is not a multiple of the {} channels", LayerWhere(l), n.n_elem, s.size()));
  params << Comment(l) << "\n";
  params << fmt::format("struct config{} : nnet::batchnorm_config {{\n    static const unsigned n_in = {};\n    static const unsigned n_scale_bias = {};\n", idx, n.n_elem, s.size());
  params << fmt::format("    static const unsigned reuse_factor = {};\n    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in, reuse_factor);\n", plan->reuse_factor);
  params << fmt::format("    typedef scale{}_t scale_t;\n    typedef bias{}_t bias_t;\n}};\n\n", idx, idx);
  EmitCall(l, n, fmt::format("nnet::normalize<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, sv, bv));
}

void Emitter::Threshold(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  const bool binary = l.param(ir::Slot::Threshold) != nullptr;
  std::string call;
  IoNames n;
  if (binary) {
    ir::Param t = *l.param(ir::Slot::Threshold);
    if (!t.type) t.type = ir::ResolvedType(l, ir::Slot::Threshold).value_or(TensorType(g, l.inputs.at(0), l, "input"));
    std::string tv = AddWeights(l, idx, "t", ir::SlotKey(ir::Slot::Threshold), *t.type, QuantizeParam(l, t, ir::SlotKey(ir::Slot::Threshold)));
    n = Declare(idx, l, ResultTypeName(idx, l), res);
    params << Comment(l) << "\n" << fmt::format("struct config{} : nnet::threshold_config {{\n    static const unsigned n_in = {};\n    static const unsigned n_scale_bias = {};\n    static const bool xnor_output = {};\n    typedef threshold_t{}_t threshold_t;\n}};\n\n", idx, n.n_elem, t.size(), ir::IsXnorType(res) ? "true" : "false", idx);
    call = fmt::format("nnet::normalize_binary_tanh<{}, {}, config{}>({}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, tv);
  } else {
    if (!l.param(ir::Slot::ThresholdLo) || !l.param(ir::Slot::ThresholdHi)) Fail(fmt::format("{}: parameters 'threshold' or 'threshold_lo'/'threshold_hi' are missing", LayerWhere(l)));
    ir::Param lo = *l.param(ir::Slot::ThresholdLo), hi = *l.param(ir::Slot::ThresholdHi);
    const FixedType dflt = l.config.precision.type(ir::Slot::Threshold).value_or(TensorType(g, l.inputs.at(0), l, "input"));
    if (!lo.type) lo.type = dflt;
    if (!hi.type) hi.type = dflt;
    if (!(*lo.type == *hi.type)) Fail(fmt::format("{}: 'threshold_lo' and 'threshold_hi' must have the same precision", LayerWhere(l)));
    std::string hv = AddWeights(l, idx, "th", ir::SlotKey(ir::Slot::ThresholdHi), *hi.type, QuantizeParam(l, hi, ir::SlotKey(ir::Slot::ThresholdHi)));
    std::string lv = AddWeights(l, idx, "tl", ir::SlotKey(ir::Slot::ThresholdLo), *lo.type, QuantizeParam(l, lo, ir::SlotKey(ir::Slot::ThresholdLo)));
    n = Declare(idx, l, ResultTypeName(idx, l), res);
    params << Comment(l) << "\n" << fmt::format("struct config{} : nnet::threshold_config {{\n    static const unsigned n_in = {};\n    static const unsigned n_scale_bias = {};\n    typedef threshold_th{}_t threshold_t;\n}};\n\n", idx, n.n_elem, hi.size(), idx);
    call = fmt::format("nnet::normalize_ternary_tanh<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, hv, lv);
  }
  EmitCall(l, n, call);
}

}  // namespace hlsforge::backends::detail
