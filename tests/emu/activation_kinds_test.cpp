// The parametrized and table activations (clipped ReLU, hard sigmoid / hard
// tanh, thresholded ReLU, PReLU, ELU, SELU, softplus, softsign) in the
// emulator: float mode against the documented formulas, bit-exact mode
// against hand-worked fixed-point examples.
//
// Formulas (float mode):
//  * Keras activations (keras.io/api/layers/activations): relu6 = min(max(x,
//    0), 6); elu = x > 0 ? x : alpha (e^x - 1); selu = scale * elu(x, alpha)
//    with alpha = 1.67326324, scale = 1.05070098; softplus = log(e^x + 1);
//    softsign = x / (|x| + 1); hard_sigmoid (Keras 2) = clip(0.2 x + 0.5, 0, 1).
//  * ONNX operators (onnx.ai/onnx/operators): HardSigmoid max(0, min(1,
//    alpha x + beta)); ThresholdedRelu x > alpha ? x : 0; PRelu x < 0 ?
//    slope x : x; Clip(-1, 1) = hard tanh.
// Fixed-point examples (input ap_fixed<10,4>: steps of 1/64; result
// ap_fixed<16,6>: steps of 1/1024, truncation; table ap_fixed<18,8>,
// table_size 1024), worked in the comments of each test.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <random>
#include <string>
#include <vector>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/ir/graph.h"

namespace {

using namespace hlsforge;
using K = ir::ActivationKind;

const FixedType kIn(10, 4), kRes(16, 6), kTable(18, 8);

/// input(n) -> one Activation layer, every precision explicit.
ir::Graph OneActivation(K kind, int n, double alpha = 0, double beta = 0, std::vector<double> alphas = {},
                        FixedType in_t = kIn, FixedType res_t = kRes) {
  ir::Graph g;
  g.name = "act";
  ir::Layer in;
  in.name = "x";
  in.kind = ir::LayerKind::Input;
  in.output = "x";
  g.layers.push_back(in);
  g.tensors["x"] = ir::Tensor{"x", {n}, in_t};
  ir::Layer l;
  l.name = "a";
  l.kind = ir::LayerKind::Activation;
  l.activation = kind;
  l.alpha = alpha;
  l.beta = beta;
  l.inputs = {"x"};
  l.output = "a";
  l.config.precision["table"].type = kTable;
  if (!alphas.empty()) {
    ir::Param p;
    p.shape = {static_cast<int64_t>(alphas.size())};
    p.values = alphas;
    p.type = FixedType(16, 6);
    l.params["param"] = p;
  }
  g.layers.push_back(l);
  g.tensors["a"] = ir::Tensor{"a", {n}, res_t};
  g.inputs = {"x"};
  g.outputs = {"a"};
  return g;
}

std::vector<double> Run(const ir::Graph& g, const std::vector<double>& x, bool float_mode) {
  NDArray in;
  in.shape = {1, static_cast<int64_t>(x.size())};
  for (double v : x) in.data.push_back(v);
  emu::Options o;
  o.float_mode = float_mode;
  auto y = emu::Predict(g, in, o);
  EXPECT_TRUE(y.ok()) << y.status().message();
  if (!y.ok()) return {};
  return std::vector<double>(y->data.begin(), y->data.end());
}

/// 200 varied float32 inputs over [-10, 10] (zeros included).
std::vector<double> Spread() {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-10, 10);
  std::vector<double> x;
  // float32 values: the emulator reads its input as the model's float32 tensor
  for (int i = 0; i < 200; ++i) x.push_back(i % 17 == 0 ? 0.0 : static_cast<float>(u(rng)));
  return x;
}

void ExpectFloat(const ir::Graph& g, const std::function<double(double x, size_t i)>& f) {
  const std::vector<double> x = Spread();
  const std::vector<double> y = Run(g, x, true);
  ASSERT_EQ(y.size(), x.size());
  const std::set<double> distinct(y.begin(), y.end());
  EXPECT_GT(distinct.size(), 10u) << "the outputs vary";
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], f(x[i], i), 1e-12) << "x = " << x[i];
}

