// QONNX acceptance, through the CLI's model path
// (flow::LoadConfiguredModel with no config = hls4ml's
// config_from_onnx_model(granularity='name'): the quantizers set the types):
//  * float mode is the source model's float semantics whatever the config and
//    passes did (fold_quantizers, binary_threshold): identical to the float
//    mode of the frontend's graph before any pass;
//  * Keras binary / ternary models: float mode through the CLI path equals
//    the independent Keras float reference;
//  * qkeras_jettagging, TFC_2W2A, bnn_model_fc_1layer: bit-exact trace vs
//    float trace per layer up to the last quantizer -- asserted equal on every
//    layer whose computation is exact in fixed point (inputs exact, every
//    param representable in its type: power-of-two quantizer scales), printed
//    for the others; final outputs' max-abs error vs output_float_* printed
//    next to hls4ml's (output_hls4ml_*), ours asserted <= hls4ml's.
//    qkeras_jettagging and TFC_2W2A (all scales powers of two): every layer up
//    to the last quantizer must be exact -- for TFC_2W2A the BatchNormalization
//    + 2-bit Quant blocks are ternary Thresholds (binary_threshold) -- on the
//    golden inputs and on the 10,000 MNIST test images.
//  Every compared tensor must vary: each asserted layer at least 20 distinct
//  values over the 1,000 rows (binary layers 2, ternary 3), each model output
//  at least 50 (the XNOR output of bnn_model_fc_1layer: 2).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/util/mnist.h"
#include "hlsforge/util/ndarray.h"
#include "../support/varying.h"
#include "test_data.h"

