// Softmax layers (nnet::softmax_config): tables and implementation from the plan.
#include "emitter.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

/// The plan's table of slot `s` (the layer kinds that have one).
const ir::TablePlan& Emitter::TablePlanOf(const Layer& l, ir::Slot s) const {
  for (const ir::TablePlan& t : plan->tables)
    if (t.slot == s) return t;
  Fail(fmt::format("{}: the hardware plan has no '{}' table (rerun lower_hardware)", LayerWhere(l), ir::SlotKey(s)));
}

void Emitter::Softmax(int idx, const Layer& l) {
  if (plan->skip) return Linear(idx, l, "skipped softmax");  // Skip: true: no softmax in the firmware
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  const int ts = std::max(1, l.config.table_size);
  int nbits = 0;
  while ((1 << nbits) < ts) ++nbits;
  const auto impl = l.config.softmax_impl;
  const auto& in_shape = g.tensor(l.inputs.at(0)).shape;
  if (in_shape.size() > 1) {
    int64_t outer = 1;
    for (size_t i = 0; i + 1 < in_shape.size(); ++i) outer *= in_shape[i];
    if (outer != 1) Fail(fmt::format("{}: softmax over a multi-dimensional tensor is not supported by the HLS backend yet", LayerWhere(l)));
  }
  std::string extra;
  auto tdef = [&](ir::Slot slot, const FixedType& t) {
    const std::string key = ir::SlotKey(slot);
    std::string tn = fmt::format("layer{}_{}_t", idx, key);
    Typedef(tn, t, fmt::format("layer '{}': {}", l.name, key));
    extra += fmt::format("    typedef {} {}_t;\n", tn, key);
    return t;
  };
  const std::string impl_name = impl == ir::SoftmaxImpl::Stable ? "stable" : impl == ir::SoftmaxImpl::Latency ? "latency" : impl == ir::SoftmaxImpl::Legacy ? "legacy" : "argmax";
  if (impl == ir::SoftmaxImpl::Stable || impl == ir::SoftmaxImpl::Latency) {
    const ir::TablePlan& exp_table = TablePlanOf(l, ir::Slot::ExpTable);
    const ir::TablePlan& inv_table = TablePlanOf(l, ir::Slot::InvTable);
    tdef(ir::Slot::ExpTable, exp_table.value_type);
    FixedType inv_t = tdef(ir::Slot::InvTable, inv_table.value_type);
    FixedType acc_t = tdef(ir::Slot::Accum, ir::ResolvedType(l, ir::Slot::Accum).value_or(FixedType(18, 8, true, Quant::RND, Overflow::SAT, dialect.family)));
    FixedType inv_inp = tdef(ir::Slot::InvInp, *inv_table.index_type);
    tdef(ir::Slot::InpNorm, *plan->softmax_inp_norm);
    const FixedType idx_t = *exp_table.index_type;
    if (idx_t.width() < nbits) Fail(fmt::format("{}: table_size {} needs {} index bits but the {} type {} has only {}", LayerWhere(l), ts, nbits, impl == ir::SoftmaxImpl::Stable ? "inp_norm" : "input", idx_t.ToString(), idx_t.width()));
    if (inv_inp.width() < nbits) Fail(fmt::format("{}: table_size {} needs {} index bits but inv_inp {} has only {}", LayerWhere(l), ts, nbits, inv_inp.ToString(), inv_inp.width()));
    CheckMul(l, acc_t, ir::SlotKey(ir::Slot::Accum), inv_t, ir::SlotKey(ir::Slot::InvTable));
    CheckAdd(l, acc_t, ir::SlotKey(ir::Slot::Accum), acc_t, ir::SlotKey(ir::Slot::Accum));
    if (impl == ir::SoftmaxImpl::Stable) {
      fx::Format sf = fx::sub_format(data.format(), data.format());
      if (!fx::fits(sf)) Fail(fmt::format("{}: input precision {} too wide for the max subtraction", LayerWhere(l), data.ToString()));
    }
    if ((1 << nbits) != ts) Fail(fmt::format("{}: table_size {} must be a power of two for the {} softmax", LayerWhere(l), ts, impl_name));
  } else if (impl == ir::SoftmaxImpl::Legacy) {
    FixedType table = tdef(ir::Slot::Table, TablePlanOf(l, ir::Slot::Table).value_type);
    fx::Format sf = fx::sub_format(data.format(), data.format());
    if (sf.w + nbits + 2 > 64) Fail(fmt::format("{}: input precision {} too wide for the legacy softmax index", LayerWhere(l), data.ToString()));
    if (table.width() + 2 * nbits + 8 > 64 + nbits) {}  // index math below fits for tables <= 56 bits
  }
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  params << Comment(l) << "\n";
  params << fmt::format("struct config{} : nnet::softmax_config {{\n    static const unsigned n_in = {};\n", idx, n.n_in);
  params << fmt::format("    static const unsigned exp_table_size = {};\n    static const unsigned inv_table_size = {};\n", ts, ts);
  params << fmt::format("    static const unsigned reuse_factor = {};\n", plan->reuse_factor);
  params << fmt::format("    static const nnet::softmax_implementation implementation = nnet::softmax_implementation::{};\n", impl_name);
  params << extra << "};\n\n";
  EmitCall(l, n, fmt::format("nnet::softmax<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
}

}  // namespace hlsforge::backends::detail
