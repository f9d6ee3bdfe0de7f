// Acceptance: bit-exact emulation of the Keras / QKeras jet taggers
// against their float semantics, layer by layer.
//
// The float reference is the emulator's float mode on the graph exactly as
// the frontend loads it (no config, no passes), which keras_golden_test
// checks against ../shared/golden/keras (1e-5 relative). The bit-exact run
// uses a configured graph (config + default pass pipeline, as
// `hlsforge predict -c`). A layer of the configured graph is compared with
// the loaded-graph layer of the same name or alias that comes last (passes
// merge e.g. QDense + QActivation into one layer named after the QDense,
// BatchNormalization + binary_tanh into a Threshold named after the
// activation). 1-bit XNOR words (0/1) stand for -1/+1.
//
//  * qkeras_3layer / qkeras-v3_3layer: with the precisions the quantizers
//    imply and every other slot `auto` (what `hlsforge config` writes:
//    hls4ml's granularity="name"), every layer before the softmax equals the
//    float layer bit for bit; the softmax output lies within the interval its
//    lookup tables allow (SoftmaxBounds below).
//  * binary / ternary jet taggers: the hidden layers (integer thresholds)
//    match exactly; argmax agrees with the golden float on >= 99.5 % rows.
//  * `inspect` numbers (report::Summarize) for one layer by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/report/summary.h"
#include "hlsforge/util/ndarray.h"
#include "test_data.h"

