// The QKeras convolution family read from Keras JSON + HDF5: QConv1D,
// QConv2D, QDepthwiseConv2D, QSeparableConv1D/2D, QAveragePooling2D,
// QGlobalAveragePooling2D, QDense with alpha='auto_po2', and the activations
// quantized_tanh / quantized_sigmoid. Expected values are worked by hand
// from the QKeras source (google/qkeras):
//  * quantizers.py quantized_bits: m = 2^(bits - keep_negative), m_i =
//    2^integer, xq = m_i clip(round(x m / m_i), -m + symmetric, m - 1) / m,
//    round = tf.round (half to even); alpha 'auto_po2' (and alpha=None on a
//    layer's kernel: qlayers.py / qconvolutional.py call
//    _set_trainable_parameter): per output channel scale = po2((max - min) /
//    (2^bits - 1)), then 5 times z = sign(x) min(floor(|x| / scale + 1/2),
//    2^(bits-1) - 1), scale = po2(mean(x z) / (mean(z z) + eps)); weight =
//    scale z, po2(s) = 2^round(log2(s + eps)), eps = 1e-7.
//  * quantized_relu(bits, integer): m_i clip(round(x 2^bits / m_i) / 2^bits, 0, 1 - 2^-bits).
//  * quantized_tanh(bits, symmetric): m = 2^(bits-1), clip(round(m (2
//    hard_sigmoid(x) - 1)) / m, -1 + symmetric / m, 1 - 1/m);
//    quantized_sigmoid(bits, symmetric): m = 2^bits, clip(round(m
//    hard_sigmoid(x)) / m, symmetric / m, 1 - 1/m); hard_sigmoid(x) =
//    clip(x / 2 + 1/2, 0, 1).
//  * ternary(alpha, threshold): alpha sign(x) where |x| >= threshold, else 0.
//  * quantized_po2(bits): sign(x) 2^round(log2 |x|) (exponent range of bits).
//  * qconvolutional.py: a Q layer's call() is the Keras op on the quantized
//    kernel(s), plus the quantized bias, then its activation.
//  * qpooling.py QAveragePooling2D / QGlobalAveragePooling2D:
//    average(x) * area * average_quantizer(1 / area), then the activation.
// Float mode is compared with a direct evaluation of those formulas (1e-12);
// bit-exact mode (default config, fixed<16,6> input) with hand-worked words;
// the HLS C simulation of a small QConv2D model equals the emulator bit for
// bit in io_parallel and io_stream.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <set>
#include <fstream>
#include <string>
#include <vector>

#include "../backends/hls_test_util.h"
#include "../cli/cli_test_util.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "frontend_test_util.h"
#include "support/keras_h5_writer.h"

