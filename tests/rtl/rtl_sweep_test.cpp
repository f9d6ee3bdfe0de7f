// Directed sweeps of the Verilog backend's element-wise layers: for small
// input types, EVERY input word goes through one layer (an activation, a cast
// with each quantization x overflow mode, a binary or ternary threshold) and
// Verilator's output equals emu::Predict bit for bit. The random property
// test rarely lands on an exact boundary (x == 0 for ReLU, a rounding tie, a
// word equal to a threshold); here every boundary word occurs by
// construction; a stable softmax meets every tie among its maxima. All
// designs share one Verilator build.
#include <set>
#include <tuple>

#include "rtl_property.h"

using namespace rtl_test;

namespace {

constexpr int kElems = 4;  // elements per row; each sees every input word

/// 2^w rows of `n` values of type t: element i of row r holds the word
/// (r + i * (2^w / n + 1)) mod 2^w read as t, so that every element sees
/// every word exactly once and the elements of a row differ.
NDArray EveryWord(const FixedType& t, int n) {
  const int64_t m = int64_t{1} << t.width();
  NDArray x;
  x.shape = {m, n};
  for (int64_t r = 0; r < m; ++r)
    for (int i = 0; i < n; ++i) {
      const int64_t p = (r + i * (m / n + 1)) % m;
      x.data.push_back(static_cast<float>(t.ToDouble(fx::wrap(p, t.width(), t.is_signed()))));
    }
  return x;
}

/// A design of one layer (kind, activation, alpha) from in_t to res over
/// every input word; `setup` adds params / precisions to the layer.
template <typename F>
Case OneLayer(const std::string& tag, const FixedType& in_t, int n, ir::LayerKind kind, const FixedType& res,
              F setup) {
  Case c;
  c.tag = tag;
  c.g = StartGraph(tag, n, in_t);
  ir::Layer l = NewLayer(c.g, "layer", kind, "input_1", n, res);
  setup(l);
  c.g.layers.push_back(l);
  c.g.outputs = {l.output};
  PlanHardware(c.g);
  c.x = EveryWord(in_t, n);
  return c;
}

Case Act(const std::string& tag, const FixedType& in_t, ir::ActivationKind k, const FixedType& res,
         double alpha = 0, double beta = 0) {
  return OneLayer(tag, in_t, kElems, ir::LayerKind::Activation, res, [&](ir::Layer& l) {
    l.activation = k;
    l.alpha = alpha;
    l.beta = beta;
    if (k == ir::ActivationKind::LeakyReLU) SetPrec(l, ir::Slot::Param, FixedType(6, 1, true));
    if (k == ir::ActivationKind::Sigmoid || k == ir::ActivationKind::Tanh) {
      l.config.table_size = 256;
      SetPrec(l, ir::Slot::Table, FixedType(10, 2, true, Quant::RND));
    }
  });
}

/// Every element-wise activation of the backend on signed and unsigned
/// inputs; results keep the input's last fractional bit (the smallest
/// positive word is not rounded away) or round it with ties.
void AddActivations(std::vector<Case>& cases) {
  using K = ir::ActivationKind;
  const FixedType inputs[] = {FixedType(6, 3), FixedType(8, 2), FixedType(5, 1, false)};
  for (int k = 0; k < 3; ++k) {
    const FixedType& t = inputs[k];
    const int I = t.integer(), w = t.width();
    const std::string s = "act" + std::to_string(k) + "_";
    cases.push_back(Act(s + "relu", t, K::ReLU, FixedType(w, I, false)));
    cases.push_back(Act(s + "relu_wide", t, K::ReLU, FixedType(w + 3, I + 1, true)));
    cases.push_back(Act(s + "relu_rnd", t, K::ReLU, FixedType(4, 2, false, Quant::RND_CONV, Overflow::SAT)));
    cases.push_back(Act(s + "linear", t, K::Linear, FixedType(5, I - 1, true, Quant::RND, Overflow::SAT_SYM)));
    cases.push_back(Act(s + "relu_max", t, K::ReLU6OrMax, FixedType(w, I, false), 1.5));
    cases.push_back(Act(s + "relu6", t, K::ReLU6OrMax, FixedType(6, 3, false, Quant::RND_INF, Overflow::SAT), 6.0));
    cases.push_back(Act(s + "thresholded_relu", t, K::ThresholdedReLU, FixedType(w, I, t.is_signed()), 0.5));
    cases.push_back(Act(s + "thresholded_relu_neg", t, K::ThresholdedReLU, FixedType(w, I, t.is_signed()), -0.25));
    cases.push_back(Act(s + "leaky_relu", t, K::LeakyReLU, FixedType(8, 3, true, Quant::RND_ZERO, Overflow::SAT), 0.375));
    cases.push_back(Act(s + "hard_sigmoid", t, K::HardSigmoid, FixedType(6, 1, false), 0.2, 0.5));  // Keras slope, shift
    cases.push_back(Act(s + "hard_tanh", t, K::HardTanh, FixedType(6, 2, true), 0.2, 0.5));
    cases.push_back(Act(s + "sigmoid", t, K::Sigmoid, FixedType(8, 1, false)));
    cases.push_back(Act(s + "tanh", t, K::Tanh, FixedType(8, 2, true)));
    if (t.is_signed()) {  // of an unsigned input: constant +1
      cases.push_back(Act(s + "binary_tanh_xnor", t, K::BinaryTanh, FixedType(1, 1, false)));
      cases.push_back(Act(s + "binary_tanh", t, K::BinaryTanh, FixedType(2, 2, true)));
    }
    cases.push_back(Act(s + "ternary_tanh", t, K::TernaryTanh, FixedType(2, 2, true)));
  }
  // Coarse inputs (ap_fixed<4,6>: LSB 4) into tables smaller than the index
  // divisor (sigmoid 8 < 16, tanh 4 < 8): hls4ml's quotient x * N / D keeps
  // the LSB 4, so the word is truncated first (x = 4: index trunc0(1 * 8 / 16)
  // * 4 + 4 = 4, not 4 * 8 / 16 + 4 = 6).
  for (const auto& [k, n, res] : {std::tuple{K::Sigmoid, 8, FixedType(8, 1, false)}, std::tuple{K::Tanh, 4, FixedType(8, 2, true)}})
    cases.push_back(OneLayer(std::string("coarse_") + ir::ToString(k), FixedType(4, 6), kElems,
                             ir::LayerKind::Activation, res, [&](ir::Layer& l) {
                               l.activation = k;
                               l.config.table_size = n;
                               SetPrec(l, ir::Slot::Table, FixedType(10, 2, true, Quant::RND));
                             }));
}

/// The constants of the hardware plan (ir::PlannedActivationParam), not
/// the double: a param precision that moves M / theta / alpha (the RTL once
/// compared against the double), LeakyReLU with the automatic param_t of a
/// non-dyadic alpha, and the table activations of every size: tables that
/// are not a power of two (an address by constant product) and the ELU /
/// SELU / softplus / softsign / PReLU family. On 6-bit inputs (every word)
/// and 16-bit inputs (every word: 65,536 rows), where a ROM over the input
/// words is no longer possible.
void AddPlannedConstants(std::vector<Case>& cases) {
  using K = ir::ActivationKind;
  auto act = [&](const std::string& tag, const FixedType& in_t, K k, const FixedType& res, double alpha, double beta,
                 std::optional<FixedType> param, int table_size, int n = kElems) {
    cases.push_back(OneLayer(tag, in_t, n, ir::LayerKind::Activation, res, [&](ir::Layer& l) {
      l.activation = k;
      l.alpha = alpha;
      l.beta = beta;
      if (param) SetPrec(l, ir::Slot::Param, *param);
      if (table_size) {
        l.config.table_size = table_size;
        SetPrec(l, ir::Slot::Table, FixedType(14, 5, true, Quant::RND));
      }
      if (k == K::PReLU) {
        ir::Param a;
        a.shape = {n};
        for (int i = 0; i < n; ++i) a.values.push_back(0.1 + 0.37 * i);
        a.type = FixedType(8, 2, true);
        l.params["param"] = a;
      }
    }));
  };
  for (const FixedType& t : {FixedType(6, 3), FixedType(16, 6)}) {
    const std::string s = "plan" + std::to_string(t.width()) + "_";
    // M = 1.6 held as 1.5 by ufixed<4,2>: the cap and the value are 1.5
    act(s + "relu_max_param", t, K::ReLU6OrMax, FixedType(t.width(), 3, false), 1.6, 0, FixedType(4, 2, false), 0);
    // theta = 0.3 held as 0.25 by fixed<4,1>
    act(s + "thresholded_param", t, K::ThresholdedReLU, FixedType(t.width(), 4, true), 0.3, 0, FixedType(4, 1, true), 0);
    // alpha = 0.3: the automatic param_t (float32 0.3 held exactly)
    act(s + "leaky_auto", t, K::LeakyReLU, FixedType(10, 3, true, Quant::RND, Overflow::SAT), 0.3, 0, std::nullopt, 0);
    act(s + "hard_sigmoid", t, K::HardSigmoid, FixedType(8, 1, false), 0.2, 0.5, std::nullopt, 0);
    act(s + "hard_tanh", t, K::HardTanh, FixedType(8, 2, true, Quant::RND), 0.2, 0.5, std::nullopt, 0);
    act(s + "sigmoid_100", t, K::Sigmoid, FixedType(8, 1, false), 0, 0, std::nullopt, 100);
    act(s + "tanh_48", t, K::Tanh, FixedType(8, 2, true), 0, 0, std::nullopt, 48);
    act(s + "softplus", t, K::Softplus, FixedType(10, 5, false), 0, 0, std::nullopt, 256);
    act(s + "softsign_96", t, K::Softsign, FixedType(8, 2, true), 0, 0, std::nullopt, 96);
    act(s + "elu", t, K::ELU, FixedType(10, 3, true), 1.5, 0, FixedType(8, 2, true), 64);
    act(s + "elu_200", t, K::ELU, FixedType(10, 3, true), 0.7, 0, FixedType(8, 1, true), 200);
    act(s + "selu", t, K::SELU, FixedType(10, 4, true), 1.6732632423543772, 1.0507009873554805, std::nullopt, 64);
    act(s + "prelu", t, K::PReLU, FixedType(10, 4, true, Quant::RND_CONV, Overflow::SAT), 0, 0, std::nullopt, 0);
  }
}

/// Quantize = one cast, from a type with MORE fractional bits to fewer (cut
/// d = 1, 2, 3 bits: exact ties on every 2^d-th word), every quantization x
/// overflow mode; each mode meets every source/target pair across the other
/// mode. RND_CONV_ODD (an AC-only mode) once per overflow mode.
void AddCasts(std::vector<Case>& cases) {
  struct Pair {
    FixedType from;
    int w, i;
    bool s;
  };
  const Pair pairs[] = {
      {FixedType(8, 3), 5, 3, true},          // d = 3, overflow only by rounding up at the top
      {FixedType(6, 3), 5, 3, true},          // d = 1: every odd word is a tie
      {FixedType(8, 4), 4, 2, true},          // d = 2, most words overflow
      {FixedType(7, 3, false), 4, 2, false},  // unsigned, d = 3
  };
  for (int q = 0; q <= static_cast<int>(Quant::RND_CONV_ODD); ++q)
    for (int o = 0; o < 4; ++o) {
      const Pair& p = pairs[(q + o) % 4];
      const bool ac = static_cast<Quant>(q) == Quant::RND_CONV_ODD;
      const FixedType to(p.w, p.i, p.s, static_cast<Quant>(q), static_cast<Overflow>(o),
                         ac ? Family::AC : Family::AP);
      const std::string tag = "cast_q" + std::to_string(q) + "_o" + std::to_string(o);
      cases.push_back(OneLayer(tag, p.from, kElems, ir::LayerKind::Quantize, to, [](ir::Layer&) {}));
    }
}

ir::Param Thresholds(std::vector<double> v, std::optional<FixedType> type = std::nullopt) {
  ir::Param p;
  p.shape = {static_cast<int64_t>(v.size())};
  p.values = std::move(v);
  p.type = type;
  return p;
}

/// Binary and ternary thresholds on the input grid (x == threshold occurs),
/// 4 channels over 8 elements, plus one set between grid points (a
/// threshold type with more fractional bits than the input).
void AddThresholds(std::vector<Case>& cases) {
  const FixedType inputs[] = {FixedType(6, 3), FixedType(8, 2)};
  for (int k = 0; k < 2; ++k) {
    const FixedType& t = inputs[k];
    const double lo = t.min_value(), hi = t.max_value();
    const std::string s = "thr" + std::to_string(k) + "_";
    const std::vector<double> bin = {-1.25, 0.0, 0.375, hi - t.step()};
    cases.push_back(OneLayer(s + "binary_xnor", t, 8, ir::LayerKind::Threshold, FixedType(1, 1, false),
                             [&](ir::Layer& l) { l.params["threshold"] = Thresholds(bin); }));
    cases.push_back(OneLayer(s + "binary", t, 8, ir::LayerKind::Threshold, FixedType(3, 3, true),
                             [&](ir::Layer& l) { l.params["threshold"] = Thresholds({lo + t.step(), -0.5, 0.125, 1.0}); }));
    cases.push_back(OneLayer(s + "ternary", t, 8, ir::LayerKind::Threshold, FixedType(2, 2, true), [&](ir::Layer& l) {
      l.params["threshold_lo"] = Thresholds({-1.25, 0.0, -t.step(), lo});
      l.params["threshold_hi"] = Thresholds({0.5, 0.0, t.step(), hi - t.step()});
    }));
  }
  const FixedType t(6, 3), fine(12, 3);
  cases.push_back(OneLayer("thr_between_binary", t, 8, ir::LayerKind::Threshold, FixedType(2, 2, true),
                           [&](ir::Layer& l) { l.params["threshold"] = Thresholds({-0.0625, 0.0625, 1.3, -2.01}, fine); }));
  cases.push_back(OneLayer("thr_between_ternary", t, 8, ir::LayerKind::Threshold, FixedType(2, 2, true), [&](ir::Layer& l) {
    l.params["threshold_lo"] = Thresholds({-0.0625, -0.3, 0.0625, -2.01}, fine);
    l.params["threshold_hi"] = Thresholds({0.0625, 0.3, 0.0625, 1.3}, fine);
  }));
}

}  // namespace