namespace {

using hlsforge::FixedType;
using hlsforge::NDArray;
namespace ir = hlsforge::ir;

const std::string kShared = hlsforge::test_data::Root();
std::string Model(const std::string& f) { return kShared + "/models/keras/" + f; }
std::string Golden(const std::string& m, const std::string& f) { return kShared + "/golden/keras/" + m + "/" + f; }

ir::Graph Load(const std::string& model, const std::string& weights) {
  auto g = hlsforge::frontends::LoadKeras(Model(model), weights.empty() ? "" : Model(weights));
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? *g : ir::Graph{};
}

/// Config (YAML text) applied to a copy of `raw`, then the default pipeline.
ir::Graph Configure(const ir::Graph& raw, const std::string& yaml) {
  ir::Graph g = raw;
  auto cfg = ir::ParseConfig(yaml, "<test config>");
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  if (!cfg.ok()) return g;
  auto st = ir::ApplyConfig(*cfg, g);
  EXPECT_TRUE(st.ok()) << st.message();
  st = hlsforge::passes::RunPipeline(g, hlsforge::passes::DefaultPipeline());
  EXPECT_TRUE(st.ok()) << st.message();
  return g;
}

NDArray Npy(const std::string& path) {
  auto a = hlsforge::ReadNpy(path);
  EXPECT_TRUE(a.ok()) << a.status().message();
  return a.ok() ? *a : NDArray{};
}

std::map<std::string, NDArray> TraceOf(const ir::Graph& g, const NDArray& x, bool float_mode) {
  hlsforge::emu::Options opt;
  opt.float_mode = float_mode;
  auto t = hlsforge::emu::Trace(g, x, opt);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : std::map<std::string, NDArray>{};
}

/// The layer of the loaded (raw) graph whose output a configured layer holds:
/// the last raw layer named like it or one of its aliases.
std::string RawCounterpart(const ir::Graph& raw, const ir::Layer& l) {
  std::string best;
  int best_i = -1;
  for (size_t i = 0; i < raw.layers.size(); ++i) {
    const std::string& n = raw.layers[i].name;
    bool match = n == l.name;
    for (const std::string& a : l.aliases) match = match || n == a;
    if (match && static_cast<int>(i) > best_i) best_i = static_cast<int>(i), best = n;
  }
  return best;
}

/// Compares every configured layer (but those listed in `skip`) with its raw
/// counterpart bit for bit. Returns the number of layers compared.
int ExpectLayersExact(const ir::Graph& g, const ir::Graph& raw, const std::map<std::string, NDArray>& fixed,
                      const std::map<std::string, NDArray>& flt, const std::set<std::string>& skip) {
  int compared = 0;
  for (const ir::Layer& l : g.layers) {
    if (skip.count(l.name)) continue;
    const std::string r = RawCounterpart(raw, l);
    if (r.empty()) {
      ADD_FAILURE() << "no loaded-graph layer for " << l.name;
      continue;
    }
    const NDArray& a = fixed.at(l.name);
    const NDArray& b = flt.at(r);
    if (a.data.size() != b.data.size()) {
      ADD_FAILURE() << l.name << ": " << a.data.size() << " values vs " << b.data.size() << " in " << r;
      continue;
    }
    const bool xnor = hlsforge::passes::IsXnorTensor(g, l.output);
    int64_t bad = 0, bad_rows = 0;
    double worst = 0;
    for (int64_t row = 0; row < a.rows(); ++row) {
      bool row_bad = false;
      for (int64_t c = 0; c < a.row_size(); ++c) {
        const size_t i = static_cast<size_t>(row * a.row_size() + c);
        const double v = xnor ? 2 * a.data[i] - 1 : a.data[i];
        if (v != b.data[i]) {
          ++bad;
          row_bad = true;
          worst = std::max(worst, std::fabs(v - b.data[i]));
        }
      }
      bad_rows += row_bad;
    }
    EXPECT_EQ(bad, 0) << "layer " << l.name << " (vs float layer " << r << "): " << bad << " values in "
                      << bad_rows << " of " << a.rows() << " rows differ, worst by " << worst;
    ++compared;
  }
  return compared;
}

// ---- softmax table error ------------------------------------------------------------

/// Interval of every output of hls4ml's stable softmax (src/emu/softmax.cpp)
/// for exact inputs z (one row of n values), from the resolution of its
/// tables; y_true = exp(z_i - max z) / sum_j exp(z_j - max z) lies inside too.
///  * exp table: addressed by the top B = ceillog2(table_size) bits of
///    d = max z - z_i in inp_norm_t, so it returns exp(-k de) with
///    k de in (d - de, d], de = 2^(I_norm - B) (a rounding inp_norm_t:
///    within de/2 of d; a saturating one: at most its maximum); stored in
///    exp_table_t (error qe = its rounding error): e_i in
///    [exp(-d - up) - qe, exp(-min(d, max) + de) + qe], up = 0 or de/2.
///  * the sum S of the e_i (accum_t, exact: same LSB, no overflow) addresses
///    the inverse table by its top B bits in inv_inp_t: 1/(j di) with
///    j di in (S - di, S], di = 2^(I_inv_inp - B); stored in inv_table_t
///    (error qi): inv in [1/S_hi - qi, 1/(S_lo - di) + qi].
///  * y_i = e_i * inv assigned to the result type (error qr).
/// With the jet tagger's auto types (input fixed<18,7> -> inp_norm and
/// inv_inp ufixed<12,3,RND,SAT> chosen from their ranges, the default
/// config's 4096 entries): de = di = 1/512.
struct SoftmaxBoundsResult {
  double max_err = 0;    ///< max |y - y_true| observed
  double max_bound = 0;  ///< max allowed by the intervals
  int64_t outside = 0;   ///< outputs outside their interval
};

double RoundingError(const FixedType& t) {
  return t.quant() == hlsforge::Quant::TRN || t.quant() == hlsforge::Quant::TRN_ZERO ? t.step() : t.step() / 2;
}

FixedType ConfigType(const ir::Layer& l, const std::string& key) {
  auto it = l.config.precision.find(key);
  EXPECT_TRUE(it != l.config.precision.end() && it->second.type) << l.name << ": no " << key << " type";
  return it != l.config.precision.end() && it->second.type ? *it->second.type : FixedType(16, 6);
}

SoftmaxBoundsResult CheckSoftmax(const ir::Graph& g, const ir::Layer& sm, const NDArray& z, const NDArray& y,
                                 const NDArray& y_true) {
  EXPECT_EQ(sm.config.softmax_impl, ir::SoftmaxImpl::Stable);
  int bits = 0;
  while ((int64_t{1} << bits) < sm.config.table_size) ++bits;
  const FixedType norm = ConfigType(sm, "inp_norm"), inv_inp = ConfigType(sm, "inv_inp");
  const double de = std::ldexp(1.0, norm.integer() - bits), di = std::ldexp(1.0, inv_inp.integer() - bits);
  const double qe = RoundingError(ConfigType(sm, "exp_table")) + 1e-6;  // + float expf
  const double qi_rel = 1e-6;                                           // float division
  const double qi = RoundingError(ConfigType(sm, "inv_table"));
  const double qr = RoundingError(*g.tensor(sm.output).type);
  SoftmaxBoundsResult r;
  const int64_t n = z.row_size();
  for (int64_t row = 0; row < z.rows(); ++row) {
    const double* zr = &z.data[static_cast<size_t>(row * n)];
    double mx = zr[0];
    for (int64_t i = 1; i < n; ++i) mx = std::max(mx, zr[i]);
    std::vector<double> lo_e(n), hi_e(n);
    double s_lo = 0, s_hi = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double d = mx - zr[i];
      // a wrapping inp_norm_t must hold d; a saturating one reads d beyond
      // its range as its last bin (the default config's type)
      if (norm.overflow() == hlsforge::Overflow::WRAP) {
        EXPECT_LE(d, norm.max_value()) << "row " << row << ": max - x does not fit inp_norm_t; bound invalid";
      }
      // truncation: bin in (d - de, d]; rounding: within de / 2 of d
      const double up = norm.quant() == hlsforge::Quant::TRN ? 0.0 : de / 2;
      lo_e[i] = std::exp(-d - up) - qe;
      hi_e[i] = std::exp(std::min(0.0, -std::min(d, norm.max_value()) + de)) + qe;
      s_lo += lo_e[i];
      s_hi += hi_e[i];
    }
    EXPECT_GT(s_lo - di, 0.0);
    const double inv_lo = 1 / s_hi * (1 - qi_rel) - qi, inv_hi = 1 / (s_lo - di) * (1 + qi_rel) + qi;
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(row * n + i);
      const double lo = std::max(0.0, lo_e[i]) * inv_lo - qr, hi = hi_e[i] * inv_hi + qr;
      const double t = y_true.data[k];
      r.max_bound = std::max(r.max_bound, std::max(hi - t, t - lo));
      r.max_err = std::max(r.max_err, std::fabs(y.data[k] - t));
      if (y.data[k] < lo || y.data[k] > hi) {
        if (r.outside++ < 5)
          ADD_FAILURE() << "row " << row << " output " << i << ": " << y.data[k] << " outside the table bound ["
                        << lo << ", " << hi << "] (float " << t << ")";
      }
    }
  }
  return r;
}