namespace {

namespace fs = std::filesystem;
using hlsforge::NDArray;
using keras_test::LayerWeights;
using keras_test::Weight;
using hlsforge::cli_test::RunCli;
namespace ir = hlsforge::ir;
namespace emu = hlsforge::emu;

fs::path Root() { return fs::temp_directory_path() / ("hlsforge_qkconv_test_" + std::to_string(::getpid())); }

/// Removes the models written by the tests when the program ends.
class RemoveModels : public ::testing::Environment {
 public:
  void TearDown() override { fs::remove_all(Root()); }
};
[[maybe_unused]] ::testing::Environment* const kRemoveModels = ::testing::AddGlobalTestEnvironment(new RemoveModels);

fs::path Dir(const std::string& name) {
  fs::path d = Root() / name;
  fs::create_directories(d);
  return d;
}

/// Writes `<name>.json` + `<name>_weights.h5` (Keras 2.4) and returns the JSON path.
std::string WriteModel(const std::string& name, const std::string& input_shape, const std::vector<std::string>& layers,
                       const std::vector<LayerWeights>& weights) {
  const fs::path d = Dir(name);
  std::ofstream(d / "m.json") << keras_test::Sequential("2.4.0", input_shape, layers);
  keras_test::WriteWeights((d / "m_weights.h5").string(), weights);
  return (d / "m.json").string();
}

using frontend_test::Configured;

ir::Graph Raw(const std::string& json) {
  auto g = hlsforge::frontends::LoadKeras(json, "");
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? *g : ir::Graph{};
}

using frontend_test::Emu;
using frontend_test::L;

std::vector<double> ParamOf(const ir::Graph& g, const std::string& layer, const std::string& key) {
  const ir::Param* p = L(g, layer).param(key);
  EXPECT_NE(p, nullptr) << layer << " " << key;
  return p ? p->values : std::vector<double>{};
}

// ---- the QKeras formulas, evaluated directly --------------------------------

double Rne(double v) { return std::nearbyint(v); }  // tf.round: half to even (default FE_TONEAREST)
double QRelu(double x, int bits, int integer) {
  const double m = std::ldexp(1.0, bits), mi = std::ldexp(1.0, integer);
  return mi * std::clamp(Rne(x * m / mi) / m, 0.0, 1.0 - 1.0 / m);
}
double QBits(double x, int bits, int integer, bool symmetric = false) {
  const double m = std::ldexp(1.0, bits - 1), mi = std::ldexp(1.0, integer);
  return mi * std::clamp(Rne(x * m / mi), -m + (symmetric ? 1 : 0), m - 1) / m;
}
double HardSigmoid(double x) { return std::clamp(0.5 * x + 0.5, 0.0, 1.0); }
double QTanh(double x, int bits, bool symmetric = false) {
  const double m = std::ldexp(1.0, bits - 1);
  return std::clamp(Rne((2.0 * HardSigmoid(x) - 1.0) * m) / m, -1.0 + (symmetric ? 1.0 : 0.0) / m, 1.0 - 1.0 / m);
}
double QSigmoid(double x, int bits, bool symmetric = false) {
  const double m = std::ldexp(1.0, bits);
  return std::clamp(Rne(HardSigmoid(x) * m) / m, (symmetric ? 1.0 : 0.0) / m, 1.0 - 1.0 / m);
}

/// Channels-last 'valid' stride-1 convolution of x [H, W, C] (one row) by
/// kernel [kh, kw, C, F] plus bias [F]; depthwise: kernel [kh, kw, C, dm],
/// output channel c*dm + m.
std::vector<double> Conv(const std::vector<double>& x, int H, int W, int C, const std::vector<double>& k, int kh,
                         int kw, int F, const std::vector<double>& bias, bool depthwise = false) {
  const int oh = H - kh + 1, ow = W - kw + 1, co = depthwise ? C * F : F;
  std::vector<double> y(static_cast<size_t>(oh * ow * co), 0.0);
  for (int i = 0; i < oh; ++i)
    for (int j = 0; j < ow; ++j)
      for (int o = 0; o < co; ++o) {
        double acc = bias.empty() ? 0.0 : bias[o];
        for (int a = 0; a < kh; ++a)
          for (int b = 0; b < kw; ++b) {
            const double* px = &x[((i + a) * W + (j + b)) * C];
            if (depthwise) acc += px[o / F] * k[((a * kw + b) * C + o / F) * F + o % F];
            else
              for (int c = 0; c < C; ++c) acc += px[c] * k[((a * kw + b) * C + c) * F + o];
          }
        y[(i * ow + j) * co + o] = acc;
      }
  return y;
}

/// Rows of values on the grid 1/8 in [-2, 2) (exact in fixed<16,6>), varying.
NDArray GridInput(std::vector<int64_t> shape, int rows, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-16, 15);
  NDArray x;
  x.shape = {rows};
  x.shape.insert(x.shape.end(), shape.begin(), shape.end());
  x.data.resize(static_cast<size_t>(x.size()));
  for (double& v : x.data) v = d(rng) / 8.0;
  return x;
}

/// Every row of `x` through `f` (one row in, one row out) vs `y`, to 1e-12.
template <class F>
void ExpectRowsNear(const NDArray& x, const NDArray& y, F f, const std::string& tag) {
  const int64_t n = x.row_size(), m = y.row_size();
  ASSERT_EQ(y.rows(), x.rows()) << tag;
  std::set<double> distinct;
  for (int64_t r = 0; r < x.rows(); ++r) {
    std::vector<double> row(x.data.begin() + r * n, x.data.begin() + (r + 1) * n);
    const std::vector<double> want = f(row);
    ASSERT_EQ(static_cast<int64_t>(want.size()), m) << tag;
    for (int64_t i = 0; i < m; ++i) {
      EXPECT_NEAR(y.data[r * m + i], want[i], 1e-12) << tag << " row " << r << " element " << i;
      distinct.insert(want[i]);
    }
  }
  EXPECT_GE(distinct.size(), 4u) << tag << ": the compared outputs must vary";
}

NDArray OneRow(std::vector<int64_t> shape, std::vector<double> v) {
  NDArray x;
  x.shape = {1};
  x.shape.insert(x.shape.end(), shape.begin(), shape.end());
  x.data = std::move(v);
  return x;
}