/// XNOR popcount Dense (1-bit data and weights) into an accumulator
/// ap_fixed<4,4> that wraps the popcount, over every 8-bit input pattern:
/// the result (ap_int<5>)(acc - 4) * 2 is exact (hls4ml: ap_int * int), so
/// wrapped sums reach -24 in the wide result type.
void AddXnorWrap(std::vector<Case>& cases) {
  Case c = OneLayer("xnor_wrap", FixedType(1, 1, false), 8, ir::LayerKind::Dense, FixedType(8, 8, true),
                    [](ir::Layer& l) {
                      std::vector<double> w;
                      for (int k = 0; k < 64; ++k) w.push_back((k * 5 + k / 8) % 3 ? 1.0 : -1.0);
                      l.params["weight"] = ir::Param{{8, 8}, w, FixedType(1, 1, false)};
                      l.params["bias"] = ir::Param{{8}, {0, 1, -1, 0, 2, -2, 0, 1}, FixedType(8, 3)};
                      SetPrec(l, ir::Slot::Accum, FixedType(4, 4));
                    });
  c.x.shape = {256, 8};
  c.x.data.clear();
  for (int r = 0; r < 256; ++r)
    for (int i = 0; i < 8; ++i) c.x.data.push_back(static_cast<float>((r >> i) & 1));
  cases.push_back(std::move(c));
}

