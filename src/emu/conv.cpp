// Conv1D / Conv2D / DepthwiseConv (hls4ml io_parallel, nnet_conv1d_latency.h
// and nnet_conv2d_latency.h at commit ef92ebdf2, Latency and Resource give
// the same values): for every output pixel, the input window is gathered
// channels-last into a buffer of kh*kw*c_in words in the order (kh, kw, c_in)
// -- padded cells hold 0 -- and the buffer goes through the dense product of
// that pixel: acc = (accum_t) bias; acc += (accum_t)(x * w) per product;
// res = (res_T) acc. That is exactly nnet::dense on [K, c_out] weights, so a
// Dense kernel (dense.cpp, with its exactness-preserving fast paths) is
// reused per pixel.
//
// Depthwise: output channel c*dm + m sums only input channel c. It runs as
// one dense product per input channel, over that channel's kh*kw window cells
// to its dm outputs, with the per-channel weights [kh*kw, dm] and bias slice:
// the products a window cell of another channel would add are absent, not
// zero products (a dense matrix padded with zero weights would add -1 per
// padded entry for XNOR-encoded binary weights, where the weight word 0 means
// -1). The accumulation order of each output is the window order, and for
// 1-bit data and weights the XNOR correction (acc - n_in/2) * 2 counts the
// kh*kw products of the channel.
#include <algorithm>

#include "cnn_kernels.h"

namespace hlsforge::emu::detail {
namespace {

struct Geometry {
  int64_t h = 1, w = 1, c = 1;          // input
  int64_t oh = 1, ow = 1, co = 1;       // output
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, pt = 0, pl = 0;
  int64_t K() const { return kh * kw * c; }
};

/// For each output pixel, the input offsets of its K window cells (-1 = pad).
std::vector<int32_t> WindowIndex(const Geometry& g) {
  std::vector<int32_t> idx(static_cast<size_t>(g.oh * g.ow * g.K()));
  size_t q = 0;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox)
      for (int64_t ky = 0; ky < g.kh; ++ky)
        for (int64_t kx = 0; kx < g.kw; ++kx) {
          const int64_t iy = oy * g.sh + ky - g.pt, ix = ox * g.sw + kx - g.pl;
          const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
          for (int64_t ch = 0; ch < g.c; ++ch)
            idx[q++] = inside ? static_cast<int32_t>((iy * g.w + ix) * g.c + ch) : -1;
        }
  return idx;
}

StatusOr<Geometry> MakeGeometry(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  if (!l.conv) return Status::Fail(io.where() + ": no conv attributes");
  const ir::ConvAttrs& a = *l.conv;
  auto os = ir::WindowOutputShape(l, {io.in_shape});
  if (!os.ok()) return os.status();
  Geometry g;
  g.c = io.in_shape.back();
  g.w = io.in_shape[io.in_shape.size() - 2];
  g.h = a.rank == 2 ? io.in_shape[0] : 1;
  g.co = os->back();
  g.ow = (*os)[os->size() - 2];
  g.oh = a.rank == 2 ? (*os)[0] : 1;
  g.kh = a.rank == 2 ? a.kernel_h : 1;
  g.kw = a.kernel_w;
  g.sh = a.rank == 2 ? a.stride_h : 1;
  g.sw = a.stride_w;
  g.pt = a.rank == 2 ? a.pad_top : 0;
  g.pl = a.pad_left;
  if (g.oh * g.ow * g.co != io.n_out)
    return Status::Fail(io.where() + ": output has " + std::to_string(io.n_out) + " elements, conv geometry gives " +
                        std::to_string(g.oh * g.ow * g.co));
  return g;
}

class ConvKernel : public Kernel {
 public:
  Geometry g;
  std::vector<int32_t> index;
  std::unique_ptr<Kernel> dense;  // per-pixel product, K -> c_out

  void Run(const int64_t* in, int64_t* out, Scratch& s) const override {
    const int64_t K = g.K(), npix = g.oh * g.ow;
    thread_local std::vector<int64_t> window;  // Scratch belongs to the dense product
    if (window.size() < static_cast<size_t>(K)) window.resize(K);
    int64_t* buf = window.data();
    const int32_t* ix = index.data();
    for (int64_t p = 0; p < npix; ++p, ix += K) {
      for (int64_t k = 0; k < K; ++k) buf[k] = ix[k] < 0 ? 0 : in[ix[k]];
      dense->Run(buf, out + p * g.co, s);
    }
  }
};

/// Depthwise: per pixel and input channel c, the channel's kh*kw window
/// cells through that channel's dense product (kh*kw -> dm outputs
/// c*dm .. c*dm + dm - 1).
class DepthwiseConvKernel : public Kernel {
 public:
  Geometry g;
  int64_t dm = 1;
  std::vector<int32_t> index;                     // [pixel][ky, kx, c] as ConvKernel
  std::vector<std::unique_ptr<Kernel>> channels;  // c_in products, kh*kw -> dm

