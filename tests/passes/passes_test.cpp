// Unit tests of the passes on hand-built graphs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"

using namespace hlsforge;
using namespace hlsforge::ir;

namespace {

struct Builder {
  Graph g;
  std::string last;
  Builder(int64_t n_in, std::optional<FixedType> in_type = std::nullopt) {
    g.name = "t";
    g.source_path = "t.onnx";
    g.inputs = {"x"};
    g.tensors["x"] = Tensor{"x", {n_in}, std::nullopt};
    Layer in;
    in.name = "global_in";
    in.kind = LayerKind::Input;
    in.output = "x";
    if (in_type) in.config.precision["result"].type = in_type;
    g.layers.push_back(in);
    last = "x";
  }
  Layer& Add(Layer l, int64_t n_out) {
    l.inputs = {last};
    l.output = l.name + "_out";
    g.tensors[l.output] = Tensor{l.output, {n_out}, std::nullopt};
    last = l.output;
    g.layers.push_back(std::move(l));
    return g.layers.back();
  }
  Graph Done() {
    g.outputs = {last};
    return g;
  }
};

Precision Auto() { return Precision{}; }
Precision T(const FixedType& t) { return Precision{t}; }

Layer Dense(const std::string& name, int64_t n_in, int64_t n_out, bool bias = true, double w = 0.5) {
  Layer d;
  d.name = name;
  d.kind = LayerKind::Dense;
  d.params["weight"] = Param{{n_in, n_out}, std::vector<double>(static_cast<size_t>(n_in * n_out), w), std::nullopt, false};
  if (bias) d.params["bias"] = Param{{n_out}, std::vector<double>(static_cast<size_t>(n_out), 0.25), std::nullopt, false};
  d.config.precision["result"] = Auto();
  d.config.precision["accum"] = Auto();
  return d;
}

Layer Act(const std::string& name, ActivationKind k) {
  Layer a;
  a.name = name;
  a.kind = LayerKind::Activation;
  a.activation = k;
  a.config.precision["result"] = Auto();
  return a;
}

Layer ScaleShift(const std::string& name, std::vector<double> s, std::vector<double> b) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::ScaleShift;
  const int64_t n = static_cast<int64_t>(s.size());
  l.params["scale"] = Param{{n}, std::move(s), std::nullopt, false};
  l.params["bias"] = Param{{n}, std::move(b), std::nullopt, false};
  l.config.precision["result"] = Auto();
  return l;
}

Layer QuantL(const std::string& name, double scale, double bits, bool is_signed, bool narrow = false) {
  Layer q;
  q.name = name;
  q.kind = LayerKind::Quantize;
  QuantParams p;
  p.scale = {scale};
  p.bit_width = bits;
  p.is_signed = is_signed;
  p.narrow = narrow;
  q.quant = p;
  q.config.precision["result"] = Auto();
  return q;
}

std::string TypeOf(const Graph& g, const std::string& layer, const std::string& key) {
  const Layer* l = g.FindLayer(layer);
  if (!l) return "<no layer>";
  auto it = l->config.precision.find(key);
  if (it == l->config.precision.end() || !it->second.type) return "<unset>";
  return it->second.type->ToString();
}

Status RunP(Graph& g, const std::vector<std::string>& p) { return passes::RunPipeline(g, p); }

}  // namespace

TEST(Registry, NamesDescriptionsAndUnknownPass) {
  for (const std::string& n : passes::DefaultPipeline()) {
    const passes::PassInfo* p = passes::FindPass(n);
    ASSERT_NE(p, nullptr) << n;
    EXPECT_FALSE(p->description.empty());
  }
  Builder b(4);
  Graph g = b.Done();
  Status st = RunP(g, {"fold_constants", "no_such_pass"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no_such_pass"), std::string::npos);
}

TEST(InferPrecision, DenseFloatRulesMatchTwoLayerGolden) {
  // two_layer_keras: 10 -> 32 -> 1 with fixed<16,6> everywhere.
  Builder b(10, FixedType(16, 6));
  b.Add(Dense("Dense_MatMul_0", 10, 32), 32);
  b.Add(Act("Relu_0", ActivationKind::ReLU), 32);
  b.Add(Dense("Dense_MatMul_1", 32, 1), 1);
  b.Add(Act("Sigmoid_0", ActivationKind::Sigmoid), 1);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"infer_precision"}).ok());
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "accum"), "ap_fixed<37,17>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "result"), "ap_fixed<37,17>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "weight"), "ap_fixed<16,6>");
  EXPECT_EQ(TypeOf(g, "Relu_0", "result"), "ap_fixed<16,6>");
  EXPECT_EQ(TypeOf(g, "Relu_0", "table"), "ap_fixed<18,8>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_1", "accum"), "ap_fixed<38,18>");
  for (const auto& [n, t] : g.tensors) EXPECT_TRUE(t.type.has_value()) << n;
  EXPECT_EQ(g.tensor("Dense_MatMul_0_out").type->ToString(), "ap_fixed<37,17>");
  EXPECT_EQ(g.layers[1].params["weight"].type->ToString(), "ap_fixed<16,6>");
  // Idempotent.
  ASSERT_TRUE(RunP(g, {"infer_precision"}).ok());
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_1", "accum"), "ap_fixed<38,18>");
}

