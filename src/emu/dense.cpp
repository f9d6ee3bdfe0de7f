// Dense (hls4ml nnet::dense, latency and resource strategies give the same
// values): for every output j
//   acc = (accum_t) bias[j];
//   for i in 0..n_in-1:  acc += (accum_t) product(data[i], weight[i][j]);
//   res[j] = (res_T) acc;
// where product is the exact a*w (nnet::product::mult; weight_binary /
// data_binary / weight_ternary give the same exact values with bipolar
// 1-bit words), assigned to accum_t (its quantization and overflow modes),
// and every += is exact then assigned to accum_t. For 1-bit data AND 1-bit
// weights (nnet::product::both_binary) the product is XNOR (a == w) and the
// result is (res_T)((ap_int<ceillog2(n_in)+2>)(acc - n_in/2) * 2), as
// nnet_mult.h's cast: the n-bit integer wraps, the product by 2 does not
// (ap_int<n> * int is an ap_int<n+32>), which matters once a narrow accum_t
// has wrapped the popcount.
//
// Speed: when accum_t wraps and holds every product without rounding (the
// hls4ml default: accum = auto), the accumulation is modular and the order
// does not matter, so products are summed exactly (double FMA when the bound
// proves every partial sum < 2^53, else uint64 modular) and wrapped once.
// Zero inputs and zero weights are skipped (adding an exact 0 changes nothing).
// Ternary weights with ternary data (2-bit quantized networks, TFC_2W2A) use
// bit planes and popcounts: the same exact modular sum.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <immintrin.h>

#include "kernels.h"