  void Run(const int64_t* in, int64_t* out, Scratch& s) const override {
    const int64_t K = g.K(), cells = g.kh * g.kw, npix = g.oh * g.ow;
    thread_local std::vector<int64_t> window;
    if (window.size() < static_cast<size_t>(cells)) window.resize(cells);
    int64_t* buf = window.data();
    const int32_t* ix = index.data();
    for (int64_t p = 0; p < npix; ++p, ix += K)
      for (int64_t ch = 0; ch < g.c; ++ch) {
        for (int64_t k = 0; k < cells; ++k) {
          const int32_t at = ix[k * g.c + ch];
          buf[k] = at < 0 ? 0 : in[at];
        }
        channels[static_cast<size_t>(ch)]->Run(buf, out + p * g.co + ch * dm, s);
      }
  }
};

/// The depthwise layer's channel `ch` as a Dense layer: weight [kh*kw, dm]
/// (Keras depthwise layout [kh][kw][c_in][dm]), bias slice ch*dm .. +dm.
ir::Layer DepthwiseChannelDense(const ir::Layer& l, const Geometry& g, int64_t ch) {
  const int64_t dm = l.conv->depth_multiplier, cells = g.kh * g.kw;
  ir::Layer d = l;
  d.kind = ir::LayerKind::Dense;
  ir::Param& w = d.params[ir::SlotKey(ir::Slot::Weight)];
  const std::vector<double>& src = l.param(ir::Slot::Weight)->values;
  w.values.assign(static_cast<size_t>(cells * dm), 0.0);
  for (int64_t k = 0; k < cells; ++k)
    for (int64_t m = 0; m < dm; ++m)
      w.values[static_cast<size_t>(k * dm + m)] = src[static_cast<size_t>((k * g.c + ch) * dm + m)];
  w.shape = {cells, dm};
  if (ir::Param* b = d.param(ir::Slot::Bias)) {
    const std::vector<double> all = b->values;
    b->values.assign(all.begin() + ch * dm, all.begin() + (ch + 1) * dm);
    b->shape = {dm};
  }
  return d;
}

}  // namespace

StatusOr<std::unique_ptr<Kernel>> MakeConv(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  auto geo = MakeGeometry(io);
  if (!geo.ok()) return geo.status();
  const ir::Param* w = l.param(ir::Slot::Weight);
  if (!w) return Status::Fail(io.where() + ": param 'weight' missing");
  const int64_t per_out = l.conv->depthwise ? l.conv->depth_multiplier : geo->co;
  if (static_cast<int64_t>(w->size()) != geo->kh * geo->kw * geo->c * per_out)
    return Status::Fail(io.where() + ": param 'weight' has " + std::to_string(w->size()) + " values, expected " +
                        std::to_string(geo->kh * geo->kw * geo->c * per_out));
  if (l.conv->depthwise) {
    const ir::Param* b = l.param(ir::Slot::Bias);
    if (b && static_cast<int64_t>(b->size()) != geo->co)
      return Status::Fail(io.where() + ": param 'bias' has " + std::to_string(b->size()) + " values, expected " +
                          std::to_string(geo->co));
    auto k = std::make_unique<DepthwiseConvKernel>();
    k->g = *geo;
    k->dm = l.conv->depth_multiplier;
    k->index = WindowIndex(*geo);
    for (int64_t ch = 0; ch < geo->c; ++ch) {
      const ir::Layer d = DepthwiseChannelDense(l, *geo, ch);
      LayerIO dio = io;
      dio.layer = &d;
      dio.n_in = geo->kh * geo->kw;
      dio.n_out = k->dm;
      dio.in_shape = {dio.n_in};
      dio.out_shape = {dio.n_out};
      auto dk = MakeDense(dio);
      if (!dk.ok()) return Status::Fail(dk.status().message());
      k->channels.push_back(std::move(dk).value());
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }
  // The per-pixel dense product as a Dense layer of the same config/types.
  ir::Layer d = l;
  d.kind = ir::LayerKind::Dense;
  ir::Param& dw = d.params[ir::SlotKey(ir::Slot::Weight)];
  dw.shape = {geo->K(), geo->co};
  LayerIO dio = io;
  dio.layer = &d;
  dio.n_in = geo->K();
  dio.n_out = geo->co;
  dio.in_shape = {geo->K()};
  dio.out_shape = {geo->co};
  auto dk = MakeDense(dio);
  if (!dk.ok()) return Status::Fail(dk.status().message());
  auto k = std::make_unique<ConvKernel>();
  k->g = *geo;
  k->index = WindowIndex(*geo);
  k->dense = std::move(dk).value();
  return std::unique_ptr<Kernel>(std::move(k));
}

Status RunFloatConv(const LayerIO& io, const double* in, double* out) {
  const ir::Layer& l = *io.layer;
  auto geo = MakeGeometry(io);
  if (!geo.ok()) return geo.status();
  const Geometry& g = *geo;
  const ir::Param* w = l.param(ir::Slot::Weight);
  if (!w) return Status::Fail(io.where() + ": param 'weight' missing");
  const ir::Param* b = l.param(ir::Slot::Bias);
  const bool dw = l.conv->depthwise;
  const int64_t dm = l.conv->depth_multiplier;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      double* o = out + (oy * g.ow + ox) * g.co;
      for (int64_t j = 0; j < g.co; ++j) o[j] = b ? b->values[j] : 0.0;
      for (int64_t ky = 0; ky < g.kh; ++ky)
        for (int64_t kx = 0; kx < g.kw; ++kx) {
          const int64_t iy = oy * g.sh + ky - g.pt, ix = ox * g.sw + kx - g.pl;
          if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
          const double* x = in + (iy * g.w + ix) * g.c;
          const int64_t k = ky * g.kw + kx;
          for (int64_t ch = 0; ch < g.c; ++ch) {
            if (dw) {
              for (int64_t m = 0; m < dm; ++m) o[ch * dm + m] += x[ch] * w->values[(k * g.c + ch) * dm + m];
            } else {
              const double* wr = &w->values[(k * g.c + ch) * g.co];
              for (int64_t j = 0; j < g.co; ++j) o[j] += x[ch] * wr[j];
            }
          }
        }
    }
  return Status::Ok();
}

}  // namespace hlsforge::emu::detail