TEST(InferPrecision, UnsignedInputQuantizedWeights) {
  // qkeras_jettagging Dense_MatMul_1: ufixed<6,0> x fixed<6,1>, 64 inputs -> fixed<19,8>.
  const FixedType q61(6, 1, true, Quant::RND_CONV, Overflow::SAT);
  Builder b(64, FixedType(6, 0, false, Quant::RND_CONV, Overflow::SAT));
  Layer d = Dense("Dense_MatMul_1", 64, 32);
  for (auto& [k, p] : d.params) { p.type = q61; p.type_from_quantizer = true; }
  b.Add(d, 32);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"infer_precision"}).ok());
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_1", "accum"), "ap_fixed<19,8>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_1", "weight"), q61.ToString());
}

TEST(InferPrecision, DenseWithoutBiasStillCountsDefaultBias) {
  // TFC_2W2A Dense_MatMul_0: fixed<2,2> x fixed<2,2>, 784 inputs, no bias -> fixed<25,15>.
  const FixedType q2(2, 2, true, Quant::RND_CONV, Overflow::SAT_SYM);
  Builder b(784, q2);
  Layer d = Dense("Dense_MatMul_0", 784, 64, /*bias=*/false, 1.0);
  d.params["weight"].values[0] = 0.0;
  d.params["weight"].type = q2;
  d.params["weight"].type_from_quantizer = true;
  b.Add(d, 64);
  b.Add(ScaleShift("bn", std::vector<double>(64, 0.5), std::vector<double>(64, 1.0)), 64);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"infer_precision"}).ok());
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "accum"), "ap_fixed<25,15>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "bias"), "ap_fixed<16,6>");
  // normalize: 25,15 x 16,6 + 16,6 -> width 25+16 frac 20 -> I = max(21,6)+1 = 22 -> 42,22
  EXPECT_EQ(TypeOf(g, "bn", "result"), "ap_fixed<42,22>");
  EXPECT_EQ(TypeOf(g, "bn", "scale"), "ap_fixed<16,6>");
}

TEST(InferPrecision, ExplicitAccumStillGivesInferredResultAndErrorsOnHugeWidths) {
  Builder b(16, FixedType(32, 16));
  Layer d = Dense("d", 16, 4);
  d.params["weight"].type = FixedType(32, 16);
  d.config.precision["weight"] = T(FixedType(32, 16));
  b.Add(d, 4);
  Graph g = b.Done();
  Status st = RunP(g, {"infer_precision"});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("\"d\""), std::string::npos) << st.message();
}

TEST(InferPrecision, XnorInputsUseModelDefault) {
  Builder b(3, FixedType(16, 6));
  Layer q;
  q.name = "BipolarQuant_0";
  q.kind = LayerKind::Quantize;
  q.quant = QuantParams{};
  q.quant->bipolar = true;
  b.Add(q, 3);
  Layer d = Dense("Dense_MatMul_0", 3, 4, true, 1.0);
  d.params["weight"].values[1] = -1.0;
  d.params["weight"].type_from_quantizer = true;
  b.Add(d, 4);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"infer_precision"}).ok());
  EXPECT_EQ(TypeOf(g, "BipolarQuant_0", "result"), "ap_uint<1>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "accum"), "ap_fixed<16,6>");
  EXPECT_EQ(TypeOf(g, "Dense_MatMul_0", "weight"), "ap_uint<1>");
}

TEST(InferPrecision, SoftmaxDefaultsAndInpNorm) {
  Builder b(5, FixedType(38, 18));
  Layer s;
  s.name = "Softmax_0";
  s.kind = LayerKind::Softmax;
  s.config.precision["result"] = Auto();
  b.Add(s, 5);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"infer_precision"}).ok());
  EXPECT_EQ(TypeOf(g, "Softmax_0", "result"), "ap_fixed<16,6>");
  EXPECT_EQ(TypeOf(g, "Softmax_0", "exp_table"), "ap_fixed<18,8,AP_RND,AP_SAT>");
  EXPECT_EQ(TypeOf(g, "Softmax_0", "accum"), "ap_fixed<18,8,AP_RND,AP_SAT>");
  EXPECT_EQ(TypeOf(g, "Softmax_0", "inp_norm"), "ap_ufixed<37,17>");
}