namespace hlsforge::emu::detail {
namespace {

#pragma GCC diagnostic ignored "-Wpsabi"
typedef double V4d __attribute__((vector_size(32)));

// always_inline: called from target_clones bodies; an out-of-line call would
// pass the 32-byte vector with the wrong ABI at -O0.
__attribute__((always_inline)) inline V4d Load4(const double* p) {
  V4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
__attribute__((always_inline)) inline void Store4(double* p, V4d v) { std::memcpy(p, &v, sizeof v); }

// acc[j] += sum_k av[k] * w[idx[k]*n_out + j], register-blocked over 16
// outputs (exact: integers below 2^53).
__attribute__((target_clones("avx2", "default")))
void DenseBlocked(double* acc, const double* w, int64_t n_out, const int64_t* idx, const double* av, int64_t nnz) {
  int64_t j = 0;
  // 32 outputs: 8 independent add chains hide the add latency (per output
  // the additions stay in k order, so the doubles are those of the scalar loop)
  for (; j + 32 <= n_out; j += 32) {
    V4d a0 = Load4(acc + j), a1 = Load4(acc + j + 4), a2 = Load4(acc + j + 8), a3 = Load4(acc + j + 12);
    V4d a4 = Load4(acc + j + 16), a5 = Load4(acc + j + 20), a6 = Load4(acc + j + 24), a7 = Load4(acc + j + 28);
    for (int64_t k = 0; k < nnz; ++k) {
      const double* wr = w + idx[k] * n_out + j;
      const V4d s = {av[k], av[k], av[k], av[k]};
      a0 += s * Load4(wr);
      a1 += s * Load4(wr + 4);
      a2 += s * Load4(wr + 8);
      a3 += s * Load4(wr + 12);
      a4 += s * Load4(wr + 16);
      a5 += s * Load4(wr + 20);
      a6 += s * Load4(wr + 24);
      a7 += s * Load4(wr + 28);
    }
    Store4(acc + j, a0);
    Store4(acc + j + 4, a1);
    Store4(acc + j + 8, a2);
    Store4(acc + j + 12, a3);
    Store4(acc + j + 16, a4);
    Store4(acc + j + 20, a5);
    Store4(acc + j + 24, a6);
    Store4(acc + j + 28, a7);
  }
  for (; j + 16 <= n_out; j += 16) {
    V4d a0 = Load4(acc + j), a1 = Load4(acc + j + 4), a2 = Load4(acc + j + 8), a3 = Load4(acc + j + 12);
    for (int64_t k = 0; k < nnz; ++k) {
      const double* wr = w + idx[k] * n_out + j;
      const V4d s = {av[k], av[k], av[k], av[k]};
      a0 += s * Load4(wr);
      a1 += s * Load4(wr + 4);
      a2 += s * Load4(wr + 8);
      a3 += s * Load4(wr + 12);
    }
    Store4(acc + j, a0);
    Store4(acc + j + 4, a1);
    Store4(acc + j + 8, a2);
    Store4(acc + j + 12, a3);
  }
  for (; j + 4 <= n_out; j += 4) {
    V4d a0 = Load4(acc + j);
    for (int64_t k = 0; k < nnz; ++k) {
      const V4d s = {av[k], av[k], av[k], av[k]};
      a0 += s * Load4(w + idx[k] * n_out + j);
    }
    Store4(acc + j, a0);
  }
  for (; j < n_out; ++j) {
    double a = acc[j];
    for (int64_t k = 0; k < nnz; ++k) a += av[k] * w[idx[k] * n_out + j];
    acc[j] = a;
  }
}

// dots[j] = sum_i x_i * w_ij for x, w in {-1, 0, +1} held as bit planes
// (P/N: x == +1 / x == -1; WP/WN [n_out][words]: w == +1 / w == -1):
// products +1 where the signs agree, -1 where they differ.
__attribute__((target_clones("popcnt", "default")))
void TernaryDots(const uint64_t* P, const uint64_t* N, const uint64_t* WP, const uint64_t* WN, int64_t words,
                 int64_t n_out, int64_t* dots) {
  for (int64_t j = 0; j < n_out; ++j) {
    const uint64_t* wp = WP + j * words;
    const uint64_t* wn = WN + j * words;
    int64_t pos = 0, neg = 0;
    for (int64_t k = 0; k < words; ++k) {
      pos += __builtin_popcountll((P[k] & wp[k]) | (N[k] & wn[k]));
      neg += __builtin_popcountll((P[k] & wn[k]) | (N[k] & wp[k]));
    }
    dots[j] = pos - neg;
  }
}

// Bit planes of n words x (P: x == +1, N: x == -1), 64 per uint64; returns
// false when some word is not in {-1, 0, +1}.
// Bits i in [from, to) of one 64-word block (the scalar step of both packers).
inline void PackTernaryBits(const int64_t* block, int64_t from, int64_t to, uint64_t& p, uint64_t& q,
                            uint64_t& bad) {
  for (int64_t i = from; i < to; ++i) {
    const int64_t a = block[i];
    bad |= static_cast<uint64_t>(a + 1) > 2;
    p |= static_cast<uint64_t>(a == 1) << i;
    q |= static_cast<uint64_t>(a == -1) << i;
  }
}

bool PackTernary(const int64_t* in, int64_t n, uint64_t* P, uint64_t* N) {
  uint64_t bad = 0;
  for (int64_t i0 = 0, k = 0; i0 < n; i0 += 64, ++k) {
    uint64_t p = 0, q = 0;
    PackTernaryBits(in + i0, 0, std::min<int64_t>(64, n - i0), p, q, bad);
    P[k] = p;
    N[k] = q;
  }
  return bad == 0;
}

// The same with AVX2: 4 words per compare, bits by movemask.
__attribute__((target("avx2"))) bool PackTernaryAvx2(const int64_t* in, int64_t n, uint64_t* P, uint64_t* N) {
  const __m256i one = _mm256_set1_epi64x(1), minus = _mm256_set1_epi64x(-1), zero = _mm256_setzero_si256();
  uint64_t bad = 0;
  for (int64_t i0 = 0, k = 0; i0 < n; i0 += 64, ++k) {
    uint64_t p = 0, q = 0;
    const int64_t cnt = std::min<int64_t>(64, n - i0);
    int64_t i = 0;
    for (; i + 4 <= cnt; i += 4) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i0 + i));
      const __m256i mp = _mm256_cmpeq_epi64(v, one), mn = _mm256_cmpeq_epi64(v, minus);
      const __m256i ok = _mm256_or_si256(_mm256_or_si256(mp, mn), _mm256_cmpeq_epi64(v, zero));
      p |= static_cast<uint64_t>(_mm256_movemask_pd(_mm256_castsi256_pd(mp))) << i;
      q |= static_cast<uint64_t>(_mm256_movemask_pd(_mm256_castsi256_pd(mn))) << i;
      bad |= static_cast<uint64_t>(_mm256_movemask_pd(_mm256_castsi256_pd(ok)) ^ 0xF);
    }
    PackTernaryBits(in + i0, i, cnt, p, q, bad);
    P[k] = p;
    N[k] = q;
  }
  return bad == 0;
}