const ir::Layer* FindKind(const ir::Graph& g, ir::LayerKind k) {
  for (const ir::Layer& l : g.layers)
    if (l.kind == k) return &l;
  return nullptr;
}

double ArgmaxAgreement(const NDArray& a, const NDArray& b) {
  int64_t same = 0;
  const int64_t n = a.row_size();
  for (int64_t r = 0; r < a.rows(); ++r) {
    auto am = [&](const NDArray& x) {
      const double* p = &x.data[static_cast<size_t>(r * n)];
      return std::max_element(p, p + n) - p;
    };
    same += am(a) == am(b);
  }
  return static_cast<double>(same) / static_cast<double>(a.rows());
}

double MaxAbsDiff(const NDArray& a, const NDArray& b) {
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::fabs(a.data[i] - b.data[i]));
  return m;
}

// ---- QKeras ---------------------------------------------------------------------------

struct QCase {
  const char* golden;
  const char* model;
  const char* weights;
};

class QKerasExact : public ::testing::TestWithParam<QCase> {};

// The config `hlsforge config MODEL` writes (granularity name: every slot
// auto, quantizer-fixed ones as the quantizer says); input fixed<16,6>
// (Model default). Reference: float mode on the same fixed<16,6> inputs.
TEST_P(QKerasExact, HiddenLayersBitExactWithAutoConfig) {
  const QCase& c = GetParam();
  ir::Graph raw = Load(c.model, c.weights);
  auto yaml = ir::GenerateConfig(raw, "name");
  ASSERT_TRUE(yaml.ok()) << yaml.status().message();
  ir::Graph g = Configure(raw, *yaml);
  NDArray x = Npy(Golden(c.golden, "input.npy"));
  auto fixed = TraceOf(g, x, false);
  NDArray xq = fixed.at(g.layers.front().name);  // the input as the firmware sees it
  auto flt = TraceOf(raw, xq, true);
  const ir::Layer* sm = FindKind(g, ir::LayerKind::Softmax);
  ASSERT_NE(sm, nullptr);
  EXPECT_EQ(ExpectLayersExact(g, raw, fixed, flt, {sm->name}), static_cast<int>(g.layers.size()) - 1);
  // the QActivations became the QDense result types (fold_quantizers)
  EXPECT_EQ(g.tensor(g.FindLayer("fc1")->output).type->ToConfigString(), "ufixed<6,0,RND_CONV,SAT>");
  const ir::Layer* pre = g.Producer(sm->inputs[0]);
  auto r = CheckSoftmax(g, *sm, fixed.at(pre->name), fixed.at(sm->name), flt.at(RawCounterpart(raw, *sm)));
  EXPECT_EQ(r.outside, 0);
  std::printf("%s, auto config, %lld rows: hidden layers bit-exact; softmax max |err| %.6f (table bound %.6f)\n",
              c.golden, static_cast<long long>(x.rows()), r.max_err, r.max_bound);
}