namespace hlsforge::emu {
namespace {

const std::string kShared = hlsforge::test_data::Root();
const std::string kGolden = kShared + "/golden/hls4ml/";

NDArray Rows(const NDArray& a, int64_t n) {
  n = std::min(n, a.rows());
  NDArray r;
  r.shape = a.shape;
  r.shape[0] = n;
  r.data.assign(a.data.begin(), a.data.begin() + n * a.row_size());
  return r;
}

NDArray MustRead(const std::string& path) {
  auto a = ReadNpy(path);
  EXPECT_TRUE(a.ok()) << a.status().message();
  return a.ok() ? *a : NDArray{};
}

ir::Graph MustLoad(const std::string& model, const std::string& config = "") {
  auto g = flow::LoadConfiguredModel(model, config);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(g).value() : ir::Graph{};
}

NDArray MustPredict(const ir::Graph& g, const NDArray& x, bool float_mode) {
  Options o;
  o.float_mode = float_mode;
  auto y = Predict(g, x, o);
  EXPECT_TRUE(y.ok()) << y.status().message();
  return y.ok() ? *y : NDArray{};
}

/// Values that differ by more than double rounding (fold_constants merges a
/// trailing Sub/Div/Mul/Add chain into one scale/shift: same real function,
/// last-ulp differences). Any quantizer decision that flipped is far larger.
int64_t CountDiff(const NDArray& a, const NDArray& b) {
  if (a.data.size() != b.data.size()) return -1;
  int64_t n = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    n += std::fabs(a.data[i] - b.data[i]) > 1e-12 * std::max(1.0, std::fabs(b.data[i]));
  return n;
}

// ---- float mode does not depend on config / passes ------------------------

class FloatIndependent : public ::testing::TestWithParam<std::string> {};

TEST_P(FloatIndependent, SameWithAndWithoutConfigAndPasses) {
  const std::string model = GetParam();
  const std::string dir = kGolden + (model.find('/') == std::string::npos ? model : "TFC_2W2A") + "/";
  const std::string path = model.find('/') == std::string::npos ? dir + "model_clean.onnx" : model;
  NDArray x = MustRead(dir + "input_normal.npy");
  if (path.find("TFC_1W1A") != std::string::npos || path.find("TFC_2W2A") != std::string::npos) {
    x.shape = {x.rows(), 1, 28, 28};
  }
  // 1. the frontend's graph, no config, no pass
  auto raw = frontends::LoadOnnx(path);
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  const NDArray ref = MustPredict(*raw, x, true);
  // 2. the default (no -c) pipeline
  const NDArray dflt = MustPredict(MustLoad(path), x, true);
  // 3. fixed<16,6> everywhere (the old default), full pipeline
  auto g3 = frontends::LoadOnnx(path);
  ASSERT_TRUE(g3.ok());
  ASSERT_TRUE(ir::ApplyConfig(ir::DefaultConfig(), *g3).ok());
  ASSERT_TRUE(passes::RunPipeline(*g3, passes::DefaultPipeline()).ok());
  const NDArray fixed = MustPredict(*g3, x, true);
  EXPECT_EQ(CountDiff(ref, dflt), 0) << path << ": float mode after passes (no -c) differs from the source graph";
  EXPECT_EQ(CountDiff(ref, fixed), 0) << path << ": float mode with a fixed<16,6> config differs";
  std::printf("[float-independent] %s: %lld rows, float identical without passes / with default / with fixed config\n",
              path.c_str(), static_cast<long long>(x.rows()));
}

INSTANTIATE_TEST_SUITE_P(Models, FloatIndependent,
                         ::testing::Values("qkeras_jettagging", "TFC_2W2A", "bnn_model_fc_1layer",
                                           "examples/models/TFC_1W1A.onnx", "examples/models/TFC_2W2A.onnx"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

// ---- Keras binary / ternary float through the CLI path --------------------

class KerasBinaryFloat : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasBinaryFloat, CliPathFloatEqualsKerasReference) {
  const std::string name = GetParam();
  const std::string dir = kShared + "/golden/keras/" + name + "/";
  flow::Options options;
  options.weights_path = kShared + "/models/keras/" + name + "_weights.h5";
  auto g = flow::LoadConfiguredModel(kShared + "/models/keras/" + name + ".json", "", options);
  ASSERT_TRUE(g.ok()) << g.status().message();
  bool has_threshold = false;
  for (const auto& l : g->layers) has_threshold |= l.kind == ir::LayerKind::Threshold;
  EXPECT_TRUE(has_threshold) << "binary_threshold should have rewritten BN + sign";
  const NDArray x = MustRead(dir + "input.npy");
  const NDArray want = MustRead(dir + "output_float.npy");
  const NDArray got = MustPredict(*g, x, true);
  ASSERT_EQ(got.data.size(), want.data.size());
  int64_t bad = 0;
  for (size_t i = 0; i < want.data.size(); ++i)
    if (std::fabs(got.data[i] - want.data[i]) > 1e-5 * std::fabs(want.data[i]) + 1e-12) ++bad;
  EXPECT_EQ(bad, 0) << name << ": " << bad << " float outputs off the Keras reference";
  std::printf("[keras-binary-float] %s: %lld rows, %lld values off\n", name.c_str(),
              static_cast<long long>(want.rows()), static_cast<long long>(bad));
}

INSTANTIATE_TEST_SUITE_P(Models, KerasBinaryFloat,
                         ::testing::Values("KERAS_3layer_binary_smaller", "KERAS_3layer_ternary_small"));

// ---- QONNX acceptance: bit-exact vs float per layer, outputs vs hls4ml ----

/// Rows rounded onto the input type's grid (as the firmware's input_t
/// assignment does), so float and bit-exact start from the same values.
NDArray OnInputGrid(const ir::Graph& g, const NDArray& x) {
  NDArray r = x;
  const FixedType t = *g.tensor(g.inputs[0]).type;
  for (double& v : r.data) v = t.ToDouble(t.Quantize(static_cast<double>(static_cast<float>(v))));
  return r;
}

bool Representable(const ir::Param& p) {
  if (!p.type) return false;
  for (double v : p.values)
    if (p.type->ToDouble(p.type->Quantize(v)) != v) return false;
  return true;
}

double MaxAbs(const NDArray& a, const NDArray& b, bool xnor_to_bipolar_a, bool xnor_to_bipolar_b) {
  double m = 0;
  for (size_t i = 0; i < b.data.size(); ++i) {
    const double x = xnor_to_bipolar_a ? 2 * a.data[i] - 1 : a.data[i];
    const double y = xnor_to_bipolar_b ? 2 * b.data[i] - 1 : b.data[i];
    m = std::max(m, std::fabs(x - y));
  }
  return m;
}

class QonnxAcceptance : public ::testing::TestWithParam<std::string> {};

TEST_P(QonnxAcceptance, ExactUpToLastQuantizerAndCloserThanHls4ml) {
  const std::string model = GetParam();
  const std::string dir = kGolden + model + "/";
  ir::Graph g = MustLoad(dir + "model_clean.onnx");
  ASSERT_FALSE(g.layers.empty());
  const bool bnn = model == "bnn_model_fc_1layer";

  // Last quantizer: the last layer carrying a quantizer (Quantize, a layer a
  // Quant was folded into, a BipolarQuant activation, a Threshold).
  int last_q = -1;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].quant || g.layers[i].kind == ir::LayerKind::Threshold) last_q = static_cast<int>(i);
  ASSERT_GE(last_q, 0);

