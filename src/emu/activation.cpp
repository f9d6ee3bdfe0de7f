// Element-wise activations, as hls4ml's nnet_activation.h (io_parallel):
//  * linear:  res = (res_T) x
//  * relu:    x > 0 ? (res_T) x : 0
//  * relu_max (ReLU with max_value M): x < 0 ? 0 : x > M ? (res_T) M : (res_T) x
//  * leaky_relu: x > 0 ? (res_T) x : (res_T)(alpha * x)
//  * prelu: x > 0 ? (res_T) x : (res_T)(alpha[c] * x), alpha of the layer's
//    param ("param", param_t), c = i % (number of alphas)
//  * thresholded_relu: x > theta ? (res_T) x : 0
//    (M, alpha, theta: the fixed-point param_t word of the hardware plan,
//    ir::ActivationParamOf; comparisons and the product exact)
//  * hard_sigmoid: y = slope * x + shift (exact; slope param_t, shift the
//    word of ir::ActivationShiftOf); y > 1 ? 1 : y < 0 ? 0 : (res_T) y;
//    hard_tanh: the same y, then 1 / -1 / (res_T)(2y - 1)
//  * sigmoid / softplus / softsign: table_size-entry LUT of table_t over
//    [-8, 8): index = trunc0(x * table_size / 16) + table_size / 2, clamped
//    (the quotient in x's LSB: for types with an LSB above 1 the word is
//    truncated before scaling, ScaledIndex in kernels.h);
//    table[i] = table_t(float f(in)), in = float(16.0 * (i - N/2.0) / N),
//    f = 1 / (1 + expf(-in)); log(double(expf(in)) + 1); in / (|in| + 1.)
//  * tanh: LUT over [-4, 4): index = trunc0(x * N / 8) + N / 2;
//      table[i] = table_t(tanh(double(in))), in = float(8.0 * (i - N/2.0) / N)
//  * elu / selu: x >= 0 ? (res_T) x [selu: (res_T)(res_T(lambda) * x)]
//    : table[min(floor(-x * N / 8), N - 1)], table over (-8, 0]:
//    in = float(-8.0 * i / N), elu: table_t(float(expf(in) - 1.0)), result
//    (res_T)(alpha * table[i]) with alpha param_t; selu: table_t(float(
//    lambda * (alpha * (expf(in) - 1.0)))), result (res_T) table[i]
//  * binary_tanh: x >= 0 -> +1 else -1; into a 1-bit unsigned result as the
//    XNOR bit (1 / 0), otherwise (res_T)(+-1)
//  * ternary_tanh: d = (data_T)(2*x); d > 1 -> 1, d > -1 -> 0, else -1
#include <algorithm>
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
  TableActivation table;
  int64_t TableIndex(int64_t x) const {
    const int64_t idx = ScaledIndex(x, in_f, table.table_size, table.div) + table.offset;
    return idx < 0 ? 0 : (idx > table.table_size - 1 ? table.table_size - 1 : idx);
  }
  // hard_sigmoid / hard_tanh: y = x * slope (frac hs_frac) + shift_aligned
  int hs_frac = 0;
  int64_t shift_aligned = 0;  // shift word at fractional bits hs_frac
  int64_t neg1_res = 0;       // res_T(-1)
  // selu: lambda as a res_T word
  int64_t lambda_res = 0;
  // prelu: alpha words of alpha_f
  std::vector<int64_t> alphas;
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
      case K::Softplus:
      case K::Softsign:
        for (int64_t i = 0; i < n; ++i) out[i] = table.table_res[TableIndex(in[i])];
        return;
      case K::ELU:
      case K::SELU:
        for (int64_t i = 0; i < n; ++i) {
          const int64_t x = in[i];
          if (x >= 0 || !in_f.s) {
            out[i] = kind == K::ELU ? fx::cast(x, in_f, res_f)
                                    : fx::convert(fx::widen(x, in_f.s) * fx::widen(lambda_res, res_f.s),
                                                  fx::frac(in_f) + fx::frac(res_f), res_f);
          } else if (kind == K::ELU) {
            const fx::i128 p = fx::widen(alpha_word, alpha_f.s) * fx::widen(table.table_words[TableIndex(x)], table.table_f.s);
            out[i] = fx::convert(p, fx::frac(alpha_f) + fx::frac(table.table_f), res_f);
          } else {
            out[i] = table.table_res[TableIndex(x)];
          }
        }
        return;
      case K::PReLU:
        for (int64_t i = 0; i < n; ++i) {
          const int64_t x = in[i];
          if (x > 0) {
            out[i] = fx::cast(x, in_f, res_f);
          } else {
            const int64_t a = alphas[static_cast<size_t>(i) % alphas.size()];
            out[i] = fx::convert(fx::widen(x, in_f.s) * fx::widen(a, alpha_f.s), fx::frac(in_f) + fx::frac(alpha_f), res_f);
          }
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
      case K::HardTanh: {
        // y = slope * x + shift, exact at hs_frac fractional bits
        const fx::i128 one = fx::i128{1} << hs_frac;
        for (int64_t i = 0; i < n; ++i) {
          const fx::i128 y = fx::widen(in[i], in_f.s) * fx::widen(alpha_word, alpha_f.s) *
                                 (fx::i128{1} << (hs_frac - fx::frac(in_f) - fx::frac(alpha_f))) +
                             shift_aligned;
          if (kind == K::HardSigmoid) out[i] = y > one ? plus1 : (y < 0 ? zero : fx::convert(y, hs_frac, res_f));
          else out[i] = y > one ? plus1 : (y < 0 ? neg1_res : fx::convert(2 * y - one, hs_frac, res_f));
        }
        return;
      }
    }
  }
};

}  // namespace