/// Stable softmax over every combination of n words of a 3-bit type (n = 2,
/// 3, 5: 64, 512 and 32,768 rows): every order and every tie among the
/// maxima occurs, so the RTL's max - x_i (pairwise differences, the OR of
/// the maxima's rows) meets each case, incl. all-equal rows. The inp_norm
/// cast saturates (ufixed<3,2>: max - x_i reaches 3.5) and rounds (RND).
void AddSoftmaxTies(std::vector<Case>& cases) {
  const FixedType in_t(3, 2);  // -2 .. 1.5 step 0.5
  for (int n : {2, 3, 5}) {
    Case c = OneLayer("softmax_ties_" + std::to_string(n), in_t, n, ir::LayerKind::Softmax, FixedType(10, 1, false),
                      [](ir::Layer& l) {
                        l.config.softmax_impl = ir::SoftmaxImpl::Stable;
                        l.config.table_size = 64;
                        SetPrec(l, ir::Slot::InpNorm, FixedType(3, 2, false, Quant::RND, Overflow::SAT));
                        SetPrec(l, ir::Slot::ExpTable, FixedType(10, 1, false, Quant::RND));
                        SetPrec(l, ir::Slot::InvTable, FixedType(10, 4, false, Quant::RND));
                        SetPrec(l, ir::Slot::Accum, FixedType(12, 4, true));
                        SetPrec(l, ir::Slot::InvInp, FixedType(10, 4, false, Quant::RND, Overflow::SAT));
                      });
    int64_t rows = 1;
    for (int k = 0; k < n; ++k) rows *= 8;
    c.x.shape = {rows, n};
    c.x.data.clear();
    for (int64_t r = 0; r < rows; ++r)
      for (int k = 0, v = static_cast<int>(r); k < n; ++k, v /= 8)
        c.x.data.push_back(static_cast<float>(in_t.ToDouble(fx::wrap(v % 8, 3, true))));
    cases.push_back(std::move(c));
  }
}

