// Softmax over the last axis, as hls4ml's nnet_activation.h (io_parallel,
// nnet::softmax_multidim over rows of n_slice = last dimension):
//
// stable:  x_max = max(x);  d_i = (inp_norm_t)(x_max - x_i)  (>= 0);
//          exp_res_i = (accum_t) exp_table[top_bits(d_i)],
//            exp_table[k] = exp_table_t(expf(-float(value of word k<<(W-N))) * exp_scale)
//            of inp_norm_t (N = ceillog2(table_size) address bits);
//          sum = (inv_inp_t) tree_reduce_add<accum_t>(exp_res);
//          inv = inv_table[top_bits(sum)],  inv_table[k] = inv_table_t(1 / float(value of k in inv_inp_t));
//          res_i = (res_T)(exp_res_i * inv).
//   inp_norm_t defaults to ap_ufixed<W-1, I-1> of the input type (hls4ml's
//   default; config key "inp_norm" overrides). With a wide auto input type the
//   top 10 bits see only the integer part, so every d lands in bin 0 and the
//   result is the constant 1/N, exactly as hls4ml does.
// latency: as stable without the max: the exp table is addressed by the top
//          bits of the input word itself (not negated).
// legacy:  table_t LUTs: exp over [-8, 8), inverse over [0, 64):
//          exp_res_i = sum_j (i == j ? 1 : exp_table[trunc0((x_j - x_i)*N/16) + N/2])
//          accumulated in table_t; res_i = inv_table[trunc0(exp_res_i * N / 64)].
// argmax:  one-hot of the first maximum.
// The tree reduction is hls4ml's reduce(): left part = largest power of two < N.
#include <algorithm>
#include <cmath>

#include "tables.h"

