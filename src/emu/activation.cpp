// Element-wise activations, as hls4ml's nnet_activation.h (io_parallel):
//  * linear:  res = (res_T) x
//  * relu:    x > 0 ? (res_T) x : 0
//  * relu_max (ReLU with max_value M): x < 0 ? 0 : x > M ? (res_T) M : (res_T) x
//  * leaky_relu: x > 0 ? (res_T) x : (res_T)(alpha * x)
//  * thresholded_relu: x > theta ? (res_T) x : 0
//    (M, alpha, theta: the fixed-point param_t word of the hardware plan,
//    ir::ActivationParamOf; comparisons and the product exact)
//  * sigmoid: 1024-entry (table_size) LUT of table_t over [-8, 8):
//      index = trunc0(x * table_size / 16) + table_size / 2, clamped;
//      table[i] = table_t(float(1.0 / (1 + expf(-in))))  with
//      in = float(16.0 * (i - N/2.0) / N)
//  * tanh: LUT over [-4, 4): index = trunc0(x * N / 8) + N / 2;
//      table[i] = table_t(tanh(double(in))), in = float(8.0 * (i - N/2.0) / N)
//  * binary_tanh: x >= 0 -> +1 else -1; into a 1-bit unsigned result as the
//    XNOR bit (1 / 0), otherwise (res_T)(+-1)
//  * ternary_tanh: d = (data_T)(2*x); d > 1 -> 1, d > -1 -> 0, else -1
//  * hard_sigmoid / hard_tanh: y = slope*x + shift clamped to [0,1]
//    (slope 0.2, shift 0.5, exact), hard_tanh = 2y - 1.
#include <cmath>

#include "tables.h"

namespace hlsforge::emu::detail {
namespace {

class ActivationKernel : public Kernel {
 public:
  ir::ActivationKind kind = ir::ActivationKind::Linear;
  int64_t n = 0;
  Format in_f{}, res_f{};
  FastCast to_res;
  // relu_max / thresholded / leaky
  int64_t max_word_res = 0;     // relu_max: M as a res word
  int64_t alpha_word = 0;       // M, theta or alpha: the param_t word
  Format alpha_f{};

  /// x (format in_f) > the param word, exactly.
  bool AboveParam(int64_t x) const {
    const int f = std::max(fx::frac(in_f), fx::frac(alpha_f));
    return (fx::widen(x, in_f.s) << (f - fx::frac(in_f))) > (fx::widen(alpha_word, alpha_f.s) << (f - fx::frac(alpha_f)));
  }
  // LUT activations
  int64_t table_size = 0;
  int64_t div = 16;
  std::vector<int64_t> table_res;  // table entries already cast to res_T
  // binary
  bool res_bit = false;
  int64_t plus1 = 0, minus1 = 0, zero = 0;