  NDArray x = Rows(MustRead(dir + "input_normal.npy"), 1000);
  const NDArray xg = OnInputGrid(g, x);
  Options fo;
  fo.float_mode = true;
  auto tb = Trace(g, xg);
  auto tf = Trace(g, xg, fo);
  ASSERT_TRUE(tb.ok()) << tb.status().message();
  ASSERT_TRUE(tf.ok()) << tf.status().message();
  std::set<std::string> exact_tensors = {g.inputs[0]};
  int asserted = 0;
  for (int i = 0; i <= last_q; ++i) {
    const ir::Layer& l = g.layers[static_cast<size_t>(i)];
    bool expect_exact = true;
    for (const auto& in : l.inputs) expect_exact &= exact_tensors.count(in) > 0;
    for (const auto& [k, p] : l.params) expect_exact &= Representable(p);
    switch (l.kind) {
      case ir::LayerKind::Softmax: expect_exact = false; break;
      case ir::LayerKind::Activation:
        expect_exact &= l.activation == ir::ActivationKind::ReLU || l.activation == ir::ActivationKind::Linear ||
                        l.activation == ir::ActivationKind::BinaryTanh;
        break;
      default: break;
    }
    const NDArray& b = tb->at(l.name);
    const NDArray& f = tf->at(l.name);
    ASSERT_EQ(b.data.size(), f.data.size()) << l.name;
    const bool xnor = l.output.empty() ? false : passes::IsXnorTensor(g, l.output);
    int64_t diff = 0;
    for (size_t k = 0; k < b.data.size(); ++k) {
      const double bv = xnor ? 2 * b.data[k] - 1 : b.data[k];
      diff += bv != f.data[k];
    }
    std::printf("[qonnx] %s layer %-28s %-10s %s: %lld / %zu values differ from float\n", model.c_str(),
                l.name.c_str(), ir::ToString(l.kind), expect_exact ? "exact   " : "inexact ",
                static_cast<long long>(diff), b.data.size());
    if (expect_exact) {
      EXPECT_EQ(diff, 0) << model << ": layer " << l.name << " should equal the float value exactly";
      hlsforge::testing::ExpectVarying(b, hlsforge::testing::RequiredDistinct(g, l, 20), model + " layer " + l.name);
      ++asserted;
      if (!l.output.empty()) exact_tensors.insert(l.output);
    }
  }
  EXPECT_GT(asserted, 1) << model << ": no exact layer was checked";
  if (model != "bnn_model_fc_1layer") {  // every scale a power of two: nothing may be inexact
    EXPECT_EQ(asserted, last_q + 1) << model << ": some layer up to the last quantizer is not exact";
  }