TEST(ActivationKindsFloat, ClippedReluHardAndThresholded) {
  ExpectFloat(OneActivation(K::ReLU6OrMax, 200, 6.0), [](double x, size_t) { return std::min(std::max(x, 0.0), 6.0); });
  ExpectFloat(OneActivation(K::ReLU6OrMax, 200, 1.0), [](double x, size_t) { return std::min(std::max(x, 0.0), 1.0); });
  ExpectFloat(OneActivation(K::HardSigmoid, 200, 0.2, 0.5),
              [](double x, size_t) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); });
  ExpectFloat(OneActivation(K::HardSigmoid, 200, 1.0 / 6, 0.5),  // Keras 3: relu6(x + 3) / 6
              [](double x, size_t) { return std::min(std::max(x + 3, 0.0), 6.0) / 6; });
  ExpectFloat(OneActivation(K::HardTanh, 200, 0.5, 0.5), [](double x, size_t) { return std::max(-1.0, std::min(1.0, x)); });
  ExpectFloat(OneActivation(K::ThresholdedReLU, 200, 1.0), [](double x, size_t) { return x > 1.0 ? x : 0.0; });
}

TEST(ActivationKindsFloat, PreluEluSeluSoftplusSoftsign) {
  const std::vector<double> a = {0.25, -0.5, 0.125, 2.0};  // four channels, channels-last: channel i % 4
  ExpectFloat(OneActivation(K::PReLU, 200, 0, 0, a), [&](double x, size_t i) { return x < 0 ? a[i % 4] * x : x; });
  ExpectFloat(OneActivation(K::ELU, 200, 1.0), [](double x, size_t) { return x > 0 ? x : std::exp(x) - 1; });
  ExpectFloat(OneActivation(K::ELU, 200, 0.7), [](double x, size_t) { return x > 0 ? x : 0.7 * (std::exp(x) - 1); });
  const double sa = 1.6732632423543772848170429916717, ss = 1.0507009873554804934193349852946;
  ExpectFloat(OneActivation(K::SELU, 200, sa, ss), [&](double x, size_t) { return ss * (x > 0 ? x : sa * (std::exp(x) - 1)); });
  ExpectFloat(OneActivation(K::Softplus, 200), [](double x, size_t) { return std::log(std::exp(x) + 1); });
  ExpectFloat(OneActivation(K::Softsign, 200), [](double x, size_t) { return x / (std::fabs(x) + 1); });
}

/// Bit-exact outputs of inputs x (all exact in ap_fixed<10,4>).
void ExpectFixed(const ir::Graph& g, const std::vector<double>& x, const std::vector<double>& want) {
  EXPECT_EQ(Run(g, x, false), want) << ir::ToString(g.layers[1].activation);
}

TEST(ActivationKindsFixed, ClippedRelu) {
  // relu1 (max 1) and relu6: the comparison with the param_t word is exact,
  // the clipped value is (res_T) max.
  ExpectFixed(OneActivation(K::ReLU6OrMax, 4, 1.0), {1.5, 0.75, -2, 1.0}, {1.0, 0.75, 0, 1.0});
  ExpectFixed(OneActivation(K::ReLU6OrMax, 3, 6.0), {7.5, 5.984375, -0.015625}, {6.0, 5.984375, 0});
  // ThresholdedReLU theta 0.25: 0.25 is not above it, 0.265625 (17/64) is.
  ExpectFixed(OneActivation(K::ThresholdedReLU, 3, 0.25), {0.25, 0.265625, -1}, {0, 0.265625, 0});
}

TEST(ActivationKindsFixed, HardSigmoidAndHardTanh) {
  // Keras 2 slope 0.2: not a dyadic number; param_t holds float32(0.2) =
  // 13421773 * 2^-26 exactly (ufixed<26,0>), shift 0.5 in ufixed<1,0>.
  // x = 1: y = 0.20000000298 + 0.5 -> truncated to 1/1024: 716/1024 = 0.69921875;
  // x = -1: 0.29999999702 -> 307/1024 = 0.2998046875; x = 3: y > 1 -> 1; x = -3: y < 0 -> 0.
  ExpectFixed(OneActivation(K::HardSigmoid, 4, 0.2, 0.5), {1, -1, 3, -3}, {0.69921875, 0.2998046875, 1, 0});
  // Keras 3 slope 1/6 = float32 11184811 * 2^-26: x = 1.5 -> 0.75000000745 -> 768/1024 = 0.75;
  // x = -1.5 -> 0.24999999255 -> 255/1024.
  ExpectFixed(OneActivation(K::HardSigmoid, 2, 1.0 / 6, 0.5), {1.5, -1.5}, {0.75, 0.2490234375});
  // hard tanh (slope 1/2, shift 1/2): x = 19/64 -> y = 0.6484375 -> 2y - 1 = 19/64 exactly.
  ExpectFixed(OneActivation(K::HardTanh, 4, 0.5, 0.5), {0.296875, -1.5, 3, -0.5}, {0.296875, -1, 1, -0.5});
}

