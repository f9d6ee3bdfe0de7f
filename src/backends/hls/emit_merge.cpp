// Merge layers: element-wise merges (nnet::merge_config) and Concatenate.
#include "emitter.h"

#include <algorithm>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

void Emitter::Merge(int idx, const Layer& l) {
  if (!l.merge) Fail(fmt::format("{}: no merge attributes", LayerWhere(l)));
  if (l.inputs.size() != 2) Fail(fmt::format("{}: a merge needs exactly two inputs, has {}", LayerWhere(l), l.inputs.size()));
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType ta = TensorType(g, l.inputs[0], l, "first input");
  const FixedType tb = TensorType(g, l.inputs[1], l, "second input");
  const ir::MergeOp op = l.merge->op;
  params << Comment(l) << "\n";
  if (op == ir::MergeOp::Concatenate) {
    const auto& sa = g.tensor(l.inputs[0]).shape;
    const auto& sb = g.tensor(l.inputs[1]).shape;
    const int r = static_cast<int>(sa.size());
    const int ax = l.merge->axis < 0 ? l.merge->axis + r : l.merge->axis;
    if (ax < 0 || ax >= r || sb.size() != sa.size())
      Fail(fmt::format("{}: concatenate axis {} is invalid for inputs of rank {} and {}", LayerWhere(l), l.merge->axis, sa.size(), sb.size()));
    int64_t outer = 1, ai = 1, bi = 1;
    for (int i = 0; i < ax; ++i) outer *= sa[static_cast<size_t>(i)];
    for (int i = ax; i < r; ++i) {
      ai *= sa[static_cast<size_t>(i)];
      bi *= sb[static_cast<size_t>(i)];
    }
    params << fmt::format("struct config{} : nnet::concat_config {{\n    static const unsigned outer = {};\n"
                          "    static const unsigned a_inner = {};\n    static const unsigned b_inner = {};\n}};\n\n",
                          idx, outer, ai, bi);
    IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
    if (io == ir::IOType::Stream)
      EmitStreamProcess(l, n, fmt::format("nnet::concatenate_stream<{}, {}, {}, config{}>({}, {}, {});", n.in_w, n.in2_w, n.out_w,
                                          idx, n.in, n.in2, n.out));
    else
      EmitCall(l, n, fmt::format("nnet::concatenate<{}, {}, {}, config{}>({}, {}, {});", n.in_t, n.in2_t, n.out_t, idx,
                                 n.in, n.in2, n.out));
    return;
  }
  const char* name = "merge_add";
  switch (op) {
    case ir::MergeOp::Add: name = "merge_add"; CheckAdd(l, ta, "first input", tb, "second input"); break;
    case ir::MergeOp::Subtract: name = "merge_subtract"; CheckAdd(l, ta, "first input", tb, "second input"); break;
    case ir::MergeOp::Multiply: name = "merge_multiply"; CheckMul(l, ta, "first input", tb, "second input"); break;
    case ir::MergeOp::Average: {
      name = "merge_average";
      CheckAdd(l, ta, "first input", tb, "second input");
      const fx::Format sf = fx::add_format(ta.format(), tb.format());
      const int f2 = std::max(0, res.width() - res.integer());
      if (sf.w + f2 + (res.is_signed() ? 1 : 0) > 64)
        Fail(fmt::format("{}: the average's division (a + b) / (result)2 needs {} bits; at most 64 are supported",
                         LayerWhere(l), sf.w + f2 + 1));
      break;
    }
    case ir::MergeOp::Maximum: name = "merge_maximum"; break;
    case ir::MergeOp::Minimum: name = "merge_minimum"; break;
    default: break;
  }
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  if (n.n_in != n.n_out || n.n_in2 != n.n_out)
    Fail(fmt::format("{}: inputs have {} and {} elements, output {}", LayerWhere(l), n.n_in, n.n_in2, n.n_out));
  params << fmt::format("struct config{} : nnet::merge_config {{\n    static const unsigned n_elem = {};\n"
                        "    static const unsigned op = nnet::{};\n    static const unsigned reuse_factor = {};\n}};\n\n",
                        idx, n.n_out, name, plan->reuse_factor);
  if (io == ir::IOType::Stream) {
    if (WordSize(l.inputs[0]) != WordSize(l.output) || WordSize(l.inputs[1]) != WordSize(l.output))
      Fail(fmt::format("{}: inputs of different shapes cannot be merged element-wise", LayerWhere(l)));
    EmitStreamProcess(l, n, fmt::format("nnet::merge_stream<{}, {}, {}, config{}>({}, {}, {});", n.in_w, n.in2_w, n.out_w,
                                        idx, n.in, n.in2, n.out));
  } else {
    EmitCall(l, n, fmt::format("nnet::merge<{}, {}, {}, config{}>({}, {}, {});", n.in_t, n.in2_t, n.out_t, idx, n.in,
                               n.in2, n.out));
  }
}

}  // namespace hlsforge::backends::detail