/// The two channels of the first output pixel of `one` (bit-exact mode).
std::vector<double> FirstPixel(const ir::Graph& g, const NDArray& one) {
  const NDArray y = Emu(g, one, false);
  EXPECT_GE(y.data.size(), 2u);
  return y.data.size() < 2 ? std::vector<double>{} : std::vector<double>(y.data.begin(), y.data.begin() + 2);
}

// ---- QConv2D ------------------------------------------------------------------

// kernel [2, 2, 1, 2] (kh, kw, c_in, filters) and its quantized_bits(4, 0, 0, alpha=1)
// values: m = 8, clip(round(8 w), -8, 7) / 8:
//   0.30 -> round(2.4) = 2 -> 0.25;  -0.72 -> round(-5.76) = -6 -> -0.75;
//   0.99 -> round(7.92) = 8 -> 7 -> 0.875;  -1.30 -> -10 -> -8 -> -1.0;
//   0.0625 -> round(0.5) = 0 (half to even) -> 0;  0.4 -> round(3.2) = 3 -> 0.375;
//   -0.2 -> round(-1.6) = -2 -> -0.25;  0.19 -> round(1.52) = 2 -> 0.25.
const std::vector<float> kConvKernel = {0.30f, 0.0625f, -0.72f, 0.4f, 0.99f, -0.2f, -1.30f, 0.19f};
const std::vector<double> kConvKernelQ = {0.25, 0.0, -0.75, 0.375, 0.875, -0.25, -1.0, 0.25};
// bias quantized_bits(4, 0, 0, alpha=1): 0.1 -> round(0.8) = 1 -> 0.125; -0.33 -> round(-2.64) = -3 -> -0.375
const std::vector<float> kConvBias = {0.1f, -0.33f};
const std::vector<double> kConvBiasQ = {0.125, -0.375};

std::string QConv2DModel() {
  return WriteModel(
      "qconv2d", "[null, 3, 3, 1]",
      {R"JS({"class_name": "QConv2D", "config": {"name": "qc", "filters": 2, "kernel_size": [2, 2], "strides": [1, 1],
          "padding": "valid", "use_bias": true,
          "kernel_quantizer": {"class_name": "quantized_bits", "config": {"bits": 4, "integer": 0, "symmetric": 0, "alpha": 1, "keep_negative": true}},
          "bias_quantizer": "quantized_bits(4,0,0,alpha=1)",
          "activation": "quantized_relu(4,1)"}})JS"},
      {{"in", {}}, {"qc", {Weight{"kernel", {2, 2, 1, 2}, kConvKernel}, Weight{"bias", {2}, kConvBias}}}});
}

TEST(QKerasConv, QConv2DWeightsFloatAndBitExact) {
  const std::string json = QConv2DModel();
  const ir::Graph raw = Raw(json);
  EXPECT_EQ(ParamOf(raw, "qc", "weight"), kConvKernelQ);
  EXPECT_EQ(ParamOf(raw, "qc", "bias"), kConvBiasQ);
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({3, 3, 1}, 40, 1);
  ExpectRowsNear(x, Emu(g, x, true), [](const std::vector<double>& r) {
    std::vector<double> y = Conv(r, 3, 3, 1, kConvKernelQ, 2, 2, 2, kConvBiasQ);
    for (double& v : y) v = QRelu(v, 4, 1);
    return y;
  }, "QConv2D float");
  // On the input grid every sum is exact: bit-exact mode equals the formula.
  EXPECT_EQ(Emu(g, x, false).data, Emu(g, x, true).data);
  // Hand-worked: window [0.5, -0.25; 1.0, 0.125], filter 0: 0.125 + 0.5*0.25 +
  // (-0.25)*(-0.75) + 1.0*0.875 + 0.125*(-1.0) = 1.1875; quantized_relu(4,1):
  // s = 2^(1-4) = 1/8, round(9.5) = 10 (half to even), clip to [0, 15] -> 1.25.
  // Filter 1: -0.375 + 0 + (-0.25)(0.375) + 1.0(-0.25) + 0.125(0.25) = -0.6875 -> 0.
  EXPECT_EQ(FirstPixel(g, OneRow({3, 3, 1}, {0.5, -0.25, 0, 1.0, 0.125, 0, 0, 0, 0})), (std::vector<double>{1.25, 0.0}));
}

// ---- QConv1D + quantized_tanh ----------------------------------------------------