void AxpyU(uint64_t* acc, const uint64_t* w, uint64_t a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) acc[j] += a * w[j];
}

class DenseKernel : public Kernel {
 public:
  enum class Mode { kDouble, kModular, kExact };

  int64_t n_in = 0, n_out = 0;
  Format in_f{}, in_eff{}, w_f{}, acc_f{}, res_f{}, prod_f{};
  FastCast to_res;
  bool data_bipolar = false;   // 1-bit unsigned data, non-binary weights (data_binary)
  bool both_binary = false;
  bool xnor_exact = false;     // both_binary and accum_t holds |bias| + n_in: plain popcount
  Mode mode = Mode::kExact;
  int shift = 0;               // frac(acc) - frac(prod)
  bool sparse = false;

  std::vector<int64_t> bias_acc;   // bias as accum words
  std::vector<int64_t> w_words;    // [n_in*n_out] effective weight words (exact mode)
  std::vector<double> w_d;         // shifted weights (double mode)
  std::vector<uint64_t> w_u;       // shifted weights (modular mode)
  std::vector<double> bias_d;
  std::vector<uint64_t> bias_u;
  // sparse rows: for input i, entries [row_ptr[i], row_ptr[i+1]) of (col, value)
  std::vector<uint32_t> row_ptr, col;
  std::vector<double> val_d;
  std::vector<uint64_t> val_u;
  // ternary path: weight words all in {-1, 0, +1}, accumulation modular
  // (kDouble / kModular); used for a row whose data words are all in
  // {-1, 0, +1} (ternary activations), else the row takes the mode's path
  bool ternary = false;
  int64_t t_words = 0;               // 64-bit words per bit plane
  std::vector<uint64_t> wp, wn;      // [n_out][t_words]
  bool avx2 = false;                 // the CPU has AVX2 (bit-plane packing)

  int64_t Data(int64_t a) const { return data_bipolar ? (a != 0 ? 1 : -1) : a; }

  // res[j] = (res_T) wrap_accum(acc[j]) for exact integer sums acc[j] (|acc| < 2^53):
  // the same fx::wrap and FastCast as the general loop, with the TRN/WRAP
  // result test hoisted out of the loop (branch-free body).
  void WrapOut(const double* acc, int64_t* out) const {
    if (to_res.simple()) {
      for (int64_t j = 0; j < n_out; ++j)
        out[j] = to_res.Simple(fx::wrap(static_cast<int64_t>(acc[j]), acc_f.w, acc_f.s));
    } else {
      for (int64_t j = 0; j < n_out; ++j) out[j] = to_res(fx::wrap(static_cast<int64_t>(acc[j]), acc_f.w, acc_f.s));
    }
  }