/// A stable softmax of 24 elements (above the pairwise limit of 16: the
/// max-tree path) on 2,048 pseudo-random rows of 3-bit words (many ties).
void AddLongSoftmax(std::vector<Case>& cases) {
  const FixedType in_t(3, 2);
  const int n = 24;
  Case c = OneLayer("softmax_long", in_t, n, ir::LayerKind::Softmax, FixedType(10, 1, false), [](ir::Layer& l) {
    l.config.softmax_impl = ir::SoftmaxImpl::Stable;
    l.config.table_size = 64;
    SetPrec(l, ir::Slot::InpNorm, FixedType(3, 2, false, Quant::RND, Overflow::SAT));
    SetPrec(l, ir::Slot::ExpTable, FixedType(10, 1, false, Quant::RND));
    SetPrec(l, ir::Slot::InvTable, FixedType(10, 4, false, Quant::RND));
    SetPrec(l, ir::Slot::Accum, FixedType(14, 6, true));
    SetPrec(l, ir::Slot::InvInp, FixedType(10, 6, false, Quant::RND, Overflow::SAT));
  });
  c.x.shape = {2048, n};
  c.x.data.clear();
  uint32_t state = 12345;
  for (int64_t k = 0; k < 2048 * n; ++k) {
    state = state * 1103515245u + 12345u;
    c.x.data.push_back(static_cast<float>(in_t.ToDouble(fx::wrap((state >> 16) % 8, 3, true))));
  }
  cases.push_back(std::move(c));
}