TEST(ActivationKindsFixed, Prelu) {
  // alphas 0.25 / -0.5 (param ap_fixed<16,6>), channel i % 2; products exact.
  ExpectFixed(OneActivation(K::PReLU, 4, 0, 0, {0.25, -0.5}), {-2, -2, 1.5, -0.015625},
              {-0.5, 1.0, 1.5, 0.0078125});
}

TEST(ActivationKindsFixed, EluSelu) {
  // x = -0.5: index floor(0.5 * 1024 / 8) = 64, table input float(-8 * 64 / 1024) = -0.5,
  // expf(-0.5) - 1 = -0.393469 -> ap_fixed<18,8> truncates to -403/1024 = -0.3935546875.
  // x = -8: index 1024 clamped to 1023, e^-7.9921875 - 1 = -0.99966 -> -1024/1024 = -1.
  ExpectFixed(OneActivation(K::ELU, 3, 1.0), {-0.5, -8, 1.25}, {-0.3935546875, -1, 1.25});
  // alpha 0.5 (ufixed<1,0>): 0.5 * -403/1024 = -201.5/1024 -> truncated -202/1024.
  ExpectFixed(OneActivation(K::ELU, 1, 0.5), {-0.5}, {-0.197265625});
  // SELU: x = 1: lambda held in res_T = 1075/1024 = 1.0498046875, times 1;
  // x = -0.5: float(lambda * alpha * (expf(-0.5) - 1)) = -0.691752 -> -709/1024.
  const double sa = 1.6732632423543772848170429916717, ss = 1.0507009873554804934193349852946;
  ExpectFixed(OneActivation(K::SELU, 2, sa, ss), {1, -0.5}, {1.0498046875, -0.6923828125});
}

TEST(ActivationKindsFixed, TableIndexOfCoarseInputsKeepsTheirLsb) {
  // Input ap_fixed<4,5>: LSB 2 (word w = x / 2). hls4ml's index x * N / D
  // divides in the product's type, whose quotient keeps that LSB (the
  // vendor's ap_fixed / ac_fixed division): trunc0(w * N / D) * 2, not
  // trunc0(x * N / D).
  // sigmoid, N = 1000: x = 2: trunc0(1000 / 16) = 62 -> index 124 + 500 = 624
  // (not 625), table input float(16 * 124 / 1000) = 1.984, sigmoid 0.879107
  // -> 900/1024 (index 625 would give 901/1024); x = -2: trunc0(-62.5) = -62
  // -> 376 -> 0.120893 -> 123/1024 (625-style exact: 122; floor: 120).
  ir::Graph sig = OneActivation(K::Sigmoid, 2, 0, 0, {}, FixedType(4, 5));
  sig.layers.back().config.table_size = 1000;
  ExpectFixed(sig, {2, -2}, {900.0 / 1024, 123.0 / 1024});
  // tanh, N = 100, range 8: x = 2: trunc0(100 / 8) = 12 -> 24 + 50 = 74,
  // table input 1.92, tanh 0.957917 -> 980/1024 (index 75: 987/1024).
  ir::Graph th = OneActivation(K::Tanh, 1, 0, 0, {}, FixedType(4, 5));
  th.layers.back().config.table_size = 100;
  ExpectFixed(th, {2}, {980.0 / 1024});
}

TEST(ActivationKindsFixed, SoftplusSoftsign) {
  // index = trunc(x * 1024 / 16) + 512; table input float(16 * (i - 512) / 1024).
  // softplus x = 0: log 2 = 0.693147 -> 709/1024; x = 2: log(e^2 + 1) = 2.126928 -> 2177/1024.
  ExpectFixed(OneActivation(K::Softplus, 2), {0, 2}, {0.6923828125, 2.1259765625});
  // softsign x = 1 -> 0.5; x = -3 -> -0.75; x = -0.5 -> float(-1/3) -> -342/1024.
  ExpectFixed(OneActivation(K::Softsign, 3), {1, -3, -0.5}, {0.5, -0.75, -0.333984375});
}

}  // namespace
