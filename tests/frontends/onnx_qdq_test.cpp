// ONNX QuantizeLinear / DequantizeLinear (QDQ) in the ONNX frontend, on
// hand-built models. Reference semantics (ONNX operator spec,
// onnx.ai/onnx/operators/onnx__QuantizeLinear.html and
// onnx__DequantizeLinear.html):
//   QuantizeLinear    q = saturate(round_half_to_even(x / y_scale) + y_zero_point)
//                     saturating to int8 [-128, 127] / uint8 [0, 255] (the zero
//                     point's type; no zero point: uint8, 0)
//   DequantizeLinear  y = (q - x_zero_point) * x_scale
// per tensor (scalar scale, opset 10) or per axis (1-D scale along `axis`,
// opset 13).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "backends/hls_test_util.h"
#include "cli/cli_test_util.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "onnx_test_util.h"

using hlsforge::FixedType;
using hlsforge::NDArray;
using hlsforge::Overflow;
using hlsforge::Quant;
using hlsforge::ir::Graph;
using hlsforge::ir::Layer;
using hlsforge::ir::LayerKind;
using TP = onnx::TensorProto;

namespace {

/// A model x [batch, n_in] -> nodes -> y, built node by node.
struct Builder {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  Builder(int opset, int n_in) {
    m.set_ir_version(7);
    auto* os = m.add_opset_import();
    os->set_domain("");
    os->set_version(opset);
    g = m.mutable_graph();
    g->set_name("qdq");
    auto* in = g->add_input();
    in->set_name("x");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(TP::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_param("batch");
    tt->mutable_shape()->add_dim()->set_dim_value(n_in);
  }
  void Floats(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(TP::FLOAT);
    for (int64_t d : shape) t->add_dims(d);
    for (float x : v) t->add_float_data(x);
  }
  /// INT8 / UINT8 / INT16 / INT32 values (int32_data, as the spec stores them).
  void Ints(const std::string& name, int elem, std::vector<int64_t> shape, const std::vector<int>& v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(elem);
    for (int64_t d : shape) t->add_dims(d);
    for (int x : v) t->add_int32_data(x);
  }
  onnx::NodeProto* Node(const std::string& op, const std::vector<std::string>& ins, const std::string& out,
                        const std::string& name = "") {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : ins) n->add_input(i);
    n->add_output(out);
    return n;
  }
  static void IntAttr(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  /// QuantizeLinear -> DequantizeLinear of `in` by initializers `s` and `z`
  /// ("" = no zero point), optional axis; returns the DQ output.
  std::string Qdq(const std::string& in, const std::string& s, const std::string& z, const std::string& tag,
                  std::optional<int64_t> axis = std::nullopt) {
    std::vector<std::string> ins = {in, s};
    if (!z.empty()) ins.push_back(z);
    auto* q = Node("QuantizeLinear", ins, tag + "_q", tag + "_quant");
    ins[0] = tag + "_q";
    auto* d = Node("DequantizeLinear", ins, tag + "_dq", tag + "_dequant");
    if (axis) IntAttr(q, "axis", *axis), IntAttr(d, "axis", *axis);
    return tag + "_dq";
  }
  void Output(const std::string& name) { g->add_output()->set_name(name); }
  std::string Save(const std::string& file) const {
    const auto p = onnx_test::TempDir() / file;
    onnx_test::Write(p, m.SerializeAsString());
    return p.string();
  }
};

Graph Configured(const std::string& path) {
  auto g = hlsforge::flow::LoadConfiguredModel(path, std::string());
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(g).value() : Graph{};
}

/// The spec's Q then DQ of one value.
double OnnxQdq(double x, double s, double zp, double lo, double hi) {
  const double q = std::clamp(std::nearbyint(x / s) + zp, lo, hi);
  return (q - zp) * s;
}

NDArray Rows(const std::vector<float>& v, int64_t n) {
  NDArray x;
  x.shape = {static_cast<int64_t>(v.size()) / n, n};
  x.data.assign(v.begin(), v.end());
  return x;
}

NDArray RandomRows(int rows, int n, double sd, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, sd);
  std::vector<float> v;
  for (int k = 0; k < rows * n; ++k) v.push_back(static_cast<float>(d(rng)));
  return Rows(v, n);
}

FixedType RndSat8(int i, bool s) { return FixedType(8, i, s, Quant::RND_CONV, Overflow::SAT); }

}  // namespace