/// Legacy softmax (table_t LUTs over [-8, 8) and [0, 64)) with a table of
/// 100 entries, not a power of two: both addresses are constant products.
/// Every combination of 3 words of a 4-bit type (4,096 rows).
void AddLegacySoftmax(std::vector<Case>& cases) {
  const FixedType in_t(4, 3);  // -4 .. 3.5 step 0.5
  for (int N : {100, 64}) {
    Case c = OneLayer("softmax_legacy_" + std::to_string(N), in_t, 3, ir::LayerKind::Softmax, FixedType(10, 1, false),
                      [N](ir::Layer& l) {
                        l.config.softmax_impl = ir::SoftmaxImpl::Legacy;
                        l.config.table_size = N;
                        SetPrec(l, ir::Slot::Table, FixedType(12, 4, false, Quant::RND));
                      });
    c.x.shape = {4096, 3};
    c.x.data.clear();
    for (int64_t r = 0; r < 4096; ++r)
      for (int k = 0, v = static_cast<int>(r); k < 3; ++k, v /= 16)
        c.x.data.push_back(static_cast<float>(in_t.ToDouble(fx::wrap(v % 16, 4, true))));
    cases.push_back(std::move(c));
  }
}

TEST(RtlSweep, EveryInputWordMatchesEmulator) {
  std::vector<Case> cases;
  AddActivations(cases);
  AddPlannedConstants(cases);
  AddLegacySoftmax(cases);
  AddXnorWrap(cases);
  AddCasts(cases);
  AddThresholds(cases);
  AddSoftmaxTies(cases);
  AddLongSoftmax(cases);
  for (const Case& c : cases) {
    ASSERT_TRUE(backends::CheckRtlGraph(c.g).ok()) << c.tag << ": " << backends::CheckRtlGraph(c.g).message();
    // the sweep reaches both sides of the layer's boundaries: several distinct outputs
    auto e = emu::Predict(c.g, c.x);
    ASSERT_TRUE(e.ok()) << c.tag << ": " << e.status().message();
    std::set<float> distinct(e->data.begin(), e->data.end());
    EXPECT_GE(distinct.size(), 2u) << c.tag;
  }
  const BatchStats st = ExpectRtlMatchesEmulator(cases, RtlTmpDir("sweep"));
  std::printf("[ covered  ] %lld designs, %lld values (every input word); Verilator build %.1f s, simulation %.1f s\n",
              static_cast<long long>(st.designs), static_cast<long long>(st.values), st.build_s, st.run_s);
  EXPECT_EQ(st.designs, static_cast<int64_t>(cases.size()));
}