TEST(QuantToFixed, Spellings) {
  QuantParams q;
  q.scale = {0.03125};
  q.bit_width = 6;
  EXPECT_EQ(passes::QuantToFixed(q)->ToString(), "ap_fixed<6,1,AP_RND_CONV,AP_SAT>");
  q.is_signed = false;
  q.scale = {0.015625};
  EXPECT_EQ(passes::QuantToFixed(q)->ToString(), "ap_ufixed<6,0,AP_RND_CONV,AP_SAT>");
  q.is_signed = true;
  q.narrow = true;
  q.scale = {1.0};
  q.bit_width = 2;
  EXPECT_EQ(passes::QuantToFixed(q)->ToString(), "ap_fixed<2,2,AP_RND_CONV,AP_SAT_SYM>");
  q.scale = {0.3};
  EXPECT_FALSE(passes::QuantToFixed(q).has_value());
  q.scale = {1.0};
  q.zero_point = {1.0};
  EXPECT_FALSE(passes::QuantToFixed(q).has_value());
  q.zero_point = {0.0};
  q.rounding_mode = "CEIL";
  EXPECT_FALSE(passes::QuantToFixed(q).has_value());
}

TEST(FoldQuantizers, ReluThenQuantBecomesReluResult) {
  Builder b(4, FixedType(16, 6));
  b.Add(Dense("d", 4, 4), 4);
  b.Add(Act("Relu_0", ActivationKind::ReLU), 4);
  b.Add(QuantL("Quant_8", 0.015625, 6, false), 4);
  b.Add(Dense("d2", 4, 2), 2);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"fold_quantizers", "infer_precision"}).ok());
  EXPECT_EQ(g.layers.size(), 4u);
  EXPECT_EQ(TypeOf(g, "Relu_0", "result"), "ap_ufixed<6,0,AP_RND_CONV,AP_SAT>");
  EXPECT_EQ(g.FindLayer("Quant_8"), g.FindLayer("Relu_0"));  // name kept as alias
  EXPECT_EQ(TypeOf(g, "d2", "accum"), "ap_fixed<25,9>");  // ufixed<6,0> x fixed<16,6>, n=4, + bias
}

TEST(FoldQuantizers, NotFoldedWhenNotExact) {
  for (int variant = 0; variant < 3; ++variant) {
    Builder b(4, FixedType(16, 6));
    Layer r = Act("Relu_0", ActivationKind::ReLU);
    if (variant == 0) r.config.precision["result"] = T(FixedType(16, 6));  // explicit result
    b.Add(r, 4);
    b.Add(QuantL("Q", variant == 1 ? 0.3 : 0.25, 6, false), 4);  // non power of two
    if (variant == 2) {
      Graph g = b.Done();
      g.outputs.push_back("Relu_0_out");  // a second use of the relu output
      ASSERT_TRUE(RunP(g, {"fold_quantizers"}).ok());
      EXPECT_EQ(g.layers.size(), 3u);
      continue;
    }
    Graph g = b.Done();
    ASSERT_TRUE(RunP(g, {"fold_quantizers"}).ok());
    EXPECT_EQ(g.layers.size(), 3u) << variant;
  }
}

TEST(FoldConstants, MergesScaleShiftsAndDropsNoOps) {
  Builder b(3, FixedType(16, 6));
  Layer r;
  r.name = "Reshape_0";
  r.kind = LayerKind::Reshape;
  b.Add(r, 3);
  b.Add(ScaleShift("Mul_0", {2, 2, 2}, {0, 0, 0}), 3);
  b.Add(ScaleShift("Sub_0", {1, 1, 1}, {-1, -1, -1}), 3);
  b.Add(Act("lin", ActivationKind::Linear), 3);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"fold_constants"}).ok());
  ASSERT_EQ(g.layers.size(), 2u);
  const Layer* s = g.FindLayer("Sub_0");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(g.FindLayer("Mul_0"), s);
  EXPECT_EQ(g.FindLayer("lin"), s);
  EXPECT_EQ(s->params.at("scale").values, (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(s->params.at("bias").values, (std::vector<double>{-1, -1, -1}));
  EXPECT_EQ(s->inputs[0], "x");
  EXPECT_EQ(g.outputs[0], s->output);
}

TEST(FuseBatchnorm, FloatDenseFused) {
  Builder b(2, FixedType(16, 6));
  Layer d = Dense("d", 2, 2);
  d.params["weight"].values = {1, 2, 3, 4};
  d.params["bias"].values = {1, -1};
  b.Add(d, 2);
  b.Add(ScaleShift("bn", {2, 0.5}, {1, 1}), 2);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"fuse_batchnorm"}).ok());
  ASSERT_EQ(g.layers.size(), 2u);
  EXPECT_EQ(g.layers[1].params["weight"].values, (std::vector<double>{2, 1, 6, 2}));
  EXPECT_EQ(g.layers[1].params["bias"].values, (std::vector<double>{3, 0.5}));
  EXPECT_EQ(g.FindLayer("bn"), &g.layers[1]);
  EXPECT_EQ(g.outputs[0], g.layers[1].output);
}