// ---------------------------------------------------------------- activations

// Scale 2^-4, zero point 0: ap_[u]fixed<8, 8 - 4, AP_RND_CONV, AP_SAT>, one
// Quantize layer; opset 10 and 13, int8 and uint8 (and uint8 by default).
TEST(OnnxQdq, PowerOfTwoPairIsOneFixedPointQuantizer) {
  struct Case {
    int opset;
    int elem;  // 0: no zero point
    bool is_signed;
  };
  for (const Case c : {Case{10, TP::INT8, true}, Case{13, TP::INT8, true}, Case{13, TP::UINT8, false},
                       Case{10, 0, false}}) {
    Builder b(c.opset, 8);
    b.Floats("s", {}, {0.0625f});
    if (c.elem) b.Ints("z", c.elem, {}, {0});
    b.Output(b.Qdq("x", "s", c.elem ? "z" : "", "in"));
    auto g = hlsforge::frontends::LoadOnnx(b.Save("pow2.onnx"));
    ASSERT_TRUE(g.ok()) << g.status().message();
    ASSERT_EQ(g->layers.size(), 2u) << c.opset;
    const Layer& q = g->layers[1];
    EXPECT_EQ(q.kind, LayerKind::Quantize);
    EXPECT_EQ(q.name, "QuantizeLinear_0");
    EXPECT_EQ(q.output, "in_dq");
    EXPECT_NE(std::find(q.aliases.begin(), q.aliases.end(), "in_dequant"), q.aliases.end());
    EXPECT_EQ(q.config.precision.at("result").type, RndSat8(4, c.is_signed)) << c.opset << " " << c.elem;
  }
}

// Hand-worked, scale 2^-4 int8 (values are multiples of 1/16 in [-8, 7.9375]):
//   0.09375 = 1.5/16 -> tie -> 2 (even) -> 0.125;  0.15625 = 2.5/16 -> 2 -> 0.125
//   -0.09375 -> -2 -> -0.125;  1.03125 = 16.5/16 -> 16 -> 1.0;  0.21875 = 3.5/16 -> 4 -> 0.25
//   10 -> 160 -> saturate 127 -> 7.9375;  -10 -> -160 -> -128 -> -8;  0.7 -> 11.2 -> 11 -> 0.6875
// uint8 zero point 0: negatives saturate to 0, 10 -> 160 -> 10.0.
TEST(OnnxQdq, BitExactAndFloatModeMatchTheHandWorkedExample) {
  const std::vector<float> x = {0.09375f, 0.15625f, -0.09375f, 1.03125f, 0.21875f, 10.0f, -10.0f, 0.7f};
  const std::vector<double> want_i8 = {0.125, 0.125, -0.125, 1.0, 0.25, 7.9375, -8.0, 0.6875};
  const std::vector<double> want_u8 = {0.125, 0.125, 0.0, 1.0, 0.25, 10.0, 0.0, 0.6875};
  for (int elem : {TP::INT8, TP::UINT8}) {
    Builder b(13, 8);
    b.Floats("s", {}, {0.0625f});
    b.Ints("z", elem, {}, {0});
    b.Output(b.Qdq("x", "s", "z", "in"));
    Graph g = Configured(b.Save("hand.onnx"));
    ASSERT_FALSE(g.layers.empty());
    const auto& want = elem == TP::INT8 ? want_i8 : want_u8;
    for (bool float_mode : {false, true}) {
      hlsforge::emu::Options o;
      o.float_mode = float_mode;
      auto y = hlsforge::emu::Predict(g, Rows(x, 8), o);
      ASSERT_TRUE(y.ok()) << y.status().message();
      for (size_t k = 0; k < x.size(); ++k) {
        EXPECT_EQ(y->data[k], want[k]) << "x=" << x[k] << " float_mode=" << float_mode << " elem=" << elem;
        EXPECT_EQ(want[k], OnnxQdq(x[k], 0.0625, 0, elem == TP::INT8 ? -128 : 0, elem == TP::INT8 ? 127 : 255));
      }
    }
  }
}

