// Depthwise convolution with binary weights in XNOR encoding (a 1-bit
// unsigned weight word: 1 = +1, 0 = -1), as a QONNX/ONNX binary depthwise
// model gives them: output channel c*dm + m sums only the products of input
// channel c. The window cells of the other channels contribute nothing (a
// zero weight does not exist in this encoding: the word 0 is -1), for 1-bit
// weights on wider data (weight_binary: +x or -x) and for 1-bit data and
// weights (both_binary: XNOR + popcount, then (acc - n/2) * 2 with n = kh*kw
// products per output). Checked against a hand-worked example and against a
// direct bipolar convolution on varying data.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "hlsforge/emu/emulator.h"

namespace hlsforge::emu {
namespace {

FixedType T(const char* s) { return *FixedType::Parse(s); }

/// One depthwise Conv2D layer, valid padding, stride 1, channels-last:
/// input [H, W, C] of `in_t`, weights [kh, kw, C, dm] (values +-1, type
/// ap_uint<1>), optional bias [C*dm], accum and result `acc_t`.
ir::Graph DepthwiseGraph(int64_t H, int64_t W, int64_t C, int64_t k, int64_t dm, const char* in_t,
                         const std::vector<double>& w, const std::vector<double>& bias, const char* acc_t) {
  ir::Graph g;
  g.name = "dw_binary";
  g.inputs = {"x"};
  g.tensors["x"] = ir::Tensor{"x", {H, W, C}, T(in_t)};
  ir::ConvAttrs a;
  a.rank = 2;
  a.kernel_h = a.kernel_w = k;
  a.depthwise = true;
  a.depth_multiplier = dm;
  ir::Layer l;
  l.name = "dw";
  l.kind = ir::LayerKind::Conv;
  l.conv = a;
  l.inputs = {"x"};
  l.output = "y";
  l.params["weight"] = ir::Param{{k, k, C, dm}, w, T("ap_uint<1>")};
  if (!bias.empty()) l.params["bias"] = ir::Param{{C * dm}, bias, T("ap_fixed<8,4>")};
  l.config.precision["accum"].type = T(acc_t);
  g.tensors["y"] = ir::Tensor{"y", {H - k + 1, W - k + 1, C * dm}, T(acc_t)};
  g.layers.push_back(std::move(l));
  g.outputs = {"y"};
  return g;
}

/// Direct depthwise convolution with bipolar weights (w > 0 -> +1, else -1)
/// and data read by `data(v)`, valid padding, stride 1.
template <class Data>
std::vector<double> DirectBipolar(const double* x, int64_t H, int64_t W, int64_t C, int64_t k, int64_t dm,
                                  const std::vector<double>& w, const std::vector<double>& bias, Data data) {
  const int64_t OH = H - k + 1, OW = W - k + 1, CO = C * dm;
  std::vector<double> y(static_cast<size_t>(OH * OW * CO));
  for (int64_t oy = 0; oy < OH; ++oy)
    for (int64_t ox = 0; ox < OW; ++ox)
      for (int64_t co = 0; co < CO; ++co) {
        const int64_t c = co / dm, m = co % dm;
        double s = bias.empty() ? 0.0 : bias[static_cast<size_t>(co)];
        for (int64_t ky = 0; ky < k; ++ky)
          for (int64_t kx = 0; kx < k; ++kx) {
            const double wv = w[static_cast<size_t>(((ky * k + kx) * C + c) * dm + m)] > 0 ? 1.0 : -1.0;
            s += data(x[((oy + ky) * W + ox + kx) * C + c]) * wv;
          }
        y[static_cast<size_t>((oy * OW + ox) * CO + co)] = s;
      }
  return y;
}

std::vector<double> Bipolar(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = (rng() & 1) ? 1.0 : -1.0;
  return v;
}

// Hand-worked: input 2x2 pixels, 2 channels, one 2x2 kernel per channel
// (dm = 1), weights ap_uint<1>, data ap_fixed<8,4>, no bias.
//   channel 0: x = 1, 2, 3, 4        w = +1, -1, +1, +1  ->  1 - 2 + 3 + 4 = 6
//   channel 1: x = 0.5, -1, 2, -3    w = -1, -1, +1, -1  -> -0.5 + 1 + 2 + 3 = 5.5
// A dense matrix padded with zero weight words would add the other channel's
// four cells times -1: 6 - (0.5 - 1 + 2 - 3) = 7.5 and 5.5 - 10 = -4.5.
TEST(DepthwiseBinary, WeightBinaryHandWorked) {
  // weights [ky][kx][c][m]: cell (ky, kx) holds channel 0 then channel 1
  const std::vector<double> w = {1, -1, -1, -1, 1, 1, 1, -1};
  ir::Graph g = DepthwiseGraph(2, 2, 2, 2, 1, "ap_fixed<8,4>", w, {}, "ap_fixed<16,8>");
  ASSERT_TRUE(g.Validate().ok()) << g.Validate().message();
  NDArray x;
  x.shape = {1, 2, 2, 2};
  x.data = {1, 0.5, 2, -1, 3, 2, 4, -3};  // pixel-major, channels last
  auto y = Predict(g, x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->data.size(), 2u);
  EXPECT_EQ(y->data[0], 6.0);
  EXPECT_EQ(y->data[1], 5.5);
  auto yf = Predict(g, x, Options{.float_mode = true});
  ASSERT_TRUE(yf.ok()) << yf.status().message();
  EXPECT_EQ(yf->data[0], 6.0);
  EXPECT_EQ(yf->data[1], 5.5);
}

// 1-bit weights on 8-bit data, depth multiplier 2, with bias: every output
// equals the direct bipolar convolution (all values exact in the types).
TEST(DepthwiseBinary, WeightBinaryMatchesDirectConvolution) {
  const int64_t H = 5, W = 4, C = 3, k = 3, dm = 2, rows = 20;
  const std::vector<double> w = Bipolar(k * k * C * dm, 5);
  std::vector<double> bias;
  for (int64_t i = 0; i < C * dm; ++i) bias.push_back(0.25 * static_cast<double>(i % 5) - 0.5);
  ir::Graph g = DepthwiseGraph(H, W, C, k, dm, "ap_fixed<8,4>", w, bias, "ap_fixed<20,10>");
  ASSERT_TRUE(g.Validate().ok()) << g.Validate().message();
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> d(-127, 127);
  NDArray x;
  x.shape = {rows, H, W, C};
  for (int64_t i = 0; i < rows * H * W * C; ++i) x.data.push_back(d(rng) / 16.0);
  auto y = Predict(g, x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  auto yf = Predict(g, x, Options{.float_mode = true});
  ASSERT_TRUE(yf.ok()) << yf.status().message();
  const int64_t n_in = H * W * C, n_out = (H - k + 1) * (W - k + 1) * C * dm;
  for (int64_t r = 0; r < rows; ++r) {
    const auto want = DirectBipolar(x.data.data() + r * n_in, H, W, C, k, dm, w, bias, [](double v) { return v; });
    for (int64_t i = 0; i < n_out; ++i) {
      ASSERT_EQ(y->data[static_cast<size_t>(r * n_out + i)], want[static_cast<size_t>(i)]) << "row " << r << " output " << i;
      ASSERT_EQ(yf->data[static_cast<size_t>(r * n_out + i)], want[static_cast<size_t>(i)]) << "float row " << r;
    }
  }
}

// 1-bit data and 1-bit weights (XNOR products), 2x2 kernels: n = 4 products
// per output, so (popcount - 2) * 2 = the bipolar sum. The input words are
// the XNOR encoding {0, 1} of {-1, +1}.
TEST(DepthwiseBinary, XnorMatchesBipolarSum) {
  const int64_t H = 4, W = 5, C = 3, k = 2, dm = 1, rows = 20;
  const std::vector<double> w = Bipolar(k * k * C * dm, 17);
  ir::Graph g = DepthwiseGraph(H, W, C, k, dm, "ap_uint<1>", w, {}, "ap_fixed<16,8>");
  ASSERT_TRUE(g.Validate().ok()) << g.Validate().message();
  std::mt19937 rng(23);
  NDArray x;
  x.shape = {rows, H, W, C};
  for (int64_t i = 0; i < rows * H * W * C; ++i) x.data.push_back(static_cast<double>(rng() & 1));
  auto y = Predict(g, x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  const int64_t n_in = H * W * C, n_out = (H - k + 1) * (W - k + 1) * C * dm;
  std::set<double> seen;
  for (int64_t r = 0; r < rows; ++r) {
    const auto want =
        DirectBipolar(x.data.data() + r * n_in, H, W, C, k, dm, w, {}, [](double v) { return v > 0 ? 1.0 : -1.0; });
    for (int64_t i = 0; i < n_out; ++i) {
      ASSERT_EQ(y->data[static_cast<size_t>(r * n_out + i)], want[static_cast<size_t>(i)]) << "row " << r << " output " << i;
      seen.insert(want[static_cast<size_t>(i)]);
    }
  }
  EXPECT_EQ(seen.size(), 5u);  // -4, -2, 0, 2, 4 all occur: varying data
}

}  // namespace
}  // namespace hlsforge::emu