// The same with an input type holding every float32 input of the golden set
// exactly (|x| < 4, at most 39 fractional bits): the emulation then equals
// the golden float output itself up to the softmax tables.
TEST_P(QKerasExact, EqualsGoldenFloatUpToSoftmaxTables) {
  const QCase& c = GetParam();
  ir::Graph raw = Load(c.model, c.weights);
  auto yaml = ir::GenerateConfig(raw, "name");
  ASSERT_TRUE(yaml.ok());
  std::string y = *yaml;
  const std::string in_entry = "  " + raw.layers.front().name + ":\n    Precision:\n      result: auto\n";
  const size_t p = y.find(in_entry);
  ASSERT_NE(p, std::string::npos) << y;
  y.replace(p, in_entry.size(), "  " + raw.layers.front().name + ":\n    Precision:\n      result: fixed<44,4>\n");
  ir::Graph g = Configure(raw, y);
  NDArray x = Npy(Golden(c.golden, "input.npy"));
  NDArray want = Npy(Golden(c.golden, "output_float.npy"));
  auto fixed = TraceOf(g, x, false);
  ASSERT_EQ(fixed.at(g.layers.front().name).data, x.data) << "fixed<44,4> should hold every input exactly";
  auto flt = TraceOf(raw, x, true);
  const ir::Layer* sm = FindKind(g, ir::LayerKind::Softmax);
  ASSERT_NE(sm, nullptr);
  EXPECT_EQ(ExpectLayersExact(g, raw, fixed, flt, {sm->name}), static_cast<int>(g.layers.size()) - 1);
  const ir::Layer* pre = g.Producer(sm->inputs[0]);
  EXPECT_EQ(g.tensor(pre->output).type->ToConfigString(), "fixed<18,7>");  // the bound's premise
  auto r = CheckSoftmax(g, *sm, fixed.at(pre->name), fixed.at(sm->name), want);
  EXPECT_EQ(r.outside, 0);
  EXPECT_LE(r.max_err, r.max_bound);
  const double agree = ArgmaxAgreement(fixed.at(sm->name), want);
  std::printf("%s, exact input, %lld rows vs golden float: softmax max |err| %.6f (table bound %.6f), argmax "
              "agreement %.1f %%\n",
              c.golden, static_cast<long long>(x.rows()), r.max_err, r.max_bound, 100 * agree);
}

INSTANTIATE_TEST_SUITE_P(Models, QKerasExact,
                         ::testing::Values(QCase{"qkeras_3layer", "qkeras_3layer.json", "qkeras_3layer_weights.h5"},
                                           QCase{"qkeras-v3_3layer", "qkeras-v3_3layer.keras", ""}),
                         [](const ::testing::TestParamInfo<QCase>& i) {
                           return std::string(std::strchr(i.param.model, '-') ? "QKerasV3" : "QKeras");
                         });

// ---- binary / ternary ---------------------------------------------------------------