// Non-power-of-two scale / non-zero zero point: the explicit scale of the
// QONNX Quant path (prescale, integer-grid Quantize, postscale). Float mode
// equals the spec formula to 1e-12 on 2000 N(0, 3) values (no exact ties).
TEST(OnnxQdq, ExplicitScaleFloatModeMatchesTheFormula) {
  struct Case {
    int opset, elem, zp;
    float s;
    double lo, hi;
  };
  for (const Case c : {Case{10, TP::UINT8, 128, 0.05f, 0, 255}, Case{13, TP::INT8, 0, 0.1f, -128, 127},
                       Case{13, TP::UINT8, 37, 0.03f, 0, 255}, Case{13, TP::INT8, -5, 0.0625f, -128, 127}}) {
    Builder b(c.opset, 5);
    b.Floats("s", {}, {c.s});
    b.Ints("z", c.elem, {}, {c.zp});
    b.Output(b.Qdq("x", "s", "z", "in"));
    Graph g = Configured(b.Save("explicit.onnx"));
    ASSERT_FALSE(g.layers.empty());
    auto raw = hlsforge::frontends::LoadOnnx(b.Save("explicit.onnx"));
    ASSERT_TRUE(raw.ok());
    ASSERT_EQ(raw->layers.size(), 4u);
    EXPECT_EQ(raw->layers[1].kind, LayerKind::ScaleShift);
    EXPECT_EQ(raw->layers[2].kind, LayerKind::Quantize);
    EXPECT_EQ(raw->layers[3].kind, LayerKind::ScaleShift);
    const NDArray x = RandomRows(400, 5, 3.0, 7);
    hlsforge::emu::Options o;
    o.float_mode = true;
    auto y = hlsforge::emu::Predict(g, x, o);
    ASSERT_TRUE(y.ok()) << y.status().message();
    std::set<double> distinct;
    for (size_t k = 0; k < x.data.size(); ++k) {
      EXPECT_NEAR(y->data[k], OnnxQdq(x.data[k], c.s, c.zp, c.lo, c.hi), 1e-12) << "x=" << x.data[k] << " zp=" << c.zp;
      distinct.insert(y->data[k]);
    }
    EXPECT_GT(distinct.size(), 50u);
    // bit-exact mode: within one quantization step of the formula (the
    // prescale multiplies by 1/scale in fixed point)
    auto yf = hlsforge::emu::Predict(g, x);
    ASSERT_TRUE(yf.ok()) << yf.status().message();
    int64_t off = 0;
    for (size_t k = 0; k < x.data.size(); ++k)
      off += std::fabs(yf->data[k] - OnnxQdq(x.data[k], c.s, c.zp, c.lo, c.hi)) > c.s * 1.01;
    EXPECT_EQ(off, 0) << "zp=" << c.zp;
  }
}

// Per-axis (opset 13, axis 1): scales (1/2, 1/4, 1/8) per channel, int8 and
// uint8; differing power-of-two scales cannot share one saturating type on
// an activation, so the explicit path runs with one scale per channel.
TEST(OnnxQdq, PerAxisActivation) {
  for (int elem : {TP::INT8, TP::UINT8}) {
    Builder b(13, 3);
    b.Floats("s", {3}, {0.5f, 0.25f, 0.125f});
    b.Ints("z", elem, {3}, {0, 0, 0});
    b.Output(b.Qdq("x", "s", "z", "in", 1));
    Graph g = Configured(b.Save("axis.onnx"));
    ASSERT_FALSE(g.layers.empty());
    // 0.75/0.5 = 1.5 -> 2 -> 1.0; 0.375/0.25 = 1.5 -> 2 -> 0.5; 0.3125/0.125 = 2.5 -> 2 -> 0.25
    // 100/0.5 = 200 -> int8 127 -> 63.5 (uint8: 200 -> 100); -1 -> -2 -> -0.5 (uint8: 0); 17 * 0.125 = 2.125
    const std::vector<float> x = {0.75f, 0.375f, 0.3125f, 100.0f, -0.25f, 2.125f};
    const std::vector<double> s = {0.5, 0.25, 0.125};
    const double lo = elem == TP::INT8 ? -128 : 0, hi = elem == TP::INT8 ? 127 : 255;
    hlsforge::emu::Options o;
    o.float_mode = true;
    auto y = hlsforge::emu::Predict(g, Rows(x, 3), o);
    ASSERT_TRUE(y.ok()) << y.status().message();
    for (size_t k = 0; k < x.size(); ++k) EXPECT_DOUBLE_EQ(y->data[k], OnnxQdq(x[k], s[k % 3], 0, lo, hi)) << k;
    EXPECT_EQ(y->data[0], 1.0);
    EXPECT_EQ(y->data[3], elem == TP::INT8 ? 63.5 : 100.0);
  }
}

