// Hand-built graphs with hand-computed expected words.
#include <gtest/gtest.h>

#include <cmath>

#include "hlsforge/emu/emulator.h"

namespace hlsforge::emu {
namespace {

FixedType T(const char* s) { return *FixedType::Parse(s); }

// input[n] -> Dense(n->m) -> (optional activation)
ir::Graph DenseGraph(int n, int m, std::vector<double> w, std::vector<double> b, const char* in_t,
                     const char* w_t, const char* acc_t, const char* res_t) {
  ir::Graph g;
  g.name = "dense_test";
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.tensors["x"] = ir::Tensor{"x", {n}, T(in_t)};
  g.tensors["y"] = ir::Tensor{"y", {m}, T(res_t)};
  ir::Layer l;
  l.name = "fc";
  l.kind = ir::LayerKind::Dense;
  l.inputs = {"x"};
  l.output = "y";
  l.params["weight"] = ir::Param{{n, m}, w, T(w_t)};
  l.params["bias"] = ir::Param{{m}, b, T(w_t)};
  l.config.precision["accum"].type = T(acc_t);
  g.layers.push_back(l);
  return g;
}

ir::Graph UnaryGraph(ir::Layer l, int n, const char* in_t, const char* res_t) {
  ir::Graph g;
  g.name = "unary_test";
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.tensors["x"] = ir::Tensor{"x", {n}, T(in_t)};
  g.tensors["y"] = ir::Tensor{"y", {n}, T(res_t)};
  l.name = "op";
  l.inputs = {"x"};
  l.output = "y";
  g.layers.push_back(l);
  return g;
}

NDArray Rows(std::vector<std::vector<double>> rows) {
  NDArray a;
  a.shape = {static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())};
  for (auto& r : rows) a.data.insert(a.data.end(), r.begin(), r.end());
  return a;
}

TEST(Emulator, DenseExactWrapAccumulator) {
  // y = x0*w0 + x1*w1 + b, all exact in ap_fixed<16,6> words.
  auto g = DenseGraph(2, 1, {0.5, -1.25}, {0.125}, "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<32,12>",
                      "ap_fixed<16,6>");
  auto y = Predict(g, Rows({{1.0, 2.0}, {-3.5, 0.25}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data[0], 0.5 - 2.5 + 0.125);
  EXPECT_EQ(y->data[1], -1.75 - 0.3125 + 0.125);
}

TEST(Emulator, XnorDenseDoublesThePopcountAtFullPrecision) {
  // 1-bit data and weights (XNOR, nnet_mult.h): res = (res_T)((ap_int<5>)(acc
  // - 4) * 2) for n_in = 8, where ap_int<5> * int is exact (an ap_int<37>).
  // accum ap_fixed<4,4> wraps at 8: 8 matches -> acc -8 -> -12 -> -24 (a
  // 5-bit product would wrap it to 8); 6 matches -> 2 -> 4; 0 -> -8.
  auto g = DenseGraph(8, 1, std::vector<double>(8, 1.0), {0.0}, "ap_uint<1>", "ap_uint<1>", "ap_fixed<4,4>",
                      "ap_fixed<8,8>");
  auto y = Predict(g, Rows({{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 1, 1, 0, 1}, {0, 0, 0, 0, 0, 0, 0, 0}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data, (std::vector<double>{-24, 4, -8}));
}

TEST(Emulator, DenseResultWrapsAndTruncates) {
  // 31.5 does not fit ap_fixed<8,4> (range [-8, 8)): wraps; 0.3 truncates.
  auto g = DenseGraph(1, 1, {1.0}, {0.0}, "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<32,12>", "ap_fixed<8,4>");
  auto y = Predict(g, Rows({{31.5}, {0.3}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data[0], -0.5);  // 31.5 mod 16, signed
  // 0.3f in <16,6> truncates to 307/1024; in <8,4> to 4/16.
  EXPECT_EQ(y->data[1], 0.25);
}

TEST(Emulator, DenseAccumulatorRoundsEachProductAndSaturates) {
  // accum ap_fixed<8,4,AP_RND,AP_SAT>: every product rounded, then saturating sums.
  auto g = DenseGraph(3, 1, {1.0, 1.0, 1.0}, {0.0}, "ap_fixed<16,6>", "ap_fixed<16,6>",
                      "ap_fixed<8,4,AP_RND,AP_SAT>", "ap_fixed<16,6>");
  auto y = Predict(g, Rows({{7.0, 7.0, -7.0}, {0.03125, 0.03125, 0.0}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data[0], 7.9375 - 7.0);        // 7+7 saturates at 7.9375, then -7
  EXPECT_EQ(y->data[1], 0.0625 + 0.0625);     // each 1/32 rounds up to 1/16
}

TEST(Emulator, ReluAndSigmoidTable) {
  ir::Layer relu;
  relu.kind = ir::LayerKind::Activation;
  relu.activation = ir::ActivationKind::ReLU;
  auto g = UnaryGraph(relu, 3, "ap_fixed<16,6>", "ap_ufixed<8,3>");
  auto y = Predict(g, Rows({{-1.0, 2.55, 9.0}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data[0], 0.0);
  EXPECT_EQ(y->data[1], 2.53125);   // truncated to 1/32
  EXPECT_EQ(y->data[2], 1.0);   // 9 wraps modulo 8

  ir::Layer sig;
  sig.kind = ir::LayerKind::Activation;
  sig.activation = ir::ActivationKind::Sigmoid;
  sig.config.precision["table"].type = T("ap_fixed<18,8>");
  auto gs = UnaryGraph(sig, 3, "ap_fixed<16,6>", "ap_fixed<16,6>");
  auto ys = Predict(gs, Rows({{0.0, -20.0, 20.0}}));
  ASSERT_TRUE(ys.ok()) << ys.status().message();
  EXPECT_EQ(ys->data[0], 0.5);                 // index 512: sigmoid(0)
  EXPECT_EQ(ys->data[1], 0.0);                 // index clamps to 0: sigmoid(-8) ~ 3.4e-4 -> 0 at 2^-10
  EXPECT_EQ(ys->data[2], std::floor((1.0 / (1.0 + std::exp(-(8.0 - 16.0 / 1024)))) * 1024) / 1024);
}

TEST(Emulator, StableSoftmaxWideInputIsConstant) {
  // hls4ml's stable softmax with a wide input type: inp_norm_t = ap_ufixed<37,17>,
  // every difference lands in exp bin 0 -> 1/N rounded in the tables.
  ir::Layer sm;
  sm.kind = ir::LayerKind::Softmax;
  sm.config.softmax_impl = ir::SoftmaxImpl::Stable;
  for (const char* k : {"exp_table", "inv_table", "accum", "inv_inp"})
    sm.config.precision[k].type = T("ap_fixed<18,8,AP_RND,AP_SAT>");
  auto g = UnaryGraph(sm, 5, "ap_fixed<38,18>", "ap_fixed<16,6>");
  auto y = Predict(g, Rows({{1.0, -3.0, 7.5, 0.0, 2.0}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(y->data[i], 205.0 / 1024) << i;
}

TEST(Emulator, ArgmaxSoftmaxAndThreshold) {
  ir::Layer sm;
  sm.kind = ir::LayerKind::Softmax;
  sm.config.softmax_impl = ir::SoftmaxImpl::Argmax;
  auto g = UnaryGraph(sm, 4, "ap_fixed<16,6>", "ap_fixed<16,6>");
  auto y = Predict(g, Rows({{1.0, 3.0, 3.0, -2.0}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data, (std::vector<double>{0, 1, 0, 0}));

  ir::Layer th;
  th.kind = ir::LayerKind::Threshold;
  th.params["threshold"] = ir::Param{{2}, {0.5, -1.0}, T("ap_fixed<16,6>")};
  auto gt = UnaryGraph(th, 2, "ap_fixed<16,6>", "ap_uint<1>");
  auto yt = Predict(gt, Rows({{0.5, -1.5}, {0.25, 3.0}}));
  ASSERT_TRUE(yt.ok()) << yt.status().message();
  EXPECT_EQ(yt->data, (std::vector<double>{1, 0, 0, 1}));
}

TEST(Emulator, ScaleShiftExactThenOneRounding) {
  ir::Layer bn;
  bn.kind = ir::LayerKind::ScaleShift;
  bn.params["scale"] = ir::Param{{2}, {0.5, 3.0}, T("ap_fixed<16,6>")};
  bn.params["bias"] = ir::Param{{2}, {0.25, -1.0}, T("ap_fixed<16,6>")};
  auto g = UnaryGraph(bn, 4, "ap_fixed<16,6>", "ap_fixed<8,4,AP_RND,AP_SAT>");
  auto y = Predict(g, Rows({{1.0, 1.0, 0.03125, 5.0}}));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data[0], 0.75);
  EXPECT_EQ(y->data[1], 2.0);
  EXPECT_EQ(y->data[2], 0.25);     // 0.265625 rounds to 0.25 at 1/16
  EXPECT_EQ(y->data[3], 7.9375);   // 14 saturates
}

// Words too wide for 64-bit arithmetic (input 40 + scale 32 bits: the
// product alone needs 72): the sum x * scale + bias is still exact, then
// assigned once. The values are exact in double, so the expected words are
// plain double arithmetic.
TEST(Emulator, ScaleShiftWideWordsExact) {
  const double u = std::ldexp(1.0, -20), v = std::ldexp(1.0, -40);
  const std::vector<double> scale = {-1.5 + u, 7.25 + 4 * u}, bias = {0.5 + 3 * v, -5 * v};
  ir::Layer bn;
  bn.kind = ir::LayerKind::ScaleShift;
  bn.params["scale"] = ir::Param{{2}, scale, T("ap_fixed<32,12>")};
  bn.params["bias"] = ir::Param{{2}, bias, T("ap_fixed<48,8>")};
  // result: 40 fractional bits (exact), and 8 (rounded to nearest at 2^-8)
  for (const char* res : {"ap_fixed<56,16,AP_RND,AP_SAT>", "ap_fixed<24,16,AP_RND,AP_SAT>"}) {
    auto g = UnaryGraph(bn, 4, "ap_fixed<40,20>", res);
    const std::vector<double> x = {3.75 + u, -100.125, -0.5 - 3 * u, 2 * u};
    auto y = Predict(g, Rows({x}));
    ASSERT_TRUE(y.ok()) << y.status().message();
    const FixedType rt = T(res);
    for (size_t i = 0; i < x.size(); ++i) {
      const double exact = x[i] * scale[i % 2] + bias[i % 2];
      EXPECT_EQ(y->data[i], rt.ToDouble(rt.Quantize(exact))) << res << " element " << i;
    }
  }
}

TEST(Emulator, FloatModeIsExactMath) {
  ir::Layer sm;
  sm.kind = ir::LayerKind::Softmax;
  ir::Graph g = UnaryGraph(sm, 2, "ap_fixed<16,6>", "ap_fixed<16,6>");
  Options o;
  o.float_mode = true;
  auto y = Predict(g, Rows({{0.0, 0.0}}), o);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data[0], 0.5);
}

TEST(Emulator, Errors) {
  auto g = DenseGraph(2, 1, {1, 1}, {0}, "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<32,12>", "ap_fixed<16,6>");
  auto bad = Predict(g, Rows({{1.0, 2.0, 3.0}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("input shape mismatch"), std::string::npos) << bad.status().message();

  g.layers[0].config.precision.erase("accum");
  auto r = Predict(g, Rows({{1.0, 2.0}}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"fc\""), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("accum"), std::string::npos) << r.status().message();

  auto g2 = DenseGraph(2, 1, {1, 1}, {0}, "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<32,12>", "ap_fixed<16,6>");
  g2.tensors["y"].type.reset();
  auto r2 = Predict(g2, Rows({{1.0, 2.0}}));
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("result"), std::string::npos) << r2.status().message();
}

TEST(Emulator, ThreadsGiveSameResult) {
  std::vector<double> w(16 * 8);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(static_cast<double>(i)) * 2;
  auto g = DenseGraph(16, 8, w, std::vector<double>(8, 0.1), "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<37,17>",
                      "ap_fixed<16,6>");
  NDArray in;
  in.shape = {1000, 16};
  for (int i = 0; i < 16000; ++i) in.data.push_back(std::cos(i * 0.37) * 3);
  Options one, two;
  one.threads = 1;
  two.threads = 2;
  auto a = Predict(g, in, one), b = Predict(g, in, two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->data, b->data);
}

}  // namespace
}  // namespace hlsforge::emu