TEST(FuseBatchnorm, QuantizedDenseKept) {
  Builder b(2, FixedType(16, 6));
  Layer d = Dense("d", 2, 2, false, 1.0);
  d.params["weight"].type = FixedType(2, 2);
  d.params["weight"].type_from_quantizer = true;
  b.Add(d, 2);
  b.Add(ScaleShift("bn", {2, 0.5}, {1, 1}), 2);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"fuse_batchnorm"}).ok());
  EXPECT_EQ(g.layers.size(), 3u);
}

namespace {
// Exactness of a binary/ternary Threshold against y = x*s + b for every x of the input grid.
void CheckThreshold(ActivationKind kind, bool bipolar) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> sd(0.05, 3.0), bd(-3.0, 3.0);
  const int C = 16;
  std::vector<double> s(C), bb(C);
  for (int c = 0; c < C; ++c) { s[c] = sd(rng); bb[c] = bd(rng); }
  bb[0] = 0.0;   // threshold exactly on the grid
  s[1] = 1.0; bb[1] = -0.5;
  const FixedType in(8, 3);
  Builder b(C, in);
  b.Add(ScaleShift("bn", s, bb), C);
  if (bipolar) {
    Layer q;
    q.name = "bq";
    q.kind = LayerKind::Quantize;
    q.quant = QuantParams{};
    q.quant->bipolar = true;
    b.Add(q, C);
  } else {
    b.Add(Act("act", kind), C);
  }
  Graph g = b.Done();
  // Input of the ScaleShift = graph input of type `in`.
  ASSERT_TRUE(RunP(g, {"binary_threshold", "infer_precision"}).ok());
  ASSERT_EQ(g.layers.size(), 2u);
  const Layer& t = g.layers[1];
  ASSERT_EQ(t.kind, LayerKind::Threshold);
  for (int c = 0; c < C; ++c)
    for (int64_t w = in.min_word(); w <= in.max_word(); ++w) {
      const double x = in.ToDouble(w);
      const double y = x * s[c] + bb[c];
      int expect, got;
      if (kind == ActivationKind::TernaryTanh && !bipolar) {
        expect = y > 0.5 ? 1 : (y <= -0.5 ? -1 : 0);
        const double hi = t.params.at("threshold_hi").values[c], lo = t.params.at("threshold_lo").values[c];
        got = x > hi ? 1 : (x <= lo ? -1 : 0);
        ASSERT_EQ(t.params.at("threshold_hi").type->Quantize(hi), std::llround(hi / in.step()));
      } else {
        expect = bipolar ? (y >= 0 ? 1 : -1) : (y > 0 ? 1 : -1);
        const double th = t.params.at("threshold").values[c];
        got = x >= th ? 1 : -1;
        // On the grid of the param type.
        ASSERT_EQ(th / t.params.at("threshold").type->step(), std::round(th / t.params.at("threshold").type->step()));
      }
      ASSERT_EQ(got, expect) << "c=" << c << " x=" << x;
    }
  EXPECT_EQ(TypeOf(g, t.name, "result"), kind == ActivationKind::TernaryTanh && !bipolar ? "ap_int<2>" : "ap_uint<1>");
}
}  // namespace

TEST(BinaryThreshold, BinaryTanhExact) { CheckThreshold(ActivationKind::BinaryTanh, false); }
TEST(BinaryThreshold, BipolarExact) { CheckThreshold(ActivationKind::BinaryTanh, true); }
TEST(BinaryThreshold, TernaryExact) { CheckThreshold(ActivationKind::TernaryTanh, false); }

TEST(BinaryThreshold, NegativeScaleNotRewritten) {
  Builder b(2, FixedType(8, 3));
  b.Add(ScaleShift("bn", {-1, 1}, {0, 0}), 2);
  b.Add(Act("act", ActivationKind::BinaryTanh), 2);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"binary_threshold"}).ok());
  EXPECT_EQ(g.layers.size(), 3u);
}

TEST(BinaryThreshold, DenseBiasMovesIntoThreshold) {
  Builder b(3, FixedType(16, 6));
  Layer d = Dense("Dense_MatMul_0", 3, 4, true, 1.0);
  d.params["bias"].values = {2, 2, -1, 0};
  b.Add(d, 4);
  Layer q;
  q.name = "BipolarQuant_2";
  q.kind = LayerKind::Quantize;
  q.quant = QuantParams{};
  q.quant->bipolar = true;
  b.Add(q, 4);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"binary_threshold"}).ok());
  ASSERT_EQ(g.layers.size(), 3u);
  EXPECT_EQ(g.layers[1].param("bias"), nullptr);
  EXPECT_EQ(g.layers[2].params.at("threshold").values, (std::vector<double>{-2, -2, 1, 0}));
}

