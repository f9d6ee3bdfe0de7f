// Pooling (nnet::pooling_config) and the resize layers: ZeroPadding,
// Cropping, UpSampling (nnet::resize_config).
#include "emitter.h"

#include <algorithm>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

void Emitter::Pooling(int idx, const Layer& l) {
  if (!l.pool) Fail(fmt::format("{}: no pooling attributes", LayerWhere(l)));
  const ir::PoolAttrs& a = *l.pool;
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  const FixedType accum = ir::ResolvedType(l, ir::Slot::Accum).value_or(data);
  Geo q = Geometry(l, a.rank);
  int64_t ph, pw, sh, sw, pt = 0, pb = 0, pl = 0, pr = 0;
  if (a.global) {
    ph = sh = q.h;
    pw = sw = q.w;
    q.oh = q.ow = 1;
  } else {
    ph = a.rank == 2 ? a.pool_h : 1;
    pw = a.pool_w;
    sh = a.rank == 2 ? a.stride_h : 1;
    sw = a.stride_w;
    pt = a.rank == 2 ? a.pad_top : 0;
    pb = a.rank == 2 ? a.pad_bottom : 0;
    pl = a.pad_left;
    pr = a.pad_right;
  }
  const bool avg = a.op == ir::PoolOp::Average;
  if (avg) CheckAdd(l, accum, ir::SlotKey(ir::Slot::Accum), data, "input");
  const std::string rt = ResultTypeName(idx, l);
  std::string accum_name = fmt::format("layer{}_accum_t", idx);
  Typedef(accum_name, accum, fmt::format("layer '{}': accum", l.name));
  params << Comment(l) << "\n";
  params << fmt::format("struct config{} : nnet::pooling_config {{\n", idx);
  params << GeoFields(q, pt, pb, pl, pr, sh, sw);
  params << fmt::format("    static const unsigned pool_height = {}, pool_width = {};\n", ph, pw);
  params << fmt::format("    static const unsigned pool_op = nnet::{};\n    static const bool count_pad = {};\n",
                        avg ? "average_pool" : "max_pool", a.count_pad ? "true" : "false");
  params << fmt::format("    static const unsigned reuse_factor = {};\n    typedef {} accum_t;\n}};\n\n",
                        plan->reuse_factor, accum_name);
  IoNames n = Declare(idx, l, rt, res);
  if (n.n_out != q.oh * q.ow * q.c)
    Fail(fmt::format("{}: output size {} does not match the pooling geometry", LayerWhere(l), n.n_out));
  const char* fn = a.rank == 2 ? "pooling_2d" : "pooling_1d";
  if (io == ir::IOType::Stream)
    EmitStreamProcess(l, n, fmt::format("nnet::{}<{}, {}, config{}>({}, {});", a.global ? "global_pooling_stream" : std::string(fn) + "_stream",
                                        n.in_w, n.out_w, idx, n.in, n.out));
  else
    EmitCall(l, n, fmt::format("nnet::{}<{}, {}, config{}>({}, {});", fn, n.in_t, n.out_t, idx, n.in, n.out));
}

void Emitter::Resize(int idx, const Layer& l) {
  if (!l.resize) Fail(fmt::format("{}: no resize attributes", LayerWhere(l)));
  const ir::ResizeAttrs& a = *l.resize;
  const FixedType res = TensorType(g, l.output, l, "output");
  const Geo q = Geometry(l, a.rank);
  const char* op = l.kind == LayerKind::ZeroPadding ? "zero_padding" : l.kind == LayerKind::Cropping ? "cropping" : "upsampling";
  params << Comment(l) << "\n";
  params << fmt::format("struct config{} : nnet::resize_config {{\n", idx);
  params << fmt::format("    static const unsigned in_height = {}, in_width = {}, n_chan = {};\n"
                        "    static const unsigned out_height = {}, out_width = {};\n", q.h, q.w, q.c, q.oh, q.ow);
  params << fmt::format("    static const unsigned pad_top = {}, pad_left = {};\n", a.rank == 2 ? a.pad_top : 0, a.pad_left);
  params << fmt::format("    static const unsigned scale_height = {}, scale_width = {};\n", a.rank == 2 ? a.scale_h : 1, a.scale_w);
  params << fmt::format("    static const unsigned op = nnet::{};\n}};\n\n", op);
  IoNames n = Declare(idx, l, ResultTypeName(idx, l), res);
  if (n.n_out != q.oh * q.ow * q.c || q.oc != q.c)
    Fail(fmt::format("{}: output size {} does not match the geometry", LayerWhere(l), n.n_out));
  if (io == ir::IOType::Stream)
    EmitStreamProcess(l, n, fmt::format("nnet::resize_2d_stream<{}, {}, config{}>({}, {});", n.in_w, n.out_w, idx, n.in, n.out));
  else
    EmitCall(l, n, fmt::format("nnet::resize_2d<{}, {}, config{}>({}, {});", n.in_t, n.out_t, idx, n.in, n.out));
}

}  // namespace hlsforge::backends::detail