namespace hlsforge::emu::detail {
namespace {

// Value of the word whose top n bits are k (others 0), as float.
inline float ValueFromIndex(int64_t k, Format f, int n) {
  uint64_t u = f.w >= n ? (static_cast<uint64_t>(k) << (f.w - n)) : (static_cast<uint64_t>(k) >> (n - f.w));
  const int64_t word = fx::wrap(static_cast<fx::i128>(u), f.w, f.s);
  return static_cast<float>(fx::to_double(word, f));
}

int64_t PowFloor2(int64_t x) {  // largest power of two <= x (x >= 1)
  int64_t p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

// hls4ml reduce<T, N, Op_add<T>>: op(reduce(left), reduce(right)),
// leftN = 2^floorlog2(N-1); each op result assigned to T.
int64_t ReduceAdd(const int64_t* x, int64_t n, Format t) {
  if (n == 1) return x[0];
  if (n == 2) return fx::convert(fx::widen(x[0], t.s) + fx::widen(x[1], t.s), fx::frac(t), t);
  const int64_t left = PowFloor2(n - 1);
  const int64_t a = ReduceAdd(x, left, t);
  const int64_t b = ReduceAdd(x + left, n - left, t);
  return fx::convert(fx::widen(a, t.s) + fx::widen(b, t.s), fx::frac(t), t);
}

class SoftmaxKernel : public Kernel, public SoftmaxSpec {
 public:
  void Run(const int64_t* in, int64_t* out, Scratch& s) const override {
    if (s.j.size() < static_cast<size_t>(slice)) s.j.resize(slice);
    for (int64_t off = 0; off < n; off += slice) RunSlice(in + off, out + off, s.j.data());
  }

  void RunSlice(const int64_t* x, int64_t* res, int64_t* e) const {
    const int64_t m = slice;
    switch (impl) {
      case ir::SoftmaxImpl::Argmax: {
        int64_t idx = 0;
        for (int64_t i = 1; i < m; ++i)
          if (fx::widen(x[i], in_f.s) > fx::widen(x[idx], in_f.s)) idx = i;
        const int64_t one = fx::from_double(1.0, res_f);
        for (int64_t i = 0; i < m; ++i) res[i] = 0;
        res[idx] = one;
        return;
      }
      case ir::SoftmaxImpl::Stable:
      case ir::SoftmaxImpl::Latency: {
        if (impl == ir::SoftmaxImpl::Stable) {
          int64_t mx = x[0];
          for (int64_t i = 1; i < m; ++i)
            if (fx::widen(x[i], in_f.s) > fx::widen(mx, in_f.s)) mx = x[i];
          const Format df = fx::sub_format(in_f, in_f);
          for (int64_t i = 0; i < m; ++i) {
            const int64_t d = fx::cast(fx::sub(mx, in_f, x[i], in_f), df, norm_f);
            e[i] = exp_acc[TopBits(d, norm_f, exp_bits)];
          }
        } else {
          for (int64_t i = 0; i < m; ++i) e[i] = exp_acc[TopBits(x[i], in_f, exp_bits)];
        }
        const int64_t sum_acc = ReduceAdd(e, m, acc_f);
        const int64_t sum = fx::cast(sum_acc, acc_f, inv_inp_f);
        const int64_t inv = inv_table[TopBits(sum, inv_inp_f, inv_bits)];
        const int pf = fx::frac(acc_f) + fx::frac(inv_f);
        for (int64_t i = 0; i < m; ++i)
          res[i] = fx::convert(fx::widen(e[i], acc_f.s) * fx::widen(inv, inv_f.s), pf, res_f);
        return;
      }
      case ir::SoftmaxImpl::Legacy: {
        const Format df = fx::sub_format(in_f, in_f);
        const int tfr = fx::frac(table_f);
        for (int64_t i = 0; i < m; ++i) {
          int64_t acc = 0;
          for (int64_t j = 0; j < m; ++j) {
            int64_t v;
            if (i == j) {
              v = one_table;
            } else {
              const int64_t d = fx::sub(x[j], in_f, x[i], in_f);
              int64_t idx = ScaledIndex(d, df, table_size, 16) + 8 * table_size / 16;
              if (idx < 0) idx = 0;
              if (idx > table_size - 1) idx = table_size - 1;
              v = exp_legacy[idx];
            }
            acc = fx::convert(fx::widen(acc, table_f.s) + fx::widen(v, table_f.s), tfr, table_f);
          }
          int64_t idx = ScaledIndex(acc, table_f, table_size, 64);
          if (idx < 0) idx = 0;
          if (idx > table_size - 1) idx = table_size - 1;
          res[i] = inv_legacy_res[idx];
        }
        return;
      }
    }
  }
};

/// A softmax with `Skip: true` (LayerPlan::skip): the identity, the output
/// in the input's type (lower_hardware gave the output tensor that type).
class SkippedSoftmaxKernel : public Kernel {
 public:
  int64_t n = 0;
  FastCast to_res;
  void Run(const int64_t* in, int64_t* out, Scratch&) const override {
    for (int64_t i = 0; i < n; ++i) out[i] = to_res(in[i]);
  }
};

}  // namespace

int64_t TopBits(int64_t word, Format f, int n) {
  const uint64_t u = static_cast<uint64_t>(word) & (f.w >= 64 ? ~uint64_t{0} : ((uint64_t{1} << f.w) - 1));
  if (f.w >= n) return static_cast<int64_t>(u >> (f.w - n));
  return static_cast<int64_t>((u << (n - f.w)) & ((uint64_t{1} << n) - 1));
}

StatusOr<SoftmaxSpec> ResolveSoftmax(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  if (l.axis != -1 && l.axis != static_cast<int>(io.in_shape.size()) - 1 &&
      !(io.in_shape.size() == 1 && (l.axis == 0 || l.axis == 1)))
    return Status::Fail(io.where() + ": softmax axis " + std::to_string(l.axis) +
                        " is not the last axis (only the last axis is supported)");
  SoftmaxSpec spec;
  SoftmaxSpec* k = &spec;
  k->impl = l.config.softmax_impl;
  k->n = io.n_in;
  k->slice = io.in_shape.empty() ? io.n_in : io.in_shape.back();
  if (k->slice <= 0 || k->n % k->slice != 0) k->slice = io.n_in;
  k->in_f = Fmt(io.in_type);
  k->res_f = Fmt(io.out_type);
  const int64_t N = l.config.table_size;
  if (N < 2 && k->impl != ir::SoftmaxImpl::Argmax)
    return Status::Fail(io.where() + ": table_size " + std::to_string(N) + " must be >= 2");
  k->table_size = N;
  switch (k->impl) {
    case ir::SoftmaxImpl::Argmax:
      break;
    case ir::SoftmaxImpl::Legacy: {
      auto tt = NeedType(io, ir::Slot::Table);
      if (!tt.ok()) return tt.status();
      k->table_f = Fmt(*tt);
      k->one_table = fx::from_double(1.0, k->table_f);
      k->exp_legacy.resize(N);
      k->inv_legacy_res.resize(N);
      for (int64_t i = 0; i < N; ++i) {
        const float in_val = static_cast<float>(2 * 8.0 * (static_cast<double>(i) - static_cast<float>(N) / 2.0) /
                                                static_cast<float>(N));
        k->exp_legacy[i] = fx::from_double(std::exp(in_val), k->table_f);  // float exp
        const float inv_in = static_cast<float>(64.0 * static_cast<double>(i) / static_cast<float>(N));
        const double inv = inv_in > 0.0 ? 1.0 / static_cast<double>(inv_in) : 0.0;
        k->inv_legacy_res[i] = fx::cast(fx::from_double(inv, k->table_f), k->table_f, k->res_f);
      }
      break;
    }
    case ir::SoftmaxImpl::Stable:
    case ir::SoftmaxImpl::Latency: {
      auto et = NeedType(io, ir::Slot::ExpTable);
      if (!et.ok()) return et.status();
      auto it = NeedType(io, ir::Slot::InvTable);
      if (!it.ok()) return it.status();
      auto at = NeedType(io, ir::Slot::Accum);
      if (!at.ok()) return at.status();
      auto iit = NeedType(io, ir::Slot::InvInp);
      if (!iit.ok()) return iit.status();
      k->exp_f = Fmt(*et);
      k->inv_f = Fmt(*it);
      k->acc_f = Fmt(*at);
      k->inv_inp_f = Fmt(*iit);
      if (k->impl == ir::SoftmaxImpl::Stable) {
        if (auto nt = ir::ResolvedType(l, ir::Slot::InpNorm)) {
          k->norm_f = Fmt(*nt);
        } else {
          if (io.in_type.width() < 2)
            return Status::Fail(io.where() + ": input type " + io.in_type.ToString() +
                                " too narrow for the stable softmax's inp_norm_t");
          k->norm_f = Fmt(ir::SoftmaxInpNormDefault(io.in_type));
        }
      }
      const Format addr = k->impl == ir::SoftmaxImpl::Stable ? k->norm_f : k->in_f;
      k->exp_bits = CeilLog2(N);
      k->inv_bits = CeilLog2(N);
      const float exp_scale = 1.0f;
      k->exp_acc.resize(int64_t{1} << k->exp_bits);
      for (int64_t i = 0; i < static_cast<int64_t>(k->exp_acc.size()); ++i) {
        if (i >= N) { k->exp_acc[i] = 0; continue; }
        float xv = ValueFromIndex(i, addr, k->exp_bits) * exp_scale;
        if (k->impl == ir::SoftmaxImpl::Stable) xv = -xv;
        const float ev = std::exp(xv);  // float exp
        k->exp_acc[i] = fx::cast(fx::from_double(ev, k->exp_f), k->exp_f, k->acc_f);
      }
      k->inv_table.resize(int64_t{1} << k->inv_bits);
      for (int64_t i = 0; i < static_cast<int64_t>(k->inv_table.size()); ++i) {
        if (i >= N) { k->inv_table[i] = 0; continue; }
        const float xv = ValueFromIndex(i, k->inv_inp_f, k->inv_bits);
        const float inv = 1 / xv;  // int / float: float division (inf at 0)
        k->inv_table[i] = fx::from_double(inv, k->inv_f);
      }
      break;
    }
  }
  return spec;
}

StatusOr<std::unique_ptr<Kernel>> MakeSoftmax(const LayerIO& io) {
  if (io.layer->plan && io.layer->plan->skip) {  // Skip: true: an identity (LayerPlan::skip)
    auto k = std::make_unique<SkippedSoftmaxKernel>();
    k->n = io.n_in;
    k->to_res = FastCast(Fmt(io.in_type), Fmt(io.out_type));
    return std::unique_ptr<Kernel>(std::move(k));
  }
  auto spec = ResolveSoftmax(io);
  if (!spec.ok()) return spec.status();
  auto k = std::make_unique<SoftmaxKernel>();
  static_cast<SoftmaxSpec&>(*k) = std::move(spec).value();
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