// ---- BN + ternary QONNX Quant (2-bit narrow signed, scale 1) -> Threshold ----

namespace {

Layer TernaryQuant(const std::string& name, const std::string& mode) {
  Layer q = QuantL(name, 1.0, 2, true, true);
  q.quant->rounding_mode = mode;
  return q;
}

/// QONNX spec of the 2-bit narrow quantizer on an exactly known y (the
/// rounding written out per mode; an independent statement of the tie rules).
int SpecTernary(double y, const std::string& mode) {
  double r;
  const double fl = std::floor(y), frac = y - fl;
  if (mode == "ROUND") r = frac > 0.5 ? fl + 1 : frac < 0.5 ? fl : (std::fmod(fl, 2.0) == 0 ? fl : fl + 1);
  else if (mode == "HALF_UP") r = frac == 0.5 ? (y > 0 ? fl + 1 : fl) : std::round(y);
  else if (mode == "HALF_DOWN") r = frac == 0.5 ? (y > 0 ? fl : fl + 1) : std::round(y);
  else if (mode == "ROUND_TO_ZERO" || mode == "DOWN") r = std::trunc(y);
  else if (mode == "CEIL") r = std::ceil(y);
  else if (mode == "FLOOR") r = fl;
  else r = y > 0 ? std::ceil(y) : std::floor(y);  // UP: away from zero
  return static_cast<int>(std::clamp(r, -1.0, 1.0));
}

/// One row per input word of `in`, the same word in every channel.
NDArray AllWords(const FixedType& in, int64_t channels) {
  NDArray x;
  const int64_t n = in.max_word() - in.min_word() + 1;
  x.shape = {n, channels};
  for (int64_t w = in.min_word(); w <= in.max_word(); ++w)
    for (int64_t c = 0; c < channels; ++c) x.data.push_back(in.ToDouble(w));
  return x;
}

/// BN (per-channel s, b) + ternary Quant on input type `in`; thresholds
/// checked on every input word against (1) float mode of the graph before the
/// pass, (2) float mode after it, (3) the QONNX spec where y is exact.
void CheckTernaryQuant(const std::string& mode, const FixedType& in, std::vector<double> s, std::vector<double> bb,
                       int exact_channels) {
  const int64_t C = static_cast<int64_t>(s.size());
  Builder b(C, in);
  b.Add(ScaleShift("bn", s, bb), C);
  b.Add(TernaryQuant("q", mode), C);
  Graph g = b.Done();
  Graph raw = g;
  ASSERT_TRUE(RunP(raw, {"infer_precision"}).ok());
  ASSERT_TRUE(RunP(g, {"binary_threshold", "fold_quantizers", "infer_precision"}).ok());
  ASSERT_EQ(g.layers.size(), 2u) << mode;
  const Layer& t = g.layers[1];
  ASSERT_EQ(t.kind, LayerKind::Threshold) << mode;
  EXPECT_EQ(t.name, "q");
  EXPECT_EQ(TypeOf(g, "q", "result"), "ap_int<2>");
  ASSERT_TRUE(t.quant && t.float_affine);
  const Param& hi = t.params.at("threshold_hi");
  const Param& lo = t.params.at("threshold_lo");
  ASSERT_TRUE(hi.type && lo.type);
  for (size_t c = 0; c < hi.size(); ++c) {  // on the input grid, representable in their type
    EXPECT_EQ(hi.type->ToDouble(hi.type->Quantize(hi.values[c])), hi.values[c]);
    EXPECT_EQ(lo.type->ToDouble(lo.type->Quantize(lo.values[c])), lo.values[c]);
    EXPECT_EQ(std::fmod(hi.values[c], in.step()), 0.0);
  }
  const NDArray x = AllWords(in, C);
  emu::Options fo;
  fo.float_mode = true;
  auto want = emu::Predict(raw, x, fo);
  auto got_f = emu::Predict(g, x, fo);
  auto got = emu::Predict(g, x);
  ASSERT_TRUE(want.ok() && got_f.ok() && got.ok()) << mode;
  int64_t bad = 0, bad_f = 0, bad_spec = 0, ones = 0, zeros = 0, minus = 0;
  for (size_t i = 0; i < x.data.size(); ++i) {
    bad += got->data[i] != want->data[i];
    bad_f += got_f->data[i] != want->data[i];
    ones += got->data[i] == 1;
    zeros += got->data[i] == 0;
    minus += got->data[i] == -1;
    const size_t c = i % static_cast<size_t>(C);
    if (static_cast<int>(c) < exact_channels)
      bad_spec += got->data[i] != SpecTernary(x.data[i] * s[c] + bb[c], mode);
  }
  EXPECT_EQ(bad, 0) << mode << ": bit-exact Threshold differs from float BN + Quant";
  EXPECT_EQ(bad_f, 0) << mode << ": float mode changed by the pass";
  EXPECT_EQ(bad_spec, 0) << mode << ": differs from the QONNX spec on exact channels";
  EXPECT_GT(ones, 0);
  EXPECT_GT(zeros, 0);
  EXPECT_GT(minus, 0);
}

const std::vector<std::string> kModes = {"ROUND", "HALF_UP", "HALF_DOWN", "ROUND_TO_ZERO", "DOWN",
                                         "CEIL",  "FLOOR",   "UP"};

}  // namespace