TEST(QKerasConv, QConv1DTernaryKernelQuantizedTanh) {
  // kernel [2, 2, 1] ternary(alpha=1, threshold=0.5): |w| >= 0.5 -> sign(w), else 0.
  const std::string json = WriteModel(
      "qconv1d", "[null, 5, 2]",
      {R"JS({"class_name": "QConv1D", "config": {"name": "q1", "filters": 1, "kernel_size": [2], "strides": [1],
          "padding": "valid", "use_bias": false, "kernel_quantizer": "ternary(alpha=1, threshold=0.5)",
          "activation": "quantized_tanh(4)"}})JS"},
      {{"in", {}}, {"q1", {Weight{"kernel", {2, 2, 1}, {0.7f, -0.2f, -0.5f, 0.49f}}}}});
  const ir::Graph raw = Raw(json);
  const std::vector<double> kq = {1.0, 0.0, -1.0, 0.0};
  EXPECT_EQ(ParamOf(raw, "q1", "weight"), kq);
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({5, 2}, 40, 2);
  ExpectRowsNear(x, Emu(g, x, true), [&](const std::vector<double>& r) {
    std::vector<double> y = Conv(r, 1, 5, 2, kq, 1, 2, 1, {});
    for (double& v : y) v = QTanh(v, 4);
    return y;
  }, "QConv1D float");
  EXPECT_EQ(Emu(g, x, false).data, Emu(g, x, true).data);
  // Hand-worked (m = 8): x0 - x3 over windows: [1.5,_, -0.25,_] -> 1.75 -> clip(x,-1,1) = 1
  // -> round(8) = 8 -> 7/8; [-0.25,_, -1.5,_] -> 1.25 -> 7/8;
  // [-1.5,_, 0.1875... ] kept on the grid: [-1.5, 0.3125] -> -1.8125 -> -1 -> -8/8 = -1
  // (symmetric=False keeps -1); [0.3125, 0] -> round(2.5) = 2 -> 0.25.
  const NDArray one = OneRow({5, 2}, {1.5, 0, -0.25, 0, -1.5, 0, 0.3125, 0, 0, 0});
  EXPECT_EQ(Emu(g, one, false).data, (std::vector<double>{0.875, 0.875, -1.0, 0.25}));
}

// ---- QDepthwiseConv2D with alpha='auto_po2' + quantized_sigmoid ------------------

// Two channels of four weights each, worked by hand (bits 4, integer 0:
// levels 15, z clipped to 7, m = 8):
//  ch0 [0.3, -0.1, 0.05, 0.2]: scale0 = po2(0.4 / 15 = 0.0267) = 2^-5;
//    z = [min(floor(9.6 + .5), 7), -floor(3.2 + .5), floor(1.6 + .5), floor(6.4 + .5)]
//      = [7, -3, 2, 6]; mean(x z) = 3.7 / 4, mean(z z) = 98 / 4 -> 0.0378 -> 2^-5
//      again (a fixed point): weights z / 8 = [0.875, -0.375, 0.25, 0.75], scale 2^-5 * 8 = 0.25.
//  ch1 [1.0, -0.5, 0.25, 0.0]: scale0 = po2(1.5 / 15) = 2^-3; z = [7, -4, 2, 0];
//    mean(x z) = 9.5 / 4, mean(z z) = 69 / 4 -> 0.1377 -> 2^-3: weights
//    [0.875, -0.5, 0.25, 0], scale 2^-3 * 8 = 1.
const std::vector<double> kCh0 = {0.3, -0.1, 0.05, 0.2}, kCh1 = {1.0, -0.5, 0.25, 0.0};
const std::vector<double> kCh0Q = {0.875, -0.375, 0.25, 0.75}, kCh1Q = {0.875, -0.5, 0.25, 0.0};

/// Interleaves two channels as the last axis ([4, 2] flat).
template <class T>
std::vector<T> LastAxis(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<T> v;
  for (size_t i = 0; i < a.size(); ++i) {
    v.push_back(static_cast<T>(a[i]));
    v.push_back(static_cast<T>(b[i]));
  }
  return v;
}