// Model default fixed<16,6>; the Dense accumulators and results wide enough
// for their sums: fc1 adds 16 inputs of |x| < 32 (fixed<20,10>), the others
// at most 64 values of -1/0/+1 (fixed<18,8>). hls4ml's `auto` gives the model
// default for XNOR layers, whose fc2 result (|2*popcount - 64| up to 36 on
// the golden inputs) overflows fixed<16,6>: see BinaryDefaultConfigOverflows.
const char* kBinaryTernaryConfig = R"(Model:
  Precision:
    default: fixed<16,6>
LayerName:
  fc1:
    Precision: {accum: "fixed<20,10>", result: "fixed<20,10>"}
  fc2:
    Precision: {accum: "fixed<18,8>", result: "fixed<18,8>"}
  fc3:
    Precision: {accum: "fixed<18,8>", result: "fixed<18,8>"}
  output:
    Precision: {accum: "fixed<18,8>", result: "fixed<18,8>"}
)";

class BinaryTernary : public ::testing::TestWithParam<const char*> {};

TEST_P(BinaryTernary, HiddenLayersExactAndArgmaxAgrees) {
  const std::string m = GetParam();
  const bool ternary = m.find("ternary") != std::string::npos;
  ir::Graph raw = Load(m + ".json", m + "_weights.h5");
  ir::Graph g = Configure(raw, kBinaryTernaryConfig);
  // BN + binary_tanh / ternary_tanh -> Threshold (two-sided when ternary)
  int thresholds = 0;
  for (const ir::Layer& l : g.layers) {
    if (l.kind != ir::LayerKind::Threshold) continue;
    ++thresholds;
    EXPECT_EQ(l.params.count("threshold_lo") + l.params.count("threshold_hi"), ternary ? 2u : 0u) << l.name;
    EXPECT_EQ(l.params.count("threshold"), ternary ? 0u : 1u) << l.name;
    EXPECT_EQ(g.tensor(l.output).type->ToConfigString(), ternary ? "int<2>" : "uint<1>") << l.name;
  }
  EXPECT_EQ(thresholds, 3);
  EXPECT_EQ(FindKind(g, ir::LayerKind::Activation), nullptr);

  NDArray x = Npy(Golden(m, "input.npy"));
  NDArray want = Npy(Golden(m, "output_float.npy"));
  auto fixed = TraceOf(g, x, false);
  NDArray xq = fixed.at(g.layers.front().name);
  auto flt = TraceOf(raw, xq, true);
  // every layer but the input (quantized) and the final BatchNormalization
  const std::string last = g.layers.back().name;
  EXPECT_EQ(ExpectLayersExact(g, raw, fixed, flt, {g.layers.front().name, last}),
            static_cast<int>(g.layers.size()) - 2);
  const NDArray& y = fixed.at(last);
  const double agree = ArgmaxAgreement(y, want);
  EXPECT_GE(agree, 0.995);
  std::printf("%s: %lld rows, hidden layers bit-exact (float on the fixed<16,6> inputs); argmax agreement with "
              "golden float %.1f %%, max |err| %.4f\n",
              m.c_str(), static_cast<long long>(x.rows()), 100 * agree, MaxAbsDiff(y, want));

  // the operations inspect reports: binary x binary -> XNOR, ternary -> add/subtract, no multiplier
  auto s = hlsforge::report::Summarize(g);
  for (const auto& ls : s.layers) {
    const ir::Layer* l = g.FindLayer(ls.name);
    if (l->kind != ir::LayerKind::Dense) continue;
    const int64_t n = l->param("weight")->shape[0] * l->param("weight")->shape[1];
    EXPECT_EQ(ls.mult_ops, 0) << ls.name;
    const bool first = ls.name == "fc1";
    if (ternary) {
      EXPECT_EQ(ls.xnor_ops, 0) << ls.name;
      EXPECT_EQ(ls.add_ops, n - static_cast<int64_t>(l->param("weight")->zeros())) << ls.name;
    } else {
      EXPECT_EQ(ls.xnor_ops, first ? 0 : n) << ls.name;
      EXPECT_EQ(ls.add_ops, first ? n : 0) << ls.name;
    }
  }
}