TEST(BinaryThreshold, TernaryQuantEveryRoundingModeExactOnTheWholeGrid) {
  // Channels 0..4: dyadic s, b (y exact in double; ties at +-0.5, +-1, 0 on
  // the grid of fixed<8,3>); the rest random (compared with float mode only).
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> sd(0.05, 3.0), bd(-3.0, 3.0);
  std::vector<double> s = {1.0, 0.5, 2.0, 0.25, 1.0}, bb = {0.0, -0.25, 0.5, 0.125, -0.5};
  for (int c = 0; c < 11; ++c) {
    s.push_back(sd(rng));
    bb.push_back(bd(rng));
  }
  for (const std::string& mode : kModes) {
    SCOPED_TRACE(mode);
    CheckTernaryQuant(mode, FixedType(8, 3), s, bb, 5);
    CheckTernaryQuant(mode, FixedType(6, 4, false), s, bb, 5);   // unsigned input: thresholds need a sign
    CheckTernaryQuant(mode, FixedType(16, 9), s, bb, 5);         // 65,536 words, binary search
  }
}

TEST(BinaryThreshold, TernaryQuantTieExamples) {
  // y = x on fixed<8,3>: ROUND sends +-0.5 to 0, HALF_UP to +-1.
  Builder b(1, FixedType(8, 3));
  b.Add(ScaleShift("bn", {1.0}, {0.0}), 1);
  b.Add(TernaryQuant("q", "ROUND"), 1);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"binary_threshold", "infer_precision"}).ok());
  ASSERT_EQ(g.layers[1].kind, LayerKind::Threshold);
  EXPECT_EQ(g.layers[1].params.at("threshold_hi").values, std::vector<double>{0.5});    // +1 iff x > 0.5
  EXPECT_EQ(g.layers[1].params.at("threshold_lo").values, std::vector<double>{-0.53125});  // -1 iff x < -0.5 (step 2^-5)
  Builder b2(1, FixedType(8, 3));
  b2.Add(ScaleShift("bn", {1.0}, {0.0}), 1);
  b2.Add(TernaryQuant("q", "HALF_UP"), 1);
  Graph g2 = b2.Done();
  ASSERT_TRUE(RunP(g2, {"binary_threshold", "infer_precision"}).ok());
  EXPECT_EQ(g2.layers[1].params.at("threshold_hi").values, std::vector<double>{0.46875});  // +1 iff x >= 0.5
  EXPECT_EQ(g2.layers[1].params.at("threshold_lo").values, std::vector<double>{-0.5});   // -1 iff x <= -0.5
}

TEST(BinaryThreshold, TernaryQuantPerChannelOfAnImage) {
  // [2, 2, 3] channels-last tensor, BN params per channel (3): 3 threshold pairs, c = i % 3.
  Builder b(12, FixedType(8, 3));
  b.Add(ScaleShift("bn", {1.0, 0.5, 3.0}, {0.0, 0.25, -1.0}), 12);
  b.Add(TernaryQuant("q", "ROUND"), 12);
  Graph g = b.Done();
  Graph raw = g;
  ASSERT_TRUE(RunP(raw, {"infer_precision"}).ok());
  ASSERT_TRUE(RunP(g, {"binary_threshold", "infer_precision"}).ok());
  ASSERT_EQ(g.layers[1].kind, LayerKind::Threshold);
  EXPECT_EQ(g.layers[1].params.at("threshold_hi").size(), 3u);
  const NDArray x = AllWords(FixedType(8, 3), 12);
  emu::Options fo;
  fo.float_mode = true;
  auto want = emu::Predict(raw, x, fo);
  auto got = emu::Predict(g, x);
  ASSERT_TRUE(want.ok() && got.ok());
  EXPECT_EQ(got->data, want->data);
}