  // The ternary bit-plane path; false (nothing written) when a data word is
  // not in {-1, 0, +1}. acc = bias + (sum x*w) << shift, modular in 64 bits,
  // then accum_t's wrap and the result assignment: the words of the
  // kDouble / kModular loops (both exact modular sums).
  bool RunTernary(const int64_t* in, int64_t* out, Scratch& s) const {
    const size_t need = static_cast<size_t>(2 * t_words + n_out);
    if (s.i.size() < need) s.i.resize(need);
    uint64_t* P = reinterpret_cast<uint64_t*>(s.i.data());
    uint64_t* N = P + t_words;
    int64_t* dots = s.i.data() + 2 * t_words;
    if (!(avx2 ? PackTernaryAvx2(in, n_in, P, N) : PackTernary(in, n_in, P, N))) return false;
    TernaryDots(P, N, wp.data(), wn.data(), t_words, n_out, dots);
    for (int64_t j = 0; j < n_out; ++j) {
      const uint64_t acc = static_cast<uint64_t>(bias_acc[j]) + (static_cast<uint64_t>(dots[j]) << shift);
      out[j] = to_res(fx::wrap(static_cast<fx::i128>(static_cast<int64_t>(acc)), acc_f.w, acc_f.s));
    }
    return true;
  }

  void Run(const int64_t* in, int64_t* out, Scratch& s) const override {
    if (both_binary) return RunBothBinary(in, out);
    if (ternary && RunTernary(in, out, s)) return;
    switch (mode) {
      case Mode::kDouble: {
        if (s.d.size() < static_cast<size_t>(n_out)) s.d.resize(n_out);
        double* acc = s.d.data();
        std::memcpy(acc, bias_d.data(), sizeof(double) * n_out);
        if (!sparse) {
          // nonzero inputs first, then one register-blocked pass
          if (s.d2.size() < static_cast<size_t>(n_in)) s.d2.resize(n_in);
          if (s.j.size() < static_cast<size_t>(n_in)) s.j.resize(n_in);
          int64_t nnz = 0;
          int64_t* ix = s.j.data();
          double* av = s.d2.data();
          const int64_t ni = n_in;
          if (data_bipolar) {
            for (int64_t i = 0; i < ni; ++i) {
              ix[i] = i;
              av[i] = in[i] != 0 ? 1.0 : -1.0;
            }
            nnz = ni;
          } else {
            for (int64_t i = 0; i < ni; ++i) {  // branch-free compaction
              const int64_t a = in[i];
              ix[nnz] = i;
              av[nnz] = static_cast<double>(a);
              nnz += a != 0;
            }
          }
          DenseBlocked(acc, w_d.data(), n_out, s.j.data(), s.d2.data(), nnz);
        }
        if (sparse) {
          for (int64_t i = 0; i < n_in; ++i) {
            const int64_t a = Data(in[i]);
            if (a == 0) continue;
            const double ad = static_cast<double>(a);
            for (uint32_t k = row_ptr[i]; k < row_ptr[i + 1]; ++k) acc[col[k]] += ad * val_d[k];
          }
        }
        WrapOut(acc, out);
        return;
      }
      case Mode::kModular: {
        if (s.i.size() < static_cast<size_t>(n_out)) s.i.resize(n_out);
        uint64_t* acc = reinterpret_cast<uint64_t*>(s.i.data());
        std::memcpy(acc, bias_u.data(), sizeof(uint64_t) * n_out);
        for (int64_t i = 0; i < n_in; ++i) {
          const int64_t a = Data(in[i]);
          if (a == 0) continue;
          const uint64_t au = static_cast<uint64_t>(a);
          if (sparse) {
            for (uint32_t k = row_ptr[i]; k < row_ptr[i + 1]; ++k) acc[col[k]] += au * val_u[k];
          } else {
            AxpyU(acc, &w_u[i * n_out], au, n_out);
          }
        }
        for (int64_t j = 0; j < n_out; ++j) {
          const int64_t word = fx::wrap(static_cast<fx::i128>(static_cast<int64_t>(acc[j])), acc_f.w, acc_f.s);
          out[j] = to_res(word);
        }
        return;
      }
      case Mode::kExact: {
        if (s.i.size() < static_cast<size_t>(n_out)) s.i.resize(n_out);
        int64_t* acc = s.i.data();
        std::memcpy(acc, bias_acc.data(), sizeof(int64_t) * n_out);
        const int fa = fx::frac(acc_f);
        for (int64_t i = 0; i < n_in; ++i) {
          const int64_t a = Data(in[i]);
          if (a == 0) continue;
          for (int64_t j = 0; j < n_out; ++j) {
            const int64_t w = w_words[i * n_out + j];
            if (w == 0) continue;
            // product at full precision, assigned to accum_t
            const fx::i128 p = fx::widen(a, in_eff.s) * static_cast<fx::i128>(w);
            const int64_t m = fx::convert(p, fx::frac(prod_f), acc_f);
            // acc + mult: exact (same format), then accum_t's overflow mode
            const fx::i128 sum = fx::widen(acc[j], acc_f.s) + fx::widen(m, acc_f.s);
            acc[j] = fx::convert(sum, fa, acc_f);
          }
        }
        for (int64_t j = 0; j < n_out; ++j) out[j] = fx::cast(acc[j], acc_f, res_f);
        return;
      }
    }
  }

