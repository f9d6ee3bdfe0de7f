// ONNX convolutional ops through LoadOnnx + float-mode Predict, against
// direct evaluations of the ONNX semantics on channels-first data: Conv
// (SAME_UPPER, strides, explicit pads, depthwise group = C), MaxPool /
// AveragePool (pads, count_include_pad 0/1), GlobalAveragePool, Pad,
// Resize nearest, Concat on channels, Add/Max of two activations; errors
// naming the node for unsupported auto_pad, dilation, group conv, a kernel
// larger than its input.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/passes/pass.h"
#include "../support/varying.h"

namespace hlsforge::emu {
namespace {

namespace fs = std::filesystem;

struct OnnxBuilder {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  explicit OnnxBuilder(std::vector<int64_t> in_shape) {
    m.set_ir_version(7);
    auto* os = m.add_opset_import();
    os->set_domain("");
    os->set_version(13);
    g = m.mutable_graph();
    g->set_name("cnn");
    auto* in = g->add_input();
    in->set_name("x");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : in_shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void Init(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float x : v) t->add_float_data(x);
  }
  void InitInt(const std::string& name, std::vector<int64_t> v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
  }
  onnx::NodeProto* Node(const std::string& op, const std::string& name, std::vector<std::string> ins,
                        const std::string& out) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& s : ins) n->add_input(s);
    n->add_output(out);
    return n;
  }
  static void Ints(onnx::NodeProto* n, const std::string& a, std::vector<int64_t> v) {
    auto* at = n->add_attribute();
    at->set_name(a);
    at->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) at->add_ints(x);
  }
  static void Int(onnx::NodeProto* n, const std::string& a, int64_t v) {
    auto* at = n->add_attribute();
    at->set_name(a);
    at->set_type(onnx::AttributeProto::INT);
    at->set_i(v);
  }
  static void Str(onnx::NodeProto* n, const std::string& a, const std::string& v) {
    auto* at = n->add_attribute();
    at->set_name(a);
    at->set_type(onnx::AttributeProto::STRING);
    at->set_s(v);
  }
  StatusOr<ir::Graph> Load(const std::string& out, const std::string& file) {
    g->add_output()->set_name(out);
    const fs::path p = fs::temp_directory_path() / ("hlsforge_onnx_cnn_" + std::to_string(::getpid()) + "_" + file);
    {
      std::ofstream f(p, std::ios::binary);
      f << m.SerializeAsString();
    }
    auto r = frontends::LoadOnnx(p.string());
    fs::remove(p);
    return r;
  }
};

std::vector<float> Grid(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-16, 16);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng) / 8.0f;
  return v;
}

// NCHW tensor helpers
struct T4 {
  int64_t c, h, w;
  std::vector<double> v;
  double at(int64_t ch, int64_t y, int64_t x) const { return v[(ch * h + y) * w + x]; }
};
NDArray ToIr(const T4& t) {  // one row, channels-last
  NDArray a;
  a.shape = {1, t.h, t.w, t.c};
  for (int64_t y = 0; y < t.h; ++y)
    for (int64_t x = 0; x < t.w; ++x)
      for (int64_t ch = 0; ch < t.c; ++ch) a.data.push_back(t.at(ch, y, x));
  return a;
}
std::vector<double> FromNchw(const std::vector<double>& nchw, int64_t c, int64_t h, int64_t w) {
  std::vector<double> r;
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t ch = 0; ch < c; ++ch) r.push_back(nchw[(ch * h + y) * w + x]);
  return r;
}

T4 Input(int64_t c, int64_t h, int64_t w, unsigned seed) {
  T4 t{c, h, w, {}};
  for (float f : Grid(c * h * w, seed)) t.v.push_back(f);
  return t;
}