StatusOr<TableActivation> ResolveTableActivation(const LayerIO& io) {
  using K = ir::ActivationKind;
  const ir::Layer& l = *io.layer;
  const K kind = l.activation;
  TableActivation r;
  auto tt = NeedType(io, ir::Slot::Table);
  if (!tt.ok()) return tt.status();
  const int64_t N = l.config.table_size;
  if (N < 2) return Status::Fail(io.where() + ": table_size " + std::to_string(N) + " must be >= 2");
  const bool negative_half = kind == K::ELU || kind == K::SELU;
  r.table_size = N;
  r.div = kind == K::Tanh ? 8 : (negative_half ? -8 : 16);
  r.offset = negative_half ? 0 : N / 2;
  r.table_f = Fmt(*tt);
  const Format res_f = Fmt(io.out_type);
  r.table_words.resize(N);
  r.table_res.resize(N);
  for (int64_t i = 0; i < N; ++i) {
    // in_val as the kernel's float: a double expression assigned to float
    const double range = kind == K::Tanh ? 8.0 : 16.0;
    const float in_val =
        negative_half ? static_cast<float>(-8.0 * static_cast<double>(i) / static_cast<double>(static_cast<float>(N)))
                      : static_cast<float>(range * (static_cast<double>(i) - static_cast<float>(N) / 2.0) /
                                           static_cast<float>(N));
    double v = 0;
    switch (kind) {
      case K::Sigmoid: v = static_cast<float>(1.0 / static_cast<float>(1 + std::exp(-in_val))); break;
      case K::Tanh: v = std::tanh(static_cast<double>(in_val)); break;
      case K::Softplus: v = static_cast<float>(std::log(static_cast<double>(std::exp(in_val)) + 1.0)); break;
      case K::Softsign:
        v = static_cast<float>(static_cast<double>(in_val) / (static_cast<double>(std::fabs(in_val)) + 1.0));
        break;
      case K::ELU: v = static_cast<float>(static_cast<double>(std::exp(in_val)) - 1.0); break;
      case K::SELU:
        v = static_cast<float>(l.beta * (l.alpha * (static_cast<double>(std::exp(in_val)) - 1.0)));
        break;
      default: return Status::Fail(io.where() + ": activation " + ir::ToString(kind) + " has no table");
    }
    r.table_words[i] = fx::from_double(v, r.table_f);
    r.table_res[i] = fx::cast(r.table_words[i], r.table_f, res_f);
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
  const std::optional<ir::ActivationParam> ap = ir::PlannedActivationParam(l, io.in_type);
  if (ap) {
    k->alpha_f = Fmt(ap->type);
    k->alpha_word = ap->word;
    if (fx::frac(k->alpha_f) - fx::frac(k->in_f) > 60 || fx::frac(k->in_f) - fx::frac(k->alpha_f) > 60)
      return Status::Fail(io.where() + ": param_t " + ap->type.ToString() + " and the input type are too far apart");
  }
  k->neg1_res = fx::from_double(-1.0, k->res_f);
  switch (l.activation) {
    case K::ReLU6OrMax:
      if (ap) k->max_word_res = fx::cast(ap->word, k->alpha_f, k->res_f);
      break;
    case K::Sigmoid:
    case K::Tanh:
    case K::Softplus:
    case K::Softsign:
    case K::ELU:
    case K::SELU: {
      auto t = ResolveTableActivation(io);
      if (!t.ok()) return t.status();
      k->table = std::move(t).value();
      if (l.activation == K::ELU && !ap) return Status::Fail(io.where() + ": ELU without its alpha param_t");
      if (l.activation == K::SELU) k->lambda_res = fx::from_double(l.beta, k->res_f);
      if (k->in_f.w + 2 * 12 > 100 || std::abs(fx::frac(k->in_f)) > 60)
        return Status::Fail(io.where() + ": input type " + io.in_type.ToString() + " is too wide for the table index");
      break;
    }
    case K::HardSigmoid:
    case K::HardTanh: {
      const std::optional<ir::ActivationParam> sh = ir::ActivationShiftOf(l);
      if (!ap || !sh) return Status::Fail(io.where() + ": hard activation without its slope / shift");
      const int prod_frac = fx::frac(k->in_f) + fx::frac(k->alpha_f), sh_frac = sh->type.fractional();
      k->hs_frac = std::max({prod_frac, sh_frac, 0});
      if (k->hs_frac - std::min(prod_frac, sh_frac) > 60 || k->in_f.w + k->alpha_f.w + 60 > 120)
        return Status::Fail(io.where() + ": slope, shift and input types are too far apart");
      k->shift_aligned = static_cast<int64_t>(fx::widen(sh->word, sh->type.is_signed()) << (k->hs_frac - sh_frac));
      if (k->hs_frac - prod_frac > 60) return Status::Fail(io.where() + ": slope and input types are too far apart");
      break;
    }
    case K::PReLU: {
      const ir::Param* a = l.param(ir::Slot::Param);
      if (!a || a->values.empty() || !a->type)
        return Status::Fail(io.where() + ": PReLU without a typed 'param' (alpha)");
      k->alpha_f = Fmt(*a->type);
      for (double v : a->values) k->alphas.push_back(a->type->Quantize(v));
      if (std::abs(fx::frac(k->alpha_f)) > 60 || k->in_f.w + k->alpha_f.w > 120)
        return Status::Fail(io.where() + ": param_t " + a->type->ToString() + " is too wide");
      break;
    }
    default:
      break;
  }
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