// With an input type holding every golden float32 input exactly (fixed<44,4>,
// as for QKeras above) and fc1 wide enough for its exact sum, the hidden
// layers equal the golden float model's on its own inputs: only the final
// BatchNormalization (fixed<16,6>) rounds.
TEST_P(BinaryTernary, ExactInputHiddenLayersEqualGoldenFloat) {
  const std::string m = GetParam();
  ir::Graph raw = Load(m + ".json", m + "_weights.h5");
  std::string yaml = kBinaryTernaryConfig;
  const std::string fc1 = "Precision: {accum: \"fixed<20,10>\", result: \"fixed<20,10>\"}";
  const size_t p = yaml.find(fc1);
  ASSERT_NE(p, std::string::npos);
  yaml.replace(p, fc1.size(), "Precision: {accum: \"fixed<50,10>\", result: \"fixed<50,10>\"}");
  yaml += "  " + raw.layers.front().name + ":\n    Precision: {result: \"fixed<44,4>\"}\n";
  ir::Graph g = Configure(raw, yaml);
  NDArray x = Npy(Golden(m, "input.npy"));
  NDArray want = Npy(Golden(m, "output_float.npy"));
  auto fixed = TraceOf(g, x, false);
  ASSERT_EQ(fixed.at(g.layers.front().name).data, x.data);
  auto flt = TraceOf(raw, x, true);
  EXPECT_EQ(ExpectLayersExact(g, raw, fixed, flt, {g.layers.back().name}), static_cast<int>(g.layers.size()) - 1);
  const NDArray& y = fixed.at(g.layers.back().name);
  const double agree = ArgmaxAgreement(y, want);
  EXPECT_GE(agree, 0.995);
  std::printf("%s, exact input: %lld rows, hidden layers equal the golden float model's; argmax agreement %.1f %%, "
              "max |err| %.4f (final BatchNormalization in fixed<16,6>)\n",
              m.c_str(), static_cast<long long>(x.rows()), 100 * agree, MaxAbsDiff(y, want));
}

INSTANTIATE_TEST_SUITE_P(Models, BinaryTernary,
                         ::testing::Values("KERAS_3layer_binary_smaller", "KERAS_3layer_ternary_small"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           return std::string(i.param).find("ternary") != std::string::npos ? "Ternary" : "Binary";
                         });

// Documents why the test above sets the XNOR layers' widths: with the default
// config (hls4ml: model default for XNOR Dense), fc2's result fixed<16,6>
// cannot hold 2*popcount - 64 = +-36.
TEST(BinaryTernary, BinaryDefaultConfigOverflows) {
  const std::string m = "KERAS_3layer_binary_smaller";
  ir::Graph raw = Load(m + ".json", m + "_weights.h5");
  ir::Graph g = raw;
  ASSERT_TRUE(ir::ApplyConfig(ir::DefaultConfig(), g).ok());
  ASSERT_TRUE(hlsforge::passes::RunPipeline(g, hlsforge::passes::DefaultPipeline()).ok());
  EXPECT_EQ(g.tensor(g.FindLayer("fc2")->output).type->ToConfigString(), "fixed<16,6>");
  NDArray x = Npy(Golden(m, "input.npy"));
  auto flt = TraceOf(raw, x, true);
  double mx = 0;
  for (double v : flt.at("fc2").data) mx = std::max(mx, std::fabs(v));
  EXPECT_GE(mx, 32.0);
}

// ---- inspect numbers, by hand -------------------------------------------------------

ir::Graph Prepared(const std::string& json, const std::string& weights) {
  ir::Graph g = Load(json, weights);
  EXPECT_TRUE(ir::ApplyConfig(ir::DefaultConfig(), g).ok());
  EXPECT_TRUE(hlsforge::passes::RunPipeline(g, hlsforge::passes::DefaultPipeline()).ok());
  return g;
}

const hlsforge::report::LayerSummary& Row(const hlsforge::report::ModelSummary& s, const std::string& name) {
  for (const auto& l : s.layers)
    if (l.name == name) return l;
  ADD_FAILURE() << "no row " << name;
  return s.layers.front();
}