// ONNX Conv semantics (NCHW, group), explicit pads [t, l, b, r]
std::vector<double> RefConv(const T4& x, const std::vector<float>& W, int64_t co, int64_t kh, int64_t kw,
                            const std::vector<float>& B, int64_t sh, int64_t sw, std::array<int64_t, 4> p,
                            int64_t group, int64_t& oh, int64_t& ow) {
  oh = (x.h + p[0] + p[2] - kh) / sh + 1;
  ow = (x.w + p[1] + p[3] - kw) / sw + 1;
  const int64_t cig = x.c / group, cog = co / group;
  std::vector<double> y(co * oh * ow);
  for (int64_t o = 0; o < co; ++o)
    for (int64_t yy = 0; yy < oh; ++yy)
      for (int64_t xx = 0; xx < ow; ++xx) {
        double s = B.empty() ? 0 : B[o];
        const int64_t gi = o / cog;
        for (int64_t ci = 0; ci < cig; ++ci)
          for (int64_t ky = 0; ky < kh; ++ky)
            for (int64_t kx = 0; kx < kw; ++kx) {
              const int64_t iy = yy * sh - p[0] + ky, ix = xx * sw - p[1] + kx;
              if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
              s += x.at(gi * cig + ci, iy, ix) * W[((o * cig + ci) * kh + ky) * kw + kx];
            }
        y[(o * oh + yy) * ow + xx] = s;
      }
  return y;
}

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-9) << "element " << i;
}

TEST(OnnxCnn, ConvSameUpperStride2AndDepthwise) {
  for (int64_t group : {1, 3}) {
    const int64_t C = 3, H = 5, W = 6, CO = group == 1 ? 4 : 6, K = 3;
    OnnxBuilder b({1, C, H, W});
    const auto w = Grid(CO * (C / group) * K * K, 2);
    const auto bias = Grid(CO, 3);
    b.Init("W", {CO, C / group, K, K}, w);
    b.Init("B", {CO}, bias);
    auto* n = b.Node("Conv", "my_conv", {"x", "W", "B"}, "y");
    OnnxBuilder::Str(n, "auto_pad", "SAME_UPPER");
    OnnxBuilder::Ints(n, "strides", {2, 2});
    OnnxBuilder::Int(n, "group", group);
    auto g = b.Load("y", "conv.onnx");
    ASSERT_TRUE(g.ok()) << g.status().message();
    ASSERT_TRUE(g->Validate().ok()) << g->Validate().message();
    const ir::Layer* l = g->FindLayer("my_conv");
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->conv->depthwise, group == 3);
    // SAME_UPPER: out = ceil(5/2) = 3, ceil(6/2) = 3; total pads h: (3-1)*2+3-5 = 2 -> 1,1; w: 2+3-6... = 1 -> 0,1
    EXPECT_EQ(l->conv->pad_top, 1);
    EXPECT_EQ(l->conv->pad_bottom, 1);
    EXPECT_EQ(l->conv->pad_left, 0);
    EXPECT_EQ(l->conv->pad_right, 1);
    T4 x = Input(C, H, W, 4);
    int64_t oh, ow;
    auto ref = RefConv(x, w, CO, K, K, bias, 2, 2, {1, 0, 1, 1}, group, oh, ow);
    auto y = Predict(*g, ToIr(x), Options{.float_mode = true});
    ASSERT_TRUE(y.ok()) << y.status().message();
    ExpectNear(y->data, FromNchw(ref, CO, oh, ow));
  }
}

