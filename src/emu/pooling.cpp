// Pooling (hls4ml io_parallel nnet_pooling.h, commit ef92ebdf2):
//  * Max: the largest input word of the window (padded cells are the most
//    negative value of the input type, i.e. ignored), assigned to accum_t,
//    then to res_T.
//  * Average: acc = 0 (accum_t); acc += x per cell inside the image (exact
//    sum assigned to accum_t: its quantization/overflow modes); acc /= n,
//    n = number of cells inside the image (count_pad = false) or the whole
//    window (count_pad = true); the vendor's ap_fixed / unsigned keeps the
//    dividend's format and truncates the quotient toward zero; res = (res_T) acc.
//  * Global variants: the whole image per channel (no padding).
// Windows are pool_h x pool_w at stride (stride_h, stride_w); hls4ml's
// io_parallel 2-D kernel walks stride-sized windows, identical when
// pool == stride (every Keras default and every model we convert); for
// pool != stride we follow the Keras/ONNX definition.
#include <algorithm>
#include <cmath>

#include "cnn_kernels.h"

namespace hlsforge::emu::detail {
namespace {

struct PoolGeo {
  int64_t h = 1, w = 1, c = 1, oh = 1, ow = 1;
  int64_t ph = 1, pw = 1, sh = 1, sw = 1, pt = 0, pl = 0;
  bool avg = false, count_pad = false;
};

StatusOr<PoolGeo> MakePoolGeo(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  if (!l.pool) return Status::Fail(io.where() + ": no pooling attributes");
  const ir::PoolAttrs& a = *l.pool;
  auto os = ir::WindowOutputShape(l, {io.in_shape});
  if (!os.ok()) return os.status();
  PoolGeo g;
  g.c = io.in_shape.back();
  g.w = io.in_shape[io.in_shape.size() - 2];
  g.h = a.rank == 2 ? io.in_shape[0] : 1;
  g.avg = a.op == ir::PoolOp::Average;
  g.count_pad = a.count_pad;
  if (a.global) {
    g.ph = g.h;
    g.pw = g.w;
    g.sh = g.h;
    g.sw = g.w;
  } else {
    g.ph = a.rank == 2 ? a.pool_h : 1;
    g.pw = a.pool_w;
    g.sh = a.rank == 2 ? a.stride_h : 1;
    g.sw = a.stride_w;
    g.pt = a.rank == 2 ? a.pad_top : 0;
    g.pl = a.pad_left;
    g.ow = (*os)[os->size() - 2];
    g.oh = a.rank == 2 ? (*os)[0] : 1;
  }
  if (g.oh * g.ow * g.c != io.n_out)
    return Status::Fail(io.where() + ": output has " + std::to_string(io.n_out) + " elements, pooling gives " +
                        std::to_string(g.oh * g.ow * g.c));
  return g;
}

class PoolKernel : public Kernel {
 public:
  PoolGeo g;
  Format in_f{}, acc_f{}, res_f{};
  std::vector<int32_t> index;   // per output pixel: ph*pw input pixel offsets (-1 = pad)
  std::vector<int32_t> count;   // per output pixel: divisor

  void Run(const int64_t* in, int64_t* out, Scratch&) const override {
    const int64_t win = g.ph * g.pw, npix = g.oh * g.ow;
    const int fa = fx::frac(acc_f), fi = fx::frac(in_f);
    for (int64_t p = 0; p < npix; ++p) {
      const int32_t* ix = &index[p * win];
      for (int64_t ch = 0; ch < g.c; ++ch) {
        int64_t r;
        if (!g.avg) {
          bool any = false;
          int64_t m = fx::min_word(in_f.w, in_f.s);  // hls4ml pad value
          for (int64_t k = 0; k < win; ++k) {
            if (ix[k] < 0) continue;
            const int64_t v = in[ix[k] * g.c + ch];
            if (!any || v > m) m = v;
            any = true;
          }
          if (!any) m = fx::min_word(in_f.w, in_f.s);
          r = fx::cast(m, in_f, acc_f);
        } else {
          int64_t acc = 0;
          for (int64_t k = 0; k < win; ++k) {
            if (ix[k] < 0) continue;  // pad value 0 for average
            const int64_t v = in[ix[k] * g.c + ch];
            // acc + x at full precision, assigned to accum_t
            const int f = std::max(fa, fi);
            const fx::i128 sum = (fx::widen(acc, acc_f.s) << (f - fa)) + (fx::widen(v, in_f.s) << (f - fi));
            acc = fx::convert(sum, f, acc_f);
          }
          const int64_t n = count[p];
          // ap_fixed / unsigned: same format, quotient truncated toward zero
          r = n > 0 ? static_cast<int64_t>(fx::widen(acc, acc_f.s) / n) : acc;
        }
        out[p * g.c + ch] = fx::cast(r, acc_f, res_f);
      }
    }
  }
};

}  // namespace

StatusOr<std::unique_ptr<Kernel>> MakePooling(const LayerIO& io) {
  auto geo = MakePoolGeo(io);
  if (!geo.ok()) return geo.status();
  auto k = std::make_unique<PoolKernel>();
  k->g = *geo;
  k->in_f = Fmt(io.in_type);
  k->res_f = Fmt(io.out_type);
  auto at = ir::ResolvedType(*io.layer, ir::Slot::Accum);
  k->acc_f = at ? Fmt(*at) : k->in_f;
  const PoolGeo& g = k->g;
  const int64_t win = g.ph * g.pw;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      int32_t inside = 0;
      for (int64_t ky = 0; ky < g.ph; ++ky)
        for (int64_t kx = 0; kx < g.pw; ++kx) {
          const int64_t iy = oy * g.sh + ky - g.pt, ix = ox * g.sw + kx - g.pl;
          const bool ok = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
          k->index.push_back(ok ? static_cast<int32_t>(iy * g.w + ix) : -1);
          inside += ok ? 1 : 0;
        }
      k->count.push_back(g.count_pad ? static_cast<int32_t>(win) : inside);
    }
  return std::unique_ptr<Kernel>(std::move(k));
}

Status RunFloatPooling(const LayerIO& io, const double* in, double* out) {
  auto geo = MakePoolGeo(io);
  if (!geo.ok()) return geo.status();
  const PoolGeo& g = *geo;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox)
      for (int64_t ch = 0; ch < g.c; ++ch) {
        double acc = g.avg ? 0.0 : -INFINITY;
        int64_t n = 0;
        for (int64_t ky = 0; ky < g.ph; ++ky)
          for (int64_t kx = 0; kx < g.pw; ++kx) {
            const int64_t iy = oy * g.sh + ky - g.pt, ix = ox * g.sw + kx - g.pl;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
            const double v = in[(iy * g.w + ix) * g.c + ch];
            acc = g.avg ? acc + v : std::max(acc, v);
            ++n;
          }
        if (g.avg) acc /= static_cast<double>(g.count_pad ? g.ph * g.pw : std::max<int64_t>(n, 1));
        out[(oy * g.ow + ox) * g.c + ch] = acc;
      }
  return Status::Ok();
}

}  // namespace hlsforge::emu::detail