TEST(BinaryThreshold, TernaryQuantLeftAloneWhenNotExactlyTernaryOrTypesExplicit) {
  auto rewritten = [](Layer q, bool explicit_types) {
    Builder b(2, FixedType(8, 3));
    Layer ss = ScaleShift("bn", {1.0, 2.0}, {0.0, 0.5});
    if (explicit_types) {  // hls4ml's config: BN scale/bias typed (the golden TFC_2W2A vectors)
      ss.config.precision["scale"] = T(FixedType(16, 6));
      ss.config.precision["bias"] = T(FixedType(16, 6));
    }
    b.Add(ss, 2);
    b.Add(q, 2);
    Graph g = b.Done();
    EXPECT_TRUE(RunP(g, {"binary_threshold"}).ok());
    return g.layers.size() == 2 && g.layers[1].kind == LayerKind::Threshold;
  };
  EXPECT_TRUE(rewritten(TernaryQuant("q", "ROUND"), false));
  EXPECT_FALSE(rewritten(TernaryQuant("q", "ROUND"), true));
  Layer half = TernaryQuant("q", "ROUND");
  half.quant->scale = {0.5};  // values +-0.5: not the Threshold's +-1
  EXPECT_FALSE(rewritten(half, false));
  Layer wide = TernaryQuant("q", "ROUND");
  wide.quant->bit_width = 3;
  EXPECT_FALSE(rewritten(wide, false));
  EXPECT_FALSE(rewritten(QuantL("q", 1.0, 2, true, false), false));  // {-2..1}
  Layer zp = TernaryQuant("q", "ROUND");
  zp.quant->zero_point = {1.0};
  EXPECT_FALSE(rewritten(zp, false));
  // explicit result type on the BN: its rounding comes first, keep it
  Builder b(2, FixedType(8, 3));
  Layer ss = ScaleShift("bn", {1.0, 2.0}, {0.0, 0.5});
  ss.config.precision["result"] = T(FixedType(8, 3));
  b.Add(ss, 2);
  b.Add(TernaryQuant("q", "ROUND"), 2);
  Graph g = b.Done();
  ASSERT_TRUE(RunP(g, {"binary_threshold"}).ok());
  EXPECT_EQ(g.layers.size(), 3u);
}

TEST(BinaryThreshold, TernaryQuantNegativeBnScaleNegatesDenseColumns) {
  // Dense (ternary weights from a quantizer) -> BN with a negative gamma -> ternary Quant (TFC_2W2A shape).
  const FixedType w2(2, 2, true, Quant::RND_CONV, Overflow::SAT_SYM);
  Builder b(4, FixedType(2, 2, true, Quant::RND_CONV, Overflow::SAT_SYM));
  Layer d = Dense("MatMul_0", 4, 3, false, 1.0);
  d.params["weight"].values = {1, -1, 0, 1, 1, -1, 0, 1, 1, -1, 0, 0};
  d.params["weight"].type = w2;
  d.params["weight"].type_from_quantizer = true;
  b.Add(d, 3);
  b.Add(ScaleShift("bn", {0.7, -1.3, 0.25}, {0.1, -0.35, 0.5}), 3);
  b.Add(TernaryQuant("q", "ROUND"), 3);
  Graph g = b.Done();
  Graph raw = g;
  ASSERT_TRUE(RunP(raw, {"infer_precision"}).ok());
  ASSERT_TRUE(RunP(g, {"binary_threshold", "fold_quantizers", "infer_precision"}).ok());
  ASSERT_EQ(g.layers.size(), 3u);
  ASSERT_EQ(g.layers[2].kind, LayerKind::Threshold);
  EXPECT_EQ(g.layers[1].params.at("weight").values[1], 1.0);  // column 1 negated
  // every input vector of {-1,0,1}^4
  NDArray x;
  x.shape = {81, 4};
  for (int r = 0; r < 81; ++r)
    for (int k = 0, v = r; k < 4; ++k, v /= 3) x.data.push_back(v % 3 - 1);
  emu::Options fo;
  fo.float_mode = true;
  auto want = emu::Predict(raw, x, fo);
  auto got_f = emu::Predict(g, x, fo);
  auto got = emu::Predict(g, x);
  ASSERT_TRUE(want.ok() && got_f.ok() && got.ok());
  EXPECT_EQ(got->data, want->data);
  EXPECT_EQ(got_f->data, want->data);
}