TEST(OnnxCnn, PoolingPadResizeConcatAdd) {
  const int64_t C = 2, H = 4, W = 4;
  OnnxBuilder b({1, C, H, W});
  auto* mp = b.Node("MaxPool", "mp", {"x"}, "a");
  OnnxBuilder::Ints(mp, "kernel_shape", {2, 2});
  OnnxBuilder::Ints(mp, "strides", {2, 2});
  auto* ap = b.Node("AveragePool", "ap", {"x"}, "b");
  OnnxBuilder::Ints(ap, "kernel_shape", {3, 3});
  OnnxBuilder::Ints(ap, "strides", {2, 2});
  OnnxBuilder::Ints(ap, "pads", {1, 1, 1, 1});
  b.Node("Add", "add", {"a", "b"}, "c");          // [1,2,2,2]
  b.Node("Max", "mx", {"a", "c"}, "d");
  b.Node("Concat", "cat", {"c", "d"}, "e");        // axis 1 -> [1,4,2,2]
  b.g->mutable_node(b.g->node_size() - 1)->add_attribute()->CopyFrom([] {
    onnx::AttributeProto a;
    a.set_name("axis");
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(1);
    return a;
  }());
  b.InitInt("pads", {0, 0, 1, 0, 0, 0, 0, 2});
  b.Node("Pad", "pad", {"e", "pads"}, "f");         // [1,4,3,4]
  b.Init("scales", {4}, {1, 1, 2, 1});
  b.Node("Resize", "up", {"f", "", "scales"}, "h");  // [1,4,6,4]
  b.Node("GlobalAveragePool", "gap", {"h"}, "z");    // [1,4,1,1]
  auto g = b.Load("z", "pool.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_TRUE(g->Validate().ok()) << g->Validate().message();
  T4 x = Input(C, H, W, 9);
  auto tr = Trace(*g, ToIr(x), Options{.float_mode = true});
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  // reference, NCHW
  std::vector<double> a(C * 4), bb(C * 4), c(C * 4), d(C * 4);
  for (int64_t ch = 0; ch < C; ++ch)
    for (int64_t oy = 0; oy < 2; ++oy)
      for (int64_t ox = 0; ox < 2; ++ox) {
        double m = -1e9, s = 0;
        int n = 0;
        for (int64_t ky = 0; ky < 2; ++ky)
          for (int64_t kx = 0; kx < 2; ++kx) m = std::max(m, x.at(ch, oy * 2 + ky, ox * 2 + kx));
        for (int64_t ky = 0; ky < 3; ++ky)
          for (int64_t kx = 0; kx < 3; ++kx) {
            const int64_t iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
            if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
            s += x.at(ch, iy, ix);
            ++n;
          }
        const int64_t q = (ch * 2 + oy) * 2 + ox;
        a[q] = m;
        bb[q] = s / n;
        c[q] = a[q] + bb[q];
        d[q] = std::max(a[q], c[q]);
      }
  ExpectNear(tr->at("MaxPool_0").data, FromNchw(a, C, 2, 2));
  ExpectNear(tr->at("AveragePool_0").data, FromNchw(bb, C, 2, 2));
  ExpectNear(tr->at("Add_0").data, FromNchw(c, C, 2, 2));
  std::vector<double> e = c;
  e.insert(e.end(), d.begin(), d.end());  // NCHW concat on channels
  ExpectNear(tr->at("Concat_0").data, FromNchw(e, 4, 2, 2));
  // pad top 1, right 2 -> [4,3,4]; resize h x2 -> [4,6,4]; global average
  std::vector<double> z(4);
  for (int64_t ch = 0; ch < 4; ++ch) {
    double s = 0;
    for (int64_t y = 0; y < 6; ++y)
      for (int64_t xx = 0; xx < 4; ++xx) {
        const int64_t py = y / 2, iy = py - 1;
        s += (iy >= 0 && xx < 2) ? e[(ch * 2 + iy) * 2 + xx] : 0.0;
      }
    z[ch] = s / 24;
  }
  auto y = Predict(*g, ToIr(x), Options{.float_mode = true});
  ASSERT_TRUE(y.ok()) << y.status().message();
  ExpectNear(y->data, z);
}

std::string ConvError(const std::string& attr, int variant) {
  OnnxBuilder b({1, 2, 4, 4});
  const int64_t k = variant == 3 ? 5 : 3;
  b.Init("W", {2, 2, k, k}, std::vector<float>(2 * 2 * k * k, 0.5f));
  auto* n = b.Node("Conv", "bad_conv", {"x", "W"}, "y");
  if (variant == 0) OnnxBuilder::Str(n, "auto_pad", attr);
  if (variant == 1) OnnxBuilder::Ints(n, "dilations", {2, 2});
  auto g = b.Load("y", "bad.onnx");
  EXPECT_FALSE(g.ok());
  return g.ok() ? "" : g.status().message();
}

TEST(OnnxCnn, ErrorsNameTheNode) {
  std::string m = ConvError("SAME_LOWER", 0);
  EXPECT_NE(m.find("bad_conv"), std::string::npos) << m;
  EXPECT_NE(m.find("auto_pad 'SAME_LOWER'"), std::string::npos) << m;
  m = ConvError("", 1);
  EXPECT_NE(m.find("bad_conv"), std::string::npos) << m;
  EXPECT_NE(m.find("dilation 2"), std::string::npos) << m;
  m = ConvError("", 3);
  EXPECT_NE(m.find("bad_conv"), std::string::npos) << m;
  EXPECT_NE(m.find("larger than its input"), std::string::npos) << m;
}

TEST(OnnxCnn, QonnxChannelsLastDomainWithPerChannelScale) {
  // QONNX channels-last Conv (weights [c_out, kh, kw, c_in], NHWC activations)
  // followed by Mul by a per-channel constant [C] (innermost axis).
  const int64_t H = 4, W = 5, C = 2, CO = 3;
  OnnxBuilder b({1, H, W, C});
  const auto w = Grid(CO * 2 * 2 * C, 21);
  b.Init("W", {CO, 2, 2, C}, w);
  b.Init("S", {CO}, {0.5f, -2.0f, 1.5f});
  auto* n = b.Node("Conv", "clconv", {"x", "W"}, "y");
  n->set_domain("qonnx.custom_op.channels_last");
  OnnxBuilder::Ints(n, "kernel_shape", {2, 2});
  OnnxBuilder::Ints(n, "pads", {0, 1, 1, 0});
  b.Node("Mul", "scale", {"y", "S"}, "z");
  auto g = b.Load("z", "cl.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_TRUE(g->Validate().ok()) << g->Validate().message();
  // reference: the same conv in NCHW terms
  T4 x = Input(C, H, W, 22);
  std::vector<float> wcf(w.size());  // [co, kh, kw, ci] -> [co, ci, kh, kw]
  for (int64_t o = 0; o < CO; ++o)
    for (int64_t y = 0; y < 2; ++y)
      for (int64_t xx = 0; xx < 2; ++xx)
        for (int64_t ci = 0; ci < C; ++ci) wcf[((o * C + ci) * 2 + y) * 2 + xx] = w[((o * 2 + y) * 2 + xx) * C + ci];
  int64_t oh, ow;
  auto ref = RefConv(x, wcf, CO, 2, 2, {}, 1, 1, {0, 1, 1, 0}, 1, oh, ow);
  const double sc[3] = {0.5, -2.0, 1.5};
  for (int64_t o = 0; o < CO; ++o)
    for (int64_t q = 0; q < oh * ow; ++q) ref[o * oh * ow + q] *= sc[o];
  auto yv = Predict(*g, ToIr(x), Options{.float_mode = true});
  ASSERT_TRUE(yv.ok()) << yv.status().message();
  ExpectNear(yv->data, FromNchw(ref, CO, oh, ow));
}

TEST(OnnxCnn, GroupConvOtherThanDepthwiseFails) {
  OnnxBuilder b({1, 4, 4, 4});
  b.Init("W", {4, 2, 3, 3}, std::vector<float>(72, 0.5f));
  auto* n = b.Node("Conv", "grouped", {"x", "W"}, "y");
  OnnxBuilder::Int(n, "group", 2);
  auto g = b.Load("y", "group.onnx");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("grouped"), std::string::npos) << g.status().message();
  EXPECT_NE(g.status().message().find("group convolution"), std::string::npos) << g.status().message();
}

}  // namespace
}  // namespace hlsforge::emu