// ---------------------------------------------------------------- weights

// Gemm(transB) on DequantizeLinear'd int8 weights, per output channel
// (axis 0, scales 2^-3 and 2^-5) and an int32 bias (scale 2^-8): the values
// fold exactly; the weight precision is the common exact type
// ap_fixed<8 + 3 - ... >: integer bits 8 - 3 = 5, fraction bits 5 -> <10,5>.
TEST(OnnxQdq, DequantizedWeightsFoldPerChannel) {
  Builder b(13, 3);
  b.Ints("w", TP::INT8, {2, 3}, {-128, 5, 127, 3, -7, 0});
  b.Floats("ws", {2}, {0.125f, 0.03125f});
  b.Ints("wz", TP::INT8, {2}, {0, 0});
  b.Ints("bq", TP::INT32, {2}, {300, -1});
  b.Floats("bs", {}, {0.00390625f});
  auto* dw = b.Node("DequantizeLinear", {"w", "ws", "wz"}, "w_dq", "w_dequant");
  Builder::IntAttr(dw, "axis", 0);
  b.Node("DequantizeLinear", {"bq", "bs"}, "b_dq", "b_dequant");
  auto* gm = b.Node("Gemm", {"x", "w_dq", "b_dq"}, "y", "fc");
  Builder::IntAttr(gm, "transB", 1);
  b.Output("y");
  auto g = hlsforge::frontends::LoadOnnx(b.Save("weights.onnx"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Layer* d = g->FindLayer("fc");
  ASSERT_NE(d, nullptr);
  const auto* w = d->param("weight");
  ASSERT_NE(w, nullptr);
  // Dense weight layout [n_in, n_out]: w[i][o] = q[o][i] * s[o]
  EXPECT_EQ(w->values, (std::vector<double>{-16.0, 3 * 0.03125, 0.625, -7 * 0.03125, 127 * 0.125, 0.0}));
  EXPECT_EQ(w->type, FixedType(10, 5, true, Quant::RND_CONV, Overflow::SAT));
  const auto* bias = d->param("bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->values, (std::vector<double>{300 / 256.0, -1 / 256.0}));
  EXPECT_EQ(bias->type, FixedType(32, 24, true, Quant::RND_CONV, Overflow::SAT));
}

// uint8 weights with zero point 3, scale 1/2 (opset 10, MatMul): folded
// exactly, (q - 3) / 2 in [-1.5, 126] -> 9-bit signed ap_fixed<9,8>.
TEST(OnnxQdq, DequantizedWeightsWithZeroPointFoldExactly) {
  Builder b(10, 2);
  b.Ints("w", TP::UINT8, {2, 2}, {0, 3, 255, 10});
  b.Floats("ws", {}, {0.5f});
  b.Ints("wz", TP::UINT8, {}, {3});
  b.Node("DequantizeLinear", {"w", "ws", "wz"}, "w_dq");
  b.Node("MatMul", {"x", "w_dq"}, "y", "mm");
  b.Output("y");
  auto g = hlsforge::frontends::LoadOnnx(b.Save("wzp.onnx"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Layer* d = g->FindLayer("mm");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->param("weight")->values, (std::vector<double>{-1.5, 0.0, 126.0, 3.5}));
  EXPECT_EQ(d->param("weight")->type, FixedType(9, 8, true, Quant::RND_CONV, Overflow::SAT));
}

// Conv1D on a channels-first [1, 2, 4] input: per-channel activation Q/DQ
// (axis 1, the channel axis) and per-output-channel int8 weights (axis 0,
// scales 2^-2, 2^-4, 2^-6 -> common type: 8 - 2 = 6 integer bits, 6 fraction
// bits -> ap_fixed<12,6>).
TEST(OnnxQdq, ConvWeightsAndChannelsFirstActivationPerAxis) {
  Builder b(13, 2);
  b.g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(4);
  b.Floats("s", {2}, {0.5f, 0.25f});
  b.Ints("z", TP::INT8, {2}, {0, 0});
  b.Ints("w", TP::INT8, {3, 2, 1}, {-128, 4, 1, -1, 127, 64});
  b.Floats("ws", {3}, {0.25f, 0.0625f, 0.015625f});
  b.Ints("wz", TP::INT8, {3}, {0, 0, 0});
  const std::string a = b.Qdq("x", "s", "z", "in", 1);
  Builder::IntAttr(b.Node("DequantizeLinear", {"w", "ws", "wz"}, "w_dq"), "axis", 0);
  b.Node("Conv", {a, "w_dq"}, "y", "conv");
  b.Output("y");
  auto g = hlsforge::frontends::LoadOnnx(b.Save("conv.onnx"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Layer* c = g->FindLayer("conv");
  ASSERT_NE(c, nullptr);
  std::vector<double> w = c->param("weight")->values;
  std::sort(w.begin(), w.end());
  EXPECT_EQ(w, (std::vector<double>{-32.0, -0.0625, 0.0625, 1.0, 1.0, 1.984375}));
  EXPECT_EQ(c->param("weight")->type, FixedType(12, 6, true, Quant::RND_CONV, Overflow::SAT));
  const Layer* pre = g->FindLayer("QuantizeLinear_0_prescale");
  ASSERT_NE(pre, nullptr);
  EXPECT_EQ(pre->param("scale")->values, (std::vector<double>{2.0, 4.0}));
}

// ---------------------------------------------------------------- errors

TEST(OnnxQdqErrors, BadInputIsALocatedError) {
  auto pair = [](int elem, const std::vector<float>& s, std::vector<int64_t> s_shape) {
    Builder b(13, 4);
    b.Floats("s", s_shape, s);
    b.Ints("z", elem, s_shape, std::vector<int>(s.size(), 0));
    b.Output(b.Qdq("x", "s", "z", "in", 1));
    return b;
  };
  auto expect = [](const Builder& b, const std::string& file, const std::vector<std::string>& parts) {
    const std::string msg = onnx_test::ErrorOf(b.m, file);
    EXPECT_NE(msg.find(file), std::string::npos) << msg;
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  };
  expect(pair(TP::INT8, {0.0f}, {}), "zero.onnx", {"\"in_quant\" (QuantizeLinear)", "'y_scale' must be positive"});
  expect(pair(TP::INT8, {-0.5f}, {}), "neg.onnx", {"\"in_quant\"", "'y_scale' must be positive"});
  expect(pair(TP::INT8, {0.5f, 0.25f, 0.5f}, {3}), "axis.onnx",
         {"\"in_quant\"", "'y_scale' has 3 values, axis 1", "has 4"});
  expect(pair(TP::INT16, {0.5f}, {}), "int16.onnx", {"\"in_quant\"", "INT16", "not supported"});
  {
    Builder b = pair(TP::INT8, {0.5f}, {});
    Builder::IntAttr(b.g->mutable_node(0), "saturate", 1);
    expect(b, "saturate.onnx", {"\"in_quant\"", "'saturate'", "not supported"});
    b = pair(TP::INT8, {0.5f}, {});
    Builder::IntAttr(b.g->mutable_node(1), "block_size", 2);
    expect(b, "block.onnx", {"\"in_dequant\" (DequantizeLinear)", "'block_size'", "not supported"});
  }
  {  // non-constant scale: the scale is computed from the input
    Builder b(13, 4);
    b.Node("Relu", {"x"}, "r");
    b.Node("QuantizeLinear", {"x", "r"}, "q", "q_node");
    b.Node("DequantizeLinear", {"q", "r"}, "y", "dq_node");
    b.Output("y");
    expect(b, "nonconst.onnx", {"\"q_node\" (QuantizeLinear)", "y_scale", "must be a constant"});
  }
  {  // int4 zero point: named where the initializer is read
    Builder b = pair(TP::INT8, {0.5f}, {});
    b.g->mutable_initializer(1)->set_data_type(22);  // INT4 (onnx.proto), newer than some installed headers
    expect(b, "int4.onnx", {"initializer 'z'", "INT4"});
  }
  {  // per-axis on a non-channel axis of an activation: rank 3 [1, 4, 2], axis 2
    Builder b(13, 4);
    b.g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(2);
    b.Floats("s", {2}, {0.5f, 0.25f});
    b.Ints("z", TP::INT8, {2}, {0, 0});
    b.Output(b.Qdq("x", "s", "z", "in", 2));
    expect(b, "chan.onnx", {"\"in_quant\"", "only the channel axis"});
  }
  // the CLI: "hlsforge: <message>", exit status 2
  const auto r = hlsforge::cli_test::RunCli({"inspect", (onnx_test::TempDir() / "zero.onnx").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("hlsforge: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("zero.onnx: node \"in_quant\" (QuantizeLinear): input 'y_scale' must be positive"),
            std::string::npos)
      << r.err;
}

// ---------------------------------------------------------------- C simulation

// One small QDQ MLP (the form of ONNX Runtime's static quantization): input
// Q/DQ int8 2^-4, Gemm on int8 per-channel weights + int32 bias, Relu, Q/DQ
// uint8 2^-3, Gemm, Q/DQ uint8 scale 0.05 zero point 128 (explicit scale).
// The HLS C simulation equals the emulator bit for bit, every layer.
TEST(OnnxQdqHls, CsimMatchesEmulatorOnAQdqMlp) {
  Builder b(13, 6);
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> wq(-128, 127);
  auto ints = [&](int n) {
    std::vector<int> v;
    for (int k = 0; k < n; ++k) v.push_back(wq(rng));
    return v;
  };
  b.Floats("s_in", {}, {0.0625f});
  b.Ints("z_in", TP::INT8, {}, {0});
  b.Ints("w1", TP::INT8, {8, 6}, ints(48));
  b.Floats("w1s", {8}, {0.0078125f, 0.015625f, 0.0078125f, 0.03125f, 0.0078125f, 0.015625f, 0.0078125f, 0.0078125f});
  b.Ints("w1z", TP::INT8, {8}, std::vector<int>(8, 0));
  b.Ints("b1", TP::INT32, {8}, ints(8));
  b.Floats("b1s", {}, {0.00048828125f});
  b.Floats("s_h", {}, {0.125f});
  b.Ints("z_h", TP::UINT8, {}, {0});
  b.Ints("w2", TP::INT8, {4, 8}, ints(32));
  b.Floats("w2s", {}, {0.015625f});
  b.Ints("w2z", TP::INT8, {}, {0});
  b.Floats("s_o", {}, {0.05f});
  b.Ints("z_o", TP::UINT8, {}, {128});
  const std::string x0 = b.Qdq("x", "s_in", "z_in", "in");
  Builder::IntAttr(b.Node("DequantizeLinear", {"w1", "w1s", "w1z"}, "w1_dq"), "axis", 0);
  b.Node("DequantizeLinear", {"b1", "b1s"}, "b1_dq");
  Builder::IntAttr(b.Node("Gemm", {x0, "w1_dq", "b1_dq"}, "h", "fc1"), "transB", 1);
  b.Node("Relu", {"h"}, "hr", "relu1");
  const std::string h = b.Qdq("hr", "s_h", "z_h", "hid");
  b.Node("DequantizeLinear", {"w2", "w2s", "w2z"}, "w2_dq");
  Builder::IntAttr(b.Node("Gemm", {h, "w2_dq"}, "o", "fc2"), "transB", 1);
  b.Output(b.Qdq("o", "s_o", "z_o", "out"));
  Graph g = Configured(b.Save("qdq_mlp.onnx"));
  ASSERT_FALSE(g.layers.empty());
  const NDArray x = RandomRows(64, 6, 2.0, 5);
  auto y = hlsforge::emu::Predict(g, x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  std::set<double> distinct(y->data.begin(), y->data.end());
  EXPECT_GT(distinct.size(), 20u);
  hls_test::ExpectCsimMatchesEmulator(g, x, "qdq_mlp");
}