TEST(QKerasConv, QDepthwiseConv2DAutoPo2QuantizedSigmoid) {
  // depthwise kernel [2, 2, 1, 2] (c_in 1, depth_multiplier 2): channel m of the last axis.
  // bias quantized_bits(4,0,alpha=1): 0.1 -> 0.125, -0.2 -> round(-1.6) = -2 -> -0.25.
  const std::string json = WriteModel(
      "qdepthwise", "[null, 3, 3, 1]",
      {R"JS({"class_name": "QDepthwiseConv2D", "config": {"name": "qd", "kernel_size": [2, 2], "strides": [1, 1],
          "padding": "valid", "depth_multiplier": 2, "use_bias": true,
          "depthwise_quantizer": "quantized_bits(4, 0, alpha='auto_po2')",
          "bias_quantizer": "quantized_bits(4,0,alpha=1)", "activation": "quantized_sigmoid(4)"}})JS"},
      {{"in", {}},
       {"qd", {Weight{"depthwise_kernel", {2, 2, 1, 2}, LastAxis<float>(kCh0, kCh1)}, Weight{"bias", {2}, {0.1f, -0.2f}}}}});
  const ir::Graph raw = Raw(json);
  EXPECT_EQ(ParamOf(raw, "qd", "weight"), LastAxis<double>(kCh0Q, kCh1Q));
  EXPECT_EQ(L(raw, "qd").param("bias"), nullptr);  // moved after the scale
  EXPECT_EQ(ParamOf(raw, "qd_alpha", "scale"), (std::vector<double>{0.25, 1.0}));
  EXPECT_EQ(ParamOf(raw, "qd_alpha", "bias"), (std::vector<double>{0.125, -0.25}));
  const ir::Graph g = Configured(json);
  // QKeras' effective kernel: scale * grid value
  std::vector<double> eff = LastAxis<double>(kCh0Q, kCh1Q);
  for (size_t i = 0; i < eff.size(); ++i) eff[i] *= i % 2 == 0 ? 0.25 : 1.0;
  const NDArray x = GridInput({3, 3, 1}, 40, 3);
  ExpectRowsNear(x, Emu(g, x, true), [&](const std::vector<double>& r) {
    std::vector<double> y = Conv(r, 3, 3, 1, eff, 2, 2, 2, {0.125, -0.25}, /*depthwise=*/true);
    for (double& v : y) v = QSigmoid(v, 4);
    return y;
  }, "QDepthwiseConv2D float");
  EXPECT_EQ(Emu(g, x, false).data, Emu(g, x, true).data);
  // Hand-worked: window [1, 0; 0, 1]: ch0 = 0.25*(0.875 + 0.75) + 0.125 = 0.53125;
  // hard_sigmoid = 0.765625, *16 = 12.25 -> 12 -> 0.75. ch1 = 0.875 + 0 - 0.25 = 0.625
  // -> 0.8125 * 16 = 13 -> 0.8125.
  EXPECT_EQ(FirstPixel(g, OneRow({3, 3, 1}, {1, 0, 0, 0, 1, 0, 0, 0, 0})), (std::vector<double>{0.75, 0.8125}));
}

// ---- QDense with alpha=None (= 'auto_po2' in a QKeras layer) ---------------------

TEST(QKerasConv, QDenseAlphaNoneIsAutoPo2) {
  const std::string json = WriteModel(
      "qdense", "[null, 4]",
      {R"JS({"class_name": "QDense", "config": {"name": "fc", "units": 2, "use_bias": false,
          "kernel_quantizer": {"class_name": "quantized_bits", "config": {"bits": 4, "integer": 0, "symmetric": 0, "alpha": null, "keep_negative": true}}}})JS"},
      {{"in", {}}, {"fc", {Weight{"kernel", {4, 2}, LastAxis<float>(kCh0, kCh1)}}}});
  const ir::Graph raw = Raw(json);
  EXPECT_EQ(ParamOf(raw, "fc", "weight"), LastAxis<double>(kCh0Q, kCh1Q));
  EXPECT_EQ(ParamOf(raw, "fc_alpha", "scale"), (std::vector<double>{0.25, 1.0}));
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({4}, 40, 4);
  ExpectRowsNear(x, Emu(g, x, true), [](const std::vector<double>& r) {
    std::vector<double> y(2, 0.0);
    for (int i = 0; i < 4; ++i) {
      y[0] += r[i] * kCh0Q[i] * 0.25;
      y[1] += r[i] * kCh1Q[i];
    }
    return y;
  }, "QDense auto_po2 float");
  EXPECT_EQ(Emu(g, x, false).data, Emu(g, x, true).data);
}

// ---- QSeparableConv2D / QSeparableConv1D ---------------------------------------------