namespace hlsforge::emu {
namespace {

// PyTorch pattern: Conv (NCHW) -> Flatten -> Gemm, and Conv -> Flatten as the
// model output. The Flatten keeps ONNX's channels-first element order; the
// fold_flatten_order pass moves that permutation into the Gemm weights.
TEST(OnnxCnn, ChannelsFirstFlattenIntoGemmAndAsOutput) {
  const int64_t C = 2, H = 4, W = 3, CO = 3, K = 2, N = 5;
  for (bool gemm : {true, false}) {
    SCOPED_TRACE(gemm ? "flatten -> gemm" : "flatten as output");
    OnnxBuilder b({1, C, H, W});
    const auto w = Grid(CO * C * K * K, 11);
    const auto bias = Grid(CO, 12);
    b.Init("W", {CO, C, K, K}, w);
    b.Init("B", {CO}, bias);
    b.Node("Conv", "conv", {"x", "W", "B"}, "c");
    b.Node("Flatten", "flatten", {"c"}, "f");
    const int64_t oh = H - K + 1, ow = W - K + 1, nf = CO * oh * ow;
    const auto gw = Grid(N * nf, 13);
    const auto gb = Grid(N, 14);
    if (gemm) {
      b.Init("GW", {N, nf}, gw);
      b.Init("GB", {N}, gb);
      OnnxBuilder::Int(b.Node("Gemm", "fc", {"f", "GW", "GB"}, "y"), "transB", 1);
    }
    auto g = b.Load(gemm ? "y" : "f", gemm ? "cf_gemm.onnx" : "cf_flat.onnx");
    ASSERT_TRUE(g.ok()) << g.status().message();
    EXPECT_TRUE(g->input_channels_first);
    const ir::Layer* fl = g->FindLayer("flatten");
    ASSERT_NE(fl, nullptr);
    EXPECT_TRUE(fl->flatten_channels_first);
    // Reference: ONNX semantics on NCHW data.
    T4 x = Input(C, H, W, 15);
    int64_t rh, rw;
    const auto conv = RefConv(x, w, CO, K, K, bias, 1, 1, {0, 0, 0, 0}, 1, rh, rw);  // NCHW order = flatten order
    std::vector<double> ref = conv;
    if (gemm) {
      ref.assign(N, 0.0);
      for (int64_t j = 0; j < N; ++j) {
        ref[j] = gb[j];
        for (int64_t i = 0; i < nf; ++i) ref[j] += conv[i] * gw[j * nf + i];
      }
    }
    auto y = Predict(*g, ToIr(x), Options{.float_mode = true});
    ASSERT_TRUE(y.ok()) << y.status().message();
    ExpectNear(y->data, ref);
    // After the default pipeline: folded into the Gemm (or kept when it is the output).
    ASSERT_TRUE(passes::RunPipeline(*g, passes::DefaultPipeline()).ok());
    bool still = false;
    for (const auto& l : g->layers) still = still || l.flatten_channels_first;
    EXPECT_EQ(still, !gemm);
    auto y2 = Predict(*g, ToIr(x), Options{.float_mode = true});
    ASSERT_TRUE(y2.ok()) << y2.status().message();
    ExpectNear(y2->data, ref);
    // The bit-exact path equals the float result exactly: inputs and weights
    // lie on the 1/8 grid, which the default fixed<16,6> holds (|v| <= 2),
    // and the `auto` accumulators and results (Conv ap_fixed<36,16>, Gemm
    // ap_fixed<58,28>) are wide enough for every product and sum.
    auto y3 = Predict(*g, ToIr(x));
    ASSERT_TRUE(y3.ok()) << y3.status().message();
    ASSERT_EQ(y3->data.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_EQ(y3->data[i], ref[i]) << i;
    hlsforge::testing::ExpectVarying(*y3, static_cast<int64_t>(ref.size()) / 2, "bit-exact outputs");
  }
}

}  // namespace
}  // namespace hlsforge::emu