  // Final outputs, original (off-grid) inputs, vs the QONNX float reference.
  for (const std::string set : {"normal", "uniform4"}) {
    const NDArray in = MustRead(dir + "input_" + set + ".npy");
    const NDArray ref = MustRead(dir + "output_float_" + set + ".npy");
    const NDArray hls = MustRead(dir + "output_hls4ml_" + set + ".npy");
    const NDArray ours = MustPredict(g, in, false);
    const NDArray ours_f = MustPredict(g, in, true);
    hlsforge::testing::ExpectVarying(ours, hlsforge::testing::RequiredDistinct(g, g.layers.back(), 50),
                                     model + " " + set + " output");
    ASSERT_EQ(ours.data.size(), ref.data.size());
    const double e_ours = MaxAbs(ours, ref, bnn, false);
    const double e_hls = MaxAbs(hls, ref, bnn, false);
    const double e_float = MaxAbs(ours_f, ref, false, false);
    std::printf("[qonnx] %s %s: max-abs error vs output_float: hlsforge bit-exact %.6g, hls4ml %.6g, "
                "hlsforge float %.3g\n", model.c_str(), set.c_str(), e_ours, e_hls, e_float);
    EXPECT_LE(e_ours, e_hls) << model << " " << set;
    EXPECT_LE(e_float, 1e-5 * 16) << model << " " << set << ": float mode vs the QONNX float reference";
  }
}

INSTANTIATE_TEST_SUITE_P(Models, QonnxAcceptance,
                         ::testing::Values("qkeras_jettagging", "TFC_2W2A", "bnn_model_fc_1layer"));

// TFC_2W2A without a config: each BatchNormalization + 2-bit narrow Quant
// (and the input's x*2-1 + Quant) is a ternary Threshold, and every traced
// tensor up to the last quantizer equals the float-mode trace exactly on the
// 10,000 MNIST test images (pixels / 255 on the input grid, as the firmware's
// input_t assignment; 2x-1 stays >= 0.002 away from the +-0.5 ties there, so
// the raw images give the same decisions).
TEST(Tfc2W2A, EveryTensorUpToLastQuantizerExactOnMnist) {
  ir::Graph g = MustLoad(kGolden + "TFC_2W2A/model_clean.onnx");
  int last_q = -1, thresholds = 0;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const ir::Layer& l = g.layers[i];
    if (l.quant || l.kind == ir::LayerKind::Threshold) last_q = static_cast<int>(i);
    thresholds += l.kind == ir::LayerKind::Threshold && l.param("threshold_hi") != nullptr;
    EXPECT_NE(l.kind, ir::LayerKind::Quantize) << l.name << ": Quant left unfolded";
  }
  EXPECT_EQ(thresholds, 4);  // input Quant_4 and the three BN + Quant blocks
  ASSERT_GE(last_q, 0);
  auto images = ReadIdxImages(test_data::Path("data/mnist/t10k-images-idx3-ubyte.gz"));
  ASSERT_TRUE(images.ok()) << images.status().message();
  ASSERT_EQ(images->rows(), 10000);
  Options fo;
  fo.float_mode = true;
  std::map<std::string, int64_t> diff, count;
  const int64_t chunk = 2000;  // traces of 10,000 rows at once would need ~300 MB
  for (int64_t r0 = 0; r0 < images->rows(); r0 += chunk) {
    NDArray x;
    x.shape = {chunk, 28, 28, 1};
    x.data.assign(images->data.begin() + r0 * 784, images->data.begin() + (r0 + chunk) * 784);
    const NDArray xg = OnInputGrid(g, x);
    auto tb = Trace(g, xg);
    auto tf = Trace(g, xg, fo);
    ASSERT_TRUE(tb.ok()) << tb.status().message();
    ASSERT_TRUE(tf.ok()) << tf.status().message();
    for (int i = 0; i <= last_q; ++i) {
      const ir::Layer& l = g.layers[static_cast<size_t>(i)];
      const NDArray& b = tb->at(l.name);
      const NDArray& f = tf->at(l.name);
      ASSERT_EQ(b.data.size(), f.data.size()) << l.name;
      for (size_t k = 0; k < b.data.size(); ++k) diff[l.name] += b.data[k] != f.data[k];
      count[l.name] += static_cast<int64_t>(b.data.size());
    }
  }
  for (int i = 0; i <= last_q; ++i) {
    const std::string& name = g.layers[static_cast<size_t>(i)].name;
    std::printf("[tfc2w2a-mnist] layer %-10s %-10s %lld / %lld values differ from float\n", name.c_str(),
                ir::ToString(g.layers[static_cast<size_t>(i)].kind), static_cast<long long>(diff[name]),
                static_cast<long long>(count[name]));
    EXPECT_EQ(diff[name], 0) << "TFC_2W2A layer " << name << " on MNIST";
  }
}