TEST(QKerasConv, QSeparableConv2DDepthwiseAndPointwiseQuantizers) {
  // depthwise [2, 2, 2, 1] quantized_bits(3, 0, alpha=1): m = 4, clip(round(4 w), -4, 3) / 4;
  // pointwise [1, 1, 2, 2] quantized_po2(4): sign(w) 2^round(log2 |w|);
  // bias quantized_bits(5, 1, alpha=1): m = 16, m_i = 2: 2 clip(round(8 b), -16, 15) / 16.
  const std::vector<float> dw = {0.3f, -0.9f, 0.6f, 0.1f, -0.4f, 0.8f, 1.2f, -0.13f};
  const std::vector<double> dwq = {0.25, -1.0, 0.5, 0.0, -0.5, 0.75, 0.75, -0.25};
  // 0.3 -> 1.2 -> 1; -0.9 -> -3.6 -> -4; 0.6 -> 2.4 -> 2; 0.1 -> 0.4 -> 0; -0.4 -> -1.6 -> -2;
  // 0.8 -> 3.2 -> 3; 1.2 -> 4.8 -> 5 -> 3; -0.13 -> -0.52 -> -1
  const std::vector<float> pw = {0.3f, -0.7f, 1.6f, 0.1f};
  const std::vector<double> pwq = {0.25, -0.5, 2.0, 0.125};
  // log2: 0.3 -> -1.74 -> -2; 0.7 -> -0.51 -> -1; 1.6 -> 0.68 -> 1; 0.1 -> -3.32 -> -3
  const std::vector<double> bq = {0.375, -1.25};  // 0.37 -> 2.96 -> 3 -> 0.375; -1.27 -> -10.16 -> -10 -> -1.25
  const std::string json = WriteModel(
      "qsep2d", "[null, 3, 3, 2]",
      {R"JS({"class_name": "QSeparableConv2D", "config": {"name": "qs", "filters": 2, "kernel_size": [2, 2],
          "strides": [1, 1], "padding": "valid", "depth_multiplier": 1, "use_bias": true,
          "depthwise_quantizer": "quantized_bits(3,0,alpha=1)", "pointwise_quantizer": "quantized_po2(4)",
          "bias_quantizer": "quantized_bits(5,1,alpha=1)"}})JS"},
      {{"in", {}},
       {"qs", {Weight{"depthwise_kernel", {2, 2, 2, 1}, dw}, Weight{"pointwise_kernel", {1, 1, 2, 2}, pw},
               Weight{"bias", {2}, {0.37f, -1.27f}}}}});
  const ir::Graph raw = Raw(json);
  EXPECT_EQ(ParamOf(raw, "qs_depthwise", "weight"), dwq);
  EXPECT_EQ(ParamOf(raw, "qs_pointwise", "weight"), pwq);
  EXPECT_EQ(ParamOf(raw, "qs_pointwise", "bias"), bq);
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({3, 3, 2}, 40, 5);
  ExpectRowsNear(x, Emu(g, x, true), [&](const std::vector<double>& r) {
    const std::vector<double> d = Conv(r, 3, 3, 2, dwq, 2, 2, 1, {}, /*depthwise=*/true);
    return Conv(d, 2, 2, 2, pwq, 1, 1, 2, bq);
  }, "QSeparableConv2D float");
  EXPECT_EQ(Emu(g, x, false).data, Emu(g, x, true).data);
}

TEST(QKerasConv, QSeparableConv1DPointwiseAutoPo2) {
  // depthwise [1, 2, 1] binary(alpha=1): sign(w), 0 -> +1; pointwise [1, 2, 2] with
  // alpha='auto_po2' over the last axis (columns): ch0 [0.3, -0.1] scale0 = po2(0.4/15) = 2^-5,
  // z = [7, -3] (0.3/2^-5 = 9.6 -> 7; 3.2 -> 3), mean(xz) = 2.4/2, mean(zz) = 58/2 ->
  // 0.0414 -> 2^-5: grid [0.875, -0.375], scale 0.25. ch1 [1.0, -0.5]: 2^-3, z = [7, -4],
  // mean(xz) = 9/2, mean(zz) = 65/2 -> 0.138 -> 2^-3: grid [0.875, -0.5], scale 1.
  const std::string json = WriteModel(
      "qsep1d", "[null, 4, 2]",
      {R"JS({"class_name": "QSeparableConv1D", "config": {"name": "qs1", "filters": 2, "kernel_size": [1],
          "strides": [1], "padding": "valid", "depth_multiplier": 1, "use_bias": false,
          "depthwise_quantizer": "binary(alpha=1)", "pointwise_quantizer": "quantized_bits(4,0,alpha='auto_po2')"}})JS"},
      {{"in", {}},
       {"qs1", {Weight{"depthwise_kernel", {1, 2, 1}, {0.0f, -0.3f}},
                Weight{"pointwise_kernel", {1, 2, 2}, {0.3f, 1.0f, -0.1f, -0.5f}}}}});
  const ir::Graph raw = Raw(json);
  EXPECT_EQ(ParamOf(raw, "qs1_depthwise", "weight"), (std::vector<double>{1.0, -1.0}));
  EXPECT_EQ(ParamOf(raw, "qs1_pointwise", "weight"), (std::vector<double>{0.875, 0.875, -0.375, -0.5}));
  EXPECT_EQ(ParamOf(raw, "qs1_pointwise_alpha", "scale"), (std::vector<double>{0.25, 1.0}));
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({4, 2}, 40, 6);
  ExpectRowsNear(x, Emu(g, x, true), [](const std::vector<double>& r) {
    std::vector<double> y;
    for (int i = 0; i < 4; ++i) {
      const double a = r[2 * i], b = -r[2 * i + 1];
      y.push_back(0.25 * (0.875 * a - 0.375 * b));
      y.push_back(0.875 * a - 0.5 * b);
    }
    return y;
  }, "QSeparableConv1D float");
  EXPECT_EQ(Emu(g, x, false).data, Emu(g, x, true).data);
}