  void Run(const int64_t* in, int64_t* out, Scratch&) const override {
    using K = ir::ActivationKind;
    switch (kind) {
      case K::Linear:
        for (int64_t i = 0; i < n; ++i) out[i] = to_res(in[i]);
        return;
      case K::ReLU:
        if (to_res.simple())
          for (int64_t i = 0; i < n; ++i) {
            const int64_t c = to_res.Simple(in[i]);
            out[i] = c & -static_cast<int64_t>(in[i] > 0);  // branch-free: x > 0 ? c : 0
          }
        else
          for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0 ? to_res(in[i]) : 0;
        return;
      case K::ReLU6OrMax:
        for (int64_t i = 0; i < n; ++i) {
          const int64_t x = in[i];
          if (x < 0 && in_f.s) out[i] = 0;
          else if (AboveParam(x)) out[i] = max_word_res;
          else out[i] = fx::cast(x, in_f, res_f);
        }
        return;
      case K::ThresholdedReLU:
        for (int64_t i = 0; i < n; ++i)
          out[i] = AboveParam(in[i]) ? fx::cast(in[i], in_f, res_f) : 0;
        return;
      case K::LeakyReLU:
        for (int64_t i = 0; i < n; ++i) {
          const int64_t x = in[i];
          if (x > 0) {
            out[i] = fx::cast(x, in_f, res_f);
          } else {
            const fx::i128 p = fx::widen(x, in_f.s) * fx::widen(alpha_word, alpha_f.s);
            out[i] = fx::convert(p, fx::frac(in_f) + fx::frac(alpha_f), res_f);
          }
        }
        return;
      case K::Sigmoid:
      case K::Tanh:
        for (int64_t i = 0; i < n; ++i) {
          int64_t idx = ScaledIndex(in[i], in_f, table_size, div) + table_size / 2;
          if (idx < 0) idx = 0;
          if (idx > table_size - 1) idx = table_size - 1;
          out[i] = table_res[idx];
        }
        return;
      case K::BinaryTanh:
        for (int64_t i = 0; i < n; ++i) out[i] = (in[i] >= 0 || !in_f.s) ? plus1 : minus1;
        return;
      case K::TernaryTanh: {
        // datareg = 2 * x assigned to data_T: the same word read with one
        // more integer bit (and one less fractional bit) is exactly 2x.
        const Format two_f{in_f.w + 1, in_f.i + 2, in_f.s};
        for (int64_t i = 0; i < n; ++i) {
          const int64_t d = fx::cast(in[i], two_f, in_f);
          const double v = fx::to_double(d, in_f);
          out[i] = v > 1 ? plus1 : (v > -1 ? zero : minus1);
        }
        return;
      }
      case K::HardSigmoid:
      case K::HardTanh:
        for (int64_t i = 0; i < n; ++i) {
          double y = 0.2 * fx::to_double(in[i], in_f) + 0.5;
          y = y > 1 ? 1 : (y < 0 ? 0 : y);
          if (kind == K::HardTanh) y = 2 * y - 1;
          out[i] = fx::from_double(y, res_f);
        }
        return;
    }
  }
};

}  // namespace

StatusOr<TableActivation> ResolveTableActivation(const LayerIO& io) {
  using K = ir::ActivationKind;
  const ir::Layer& l = *io.layer;
  TableActivation r;
  auto tt = NeedType(io, ir::Slot::Table);
  if (!tt.ok()) return tt.status();
  const int64_t N = l.config.table_size;
  if (N < 2) return Status::Fail(io.where() + ": table_size " + std::to_string(N) + " must be >= 2");
  r.table_size = N;
  r.div = l.activation == K::Sigmoid ? 16 : 8;
  r.table_res.resize(N);
  const Format tf = Fmt(*tt), res_f = Fmt(io.out_type);
  for (int64_t i = 0; i < N; ++i) {
    int64_t word;
    if (l.activation == K::Sigmoid) {
      const float in_val = static_cast<float>(2 * 8.0 * (static_cast<double>(i) - static_cast<float>(N) / 2.0) /
                                              static_cast<float>(N));
      const float e = std::exp(-in_val);  // float exp, as std::exp(float)
      const float one_plus = 1 + e;
      const float v = static_cast<float>(1.0 / one_plus);
      word = fx::from_double(v, tf);
    } else {
      const float in_val = static_cast<float>(2 * 4.0 * (static_cast<double>(i) - static_cast<float>(N) / 2.0) /
                                              static_cast<float>(N));
      word = fx::from_double(std::tanh(static_cast<double>(in_val)), tf);
    }
    r.table_res[i] = fx::cast(word, tf, res_f);
  }
  return r;
}

StatusOr<std::unique_ptr<Kernel>> MakeActivation(const LayerIO& io) {
  using K = ir::ActivationKind;
  const ir::Layer& l = *io.layer;
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  auto k = std::make_unique<ActivationKernel>();
  k->kind = l.activation;
  k->n = io.n_in;
  k->in_f = Fmt(io.in_type);
  k->res_f = Fmt(io.out_type);
  k->to_res = FastCast(k->in_f, k->res_f);
  k->res_bit = k->res_f.w == 1 && !k->res_f.s;
  if (k->res_bit) {
    k->plus1 = 1;
    k->minus1 = 0;
    k->zero = 0;
  } else {
    k->plus1 = fx::from_double(1.0, k->res_f);
    k->minus1 = fx::from_double(-1.0, k->res_f);
    k->zero = 0;
  }
  // The constant of the hardware plan (the same rule without one).
  const std::optional<ir::ActivationParam> ap =
      l.plan && l.plan->activation_param ? l.plan->activation_param : ir::ActivationParamOf(l, io.in_type);
  if (ap) {
    k->alpha_f = Fmt(ap->type);
    k->alpha_word = ap->word;
    if (fx::frac(k->alpha_f) - fx::frac(k->in_f) > 60 || fx::frac(k->in_f) - fx::frac(k->alpha_f) > 60)
      return Status::Fail(io.where() + ": param_t " + ap->type.ToString() + " and the input type are too far apart");
  }
  switch (l.activation) {
    case K::ReLU6OrMax:
      if (ap) k->max_word_res = fx::cast(ap->word, k->alpha_f, k->res_f);
      break;
    case K::Sigmoid:
    case K::Tanh: {
      auto t = ResolveTableActivation(io);
      if (!t.ok()) return t.status();
      k->table_size = t->table_size;
      k->div = t->div;
      k->table_res = std::move(t->table_res);
      break;
    }
    default:
      break;
  }
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