TEST(KerasInspect, BinaryLayerByHand) {
  // fc2: 64 -> 32, XNOR-binary data (act1) x binary weights (H = 1):
  // 2048 XNOR, nothing else; BOPs = m n ((1 - 0) 1*1 + 1 + 1 + log2 64) = 32*64*9.
  auto s = hlsforge::report::Summarize(
      Prepared("KERAS_3layer_binary_smaller.json", "KERAS_3layer_binary_smaller_weights.h5"));
  const auto& fc2 = Row(s, "fc2");
  EXPECT_EQ(fc2.xnor_ops, 2048);
  EXPECT_EQ(fc2.add_ops, 0);
  EXPECT_EQ(fc2.mult_ops, 0);
  EXPECT_EQ(fc2.zero_weights, 0);
  EXPECT_DOUBLE_EQ(fc2.bops, 32.0 * 64 * 9);
  // fc1: fixed<16,6> inputs x ±1 -> 1024 add/subtract; BOPs 64*16*(16 + 16 + 1 + 4)
  const auto& fc1 = Row(s, "fc1");
  EXPECT_EQ(fc1.add_ops, 1024);
  EXPECT_EQ(fc1.mult_ops + fc1.xnor_ops, 0);
  EXPECT_DOUBLE_EQ(fc1.bops, 64.0 * 16 * (16 + 16 + 1 + 4));
  const std::string table = hlsforge::report::FormatSummary(s);
  for (const char* col : {"mul-ops", "xnor-ops", "add-ops", "zeros", "BOPs"})
    EXPECT_NE(table.find(col), std::string::npos) << col;
}

TEST(KerasInspect, TernaryLayerByHand) {
  // fc1: 16 -> 64, ternary weights int<2> with 509 zeros: 515 add/subtract,
  // BOPs = 64*16*((1 - 509/1024)*16*2 + 16 + 2 + 4).
  auto s = hlsforge::report::Summarize(
      Prepared("KERAS_3layer_ternary_small.json", "KERAS_3layer_ternary_small_weights.h5"));
  const auto& fc1 = Row(s, "fc1");
  EXPECT_EQ(fc1.zero_weights, 509);
  EXPECT_EQ(fc1.add_ops, 1024 - 509);
  EXPECT_EQ(fc1.mult_ops + fc1.xnor_ops, 0);
  EXPECT_DOUBLE_EQ(fc1.bops, 64.0 * 16 * ((1 - 509.0 / 1024) * 16 * 2 + 16 + 2 + 4));
  // no Dense product needs a multiplier (only the final BatchNormalization's 5 scales do)
  EXPECT_EQ(s.total_mult_ops, 5);
  EXPECT_EQ(Row(s, "bn").mult_ops, 5);
  EXPECT_EQ(s.total_xnor_ops, 0);
}

TEST(KerasInspect, PrunedAndSixteenBitLayerByHand) {
  ir::Graph gp = Prepared("KERAS_3layer.json", "KERAS_3layer_70pruned_retrained_weights.h5");
  ir::Graph gd = Prepared("KERAS_3layer.json", "KERAS_3layer_weights.h5");
  auto pruned = hlsforge::report::Summarize(gp);
  auto dense = hlsforge::report::Summarize(gd);
  // fc1_relu: 16 -> 64 at fixed<16,6>; every non-zero weight word needs a
  // multiplier, unless it is ±2^k (a shift: add-only).
  for (const ir::Graph* g : {&gp, &gd}) {
    const auto s = hlsforge::report::Summarize(*g);
    const auto& l = Row(s, "fc1_relu");
    const ir::Param& w = *g->FindLayer("fc1_relu")->param("weight");
    ASSERT_EQ(w.type->ToConfigString(), "fixed<16,6>");
    int64_t nonzero = 0, pow2 = 0;
    for (double v : w.values) {
      const double q = w.type->ToDouble(w.type->Quantize(v));
      if (q == 0) continue;
      ++nonzero;
      int e = 0;
      pow2 += std::fabs(std::frexp(q, &e)) == 0.5;
    }
    EXPECT_EQ(l.mult_ops, nonzero - pow2);
    EXPECT_EQ(l.add_ops, pow2);
    EXPECT_EQ(l.xnor_ops, 0);
    const double fp = static_cast<double>(l.zero_weights) / 1024;
    EXPECT_DOUBLE_EQ(l.bops, 64.0 * 16 * ((1 - fp) * 16 * 16 + 16 + 16 + 4));
  }
  EXPECT_EQ(Row(pruned, "fc1_relu").zero_weights, 593);
  EXPECT_LT(pruned.total_mult_ops, dense.total_mult_ops / 2);
}

}  // namespace