// ---- QAveragePooling2D / QGlobalAveragePooling2D ------------------------------------

TEST(QKerasConv, QAveragePooling2DAverageQuantizerAndActivation) {
  // pool (1, 3): area 3; quantized_bits(4,0,alpha=1)(1/3) = round(8/3 = 2.67) / 8 = 0.375,
  // factor 3 * 0.375 = 1.125; activation quantized_bits(6, 2): step 2^(2-5) = 1/8.
  const std::string json = WriteModel(
      "qavg", "[null, 2, 3, 1]",
      {R"JS({"class_name": "QAveragePooling2D", "config": {"name": "qa", "pool_size": [1, 3], "strides": [1, 3],
          "padding": "valid", "average_quantizer": "quantized_bits(4,0,alpha=1)", "activation": "quantized_bits(6,2)"}})JS"},
      {{"in", {}}, {"qa", {}}});
  const ir::Graph raw = Raw(json);
  EXPECT_EQ(ParamOf(raw, "qa_average_quantizer", "scale"), (std::vector<double>{1.125}));
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({2, 3, 1}, 60, 7);
  ExpectRowsNear(x, Emu(g, x, true), [](const std::vector<double>& r) {
    return std::vector<double>{QBits((r[0] + r[1] + r[2]) / 3.0 * 1.125, 6, 2),
                               QBits((r[3] + r[4] + r[5]) / 3.0 * 1.125, 6, 2)};
  }, "QAveragePooling2D float");
  // Bit-exact, hand-worked (pooling as hls4ml: the sum's word divided by 3,
  // truncated): [0.5, 0.25, 0.75] -> 1.5 / 3 = 0.5 exactly, * 1.125 = 0.5625,
  // * 8 = 4.5 -> 4 (half to even) -> 0.5. [0.5, 0.25, 0.5] -> 1.25 = 1280 / 2^10,
  // 1280 / 3 = 426 (truncated) -> 0.416015625, * 1.125 = 0.468017578125, * 8 = 3.744 -> 4 -> 0.5
  // (float: 0.46875 * 8 = 3.75 -> 4, the same).
  const NDArray one = OneRow({2, 3, 1}, {0.5, 0.25, 0.75, 0.5, 0.25, 0.5});
  EXPECT_EQ(Emu(g, one, false).data, (std::vector<double>{0.5, 0.5}));
  auto t = emu::Trace(g, one);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->at("qa").data[1], 426.0 / 1024.0);
}