  void RunBothBinary(const int64_t* in, int64_t* out) const {
    const int fa = fx::frac(acc_f);
    const Format bit{1, 1, false};
    const int n = CeilLog2(n_in) + 2;
    for (int64_t j = 0; j < n_out; ++j) {
      int64_t acc = bias_acc[j];
      if (xnor_exact) {
        // accum_t holds bias + n_in exactly: every assignment is exact, the
        // sum is bias + popcount (same words as the loop below).
        int64_t cnt = 0;
        for (int64_t i = 0; i < n_in; ++i) cnt += in[i] == w_words[i * n_out + j];
        acc += cnt << fa;
      } else {
        for (int64_t i = 0; i < n_in; ++i) {
          const int64_t x = (in[i] == w_words[i * n_out + j]) ? 1 : 0;  // XNOR
          const int64_t m = fx::cast(x, bit, acc_f);
          acc = fx::convert(fx::widen(acc, acc_f.s) + fx::widen(m, acc_f.s), fa, acc_f);
        }
      }
      // (ap_int<n>)(acc - n_in/2) * 2: the n-bit integer times int 2 at full
      // precision (an n+1-bit value: never wrapped), then res_T
      const Format sub_f = fx::sub_format(acc_f, Format{32, 32, false});
      const int64_t d = fx::sub(acc, acc_f, n_in / 2, Format{32, 32, false});
      const int64_t t = fx::to_int(d, sub_f, n, true);
      out[j] = fx::cast(t * 2, Format{n + 1, n + 1, true}, res_f);
    }
  }
};

}  // namespace

void FloatDenseRow(const double* w, const double* bias, int64_t n_in, int64_t n_out, const double* in, double* out,
                   Scratch& s) {
  if (bias) std::memcpy(out, bias, sizeof(double) * n_out);
  else std::fill(out, out + n_out, 0.0);
  if (s.d2.size() < static_cast<size_t>(n_in)) s.d2.resize(n_in);
  if (s.j.size() < static_cast<size_t>(n_in)) s.j.resize(n_in);
  int64_t* ix = s.j.data();
  double* av = s.d2.data();
  int64_t nnz = 0;
  for (int64_t i = 0; i < n_in; ++i) {  // nonzero inputs, ascending (branch-free)
    ix[nnz] = i;
    av[nnz] = in[i];
    nnz += in[i] != 0;
  }
  // DenseBlocked adds av[k] * w[...] to each out[j] for k ascending, one
  // rounded multiply then one rounded add (no FMA contraction: ISO C++ mode
  // and no fma target), so every out[j] is the double of the scalar loop.
  DenseBlocked(out, w, n_out, ix, av, nnz);
}