// The emulator's Threshold kernel restates thresholds on the input grid
// (int64 compares): exact for thresholds of another format than the input --
// finer, coarser, wider, unsigned inputs, out-of-range thresholds.
TEST(BinaryThreshold, KernelThresholdsInOtherFormatsExact) {
  std::mt19937 rng(5);
  const std::vector<FixedType> ins = {FixedType(8, 3), FixedType(6, 6, false), FixedType(7, -2), FixedType(9, 12),
                                      FixedType(4, 4)};
  const std::vector<FixedType> ts = {FixedType(12, 3), FixedType(5, 6), FixedType(10, -4), FixedType(16, 14),
                                     FixedType(3, 1, false), FixedType(40, 20)};
  for (const FixedType& in : ins)
    for (const FixedType& tt : ts)
      for (bool ternary : {false, true}) {
        const int C = 6;
        std::uniform_int_distribution<int64_t> wd(tt.min_word(), tt.max_word());
        std::vector<double> hi(C), lo(C);
        for (int c = 0; c < C; ++c) {
          hi[c] = tt.ToDouble(wd(rng));
          lo[c] = tt.ToDouble(wd(rng));
        }
        hi[0] = 0;  // a threshold exactly on both grids
        Builder b(C, in);
        Layer t;
        t.name = "thr";
        t.kind = LayerKind::Threshold;
        if (ternary) {
          t.params["threshold_hi"] = Param{{C}, hi, tt, false};
          t.params["threshold_lo"] = Param{{C}, lo, tt, false};
        } else {
          t.params["threshold"] = Param{{C}, hi, tt, false};
        }
        b.Add(t, C);
        Graph g = b.Done();
        const Status st = RunP(g, {"infer_precision"});
        ASSERT_TRUE(st.ok()) << st.message();
        const NDArray x = AllWords(in, C);
        auto y = emu::Predict(g, x);
        ASSERT_TRUE(y.ok()) << y.status().message();
        int64_t bad = 0;
        for (size_t i = 0; i < x.data.size(); ++i) {
          const size_t c = i % C;
          const double v = x.data[i];  // exact doubles: the comparison below is exact
          const double want = ternary ? (v > hi[c] ? 1 : (v <= lo[c] ? -1 : 0)) : (v >= hi[c] ? 1 : 0);
          bad += y->data[i] != want;
        }
        EXPECT_EQ(bad, 0) << in.ToString() << " vs thresholds " << tt.ToString() << (ternary ? " ternary" : " binary");
      }
}

// The emulator's ScaleShift (64-bit and 128-bit paths, every result mode
// chosen once per kernel) against the exact value x*s + b assigned to the
// result type by FixedType (fixed_core.h) -- values small enough that the
// double x*s + b is exact.
TEST(ScaleShiftKernel, EveryResultModeMatchesFixedCore) {
  std::mt19937 rng(9);
  const std::vector<Quant> qs = {Quant::TRN, Quant::TRN_ZERO, Quant::RND, Quant::RND_ZERO,
                                 Quant::RND_INF, Quant::RND_MIN_INF, Quant::RND_CONV};
  const std::vector<Overflow> os = {Overflow::WRAP, Overflow::SAT, Overflow::SAT_ZERO, Overflow::SAT_SYM};
  struct Fmts { FixedType in, sc, bi; int rw, ri; bool rs; };
  const std::vector<Fmts> cases = {
      {FixedType(8, 3), FixedType(10, 2), FixedType(12, 4), 6, 3, true},          // 64-bit path
      {FixedType(6, 6, false), FixedType(8, 1, false), FixedType(5, 2), 4, 2, false},
      {FixedType(32, 16), FixedType(31, 10), FixedType(8, 4), 9, 5, true},        // 128-bit path (63-bit products)
      {FixedType(16, 6), FixedType(16, 6), FixedType(16, 6), 2, 2, true},         // TFC_2W2A BN
  };
  for (const Fmts& f : cases)
    for (Quant q : qs)
      for (Overflow o : os) {
        const int C = 5;
        std::uniform_int_distribution<int64_t> small(-300, 300);
        auto val = [&](const FixedType& t) {
          int64_t w = small(rng);
          if (!t.is_signed()) w = std::abs(w);
          return t.ToDouble(std::clamp(w, t.min_word(), t.max_word()));
        };
        std::vector<double> s(C), bb(C);
        for (int c = 0; c < C; ++c) { s[c] = val(f.sc); bb[c] = val(f.bi); }
        Builder b(C, f.in);
        Layer ss = ScaleShift("ss", s, bb);
        const FixedType rt(f.rw, f.ri, f.rs, q, o);
        ss.config.precision["scale"] = T(f.sc);
        ss.config.precision["bias"] = T(f.bi);
        ss.config.precision["result"] = T(rt);
        b.Add(ss, C);
        Graph g = b.Done();
        const Status st = RunP(g, {"infer_precision"});
        ASSERT_TRUE(st.ok()) << st.message();
        NDArray x;
        x.shape = {400, C};
        for (int r = 0; r < 400 * C; ++r) x.data.push_back(val(f.in));
        auto y = emu::Predict(g, x);
        ASSERT_TRUE(y.ok()) << y.status().message();
        int64_t bad = 0;
        for (size_t i = 0; i < x.data.size(); ++i) {
          const double exact = x.data[i] * s[i % C] + bb[i % C];
          bad += y->data[i] != rt.ToDouble(rt.Quantize(exact));
        }
        EXPECT_EQ(bad, 0) << f.in.ToString() << " * " << f.sc.ToString() << " + " << f.bi.ToString() << " -> "
                          << rt.ToString();
      }
}