TEST(QKerasConv, QGlobalAveragePooling2DAverageQuantizer) {
  // input 2 x 3 x 2: area 6; quantized_bits(4,0,alpha=1)(1/6) = round(1.33) / 8 = 0.125,
  // factor 6 * 0.125 = 0.75; no activation.
  const std::string json = WriteModel(
      "qgap", "[null, 2, 3, 2]",
      {R"JS({"class_name": "QGlobalAveragePooling2D", "config": {"name": "qg",
          "average_quantizer": "quantized_bits(4,0,alpha=1)", "activation": null}})JS"},
      {{"in", {}}, {"qg", {}}});
  const ir::Graph g = Configured(json);
  const NDArray x = GridInput({2, 3, 2}, 60, 8);
  ExpectRowsNear(x, Emu(g, x, true), [](const std::vector<double>& r) {
    double s0 = 0, s1 = 0;
    for (int p = 0; p < 6; ++p) {
      s0 += r[2 * p];
      s1 += r[2 * p + 1];
    }
    return std::vector<double>{s0 / 6.0 * 0.75, s1 / 6.0 * 0.75};
  }, "QGlobalAveragePooling2D float");
  // Bit-exact, hand-worked (the sum's word over 2^-10 divided by 6, truncated; the
  // ScaleShift by 0.75 exact): channel 0 sums 3.0 = 3072 -> 512 -> 0.5 -> 0.375;
  // channel 1 sums 0.125 = 128 -> 21 -> 0.0205078125 -> 0.015380859375 (float: 0.015625).
  const NDArray one = OneRow({2, 3, 2}, {0.5, 0.125, 0.25, 0, 0.75, 0, 0.5, 0, 1.0, 0, 0, 0});
  EXPECT_EQ(Emu(g, one, false).data, (std::vector<double>{0.375, 0.015380859375}));
  EXPECT_EQ(Emu(g, one, true).data, (std::vector<double>{0.375, 0.015625}));
}

// ---- errors ----------------------------------------------------------------------

TEST(QKerasConv, UnsupportedQuantizerArgumentIsLocatedAndExits2) {
  const std::string json = WriteModel(
      "bad", "[null, 3, 3, 1]",
      {R"JS({"class_name": "QConv2D", "config": {"name": "bad_conv", "filters": 2, "kernel_size": [2, 2],
          "padding": "valid", "use_bias": true, "kernel_quantizer": "quantized_bits(4,0,alpha=1,qnoise_factor=0.5)",
          "bias_quantizer": "quantized_bits(4,0,alpha=1)"}})JS"},
      {{"in", {}}, {"bad_conv", {Weight{"kernel", {2, 2, 1, 2}, kConvKernel}, Weight{"bias", {2}, kConvBias}}}});
  auto g = hlsforge::frontends::LoadKeras(json, "");
  ASSERT_FALSE(g.ok());
  const std::string msg = g.status().message();
  EXPECT_NE(msg.find(json), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"bad_conv\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("kernel_quantizer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("qnoise_factor"), std::string::npos) << msg;
  const auto r = RunCli({"inspect", json});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("bad_conv"), std::string::npos) << r.err;
}

// ---- HLS C simulation == emulator ------------------------------------------------

TEST(QKerasConvCsim, QConv2DAutoPo2ModelBothIoTypes) {
  // QConv2D 3x3, 2 -> 3 filters, alpha='auto_po2' kernel, quantized bias,
  // quantized_relu(6, 2); then QAveragePooling2D 2x2 with a quantized_sigmoid(5).
  std::mt19937 rng(11);
  std::normal_distribution<float> n(0.0f, 0.5f);
  std::vector<float> k(3 * 3 * 2 * 3), bias(3);
  for (float& v : k) v = n(rng);
  for (float& v : bias) v = n(rng);
  const std::string json = WriteModel(
      "csim", "[null, 6, 6, 2]",
      {R"JS({"class_name": "QConv2D", "config": {"name": "qc", "filters": 3, "kernel_size": [3, 3], "strides": [1, 1],
          "padding": "valid", "use_bias": true, "kernel_quantizer": "quantized_bits(4,0,alpha='auto_po2')",
          "bias_quantizer": "quantized_bits(6,2,alpha=1)", "activation": "quantized_relu(6,2)"}})JS",
       R"JS({"class_name": "QAveragePooling2D", "config": {"name": "qa", "pool_size": [2, 2], "padding": "valid",
          "average_quantizer": null, "activation": "quantized_sigmoid(5)"}})JS"},
      {{"in", {}}, {"qc", {Weight{"kernel", {3, 3, 2, 3}, k}, Weight{"bias", {3}, bias}}}, {"qa", {}}});
  std::normal_distribution<double> xn(0.0, 1.0);
  NDArray x;
  x.shape = {16, 6, 6, 2};
  x.data.resize(static_cast<size_t>(x.size()));
  for (double& v : x.data) v = xn(rng);
  for (const ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
    const ir::Graph g = Configured(json, io);
    ASSERT_NE(g.FindLayer("qc_alpha"), nullptr);
    const NDArray y = Emu(g, x, false);
    std::set<double> distinct(y.data.begin(), y.data.end());
    EXPECT_GE(distinct.size(), 6u) << "the model output must vary";
    hls_test::ExpectCsimMatchesEmulator(g, x, io == ir::IOType::Parallel ? "qconv_parallel" : "qconv_stream", io);
  }
}

}  // namespace