StatusOr<std::unique_ptr<Kernel>> MakeDense(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  const ir::Param* w = l.param(ir::Slot::Weight);
  if (!w) return Status::Fail(io.where() + ": param 'weight' missing");
  auto k = std::make_unique<DenseKernel>();
  k->n_in = io.n_in;
  k->n_out = io.n_out;
  if (static_cast<int64_t>(w->size()) != io.n_in * io.n_out)
    return Status::Fail(io.where() + ": param 'weight' has " + std::to_string(w->size()) +
                        " values, expected n_in*n_out = " + std::to_string(io.n_in) + "*" +
                        std::to_string(io.n_out));
  auto wt = NeedType(io, ir::Slot::Weight);
  if (!wt.ok()) return wt.status();
  auto at = NeedType(io, ir::Slot::Accum);
  if (!at.ok()) return at.status();
  const ir::Param* b = l.param(ir::Slot::Bias);
  std::optional<FixedType> bt;
  if (b) {
    if (static_cast<int64_t>(b->size()) != io.n_out)
      return Status::Fail(io.where() + ": param 'bias' has " + std::to_string(b->size()) +
                          " values, expected " + std::to_string(io.n_out));
    auto r = NeedType(io, ir::Slot::Bias);
    if (!r.ok()) return r.status();
    bt = *r;
  }
  k->in_f = Fmt(io.in_type);
  k->w_f = Fmt(*wt);
  k->acc_f = Fmt(*at);
  k->res_f = Fmt(io.out_type);
  k->to_res = FastCast(k->acc_f, k->res_f);
  // The product kind of the hardware plan (one decision for every consumer).
  const ir::ProductKind kind = l.plan && l.plan->has_products ? l.plan->product
                                                              : ir::DecideProductKind(io.in_type, *wt);
  const bool w_bit = kind == ir::ProductKind::Xnor || kind == ir::ProductKind::WeightBinary;
  k->both_binary = kind == ir::ProductKind::Xnor;
  k->data_bipolar = kind == ir::ProductKind::DataBinary;

  // Effective formats: a 1-bit XNOR word stands for -1/+1 (an integer).
  const Format bip{2, 2, true};
  k->in_eff = k->data_bipolar ? bip : k->in_f;
  const Format w_eff = w_bit ? bip : k->w_f;
  k->prod_f = fx::mul_format(k->in_eff, w_eff);

  const int64_t n = io.n_in * io.n_out;
  k->w_words.resize(n);
  size_t zeros = 0;
  for (int64_t q = 0; q < n; ++q) {
    int64_t word = ir::ParamWord(w->values[q], *wt);
    if (w_bit && !k->both_binary) word = word ? 1 : -1;
    k->w_words[q] = word;
    if (word == 0) ++zeros;
  }
  k->bias_acc.assign(io.n_out, 0);
  if (b)
    for (int64_t j = 0; j < io.n_out; ++j)
      k->bias_acc[j] = fx::cast(ir::ParamWord(b->values[j], *bt), Fmt(*bt), k->acc_f);
  if (k->both_binary) {
    int64_t bmax = 0;
    for (int64_t v : k->bias_acc) bmax = std::max<int64_t>(bmax, v < 0 ? -v : v);
    const int fa = fx::frac(k->acc_f);
    const int mag = k->acc_f.w - (k->acc_f.s ? 1 : 0);  // magnitude bits of accum_t
    k->xnor_exact = fa >= 0 && fa < 40 && mag < 62 && k->acc_f.s &&
                    bmax + (static_cast<int64_t>(io.n_in) << fa) < (int64_t{1} << mag);
    return std::unique_ptr<Kernel>(std::move(k));
  }

  k->shift = fx::frac(k->acc_f) - fx::frac(k->prod_f);
  const bool fast = k->acc_f.o == fx::Overflow::WRAP && k->shift >= 0 && k->shift <= 62 &&
                    k->prod_f.w <= 64 && k->acc_f.w <= 64;
  if (!fast) {
    k->mode = DenseKernel::Mode::kExact;
    return std::unique_ptr<Kernel>(std::move(k));
  }
  // Bound on |partial sums| in accum LSBs, to decide whether doubles are exact.
  const double amax = std::ldexp(1.0, k->in_eff.w - (k->in_eff.s ? 1 : 0));
  double worst = 0;
  for (int64_t j = 0; j < io.n_out; ++j) {
    double col = std::fabs(static_cast<double>(k->bias_acc[j]));
    for (int64_t i = 0; i < io.n_in; ++i)
      col += amax * std::ldexp(std::fabs(static_cast<double>(k->w_words[i * io.n_out + j])), k->shift);
    worst = std::max(worst, col);
  }
  k->mode = worst < std::ldexp(1.0, 52) ? DenseKernel::Mode::kDouble : DenseKernel::Mode::kModular;
  // Ternary weights and signed data wider than 1 bit (ternary activations are
  // ap_int<2>): bit planes, checked per row in Run.
  bool w_ternary = !k->data_bipolar && k->in_f.s && k->in_f.w >= 2;
  for (int64_t q = 0; q < n && w_ternary; ++q) w_ternary = k->w_words[q] >= -1 && k->w_words[q] <= 1;
  if (w_ternary && k->in_f.w <= 8) {  // wider data is rarely all in {-1, 0, 1}
    k->ternary = true;
    k->avx2 = __builtin_cpu_supports("avx2");
    k->t_words = (io.n_in + 63) / 64;
    k->wp.assign(static_cast<size_t>(io.n_out * k->t_words), 0);
    k->wn.assign(static_cast<size_t>(io.n_out * k->t_words), 0);
    for (int64_t i = 0; i < io.n_in; ++i)
      for (int64_t j = 0; j < io.n_out; ++j) {
        const int64_t word = k->w_words[i * io.n_out + j];
        const size_t at = static_cast<size_t>(j * k->t_words + i / 64);
        if (word == 1) k->wp[at] |= uint64_t{1} << (i % 64);
        if (word == -1) k->wn[at] |= uint64_t{1} << (i % 64);
      }
  }
  k->sparse = zeros * 4 > static_cast<size_t>(n) * 3;
  auto shifted = [&](int64_t word) { return static_cast<uint64_t>(word) << k->shift; };
  if (k->mode == DenseKernel::Mode::kDouble) {
    k->bias_d.resize(io.n_out);
    for (int64_t j = 0; j < io.n_out; ++j) k->bias_d[j] = static_cast<double>(k->bias_acc[j]);
  } else {
    k->bias_u.resize(io.n_out);
    for (int64_t j = 0; j < io.n_out; ++j) k->bias_u[j] = static_cast<uint64_t>(k->bias_acc[j]);
  }
  if (k->sparse) {
    k->row_ptr.assign(io.n_in + 1, 0);
    for (int64_t i = 0; i < io.n_in; ++i) {
      for (int64_t j = 0; j < io.n_out; ++j) {
        const int64_t word = k->w_words[i * io.n_out + j];
        if (word == 0) continue;
        k->col.push_back(static_cast<uint32_t>(j));
        if (k->mode == DenseKernel::Mode::kDouble)
          k->val_d.push_back(std::ldexp(static_cast<double>(word), k->shift));
        else
          k->val_u.push_back(shifted(word));
      }
      k->row_ptr[i + 1] = static_cast<uint32_t>(k->col.size());
    }
  } else if (k->mode == DenseKernel::Mode::kDouble) {
    k->w_d.resize(n);
    for (int64_t q = 0; q < n; ++q) k->w_d[q] = std::ldexp(static_cast<double>(k->w_words[q]), k->shift);
  } else {
    k->w_u.resize(n);
    for (int64_t q = 0; q < n; ++q) k->w_u[q] = shifted(k->w_words[q]);
  }
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
