// Conv1D / Conv2D / depthwise layers (nnet::conv_config) and the window geometry
// shared with pooling and resize.
#include "emitter.h"

#include <fmt/format.h>

namespace hlsforge::backends::detail {

Geo Emitter::Geometry(const Layer& l, int rank) {
  const auto& is = g.tensor(l.inputs.at(0)).shape;
  const auto& os = g.tensor(l.output).shape;
  Geo r;
  const size_t need = rank == 2 ? 3 : 2;
  if (is.size() != need || (os.size() != need && !(l.kind == LayerKind::Pooling && l.pool && l.pool->global)))
    Fail(fmt::format("{}: expects {}-D channels-last tensors, got input rank {} and output rank {}", LayerWhere(l),
                     rank, is.size(), os.size()));
  r.c = is.back();
  r.w = is[is.size() - 2];
  r.h = rank == 2 ? is[0] : 1;
  r.oc = os.back();
  if (os.size() == need) {
    r.ow = os[os.size() - 2];
    r.oh = rank == 2 ? os[0] : 1;
  }
  return r;
}

std::string Emitter::GeoFields(const Geo& q, int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh, int64_t sw) {
  return fmt::format("    static const unsigned in_height = {}, in_width = {}, n_chan = {};\n"
                     "    static const unsigned out_height = {}, out_width = {};\n"
                     "    static const unsigned stride_height = {}, stride_width = {};\n"
                     "    static const unsigned pad_top = {}, pad_bottom = {}, pad_left = {}, pad_right = {};\n",
                     q.h, q.w, q.c, q.oh, q.ow, sh, sw, pt, pb, pl, pr);
}

void Emitter::Conv(int idx, const Layer& l) {
  if (!l.conv) Fail(fmt::format("{}: no conv attributes", LayerWhere(l)));
  const ir::ConvAttrs& a = *l.conv;
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  const auto& w = NeedParam(l, ir::Slot::Weight);
  const Geo q = Geometry(l, a.rank);
  const int64_t kh = a.rank == 2 ? a.kernel_h : 1, kw = a.kernel_w;
  const int64_t K = kh * kw * q.c;
  const int64_t per_out = a.depthwise ? a.depth_multiplier : q.oc;
  if (static_cast<int64_t>(w.size()) != K * per_out)
    Fail(fmt::format("{}: parameter 'weight' has {} values, expected {}", LayerWhere(l), w.size(), K * per_out));
  ir::Param dense_w = w;  // [K, n_filt]; depthwise expanded with zero weights
  if (a.depthwise) {
    if (ir::IsXnorType(*w.type))
      Fail(fmt::format("{}: a depthwise convolution with binary (XNOR) weights is not supported by the HLS backend "
                       "(a zero weight cannot be encoded)", LayerWhere(l)));
    dense_w.values.assign(static_cast<size_t>(K * q.oc), 0.0);
    const int64_t dm = a.depth_multiplier;
    for (int64_t k = 0; k < kh * kw; ++k)
      for (int64_t ch = 0; ch < q.c; ++ch)
        for (int64_t m = 0; m < dm; ++m)
          dense_w.values[static_cast<size_t>((k * q.c + ch) * q.oc + ch * dm + m)] =
              w.values[static_cast<size_t>((k * q.c + ch) * dm + m)];
  }
  dense_w.shape = {K, q.oc};
  const std::string rt = ResultTypeName(idx, l);
  params << Comment(l) << "\n";
  DenseCore core = EmitDenseCore(idx, l, data, dense_w, static_cast<int>(K), static_cast<int>(q.oc),
                                 fmt::format("config{}_mult", idx));
  // ParallelizationFactor: output pixels per pipeline iteration (the plan's).
  const int64_t npix = q.oh * q.ow;
  params << fmt::format("struct config{} : nnet::conv_config {{\n", idx);
  params << GeoFields(q, a.rank == 2 ? a.pad_top : 0, a.rank == 2 ? a.pad_bottom : 0, a.pad_left, a.pad_right,
                      a.rank == 2 ? a.stride_h : 1, a.stride_w);
  params << fmt::format("    static const unsigned filt_height = {}, filt_width = {}, n_filt = {};\n", kh, kw, q.oc);
  params << fmt::format("    static const unsigned reuse_factor = {};\n    static const unsigned parallelization_factor = {};\n",
                        core.reuse_factor, plan->parallelization_factor);
  params << fmt::format("    typedef config{}_mult mult_config;\n}};\n\n", idx);
  IoNames n = Declare(idx, l, rt, res);
  if (n.n_in != q.h * q.w * q.c || n.n_out != npix * q.oc)
    Fail(fmt::format("{}: tensor sizes {} / {} do not match the conv geometry", LayerWhere(l), n.n_in, n.n_out));
  const char* fn = a.rank == 2 ? "conv_2d" : "conv_1d";
  if (io == ir::IOType::Stream)
    EmitStreamProcess(l, n, fmt::format("nnet::{}_stream<{}, {}, config{}>({}, {}, {}, {});", fn, n.in_w, n.out_w, idx,
                                        n.in, n.out, core.weights, core.biases));
  else
    EmitCall(l, n, fmt::format("nnet::{}<{}, {}, config{}>({}, {}, {}, {});", fn, n.in_t, n.out_t, idx, n.in, n.out,
                               core.weights, core.biases));
}

}  // namespace hlsforge::backends::detail