// With hls4ml's own config (golden hls4ml_config_input.yml: the BN scale and
// bias typed fixed<16,6>, the Model default), the BatchNormalizations stay
// ScaleShifts as in hls4ml, whose C simulation the golden vectors are.
TEST(Tfc2W2A, Hls4mlConfigKeepsBatchNormScaleShifts) {
  const std::string dir = kGolden + "TFC_2W2A/";
  ir::Graph g = MustLoad(dir + "model_clean.onnx", dir + "hls4ml_config_input.yml");
  int scale_shifts = 0, ternary_thresholds = 0;
  for (const auto& l : g.layers) {
    scale_shifts += l.kind == ir::LayerKind::ScaleShift && l.name.rfind("BatchNormalization", 0) == 0;
    ternary_thresholds += l.kind == ir::LayerKind::Threshold;
  }
  EXPECT_EQ(scale_shifts, 3);
  EXPECT_EQ(ternary_thresholds, 0);
}

// ---- alias_param: constants merged into a Dense name their param -----------

std::string AliasKey(const ir::Graph& g, const std::string& layer, const std::string& alias) {
  const ir::Layer* d = g.FindLayer(layer);
  if (!d) return "<no layer>";
  auto it = d->alias_param.find(alias);
  return it == d->alias_param.end() ? std::string("<none>") : it->second;
}

TEST(OnnxAliasParam, QuantAndConstantNamesMapToParams) {
  auto q = frontends::LoadOnnx(kGolden + "qkeras_jettagging/model_clean.onnx");
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(AliasKey(*q, "MatMul_0", "Quant_6"), "weight");   // the weight's quantizer
  EXPECT_EQ(AliasKey(*q, "MatMul_0", "Quant_7"), "bias");
  EXPECT_EQ(AliasKey(*q, "MatMul_0", "Quant_6_param1"), "");  // its scale: no precision of its own
  auto f = frontends::LoadOnnx(kGolden + "three_layer_keras/model_clean.onnx");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(AliasKey(*f, "MatMul_0", "MatMul_0_param0"), "weight");
  EXPECT_EQ(AliasKey(*f, "MatMul_0", "Add_0_param0"), "bias");
}

// TFC_1W1A: BatchNormalizations with negative gammas before BipolarQuant
// become Thresholds (binary_threshold negates those Dense columns), the XNOR
// Dense sums get exact integer types (D = fixed<16,6> would wrap at 784
// products), and the bit-exact network equals float mode on MNIST images.
TEST(Tfc1W1A, BinaryLayersExactOnMnist) {
  ir::Graph g = MustLoad("examples/models/TFC_1W1A.onnx");
  int thresholds = 0;
  for (const auto& l : g.layers) {
    thresholds += l.kind == ir::LayerKind::Threshold;
    EXPECT_NE(l.kind == ir::LayerKind::Activation ? l.activation : ir::ActivationKind::Linear,
              ir::ActivationKind::BinaryTanh)
        << l.name << ": BN + BipolarQuant left unfolded";
  }
  EXPECT_EQ(thresholds, 4);
  auto x = ReadIdxImages("examples/data/mnist/t10k-images-idx3-ubyte.gz");
  ASSERT_TRUE(x.ok()) << x.status().message();
  NDArray xs = Rows(*x, 1000);
  xs.shape = {xs.rows(), 28, 28, 1};
  Options fo;
  fo.float_mode = true;
  auto tb = Trace(g, xs);
  auto tf = Trace(g, xs, fo);
  ASSERT_TRUE(tb.ok()) << tb.status().message();
  ASSERT_TRUE(tf.ok()) << tf.status().message();
  for (const auto& l : g.layers) {
    const NDArray& b = tb->at(l.name);
    const NDArray& f = tf->at(l.name);
    const bool xnor = passes::IsXnorTensor(g, l.output);
    int64_t diff = 0;
    for (size_t k = 0; k < b.data.size(); ++k) diff += (xnor ? 2 * b.data[k] - 1 : b.data[k]) != f.data[k];
    // the input (pixels/255 rounded to input_t; the first Threshold absorbs it)
    // and the final float scale/shift (fixed<16,6> params) are not exact
    if (l.kind == ir::LayerKind::ScaleShift || l.kind == ir::LayerKind::Input) continue;
    EXPECT_EQ(diff, 0) << "TFC_1W1A layer " << l.name;
  }
}

}  // namespace
}  // namespace hlsforge::emu
